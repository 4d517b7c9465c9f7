/* SPDX-License-Identifier: MIT */
/*
 * Where a target's emulator is, and which QEMU it is.
 *
 * Names.  QEMU's qemu-binfmt-conf.sh, the seeds and Debian's
 * qemu-user-static up to QEMU 9.0 install /usr/bin/qemu-T-static.  Since
 * QEMU 9.1.1 Debian's qemu-user is itself the static build, at
 * /usr/bin/qemu-T; trixie (10.0) keeps a transitional qemu-user-static that
 * only links qemu-T-static to it, and sid (11.x) has no -static names at
 * all.  Debian 12's qemu-user (7.2) also installs qemu-T, dynamically
 * linked.  So the search takes qemu-T-static first (static wherever it
 * exists) and then qemu-T.
 *
 * Version.  QEMU's linux-user/main.c answers --version with
 *   printf("qemu-" TARGET_NAME " version " QEMU_FULL_VERSION "\n" QEMU_COPYRIGHT "\n");
 * one literal in .rodata, so the release is the text between
 * "qemu-T version " and the newline, read without running the file (it may
 * be built for another host, or not be QEMU at all).  QEMU before 2.7 put
 * ", Copyright ..." on the same line; that part is cut off.
 */
#include "emulator.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "elfident.h"
#include "util.h"

/*
 * Read in pieces of this size, on the stack.  QEMU's literal sits 60-400 KiB
 * into .rodata; larger heap buffers were slower (musl maps big allocations
 * afresh, and every new page faults): 33 emulators in 1.5 ms with 16 KiB
 * pieces, 8 ms with 256 KiB.
 */
#define SCAN_CHUNK (16 * 1024)
/* Bounds on what a section table may make qus allocate. */
#define SECTIONS_MAX (1u << 16)
#define SHSTRTAB_MAX (1u << 20)

int emulator_path(const struct qus_target *t, const char *dir, const char *suffix, char *out,
		  size_t size)
{
	size_t dlen = strlen(dir);
	int n;

	/* QEMU's script writes "$QEMU_PATH/qemu-..."; do not double a trailing slash. */
	while (dlen > 1 && dir[dlen - 1] == '/')
		dlen--;
	if (dlen == 1 && dir[0] == '/')
		dlen = 0;
	n = snprintf(out, size, "%.*s/qemu-%s%s", (int)dlen, dir, t->emulator, suffix);
	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

int emulator_find(const struct qus_target *t, const char *dir, const char *suffix, char *out,
		  size_t size)
{
	static const char *const order[] = { EMULATOR_SUFFIX_STATIC, EMULATOR_SUFFIX_PLAIN };
	struct stat st;
	int r;

	if (suffix) {
		r = emulator_path(t, dir, suffix, out, size);
		return r < 0 ? r : stat(out, &st) < 0 ? -errno : 0;
	}
	for (size_t i = 0; i < ARRAY_SIZE(order); i++) {
		r = emulator_path(t, dir, order[i], out, size);
		if (r < 0)
			return r;
		if (stat(out, &st) == 0)
			return 0;
		/* The second name would fail the same way (an unreadable directory). */
		if (errno != ENOENT)
			return -errno;
	}
	r = emulator_path(t, dir, order[0], out, size);
	return r < 0 ? r : -ENOENT;
}

/*
 * The file range of the section named @name: 0, or -ENOENT when the file
 * has no usable section headers or no such section (and for one of type
 * SHT_NOBITS, which has no bytes in the file).  A range reaching past the
 * end of the file is cut at the end.  -errno of a read.
 */
static int find_section(int fd, uint64_t fsize, const char *name, uint64_t *off, uint64_t *len)
{
	uint8_t eh[64] = { 0 }, sh0[64];
	_cleanup_free_ uint8_t *table = NULL;
	_cleanup_free_ char *strtab = NULL;
	uint64_t shoff, shentsize, shnum, shstrndx, stroff, strsize, table_size;
	size_t namelen = strlen(name) + 1, entsize;
	bool is64, big;
	long n;

	n = pread_full(fd, eh, sizeof(eh), 0);
	if (n < 0)
		return (int)n;
	if (n < 52 || memcmp(eh, ELFMAG, SELFMAG) != 0 ||
	    (eh[EI_CLASS] != ELFCLASS32 && eh[EI_CLASS] != ELFCLASS64) ||
	    (eh[EI_DATA] != ELFDATA2LSB && eh[EI_DATA] != ELFDATA2MSB))
		return -ENOENT;
	is64 = eh[EI_CLASS] == ELFCLASS64;
	big = eh[EI_DATA] == ELFDATA2MSB;
	if (is64 && n < 64)
		return -ENOENT;
	/* e_shoff, e_shentsize, e_shnum, e_shstrndx (System V ABI, ELF header). */
	shoff = elf_field(eh + (is64 ? 40 : 32), is64 ? 8 : 4, big);
	shentsize = elf_field(eh + (is64 ? 58 : 46), 2, big);
	shnum = elf_field(eh + (is64 ? 60 : 48), 2, big);
	shstrndx = elf_field(eh + (is64 ? 62 : 50), 2, big);
	entsize = is64 ? sizeof(Elf64_Shdr) : sizeof(Elf32_Shdr);
	if (shoff == 0 || shentsize < entsize || shoff >= fsize || shentsize > fsize - shoff)
		return -ENOENT;
	/* Extended numbering: the real count and index are in section 0's sh_size and sh_link. */
	if (shnum == 0 || shstrndx == SHN_XINDEX) {
		n = pread_full(fd, sh0, entsize, shoff);
		if (n < 0)
			return (int)n;
		if ((size_t)n < entsize)
			return -ENOENT;
		if (shnum == 0)
			shnum = elf_field(sh0 + (is64 ? 32 : 20), is64 ? 8 : 4, big);
		if (shstrndx == SHN_XINDEX)
			shstrndx = elf_field(sh0 + (is64 ? 40 : 24), 4, big);
	}
	if (shnum == 0 || shnum > SECTIONS_MAX || shstrndx >= shnum ||
	    shnum > (fsize - shoff) / shentsize)
		return -ENOENT;
	table_size = shnum * shentsize;
	table = malloc(table_size);
	if (!table)
		return -ENOMEM;
	n = pread_full(fd, table, table_size, shoff);
	if (n < 0)
		return (int)n;
	if ((uint64_t)n < table_size)
		return -ENOENT; /* the file shrank */

	/* The section names (sh_offset and sh_size of section e_shstrndx). */
	{
		const uint8_t *s = table + shstrndx * shentsize;

		stroff = elf_field(s + (is64 ? 24 : 16), is64 ? 8 : 4, big);
		strsize = elf_field(s + (is64 ? 32 : 20), is64 ? 8 : 4, big);
	}
	if (stroff >= fsize || strsize > fsize - stroff || strsize > SHSTRTAB_MAX || strsize == 0)
		return -ENOENT;
	strtab = malloc(strsize);
	if (!strtab)
		return -ENOMEM;
	n = pread_full(fd, strtab, strsize, stroff);
	if (n < 0)
		return (int)n;
	if ((uint64_t)n < strsize)
		return -ENOENT;

	for (uint64_t i = 0; i < shnum; i++) {
		const uint8_t *s = table + i * shentsize;
		uint64_t name_off = elf_field(s, 4, big), type = elf_field(s + 4, 4, big);

		if (name_off > strsize || namelen > strsize - name_off ||
		    memcmp(strtab + name_off, name, namelen) != 0)
			continue;
		if (type == SHT_NOBITS)
			return -ENOENT;
		*off = elf_field(s + (is64 ? 24 : 16), is64 ? 8 : 4, big);
		*len = elf_field(s + (is64 ? 32 : 20), is64 ? 8 : 4, big);
		if (*off >= fsize)
			return -ENOENT;
		if (*len > fsize - *off)
			*len = fsize - *off;
		return 0;
	}
	return -ENOENT;
}

/*
 * The version at @text (@avail bytes there): printable ASCII starting with
 * a digit, ended by a newline among the first QUS_QEMU_VERSION_MAX bytes
 * (so that it fits in @out with its NUL).  0 with it in @out, or -ENODATA.
 */
static int take_version(const uint8_t *text, size_t avail, char *out)
{
	const uint8_t *nl;
	size_t len;
	const char *copyright;

	if (avail > QUS_QEMU_VERSION_MAX)
		avail = QUS_QEMU_VERSION_MAX;
	nl = memchr(text, '\n', avail);
	if (!nl || nl == text || text[0] < '0' || text[0] > '9')
		return -ENODATA;
	len = (size_t)(nl - text);
	for (size_t i = 0; i < len; i++)
		if (text[i] < 0x20 || text[i] > 0x7e)
			return -ENODATA;
	memcpy(out, text, len);
	out[len] = '\0';
	copyright = strstr(out, ", Copyright");
	if (copyright)
		out[copyright - out] = '\0';
	return 0;
}

/* Look for @needle in [@off, @off + @len) of @fd and take the version after it. */
static int scan(int fd, uint64_t off, uint64_t len, const char *needle, char *out)
{
	uint8_t buf[SCAN_CHUNK];
	size_t nlen = strlen(needle);
	uint64_t pos = off, end = off + len;

	while (pos < end) {
		size_t want = end - pos < SCAN_CHUNK ? (size_t)(end - pos) : SCAN_CHUNK;
		long n = pread_full(fd, buf, want, pos);
		const uint8_t *p = buf, *hit;
		uint64_t next;
		bool last;

		if (n < 0)
			return (int)n;
		if ((size_t)n < nlen)
			break;
		/* Not the last piece: keep nlen - 1 bytes, a literal may straddle the cut. */
		last = (size_t)n < want || pos + (uint64_t)n >= end;
		next = pos + (uint64_t)n - (nlen - 1);
		while ((hit = memmem(p, (size_t)(buf + n - p), needle, nlen))) {
			size_t avail = (size_t)(buf + n - (hit + nlen));

			/* Its text runs past this piece: read again from the literal. */
			if (!last && avail < QUS_QEMU_VERSION_MAX && hit > buf) {
				next = pos + (uint64_t)(hit - buf);
				break;
			}
			if (take_version(hit + nlen, avail, out) == 0)
				return 0;
			p = hit + 1;
		}
		if (last)
			break;
		pos = next;
	}
	return -ENODATA;
}

int emulator_version_fd(int fd, const struct qus_target *t, char *out, size_t size)
{
	char needle[64];
	uint64_t off = 0, len;
	struct stat st;
	int r;

	if (size < QUS_QEMU_VERSION_MAX)
		return -ERANGE;
	out[0] = '\0';
	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode))
		return -EINVAL;
	len = (uint64_t)st.st_size;
	r = find_section(fd, len, ".rodata", &off, &len);
	if (r == -ENOENT) {
		off = 0;
		len = (uint64_t)st.st_size;
	} else if (r < 0) {
		return r;
	}
	snprintf(needle, sizeof(needle), "qemu-%s version ", t->emulator);
	return scan(fd, off, len, needle, out);
}

int emulator_version(const char *path, const struct qus_target *t, char *out, size_t size)
{
	/* O_NONBLOCK: an interpreter path may name a FIFO; fstat then refuses it. */
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);

	if (size > 0)
		out[0] = '\0';
	if (fd < 0)
		return -errno;
	return emulator_version_fd(fd, t, out, size);
}
