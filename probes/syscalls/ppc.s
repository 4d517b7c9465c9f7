/* PowerPC, 32 and 64 bits, either byte order: the system call probe (see
 * README in this directory).  sc (never scv: QEMU's user mode aborts on
 * it), number in r0 (write 4, exit 1), arguments r3-r8, result r3 with
 * CR0.SO set on error (the record holds the whole CR); r14-r31 survive.
 * W is the word size (4 or 8, from the generator). */
	.macro	LOADW rt, d, ra
	.if	W == 8
	ld	\rt, \d(\ra)
	.else
	lwz	\rt, \d(\ra)
	.endif
	.endm
	.macro	STOREW rs, d, ra
	.if	W == 8
	std	\rs, \d(\ra)
	.else
	stw	\rs, \d(\ra)
	.endif
	.endm
	.text
	.globl _start
_start:
	bl	1f
1:	mflr	14
	addi	14, 14, data - 1b
	LOADW	15, W, 14		# the number of entries
	addi	16, 14, 2*W		# the first entry
	li	0, 4			# write(1, data, 2W): the header
	li	3, 1
	mr	4, 14
	li	5, 2*W
	sc
	addi	1, 1, -64
2:	cmpwi	15, 0
	beq	3f
	LOADW	0, 0, 16
	LOADW	3, W, 16
	LOADW	4, 2*W, 16
	LOADW	5, 3*W, 16
	LOADW	6, 4*W, 16
	LOADW	7, 5*W, 16
	LOADW	8, 6*W, 16
	sc
	mfcr	17
	LOADW	0, 0, 16		# the record: number, result, CR
	STOREW	0, 0, 1
	STOREW	3, W, 1
	STOREW	17, 2*W, 1
	li	0, 4
	li	3, 1
	mr	4, 1
	li	5, 3*W
	sc
	addi	16, 16, 7*W
	addi	15, 15, -1
	b	2b
3:	li	0, 1
	li	3, 0
	sc
	.balign	8
data:
