/* Xtensa, little-endian: write(1, msg, len); exit(0).  syscall, number in a2
 * (Xtensa's own table: write 13, exit 118), arguments in a6, a3, a4.
 * call0 leaves its own address + 3 in a0 and jumps to a 4-byte aligned
 * target (the byte between is never executed); GNU as takes no label
 * difference in addi, so the message's offset is a constant (MSG) that .org
 * holds to.  no-transform: exactly these instructions, none widened or
 * narrowed.  xtensa.hex is the same program for big-endian cores. */
	.equ	MSG, 28
	.text
	.begin	no-transform
	.globl _start
_start:
	call0	1f
	.byte	0
1:	addi	a3, a0, MSG - 3
	movi	a6, 1
	movi	a4, TOKEN_LEN
	movi	a2, 13
	syscall
	movi	a6, 0
	movi	a2, 118
	syscall
	.end	no-transform
	.org	MSG
msg:	TOKEN
msg_end:
