/* LoongArch64: the system call probe (see README in this directory).
 * syscall 0, number in $a7 (write 64, exit 93), arguments $a0-$a5, result
 * $a0; the kernel may clobber $t0-$t8, $s0-$s2 survive.  pcaddi adds its
 * immediate times 4 to its own address; LLVM's assembler takes no label
 * difference there, so the data's offset is a constant (DATA) that .org
 * holds to: an error if the code grows past it. */
	.equ	DATA, 136
	.text
	.globl _start
_start:
	pcaddi	$s0, DATA >> 2
	ld.d	$s1, $s0, 8		# the number of entries
	addi.d	$s2, $s0, 16		# the first entry
	ori	$a0, $zero, 1		# write(1, data, 16): the header
	or	$a1, $s0, $zero
	ori	$a2, $zero, 16
	ori	$a7, $zero, 64
	syscall	0
	addi.d	$sp, $sp, -32
1:	beqz	$s1, 2f
	ld.d	$a7, $s2, 0
	ld.d	$a0, $s2, 8
	ld.d	$a1, $s2, 16
	ld.d	$a2, $s2, 24
	ld.d	$a3, $s2, 32
	ld.d	$a4, $s2, 40
	ld.d	$a5, $s2, 48
	syscall	0
	ld.d	$t0, $s2, 0		# the record: number, result, 0
	st.d	$t0, $sp, 0
	st.d	$a0, $sp, 8
	st.d	$zero, $sp, 16
	ori	$a0, $zero, 1
	or	$a1, $sp, $zero
	ori	$a2, $zero, 24
	ori	$a7, $zero, 64
	syscall	0
	addi.d	$s2, $s2, 56
	addi.d	$s1, $s1, -1
	b	1b
2:	ori	$a0, $zero, 0
	ori	$a7, $zero, 93
	syscall	0
	.org	DATA
data:
