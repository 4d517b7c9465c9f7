/* SuperH, either byte order: the system call probe (see README in this
 * directory).  trapa #0x10+nargs, number in r3 (write 4, exit 1),
 * arguments r4-r7, r0, r1, result r0; r8-r14 survive.  mova needs a 4-byte
 * aligned target. */
	.text
	.globl _start
_start:
	mova	data, r0
	mov	r0, r8
	mov.l	@(4,r8), r9		! the number of entries
	mov	r8, r10
	add	#8, r10			! the first entry
	mov	#4, r3			! write(1, data, 8): the header
	mov	#1, r4
	mov	r8, r5
	mov	#8, r6
	trapa	#0x13
	add	#-16, r15
1:	tst	r9, r9
	bt	2f
	mov.l	@r10, r3
	mov.l	@(4,r10), r4
	mov.l	@(8,r10), r5
	mov.l	@(12,r10), r6
	mov.l	@(16,r10), r7
	mov.l	@(24,r10), r1
	mov.l	@(20,r10), r0
	trapa	#0x16
	mov.l	@r10, r1		! the record: number, result, 0
	mov.l	r1, @r15
	mov.l	r0, @(4,r15)
	mov	#0, r1
	mov.l	r1, @(8,r15)
	mov	#4, r3
	mov	#1, r4
	mov	r15, r5
	mov	#12, r6
	trapa	#0x13
	add	#28, r10
	bra	1b
	add	#-1, r9			! (the delay slot)
2:	mov	#1, r3
	mov	#0, r4
	trapa	#0x11
	.balign	8
data:
