/* PA-RISC: the system call probe (see README in this directory).
 * ble 0x100(%sr2, %r0), number in %r20 (write 4, exit 1), arguments %r26
 * %r25 %r24 %r23 %r22 %r21, result %r28; %r3-%r18 survive.  bl leaves the
 * address after its delay slot, with the privilege level in the two low
 * bits, in %r1.  The stack grows up: the record goes above %sp. */
	.text
	.globl _start
_start:
	bl	1f, %r1
	nop
1:	depi	0, 31, 2, %r1
	ldo	data - 1b(%r1), %r3
	ldw	4(%r3), %r4		; the number of entries
	ldo	8(%r3), %r5		; the first entry
	ldi	1, %r26			; write(1, data, 8): the header
	copy	%r3, %r25
	ldi	8, %r24
	ble	0x100(%sr2, %r0)
	ldi	4, %r20
	ldo	64(%sp), %sp
2:	comib,=	0, %r4, 3f
	nop
	ldw	0(%r5), %r20
	ldw	4(%r5), %r26
	ldw	8(%r5), %r25
	ldw	12(%r5), %r24
	ldw	16(%r5), %r23
	ldw	20(%r5), %r22
	ldw	24(%r5), %r21
	ble	0x100(%sr2, %r0)
	nop
	ldw	0(%r5), %r6		; the record: number, result, 0
	stw	%r6, -32(%sp)
	stw	%r28, -28(%sp)
	stw	%r0, -24(%sp)
	ldi	1, %r26
	ldo	-32(%sp), %r25
	ldi	12, %r24
	ble	0x100(%sr2, %r0)
	ldi	4, %r20
	ldo	28(%r5), %r5
	b	2b
	ldo	-1(%r4), %r4		; (the delay slot)
3:	ldi	0, %r26
	ble	0x100(%sr2, %r0)
	ldi	1, %r20
	.balign	8
data:
