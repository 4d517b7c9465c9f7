/* SPDX-License-Identifier: MIT */
#include "elfident.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

/* Offsets in the ELF header (System V ABI, "ELF Header"). */
#define OFF_TYPE    16
#define OFF_MACHINE 18
#define OFF_VERSION 20
#define OFF_FLAGS32 36	 /* e_flags of an ELF32 header */
#define MIPS_ABI2   0x20 /* EF_MIPS_ABI2: n32 */

static void put16(uint8_t *p, uint16_t v, uint8_t data)
{
	if (data == ELFDATA2LSB) {
		p[0] = (uint8_t)(v & 0xff);
		p[1] = (uint8_t)(v >> 8);
	} else {
		p[0] = (uint8_t)(v >> 8);
		p[1] = (uint8_t)(v & 0xff);
	}
}

static void put32(uint8_t *p, uint32_t v, uint8_t data)
{
	put16(p + (data == ELFDATA2LSB ? 0 : 2), (uint16_t)(v & 0xffff), data);
	put16(p + (data == ELFDATA2LSB ? 2 : 0), (uint16_t)(v >> 16), data);
}

/* Index of the least significant byte of a 32-bit field at @off. */
static size_t lsb32(size_t off, uint8_t data)
{
	return data == ELFDATA2LSB ? off : off + 3;
}

void elf_target_pattern(const struct qus_target *t, struct qus_pattern *p)
{
	uint8_t *m = p->magic, *k = p->mask;

	memset(p, 0, sizeof(*p));
	p->has_mask = true;

	memcpy(m, ELFMAG, SELFMAG);
	m[EI_CLASS] = t->elf_class;
	m[EI_DATA] = t->elf_data;
	m[EI_VERSION] = EV_CURRENT;
	memset(k, 0xff, EI_NIDENT);
	k[EI_OSABI] = 0x00;
	k[EI_ABIVERSION] = t->abiversion_mask;

	/* ET_EXEC (2) and ET_DYN (3) differ in the lowest bit only. */
	put16(m + OFF_TYPE, ET_EXEC, t->elf_data);
	put16(k + OFF_TYPE, 0xfffe, t->elf_data);
	put16(m + OFF_MACHINE, t->machine, t->elf_data);
	put16(k + OFF_MACHINE, 0xffff, t->elf_data);
	p->len = OFF_MACHINE + 2;

	if (t->mips_abi != QUS_MIPS_ABI_NONE) {
		size_t i = lsb32(OFF_FLAGS32, t->elf_data);

		k[i] = MIPS_ABI2;
		m[i] = t->mips_abi == QUS_MIPS_ABI_N32 ? MIPS_ABI2 : 0;
		p->len = i + 1;
	}
}

bool pattern_match(const struct qus_pattern *p, const uint8_t hdr[QUS_HEADER_SIZE])
{
	if (p->offset > QUS_HEADER_SIZE || p->len > QUS_HEADER_SIZE - p->offset)
		return false;
	for (size_t i = 0; i < p->len; i++)
		if ((hdr[p->offset + i] ^ p->magic[i]) & p->mask[i])
			return false;
	return true;
}

void elf_synth_header(const struct qus_target *t, uint16_t e_type, uint8_t osabi,
		      uint8_t hdr[QUS_HEADER_SIZE])
{
	memset(hdr, 0, QUS_HEADER_SIZE);
	memcpy(hdr, ELFMAG, SELFMAG);
	hdr[EI_CLASS] = t->elf_class;
	hdr[EI_DATA] = t->elf_data;
	hdr[EI_VERSION] = EV_CURRENT;
	hdr[EI_OSABI] = osabi;
	put16(hdr + OFF_TYPE, e_type, t->elf_data);
	put16(hdr + OFF_MACHINE, t->machine, t->elf_data);
	put32(hdr + OFF_VERSION, EV_CURRENT, t->elf_data);
	if (t->mips_abi == QUS_MIPS_ABI_N32)
		hdr[lsb32(OFF_FLAGS32, t->elf_data)] |= MIPS_ABI2;
}

bool pattern_accepts_target(const struct qus_pattern *p, const struct qus_target *t)
{
	static const uint16_t types[] = { ET_EXEC, ET_DYN };
	static const uint8_t osabis[] = { ELFOSABI_SYSV, ELFOSABI_GNU };
	uint8_t hdr[QUS_HEADER_SIZE];

	for (size_t i = 0; i < ARRAY_SIZE(types); i++)
		for (size_t j = 0; j < ARRAY_SIZE(osabis); j++) {
			elf_synth_header(t, types[i], osabis[j], hdr);
			if (pattern_match(p, hdr))
				return true;
		}
	return false;
}

long elf_read_header(int dirfd, const char *path, uint8_t hdr[QUS_HEADER_SIZE])
{
	_cleanup_close_ int fd = -1;

	memset(hdr, 0, QUS_HEADER_SIZE);
	fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	return read_full(fd, hdr, QUS_HEADER_SIZE);
}

const struct qus_target *elf_identify(const uint8_t hdr[QUS_HEADER_SIZE])
{
	for (size_t i = 0; i < QUS_NTARGETS; i++) {
		struct qus_pattern p;

		elf_target_pattern(&qus_targets[i], &p);
		if (pattern_match(&p, hdr))
			return &qus_targets[i];
	}
	return NULL;
}

uint64_t elf_field(const uint8_t *p, size_t n, bool big)
{
	uint64_t v = 0;

	for (size_t i = 0; i < n; i++)
		v = (v << 8) | p[big ? i : n - 1 - i];
	return v;
}

int elf_check_static(const uint8_t *data, size_t size, const struct qus_target *t)
{
	uint8_t hdr[QUS_HEADER_SIZE] = { 0 };
	bool is64, big;
	uint64_t phoff, phentsize, phnum;

	memcpy(hdr, data, size < sizeof(hdr) ? size : sizeof(hdr));
	if (size < 64 || elf_identify(hdr) != t)
		return -ENOEXEC;
	is64 = data[EI_CLASS] == ELFCLASS64;
	big = data[EI_DATA] == ELFDATA2MSB;
	/* e_phoff, e_phentsize, e_phnum (System V ABI, ELF header). */
	phoff = elf_field(data + (is64 ? 32 : 28), is64 ? 8 : 4, big);
	phentsize = elf_field(data + (is64 ? 54 : 42), 2, big);
	phnum = elf_field(data + (is64 ? 56 : 44), 2, big);
	if (phentsize < 4 || phoff > size || phnum * phentsize > size - phoff)
		return -EBADMSG;
	for (uint64_t i = 0; i < phnum; i++)
		if (elf_field(data + phoff + i * phentsize, 4, big) == PT_INTERP)
			return -ELIBBAD;
	return 0;
}

bool elf_needs_loader(const uint8_t *page, size_t len)
{
	const struct qus_target *t = elf_identify(page);

	return t && elf_check_static(page, len, t) == -ELIBBAD;
}
