/* m68k: the system call probe (see README in this directory).  trap #0,
 * number in %d0 (write 4, exit 1), arguments %d1-%d5 and %a0, result %d0;
 * every other register survives. */
	.text
	.globl _start
_start:
	lea	%pc@(data), %a2
	move.l	%a2@(4), %d6		| the number of entries
	lea	%a2@(8), %a3		| the first entry
	moveq	#4, %d0			| write(1, data, 8): the header
	moveq	#1, %d1
	move.l	%a2, %d2
	moveq	#8, %d3
	trap	#0
	lea	%sp@(-16), %sp
1:	tst.l	%d6
	beq	2f
	move.l	%a3@, %d0
	move.l	%a3@(4), %d1
	move.l	%a3@(8), %d2
	move.l	%a3@(12), %d3
	move.l	%a3@(16), %d4
	move.l	%a3@(20), %d5
	move.l	%a3@(24), %a0
	trap	#0
	move.l	%a3@, %sp@		| the record: number, result, 0
	move.l	%d0, %sp@(4)
	clr.l	%sp@(8)
	moveq	#4, %d0
	moveq	#1, %d1
	move.l	%sp, %d2
	moveq	#12, %d3
	trap	#0
	lea	%a3@(28), %a3
	subq.l	#1, %d6
	bra	1b
2:	moveq	#1, %d0
	moveq	#0, %d1
	trap	#0
	.balign	8
data:
