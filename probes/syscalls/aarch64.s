/* AArch64 (either byte order: instructions are little-endian, data the
 * target's): the system call probe (see README in this directory).
 * svc #0, number in x8 (write 64, exit 93), arguments x0-x5, result x0;
 * x19-x22 survive every call. */
	.text
	.globl _start
_start:
	adr	x19, data
	ldr	x20, [x19, #8]		// the number of entries
	add	x21, x19, #16		// the first entry
	mov	x0, #1			// write(1, data, 16): the header
	mov	x1, x19
	mov	x2, #16
	mov	x8, #64
	svc	#0
	sub	sp, sp, #32
1:	cbz	x20, 2f
	ldp	x8, x0, [x21]
	ldp	x1, x2, [x21, #16]
	ldp	x3, x4, [x21, #32]
	ldr	x5, [x21, #48]
	svc	#0
	ldr	x8, [x21]		// the record: number, result, 0
	stp	x8, x0, [sp]
	str	xzr, [sp, #16]
	mov	x0, #1
	mov	x1, sp
	mov	x2, #24
	mov	x8, #64
	svc	#0
	add	x21, x21, #56
	sub	x20, x20, #1
	b	1b
2:	mov	x0, #0
	mov	x8, #93
	svc	#0
	.balign	8
data:
