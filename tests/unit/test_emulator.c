/* SPDX-License-Identifier: MIT */
/* Which file is a target's emulator, and its QEMU version read from the file. */
#include "unit.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "emulator.h"

#define V72	    "7.2.22 (Debian 1:7.2+dfsg-7+deb12u18+b3)"
#define LITERAL(t)  "qemu-" t " version " V72 "\nCopyright (c) 2003-2022 Fabrice Bellard"
#define RODATA_OFF  0x100
#define SECTIONS_AT 0x4000

static void put(uint8_t *p, uint64_t v, size_t n, bool big)
{
	for (size_t i = 0; i < n; i++)
		p[big ? n - 1 - i : i] = (uint8_t)(v >> (8 * i));
}

struct elf_spec {
	bool is64, big;
	bool sections;	       /* section headers at all */
	const char *rodata;    /* the bytes of .rodata, at RODATA_OFF */
	size_t rodata_len;     /* 0: strlen(rodata) */
	const char *elsewhere; /* bytes after .rodata, outside every section */
	uint64_t rodata_size;  /* 0: its real length; else what its header claims */
	bool extended;	       /* e_shnum 0, the count in section 0 (System V ABI) */
};

/*
 * A synthetic ELF file: header, .rodata at RODATA_OFF, optional bytes
 * after it, and at SECTIONS_AT the names (.shstrtab) and three section
 * headers: null, .rodata, .shstrtab.  Returns its size.
 */
static size_t make_elf(const struct elf_spec *s, uint8_t *f, size_t cap)
{
	static const char names[] = "\0.rodata\0.shstrtab";
	size_t ent = s->is64 ? sizeof(Elf64_Shdr) : sizeof(Elf32_Shdr);
	size_t rlen = s->rodata_len ? s->rodata_len : strlen(s->rodata);
	size_t shoff = SECTIONS_AT + sizeof(names), end = s->sections ? shoff + 3 * ent : 0;
	bool b = s->big;

	assert_true(end <= cap && RODATA_OFF + rlen + 64 < SECTIONS_AT);
	memset(f, 0, cap);
	memcpy(f, ELFMAG, SELFMAG);
	f[EI_CLASS] = s->is64 ? ELFCLASS64 : ELFCLASS32;
	f[EI_DATA] = b ? ELFDATA2MSB : ELFDATA2LSB;
	f[EI_VERSION] = EV_CURRENT;
	put(f + 16, ET_DYN, 2, b);
	put(f + 18, s->is64 ? EM_X86_64 : EM_386, 2, b);
	memcpy(f + RODATA_OFF, s->rodata, rlen);
	if (s->elsewhere)
		memcpy(f + RODATA_OFF + rlen + 16, s->elsewhere, strlen(s->elsewhere));
	if (!s->sections)
		return RODATA_OFF + rlen + 16 + (s->elsewhere ? strlen(s->elsewhere) : 0);
	memcpy(f + SECTIONS_AT, names, sizeof(names));
	/* e_shoff, e_shentsize, e_shnum, e_shstrndx */
	put(f + (s->is64 ? 40 : 32), shoff, s->is64 ? 8 : 4, b);
	put(f + (s->is64 ? 58 : 46), ent, 2, b);
	put(f + (s->is64 ? 60 : 48), s->extended ? 0 : 3, 2, b);
	put(f + (s->is64 ? 62 : 50), 2, 2, b);
	for (size_t i = 0; i < 3; i++) {
		uint8_t *h = f + shoff + i * ent;
		static const uint32_t name_at[] = { 0, 1, 9 },
				      type[] = { 0, SHT_PROGBITS, SHT_STRTAB };
		uint64_t off = i == 1 ? RODATA_OFF : i == 2 ? SECTIONS_AT : 0;
		uint64_t size = i == 1	      ? (s->rodata_size ? s->rodata_size : rlen)
				: i == 2      ? sizeof(names)
				: s->extended ? 3
					      : 0;

		put(h, name_at[i], 4, b);
		put(h + 4, type[i], 4, b);
		put(h + (s->is64 ? 24 : 16), off, s->is64 ? 8 : 4, b);
		put(h + (s->is64 ? 32 : 20), size, s->is64 ? 8 : 4, b);
	}
	return end;
}

static char *write_file(const char *dir, const char *name, const void *data, size_t len)
{
	char *path = NULL;
	int fd;

	assert_true(asprintf(&path, "%s/%s", dir, name) > 0);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
	return path;
}

/* The version of a string literal as a file (without its NUL). */
#define VERSION_OF(dir, lit, target, v) version_of(dir, lit, sizeof(lit) - 1, target, v)

/* The version of @len bytes @data as a file, for target @target. */
static int version_of(const char *dir, const void *data, size_t len, const char *target,
		      char out[QUS_QEMU_VERSION_MAX])
{
	char *path = write_file(dir, "emu", data, len);
	int r = emulator_version(path, arch_find(target), out, QUS_QEMU_VERSION_MAX);

	unlink(path);
	free(path);
	return r;
}

static void test_paths(void **state)
{
	const struct qus_target *a64 = arch_find("aarch64");
	char out[64];

	(void)state;
	assert_int_equal(emulator_path(a64, "/usr/bin", "-static", out, sizeof(out)), 0);
	assert_string_equal(out, "/usr/bin/qemu-aarch64-static");
	assert_int_equal(emulator_path(a64, "/usr/bin//", "", out, sizeof(out)), 0);
	assert_string_equal(out, "/usr/bin/qemu-aarch64");
	assert_int_equal(emulator_path(arch_find("i486"), "/", "", out, sizeof(out)), 0);
	assert_string_equal(out, "/qemu-i386");
	assert_int_equal(emulator_path(a64, "/usr/bin", "-static", out, 20), -ENAMETOOLONG);
}

/* qemu-T-static first, then qemu-T; an explicit suffix is exactly that name. */
static void test_find(void **state)
{
	const struct qus_target *a64 = arch_find("arm64");
	char *dir = make_tmpdir(), out[4096], want[4096];
	char *plain, *with_static;

	(void)state;
	assert_non_null(dir);
	assert_int_equal(emulator_find(a64, dir, NULL, out, sizeof(out)), -ENOENT);
	snprintf(want, sizeof(want), "%s/qemu-aarch64-static", dir);
	assert_string_equal(out, want); /* neither: the name QEMU's script registers */

	plain = write_file(dir, "qemu-aarch64", "x", 1);
	assert_int_equal(emulator_find(a64, dir, NULL, out, sizeof(out)), 0);
	assert_string_equal(out, plain);
	assert_int_equal(emulator_find(a64, dir, "-static", out, sizeof(out)), -ENOENT);
	assert_string_equal(out, want);
	assert_int_equal(emulator_find(a64, dir, "", out, sizeof(out)), 0);
	assert_string_equal(out, plain);

	/* A dangling qemu-T-static (a transitional link whose target is gone) is not taken. */
	assert_int_equal(symlink("nonexistent", want), 0);
	assert_int_equal(emulator_find(a64, dir, NULL, out, sizeof(out)), 0);
	assert_string_equal(out, plain);
	unlink(want);
	/* Trixie's transitional qemu-user-static: qemu-T-static -> qemu-T. */
	assert_int_equal(symlink("qemu-aarch64", want), 0);
	assert_int_equal(emulator_find(a64, dir, NULL, out, sizeof(out)), 0);
	assert_string_equal(out, want);
	unlink(want);

	with_static = write_file(dir, "qemu-aarch64-static", "x", 1);
	assert_int_equal(emulator_find(a64, dir, NULL, out, sizeof(out)), 0);
	assert_string_equal(out, with_static);
	assert_int_equal(emulator_find(a64, dir, "", out, sizeof(out)), 0);
	assert_string_equal(out, plain);
	/* A directory that is a file: stat's own error, on the first name. */
	snprintf(want, sizeof(want), "%s/qemu-aarch64", dir);
	assert_int_equal(emulator_find(a64, want, NULL, out, sizeof(out)), -ENOTDIR);
	assert_int_equal(emulator_find(a64, dir, NULL, out, 10), -ENAMETOOLONG);
	free(plain);
	free(with_static);
	assert_int_equal(remove_tmpdir(dir), 0);
}

static void test_version_sections(void **state)
{
	static uint8_t f[SECTIONS_AT + 512];
	char *dir = make_tmpdir(), v[QUS_QEMU_VERSION_MAX];
	struct elf_spec s = { .is64 = true, .sections = true, .rodata = "\0\0" LITERAL("aarch64") };

	(void)state;
	assert_non_null(dir);
	s.rodata_len = sizeof("\0\0" LITERAL("aarch64"));
	for (int i = 0; i < 4; i++) {
		size_t n;

		s.is64 = i & 1;
		s.big = i & 2;
		n = make_elf(&s, f, sizeof(f));
		assert_int_equal(version_of(dir, f, n, "aarch64", v), 0);
		assert_string_equal(v, V72);
		/* Another target's name is not this literal. */
		assert_int_equal(version_of(dir, f, n, "arm", v), -ENODATA);
		assert_string_equal(v, "");
	}
	/* Extended section numbering: the count in section 0. */
	s.is64 = true;
	s.big = false;
	s.extended = true;
	assert_int_equal(version_of(dir, f, make_elf(&s, f, sizeof(f)), "aarch64", v), 0);
	assert_string_equal(v, V72);
	s.extended = false;

	/* With section headers, only .rodata counts: the literal elsewhere is not read. */
	s.rodata = "nothing here";
	s.rodata_len = 0;
	s.elsewhere = LITERAL("aarch64");
	assert_int_equal(version_of(dir, f, make_elf(&s, f, sizeof(f)), "aarch64", v), -ENODATA);
	/* Without them, the whole file. */
	s.sections = false;
	assert_int_equal(version_of(dir, f, make_elf(&s, f, sizeof(f)), "aarch64", v), 0);
	assert_string_equal(v, V72);
	/* Not ELF at all: the whole file too. */
	assert_int_equal(VERSION_OF(dir, "#!/bin/sh\n" LITERAL("s390x"), "s390x", v), 0);
	assert_string_equal(v, V72);
	assert_int_equal(remove_tmpdir(dir), 0);
}

/* Cut short, lying headers, no newline: never a read past the end, never a version. */
static void test_version_truncated(void **state)
{
	static uint8_t f[SECTIONS_AT + 512];
	char *dir = make_tmpdir(), v[QUS_QEMU_VERSION_MAX];
	struct elf_spec s = { .is64 = true, .sections = true, .rodata = LITERAL("x86_64") };
	size_t n, lit = strlen(LITERAL("x86_64"));
	static const char no_newline[] = "qemu-x86_64 version " V72;
	char long_version[300];

	(void)state;
	assert_non_null(dir);
	n = make_elf(&s, f, sizeof(f));
	/* The section headers cut off: the whole (short) file is read instead. */
	assert_int_equal(version_of(dir, f, SECTIONS_AT + 20, "x86_64", v), 0);
	assert_string_equal(v, V72);
	/* Cut inside the version text: no newline, so no version. */
	assert_int_equal(version_of(dir, f, RODATA_OFF + 30, "x86_64", v), -ENODATA);
	/* .rodata claims more than the file has: read up to the end of the file. */
	s.rodata_size = 1u << 30;
	n = make_elf(&s, f, sizeof(f));
	assert_int_equal(version_of(dir, f, n, "x86_64", v), 0);
	/* .rodata cut before the newline. */
	s.rodata_size = lit - strlen("\nCopyright (c) 2003-2022 Fabrice Bellard");
	n = make_elf(&s, f, sizeof(f));
	assert_int_equal(version_of(dir, f, n, "x86_64", v), -ENODATA);
	s.rodata_size = 0;
	/* The literal is the end of the file, without its newline. */
	assert_int_equal(VERSION_OF(dir, no_newline, "x86_64", v), -ENODATA);
	/* A text that is not a version: empty, not starting with a digit, too long, binary. */
	assert_int_equal(VERSION_OF(dir, "qemu-x86_64 version \n", "x86_64", v), -ENODATA);
	assert_int_equal(VERSION_OF(dir, "qemu-x86_64 version %s\n", "x86_64", v), -ENODATA);
	assert_int_equal(VERSION_OF(dir, "qemu-x86_64 version 1\x01\n", "x86_64", v), -ENODATA);
	memset(long_version, '1', sizeof(long_version));
	memcpy(long_version, "qemu-x86_64 version ", 20);
	long_version[sizeof(long_version) - 1] = '\n';
	assert_int_equal(version_of(dir, long_version, sizeof(long_version), "x86_64", v),
			 -ENODATA);
	/* A bad first occurrence does not hide a good one. */
	assert_int_equal(
		VERSION_OF(dir, "qemu-x86_64 version %s\nqemu-x86_64 version 9.1.0\n", "x86_64", v),
		0);
	assert_string_equal(v, "9.1.0");
	/* QEMU before 2.7: the copyright on the same line. */
	assert_int_equal(
		VERSION_OF(dir, "qemu-arm version 2.5.0, Copyright (c) 2003-2008\n", "arm", v), 0);
	assert_string_equal(v, "2.5.0");
	assert_int_equal(version_of(dir, "", 0, "arm", v), -ENODATA);
	assert_int_equal(remove_tmpdir(dir), 0);
}

/* The literal across the reader's 16 KiB pieces, near and at the end of the file. */
static void test_version_pieces(void **state)
{
	size_t size = 40 * 1024, lit = strlen(LITERAL("riscv64"));
	uint8_t *f = calloc(1, size);
	char *dir = make_tmpdir(), v[QUS_QEMU_VERSION_MAX];
	const size_t at[] = {
		0, 16 * 1024 - 5, 16 * 1024 - 30, 16 * 1024 - 100, 32 * 1024 - 60, size - lit
	};

	(void)state;
	assert_non_null(f);
	assert_non_null(dir);
	for (size_t i = 0; i < ARRAY_SIZE(at); i++) {
		memset(f, 'x', size);
		memcpy(f + at[i], LITERAL("riscv64"), lit);
		assert_int_equal(version_of(dir, f, size, "riscv64", v), 0);
		assert_string_equal(v, V72);
	}
	free(f);
	assert_int_equal(remove_tmpdir(dir), 0);
}

/* Only regular files are read; a FIFO does not block. */
static void test_version_not_files(void **state)
{
	char *dir = make_tmpdir(), path[4096], v[QUS_QEMU_VERSION_MAX];
	const struct qus_target *t = arch_find("aarch64");

	(void)state;
	assert_non_null(dir);
	assert_int_equal(emulator_version(dir, t, v, sizeof(v)), -EINVAL);
	snprintf(path, sizeof(path), "%s/fifo", dir);
	assert_int_equal(mkfifo(path, 0600), 0);
	assert_int_equal(emulator_version(path, t, v, sizeof(v)), -EINVAL);
	snprintf(path, sizeof(path), "%s/none", dir);
	assert_int_equal(emulator_version(path, t, v, sizeof(v)), -ENOENT);
	assert_int_equal(emulator_version("/dev/null", t, v, sizeof(v)), -EINVAL);
	assert_int_equal(emulator_version("/dev/null", t, v, 10), -ERANGE);
	assert_int_equal(remove_tmpdir(dir), 0);
}

/* Debian's emulator, where installed: the same text as its own --version. */
static void test_version_real(void **state)
{
	char v[QUS_QEMU_VERSION_MAX], line[512], want[600];
	FILE *p;

	(void)state;
	if (access("/usr/bin/qemu-aarch64-static", X_OK) < 0) {
		skip(); /* qemu-user-static is not installed */
		return;
	}
	assert_int_equal(emulator_version("/usr/bin/qemu-aarch64-static", arch_find("aarch64"), v,
					  sizeof(v)),
			 0);
	p = popen("/usr/bin/qemu-aarch64-static --version", "r");
	assert_non_null(p);
	assert_non_null(fgets(line, sizeof(line), p));
	pclose(p);
	snprintf(want, sizeof(want), "qemu-aarch64 version %s\n", v);
	assert_string_equal(line, want);
	assert_int_equal(
		emulator_version("/usr/bin/qemu-aarch64-static", arch_find("s390x"), v, sizeof(v)),
		-ENODATA);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_paths),
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_version_sections),
		cmocka_unit_test(test_version_truncated),
		cmocka_unit_test(test_version_pieces),
		cmocka_unit_test(test_version_not_files),
		cmocka_unit_test(test_version_real),
	};
	return qus_run_tests("emulator", tests, ARRAY_SIZE(tests));
}
