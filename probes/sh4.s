/* SuperH, either byte order: write(1, msg, len); exit(0).  trapa #0x10+nargs,
 * number in r3 (write 4, exit 1), arguments in r4-r6; mova needs a 4-byte
 * aligned target. */
	.text
	.globl _start
_start:
	mov	#4, r3
	mov	#1, r4
	mova	msg, r0
	mov	r0, r5
	mov	#(msg_end - msg), r6
	trapa	#0x13
	mov	#1, r3
	mov	#0, r4
	trapa	#0x11
	.balign	4
msg:	TOKEN
msg_end:
