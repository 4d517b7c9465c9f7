/* Alpha: the system call probe (see README in this directory).  callsys,
 * number in $0 (write 4, exit 1), arguments $16-$21, result $0 with $19
 * (a3) set on error; the PALcode call clobbers the temporaries, $9-$14
 * survive.  br puts the address of the next instruction in $1. */
	.set	noat
	.text
	.globl _start
_start:
	br	$1, 1f
1:	lda	$9, data - 1b($1)
	ldq	$10, 8($9)		# the number of entries
	lda	$11, 16($9)		# the first entry
	lda	$0, 4($31)		# write(1, data, 16): the header
	lda	$16, 1($31)
	mov	$9, $17
	lda	$18, 16($31)
	callsys
	lda	$30, -32($30)
2:	beq	$10, 3f
	ldq	$0, 0($11)
	ldq	$16, 8($11)
	ldq	$17, 16($11)
	ldq	$18, 24($11)
	ldq	$19, 32($11)
	ldq	$20, 40($11)
	ldq	$21, 48($11)
	callsys
	ldq	$1, 0($11)		# the record: number, result, a3
	stq	$1, 0($30)
	stq	$0, 8($30)
	stq	$19, 16($30)
	lda	$0, 4($31)
	lda	$16, 1($31)
	mov	$30, $17
	lda	$18, 24($31)
	callsys
	lda	$11, 56($11)
	subq	$10, 1, $10
	br	2b
3:	lda	$0, 1($31)
	mov	$31, $16
	callsys
	.balign	8
data:
