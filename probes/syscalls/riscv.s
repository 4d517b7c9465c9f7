/* RISC-V, 32 and 64 bits: the system call probe (see README in this
 * directory).  ecall, number in a7 (write 64, exit 93), arguments a0-a5,
 * result a0; s1-s3 survive.  GAS leaves lla to the linker (generate.sh
 * links this one).  W is the word size (4 or 8, from the generator). */
	.macro	LOADW rd, d, base
	.if	W == 8
	ld	\rd, \d(\base)
	.else
	lw	\rd, \d(\base)
	.endif
	.endm
	.macro	STOREW rs, d, base
	.if	W == 8
	sd	\rs, \d(\base)
	.else
	sw	\rs, \d(\base)
	.endif
	.endm
	.option	norelax
	.text
	.globl _start
_start:
	lla	s1, data
	LOADW	s2, W, s1		# the number of entries
	addi	s3, s1, 2*W		# the first entry
	li	a0, 1			# write(1, data, 2W): the header
	mv	a1, s1
	li	a2, 2*W
	li	a7, 64
	ecall
	addi	sp, sp, -32
1:	beqz	s2, 2f
	LOADW	a7, 0, s3
	LOADW	a0, W, s3
	LOADW	a1, 2*W, s3
	LOADW	a2, 3*W, s3
	LOADW	a3, 4*W, s3
	LOADW	a4, 5*W, s3
	LOADW	a5, 6*W, s3
	ecall
	LOADW	t0, 0, s3		# the record: number, result, 0
	STOREW	t0, 0, sp
	STOREW	a0, W, sp
	STOREW	zero, 2*W, sp
	li	a0, 1
	mv	a1, sp
	li	a2, 3*W
	li	a7, 64
	ecall
	addi	s3, s3, 7*W
	addi	s2, s2, -1
	j	1b
2:	li	a0, 0
	li	a7, 93
	ecall
	.balign	8
data:
