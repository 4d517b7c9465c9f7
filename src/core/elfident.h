/* SPDX-License-Identifier: MIT */
/*
 * ELF identification the way binfmt_misc does it: a magic/mask pattern at an
 * offset, compared against the first BINPRM_BUF_SIZE bytes of a file.
 */
#ifndef QUS_ELFIDENT_H
#define QUS_ELFIDENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arch.h"

/* The bytes the kernel reads before choosing a handler (BINPRM_BUF_SIZE, Linux >= 5.1). */
#define QUS_HEADER_SIZE 256

/* Largest magic the kernel stores: the same buffer size. */
#define QUS_MAGIC_MAX 256

struct qus_pattern {
	unsigned offset;
	size_t len;
	bool has_mask; /* without a mask the kernel compares exactly */
	uint8_t magic[QUS_MAGIC_MAX];
	uint8_t mask[QUS_MAGIC_MAX]; /* all 0xff when !has_mask */
};

/* The binfmt_misc pattern of @t, derived from its ELF fields (rules in arch.c). */
void elf_target_pattern(const struct qus_target *t, struct qus_pattern *p);

/* The kernel's rule: for all i, ((hdr[offset + i] ^ magic[i]) & mask[i]) == 0. */
bool pattern_match(const struct qus_pattern *p, const uint8_t hdr[QUS_HEADER_SIZE]);

/*
 * Whether @p accepts a usual program of @t: one of its synthetic headers
 * for ET_EXEC and ET_DYN with OSABI System V or GNU (what Linux
 * toolchains emit).
 */
bool pattern_accepts_target(const struct qus_pattern *p, const struct qus_target *t);

/* A minimal header of a program for @t, as a Linux toolchain would emit it. */
void elf_synth_header(const struct qus_target *t, uint16_t e_type, uint8_t osabi,
		      uint8_t hdr[QUS_HEADER_SIZE]);

/*
 * Read the first QUS_HEADER_SIZE bytes of @path (relative to @dirfd),
 * zero-padded like the kernel's buffer.  Returns bytes read, or -errno.
 */
long elf_read_header(int dirfd, const char *path, uint8_t hdr[QUS_HEADER_SIZE]);

/* An unsigned field of @n (<= 8) bytes at @p, big-endian if @big, else little-endian. */
uint64_t elf_field(const uint8_t *p, size_t n, bool big);

/* The target whose entry matches @hdr, or NULL. */
const struct qus_target *elf_identify(const uint8_t hdr[QUS_HEADER_SIZE]);

/*
 * Whether the whole file @data is a static executable of @t: @t's entry
 * matches it, and no program header names an interpreter (PT_INTERP; a
 * static-pie has none either).  0; -ENOEXEC not an executable of @t;
 * -ELIBBAD it needs a dynamic loader; -EBADMSG program headers out of bounds.
 */
int elf_check_static(const uint8_t *data, size_t size, const struct qus_target *t);

/*
 * Whether @page, the first @len bytes of a file (zero-padded to at least
 * QUS_HEADER_SIZE), is an ELF program of a table target that names a
 * dynamic loader (PT_INTERP among program headers within @page).
 */
bool elf_needs_loader(const uint8_t *page, size_t len);

#endif
