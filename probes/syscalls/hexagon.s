/* Hexagon: the system call probe (see README in this directory).
 * trap0(#1), number in r6 (write 64, exit 93), arguments r0-r5, result r0;
 * r16-r27 survive.  Each instruction is a packet of its own.  add(pc, ...)
 * adds to the address of its packet; LLVM's assembler takes no label
 * there, so the data's offset is a constant (DATA, with a constant
 * extender: ##) that .org holds to: an error if the code grows past it. */
	.equ	DATA, 160
	.text
	.globl _start
_start:
	r16 = add(pc, ##DATA)
	r17 = memw(r16+#4)		// the number of entries
	r18 = add(r16, #8)		// the first entry
	r0 = #1				// write(1, data, 8): the header
	r1 = r16
	r2 = #8
	r6 = #64
	trap0(#1)
	r29 = add(r29, #-16)
1:	p0 = cmp.eq(r17, #0)
	if (p0) jump 2f
	r6 = memw(r18+#0)
	r0 = memw(r18+#4)
	r1 = memw(r18+#8)
	r2 = memw(r18+#12)
	r3 = memw(r18+#16)
	r4 = memw(r18+#20)
	r5 = memw(r18+#24)
	trap0(#1)
	r7 = memw(r18+#0)		// the record: number, result, 0
	memw(r29+#0) = r7
	memw(r29+#4) = r0
	r7 = #0
	memw(r29+#8) = r7
	r0 = #1
	r1 = r29
	r2 = #12
	r6 = #64
	trap0(#1)
	r18 = add(r18, #28)
	r17 = add(r17, #-1)
	jump 1b
2:	r0 = #0
	r6 = #93
	trap0(#1)
	.org	DATA
data:
