/* m68k: write(1, msg, len); exit(0).  trap #0, number in %d0 (write 4, exit 1),
 * arguments in %d1-%d3. */
	.text
	.globl _start
_start:
	moveq	#4, %d0
	moveq	#1, %d1
	lea	%pc@(msg), %a0
	move.l	%a0, %d2
	moveq	#(msg_end - msg), %d3
	trap	#0
	moveq	#1, %d0
	moveq	#0, %d1
	trap	#0
msg:	TOKEN
msg_end:
