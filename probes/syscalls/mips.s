/* MIPS, every ABI: the system call probe (see README in this directory).
 * syscall, number in $2 (NR_write, NR_exit from the generator: o32
 * 4004/4001, n64 5001/5058, n32 6001/6058), arguments $4-$7 and, for n32
 * and n64, $8 and $9, result $2 with $7 (a3) set on error; o32 passes
 * arguments 5 and 6 on the stack, at sp + 16 and sp + 20 (O32 from the
 * generator).  The kernel may clobber the temporaries; $16-$23 survive.
 * W is the word size (4 for o32 and n32, whose longs are 32 bits; 8 for
 * n64).  bal leaves the address after its delay slot in $31. */
	.macro	LOADW rt, d, base
	.if	W == 8
	ld	\rt, \d(\base)
	.else
	lw	\rt, \d(\base)
	.endif
	.endm
	.macro	STOREW rt, d, base
	.if	W == 8
	sd	\rt, \d(\base)
	.else
	sw	\rt, \d(\base)
	.endif
	.endm
	.macro	ADDIUW rt, rs, imm
	.if	W == 8
	daddiu	\rt, \rs, \imm
	.else
	addiu	\rt, \rs, \imm
	.endif
	.endm
	.set	noreorder
	.text
	.globl _start
_start:
	bal	1f
	nop
1:	ADDIUW	$16, $31, data - 1b
	LOADW	$17, W, $16		# the number of entries
	ADDIUW	$18, $16, 2*W		# the first entry
	li	$2, NR_write		# write(1, data, 2W): the header
	li	$4, 1
	move	$5, $16
	li	$6, 2*W
	syscall
	ADDIUW	$29, $29, -48
2:	beqz	$17, 3f
	nop
	LOADW	$2, 0, $18
	LOADW	$4, W, $18
	LOADW	$5, 2*W, $18
	LOADW	$6, 3*W, $18
	LOADW	$7, 4*W, $18
	.if	O32
	lw	$8, 20($18)
	sw	$8, 16($29)
	lw	$8, 24($18)
	sw	$8, 20($29)
	.else
	LOADW	$8, 5*W, $18
	LOADW	$9, 6*W, $18
	.endif
	syscall
	LOADW	$8, 0, $18		# the record: number, result, a3
	STOREW	$8, 24, $29
	STOREW	$2, 24+W, $29
	STOREW	$7, 24+2*W, $29
	li	$2, NR_write
	li	$4, 1
	ADDIUW	$5, $29, 24
	li	$6, 3*W
	syscall
	ADDIUW	$18, $18, 7*W
	b	2b
	addiu	$17, $17, -1		# (the delay slot)
3:	li	$2, NR_exit
	li	$4, 0
	syscall
	.balign	16			# GAS pads a MIPS section to 16 bytes
data:
