/* 32-bit ARM, ARM state, EABI: write(1, msg, len); exit(0).  svc #0, number in r7
 * (write 4, exit 1).  armeb uses the same little-endian code (BE8). */
	.text
	.arm
	.globl _start
_start:
	mov	r0, #1
	adr	r1, msg
	mov	r2, #(msg_end - msg)
	mov	r7, #4
	svc	#0
	mov	r0, #0
	mov	r7, #1
	svc	#0
msg:	TOKEN
msg_end:
