/* MIPS, every ABI: write(1, msg, len); exit(0).  syscall, number in $2; the
 * numbers differ by ABI (o32 4004/4001, n64 5001/5058, n32 6001/6058) and
 * come from the generator (NR_write, NR_exit).  bal leaves the address after
 * its delay slot in $31. */
	.set	noreorder
	.text
	.globl _start
_start:
	bal	1f
	nop
1:	addiu	$5, $31, msg - 1b
	li	$4, 1
	li	$6, msg_end - msg
	li	$2, NR_write
	syscall
	li	$4, 0
	li	$2, NR_exit
	syscall
msg:	TOKEN
msg_end:
