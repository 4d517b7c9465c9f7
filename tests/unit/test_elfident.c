/* SPDX-License-Identifier: MIT */
/* Patterns derived from the table: each target's programs match its entry and no other. */
#include "unit.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "elfident.h"

static const uint16_t types[] = { ET_EXEC, ET_DYN };
static const uint8_t osabis[] = { ELFOSABI_SYSV, ELFOSABI_GNU, ELFOSABI_FREEBSD };

static void test_exactly_one_match(void **state)
{
	uint8_t hdr[QUS_HEADER_SIZE];

	(void)state;
	for (size_t i = 0; i < QUS_NTARGETS; i++)
		for (size_t t = 0; t < ARRAY_SIZE(types); t++)
			for (size_t o = 0; o < ARRAY_SIZE(osabis); o++) {
				unsigned matches = 0;

				elf_synth_header(&qus_targets[i], types[t], osabis[o], hdr);
				for (size_t j = 0; j < QUS_NTARGETS; j++) {
					struct qus_pattern p;

					elf_target_pattern(&qus_targets[j], &p);
					if (pattern_match(&p, hdr)) {
						matches++;
						assert_int_equal(i, j);
					}
				}
				assert_int_equal(matches, 1);
				assert_ptr_equal(elf_identify(hdr), &qus_targets[i]);
			}
}

/* Relocatable objects, core dumps and other files are never sent to an emulator. */
static void test_non_executables_do_not_match(void **state)
{
	static const uint16_t others[] = { ET_NONE, ET_REL, ET_CORE };
	uint8_t hdr[QUS_HEADER_SIZE];

	(void)state;
	for (size_t i = 0; i < QUS_NTARGETS; i++)
		for (size_t t = 0; t < ARRAY_SIZE(others); t++) {
			elf_synth_header(&qus_targets[i], others[t], 0, hdr);
			assert_null(elf_identify(hdr));
		}
	memset(hdr, 0, sizeof(hdr));
	memcpy(hdr, "#!/bin/sh\necho hi\n", 18);
	assert_null(elf_identify(hdr));
	memset(hdr, 0, sizeof(hdr));
	assert_null(elf_identify(hdr));
}

/* The kernel shows magic as given; bits outside the mask would make status lie. */
static void test_magic_within_mask(void **state)
{
	(void)state;
	for (size_t i = 0; i < QUS_NTARGETS; i++) {
		struct qus_pattern p;

		elf_target_pattern(&qus_targets[i], &p);
		assert_true(p.len >= 20 && p.len <= 40);
		assert_int_equal(p.offset, 0);
		for (size_t b = 0; b < p.len; b++)
			assert_int_equal(p.magic[b] & ~p.mask[b], 0);
		/* The last byte carries meaning: no trailing bytes that match anything. */
		assert_int_not_equal(p.mask[p.len - 1], 0);
	}
}

/* Debian bookworm's qemu-aarch64.conf, byte for byte (magic and mask). */
static void test_aarch64_pattern_is_debians(void **state)
{
	static const uint8_t magic[] = {
		0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0xb7, 0x00
	};
	static const uint8_t mask[] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0xff, 0xff,
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe, 0xff, 0xff, 0xff
	};
	struct qus_pattern p;

	(void)state;
	elf_target_pattern(arch_find("aarch64"), &p);
	assert_int_equal(p.len, sizeof(magic));
	assert_memory_equal(p.magic, magic, sizeof(magic));
	assert_memory_equal(p.mask, mask, sizeof(mask));
}

/* o32 and n32 differ only in EF_MIPS_ABI2; both byte orders. */
static void test_mips_abi(void **state)
{
	uint8_t hdr[QUS_HEADER_SIZE];
	struct qus_pattern p;

	(void)state;
	elf_synth_header(arch_find("mipsn32"), ET_EXEC, 0, hdr);
	assert_string_equal(elf_identify(hdr)->name, "mipsn32");
	hdr[39] &= (uint8_t)~0x20; /* big endian: the low byte of e_flags is the last */
	assert_string_equal(elf_identify(hdr)->name, "mips");

	elf_synth_header(arch_find("mipsel"), ET_DYN, 0, hdr);
	assert_string_equal(elf_identify(hdr)->name, "mipsel");
	hdr[36] |= 0x20;
	assert_string_equal(elf_identify(hdr)->name, "mipsn32el");

	elf_target_pattern(arch_find("mips"), &p);
	assert_int_equal(p.len, 40);
	elf_target_pattern(arch_find("mipsel"), &p);
	assert_int_equal(p.len, 37);

	/*
	 * Any EI_ABIVERSION is still MIPS: 1 in non-PIC executables with PLTs,
	 * 5 where glibc uses .MIPS.xhash (QEMU 11.1's table checks none).
	 */
	elf_synth_header(arch_find("mips64el"), ET_EXEC, 0, hdr);
	for (unsigned v = 0; v < 256; v++) {
		hdr[EI_ABIVERSION] = (uint8_t)v;
		assert_string_equal(elf_identify(hdr)->name, "mips64el");
	}
	elf_synth_header(arch_find("mipsn32el"), ET_DYN, 0, hdr);
	hdr[EI_ABIVERSION] = 5;
	assert_string_equal(elf_identify(hdr)->name, "mipsn32el");
	/* Elsewhere it must be 0. */
	elf_synth_header(arch_find("aarch64"), ET_EXEC, 0, hdr);
	hdr[EI_ABIVERSION] = 5;
	assert_null(elf_identify(hdr));
}

static void test_pattern_bounds(void **state)
{
	uint8_t hdr[QUS_HEADER_SIZE];
	struct qus_pattern p;

	(void)state;
	memset(hdr, 0xaa, sizeof(hdr));
	memset(&p, 0, sizeof(p));
	p.len = 1;
	p.magic[0] = 0xaa;
	p.mask[0] = 0xff;
	p.offset = QUS_HEADER_SIZE - 1;
	assert_true(pattern_match(&p, hdr));
	p.offset = QUS_HEADER_SIZE;
	assert_false(pattern_match(&p, hdr));
	p.offset = 0;
	p.len = QUS_HEADER_SIZE + 1;
	assert_false(pattern_match(&p, hdr));
}

/* Short files are zero-padded, as the kernel's buffer is. */
static void test_read_header(void **state)
{
	uint8_t hdr[QUS_HEADER_SIZE];
	char *dir = make_tmpdir(), path[4096];
	int fd;

	(void)state;
	assert_non_null(dir);
	snprintf(path, sizeof(path), "%s/short", dir);
	fd = open(path, O_WRONLY | O_CREAT, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd,
			       "\x7f"
			       "ELF",
			       4),
			 4);
	close(fd);
	memset(hdr, 0x55, sizeof(hdr));
	assert_int_equal(elf_read_header(AT_FDCWD, path, hdr), 4);
	assert_memory_equal(hdr,
			    "\x7f"
			    "ELF",
			    4);
	for (size_t i = 4; i < sizeof(hdr); i++)
		assert_int_equal(hdr[i], 0);
	assert_int_equal(elf_read_header(AT_FDCWD, "/nonexistent/qus", hdr), -ENOENT);
	unlink(path);
	rmdir(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exactly_one_match),
		cmocka_unit_test(test_non_executables_do_not_match),
		cmocka_unit_test(test_magic_within_mask),
		cmocka_unit_test(test_aarch64_pattern_is_debians),
		cmocka_unit_test(test_mips_abi),
		cmocka_unit_test(test_pattern_bounds),
		cmocka_unit_test(test_read_header),
	};
	return qus_run_tests("elfident", tests, ARRAY_SIZE(tests));
}
