/* LoongArch64: write(1, msg, len); exit(0).  syscall 0, number in a7 (r11;
 * write 64, exit 93), arguments in a0-a2 (r4-r6).  Debian 12 has no
 * LoongArch assembler, so the instructions are written as their words (LoongArch
 * Reference Manual vol. 1, 2.2: addi.w 0x02800000 | si12 << 10 | rj << 5 | rd;
 * pcaddi 0x18000000 | si20 << 5 | rd, rd = pc + (si20 << 2); syscall
 * 0x002b0000) and assembled as data by the host's assembler: both are
 * little-endian.  TOKEN_LEN comes from the generator, the distance to msg
 * from the labels. */
	.text
	.globl _start
_start:
	.long	0x02800000 | (1 << 10) | (0 << 5) | 4			/* addi.w  a0, zero, 1 */
0:	.long	0x18000000 | (((msg - 0b) >> 2) << 5) | 5		/* pcaddi  a1, msg */
	.long	0x02800000 | (TOKEN_LEN << 10) | (0 << 5) | 6		/* addi.w  a2, zero, TOKEN_LEN */
	.long	0x02800000 | (64 << 10) | (0 << 5) | 11			/* addi.w  a7, zero, 64 */
	.long	0x002b0000						/* syscall 0 */
	.long	0x02800000 | (0 << 10) | (0 << 5) | 4			/* addi.w  a0, zero, 0 */
	.long	0x02800000 | (93 << 10) | (0 << 5) | 11			/* addi.w  a7, zero, 93 */
	.long	0x002b0000						/* syscall 0 */
msg:	TOKEN
msg_end:
