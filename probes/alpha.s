/* Alpha: write(1, msg, len); exit(0).  callsys, number in $0 (write 4, exit 1),
 * arguments in $16-$18; br puts the address of the next instruction in $1. */
	.set	noat
	.text
	.globl _start
_start:
	br	$1, 1f
1:	lda	$17, msg - 1b($1)
	lda	$16, 1($31)
	lda	$18, msg_end - msg($31)
	lda	$0, 4($31)
	callsys
	mov	$31, $16
	lda	$0, 1($31)
	callsys
msg:	TOKEN
msg_end:
