/* 32-bit ARM, ARM state, EABI: the system call probe (see README in this
 * directory).  svc #0, number in r7 (write 4, exit 1), arguments r0-r5,
 * result r0.  armeb uses the same little-endian code (BE8): its loads and
 * stores of data are big-endian. */
	.text
	.arm
	.globl _start
_start:
	adr	r8, data
	ldr	r9, [r8, #4]		@ the number of entries
	add	r10, r8, #8		@ the first entry
	mov	r6, #0
	mov	r0, #1			@ write(1, data, 8): the header
	mov	r1, r8
	mov	r2, #8
	mov	r7, #4
	svc	#0
	sub	sp, sp, #16
1:	cmp	r9, #0
	beq	2f
	ldr	r7, [r10]
	ldmib	r10, {r0-r5}
	svc	#0
	ldr	r7, [r10]		@ the record: number, result, 0
	str	r7, [sp]
	str	r0, [sp, #4]
	str	r6, [sp, #8]
	mov	r0, #1
	mov	r1, sp
	mov	r2, #12
	mov	r7, #4
	svc	#0
	add	r10, r10, #28
	sub	r9, r9, #1
	b	1b
2:	mov	r0, #0
	mov	r7, #1
	svc	#0
	.balign	8
data:
