/* SPDX-License-Identifier: MIT */
/*
 * The program the Docker suites' builds run in their RUN steps, built
 * static by a cross compiler for each foreign platform: it writes, to the
 * file OUT, what the CPU it runs on says (uname's machine, the byte order
 * and word size it sees) and the CRC-32 of FILE, read in small blocks,
 * computed bit by bit: system calls, loops, shifts and memory, all
 * emulated.  The suites compare the result with the host's own CRC-32
 * (gzip's) and the platform's expected machine.
 *
 *   runprobe FILE OUT    (exec form: no shell needed in the image)
 */
#include <stdint.h>
#include <stdio.h>
#include <sys/utsname.h>

static uint32_t crc32_update(uint32_t crc, const unsigned char *p, size_t n)
{
	while (n--) {
		crc ^= *p++;
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
	}
	return crc;
}

int main(int argc, char **argv)
{
	const uint16_t one = 1;
	unsigned char buf[64];
	uint32_t crc = 0xffffffffu;
	struct utsname u;
	FILE *in, *out;
	size_t n;

	if (argc != 3 || uname(&u) != 0 || !(in = fopen(argv[1], "rb")))
		return 2;
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		crc = crc32_update(crc, buf, n);
	fclose(in);
	out = fopen(argv[2], "w");
	if (!out)
		return 2;
	fprintf(out, "machine=%s order=%s bits=%zu crc32=%08x\n", u.machine,
		*(const unsigned char *)&one ? "little" : "big", sizeof(void *) * 8,
		(unsigned)(crc ^ 0xffffffffu));
	return fclose(out) == 0 ? 0 : 2;
}
