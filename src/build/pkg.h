/* SPDX-License-Identifier: MIT */
/*
 * Reading the distribution's qemu-user-static package (qus-build).  Only
 * the emulators are taken: regular files usr/bin/qemu-<emulator>-static,
 * streamed out of the package with libarchive, never unpacked to disk by
 * libarchive itself.  A package that looks hostile (paths that leave the
 * tree, device nodes, an emulator that is a link or carries set-id bits,
 * oversized or truncated members, more data than any real package has) is
 * refused as a whole, with the member named.
 */
#ifndef QUS_PKG_H
#define QUS_PKG_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "arch.h"

/* Limits no real package comes near (Debian 12's largest emulator: 14 MB; all: 390 MB). */
#define PKG_MEMBER_MAX	 (512ull << 20)
#define PKG_UNPACKED_MAX (4ull << 30) /* the default of pkg_read_opts.max_unpacked */

struct pkg_info {
	char name[64];	   /* Package: */
	char version[128]; /* Version: as the distribution writes it */
	char arch[32];	   /* Architecture: (Debian's name, also for RPMs) */
	time_t date;	   /* when the package was built (the data member's time) */
	/* Emulators of targets outside qus's table (QEMU 7.2: cris, nios2): not taken. */
#define PKG_SKIPPED_MAX 16
	char skipped[PKG_SKIPPED_MAX][64];
	unsigned nskipped;
};

/* One emulator found in the package; @data is valid during the callback only. */
struct pkg_member {
	const struct qus_target *target;
	const char *path; /* as in the package */
	const uint8_t *data;
	size_t size;
};

/* Called for each emulator; a negative return stops reading and is returned. */
typedef int (*pkg_member_fn)(const struct pkg_member *m, void *ctx);

/* How to read the files of a package; a NULL one reads the metadata only. */
struct pkg_read_opts {
	pkg_member_fn fn;
	void *ctx;
	/* Refuse a package whose file tree inflates beyond this (a bomb). */
	unsigned long long max_unpacked;
};

/* Why a package was refused: the member and the rule. */
struct pkg_error {
	char member[256];
	char what[160];
};

/*
 * Read the Debian package at @path: its control data into @info, each
 * emulator to @ro->fn.  0, or -errno with @err filled (-EBADMSG: refused).
 */
int pkg_read_deb(const char *path, const struct pkg_read_opts *ro, struct pkg_info *info,
		 struct pkg_error *err);

/*
 * Read the RPM package at @path (one of Fedora's: the whole qemu-user-static
 * or a per-target qemu-user-static-T; any payload compression libarchive
 * reads: zstd, xz, gzip): NAME, VERSION-RELEASE, ARCH (as Debian names it)
 * and BUILDTIME from its header into @info, each emulator to @ro->fn.
 */
int pkg_read_rpm(const char *path, const struct pkg_read_opts *ro, struct pkg_info *info,
		 struct pkg_error *err);

/* A .deb or an .rpm, told apart by the RPM lead's magic number. */
int pkg_read(const char *path, const struct pkg_read_opts *ro, struct pkg_info *info,
	     struct pkg_error *err);

/*
 * The version as an OCI tag: the distribution's version without epoch and
 * repack marker ("1:7.2+dfsg-7+deb12u18" -> "7.2-7.deb12u18"), other
 * characters a tag may not hold turned into '.'.  0 or -EINVAL.
 */
int pkg_tag_version(const char *version, char *out, size_t size);

/* "qemu-aarch64-static" -> aarch64's target; NULL if the name is not an emulator's. */
const struct qus_target *pkg_emulator_target(const char *file_name);

#endif
