/* AArch64 (either byte order; instructions are always little-endian):
 * write(1, msg, len); exit(0).  svc #0, number in x8 (write 64, exit 93). */
	.text
	.globl _start
_start:
	mov	x0, #1
	adr	x1, msg
	mov	x2, #(msg_end - msg)
	mov	x8, #64
	svc	#0
	mov	x0, #0
	mov	x8, #93
	svc	#0
msg:	TOKEN
msg_end:
