/* Hexagon: write(1, msg, len); exit(0).  trap0(#1), number in r6 (the
 * generic table: write 64, exit 93), arguments in r0-r2.  Each instruction
 * is a packet of its own.  add(pc, #u6) adds to the address of its packet;
 * LLVM's assembler turns a label in it into an extended immediate and a
 * relocation, so the message's offset is a constant (MSG) that .org holds
 * to: an error if the code grows past it. */
	.equ	MSG, 32
	.text
	.globl _start
_start:
	r1 = add(pc, #MSG)
	r0 = #1
	r2 = #TOKEN_LEN
	r6 = #64
	trap0(#1)
	r0 = #0
	r6 = #93
	trap0(#1)
	.org	MSG
msg:	TOKEN
msg_end:
