/* SPARC, 32 and 64 bits: write(1, msg, len); exit(0).  ta TRAP (0x10 for the
 * 32-bit ABI, 0x6d for the 64-bit one, from the generator), number in %g1
 * (write 4, exit 1), arguments in %o0-%o2.  call leaves its own address in %o7. */
	.text
	.globl _start
_start:
	call	1f
	nop
1:	add	%o7, msg - _start, %o1
	mov	1, %o0
	mov	msg_end - msg, %o2
	mov	4, %g1
	ta	TRAP
	mov	0, %o0
	mov	1, %g1
	ta	TRAP
msg:	TOKEN
msg_end:
