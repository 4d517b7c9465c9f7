/* Xtensa, little-endian: the system call probe (see README in this
 * directory).  syscall, number in a2 (Xtensa's own table: write 13, exit
 * 118), arguments a6 a3 a4 a5 a8 a9, result a2; a12-a14 survive.  call0
 * leaves its own address + 3 in a0 and jumps to a 4-byte aligned target
 * (the byte between is never executed); GNU as takes no label difference
 * in movi, so the data's offset is a constant (DATA) that .org holds to.
 * no-transform: exactly these instructions, none widened or narrowed.
 * xtensa.hex is the same program for big-endian cores. */
	.equ	DATA, 112
	.text
	.begin	no-transform
	.globl _start
_start:
	call0	1f
	.byte	0
1:	movi	a12, DATA - 3
	add	a12, a12, a0
	l32i	a13, a12, 4		# the number of entries
	addi	a14, a12, 8		# the first entry
	movi	a6, 1			# write(1, data, 8): the header
	or	a3, a12, a12
	movi	a4, 8
	movi	a2, 13
	syscall
	addi	a1, a1, -16
2:	beqz	a13, 3f
	l32i	a2, a14, 0
	l32i	a6, a14, 4
	l32i	a3, a14, 8
	l32i	a4, a14, 12
	l32i	a5, a14, 16
	l32i	a8, a14, 20
	l32i	a9, a14, 24
	syscall
	l32i	a7, a14, 0		# the record: number, result, 0
	s32i	a7, a1, 0
	s32i	a2, a1, 4
	movi	a7, 0
	s32i	a7, a1, 8
	movi	a6, 1
	or	a3, a1, a1
	movi	a4, 12
	movi	a2, 13
	syscall
	addi	a14, a14, 28
	addi	a13, a13, -1
	j	2b
3:	movi	a6, 0
	movi	a2, 118
	syscall
	.end	no-transform
	.org	DATA
data:
