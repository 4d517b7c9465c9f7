/* PA-RISC: write(1, msg, len); exit(0).  ble 0x100(%sr2, %r0), number in %r20
 * (set in the delay slot; write 4, exit 1), arguments in %r26, %r25, %r24.
 * bl leaves the address after its delay slot, with the privilege level in
 * the two low bits, in %r1. */
	.text
	.globl _start
_start:
	bl	1f, %r1
	nop
1:	depi	0, 31, 2, %r1
	ldo	msg - 1b(%r1), %r25
	ldi	1, %r26
	ldi	msg_end - msg, %r24
	ble	0x100(%sr2, %r0)
	ldi	4, %r20
	ldi	0, %r26
	ble	0x100(%sr2, %r0)
	ldi	1, %r20
msg:	TOKEN
msg_end:
