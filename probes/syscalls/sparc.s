/* SPARC, 32 and 64 bits: the system call probe (see README in this
 * directory).  ta TRAP (0x10 for the 32-bit ABI, 0x6d for the 64-bit one),
 * number in %g1 (write 4, exit 1), arguments %o0-%o5, result %o0 with the
 * carry set on error: the icc carry for the 32-bit ABI, the xcc carry for
 * the 64-bit one, which the record holds as 0 or 1.  The locals survive.
 * The record goes where argc was: past the register window save area and
 * the six argument words the initial frame reserves (%sp + 64, or
 * %sp + 2047 + 128 with the 64-bit ABI's stack bias), which no window
 * spill writes.  W is the word size (4 or 8, from the generator). */
	.macro	LOADW addr, rd
	.if	W == 8
	ldx	\addr, \rd
	.else
	ld	\addr, \rd
	.endif
	.endm
	.macro	STOREW rs, addr
	.if	W == 8
	stx	\rs, \addr
	.else
	st	\rs, \addr
	.endif
	.endm
	.if	W == 8
	.equ	REC, 2047 + 128
	.else
	.equ	REC, 64
	.endif
	.text
	.globl _start
_start:
	call	1f
	nop
1:	add	%o7, data - _start, %l0
	LOADW	[%l0 + W], %l1		! the number of entries
	add	%l0, 2*W, %l2		! the first entry
	mov	4, %g1			! write(1, data, 2W): the header
	mov	1, %o0
	mov	%l0, %o1
	mov	2*W, %o2
	ta	TRAP
2:	cmp	%l1, 0
	be	3f
	nop
	LOADW	[%l2], %g1
	LOADW	[%l2 + W], %o0
	LOADW	[%l2 + 2*W], %o1
	LOADW	[%l2 + 3*W], %o2
	LOADW	[%l2 + 4*W], %o3
	LOADW	[%l2 + 5*W], %o4
	LOADW	[%l2 + 6*W], %o5
	ta	TRAP
	.if	W == 8
	clr	%l3
	movcs	%xcc, 1, %l3
	.else
	addx	%g0, 0, %l3
	.endif
	LOADW	[%l2], %l4		! the record: number, result, carry
	STOREW	%l4, [%sp + REC]
	STOREW	%o0, [%sp + REC + W]
	STOREW	%l3, [%sp + REC + 2*W]
	mov	4, %g1
	mov	1, %o0
	add	%sp, REC, %o1
	mov	3*W, %o2
	ta	TRAP
	add	%l2, 7*W, %l2
	ba	2b
	sub	%l1, 1, %l1		! (the delay slot)
3:	mov	1, %g1
	mov	0, %o0
	ta	TRAP
	.balign	8
data:
