/* SPDX-License-Identifier: MIT */
/*
 * Reading the distribution's packages of QEMU's user emulators (qus-build),
 * whatever their shape: Debian's qemu-user-static up to QEMU 9.0 (regular
 * files usr/bin/qemu-<emulator>-static), Debian's qemu-user since 9.1 (the
 * static build, usr/bin/qemu-<emulator>, with alias links), the
 * transitional qemu-user-static of QEMU 10.0 (links qemu-T-static -> qemu-T
 * into qemu-user), Fedora's RPMs.  Emulators are streamed out of the package
 * with libarchive, never unpacked to disk by libarchive itself; links and
 * other files are reported by path only, so that the caller can resolve
 * links within the packages it was given (links.c).  A package that looks
 * hostile (paths that leave the tree, device nodes, set-id bits, oversized
 * or truncated members, more data than any real package has) is refused as
 * a whole, with the member named.
 */
#ifndef QUS_PKG_H
#define QUS_PKG_H

#include <stdbool.h>
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
	char depends[256]; /* Depends: (Debian), to name what a transitional package needs */
	time_t date;	   /* when the package was built (the data member's time) */
	/* Emulators of targets outside qus's table (QEMU 7.2: cris, nios2): not taken. */
#define PKG_SKIPPED_MAX 16
	char skipped[PKG_SKIPPED_MAX][64];
	unsigned nskipped;
};

enum pkg_member_kind {
	PKG_EMULATOR, /* a regular file usr/bin/qemu-E or qemu-E-static, E an emulator of the table
		       */
	PKG_LINK,     /* a symbolic or hard link, anywhere */
	PKG_FILE,     /* any other regular file */
};

/* One member of the package's tree; @data is valid during the callback only. */
struct pkg_member {
	enum pkg_member_kind kind;
	const char *path;		 /* without a leading "./" */
	const struct qus_target *target; /* PKG_EMULATOR */
	const uint8_t *data;		 /* PKG_EMULATOR */
	size_t size;
	/* PKG_LINK: its target as written (a hard link's as "/PATH": from the tree's root). */
	const char *link;
};

/* Called for each member but directories; a negative return stops reading and is returned. */
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
	char what[512];
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

/* Whether @path is an RPM (its lead's magic number); else it is read as a .deb. */
bool pkg_is_rpm(const char *path);

/* A .deb or an .rpm, told apart by the RPM lead's magic number. */
int pkg_read(const char *path, const struct pkg_read_opts *ro, struct pkg_info *info,
	     struct pkg_error *err);

/*
 * The version as an OCI tag: the distribution's version without epoch and
 * repack marker ("1:7.2+dfsg-7+deb12u18" -> "7.2-7.deb12u18",
 * "1:10.0.13+ds-0+deb13u1" -> "10.0.13-0.deb13u1"), other characters a tag
 * may not hold turned into '.'.  0 or -EINVAL.
 */
int pkg_tag_version(const char *version, char *out, size_t size);

/*
 * Order two versions as dpkg does (epoch, then upstream version and
 * revision compared in runs of digits and non-digits, '~' before
 * everything): <0, 0, >0.  RPM's version-release compares the same way for
 * the versions Fedora gives QEMU.
 */
int pkg_version_cmp(const char *a, const char *b);

/*
 * The target of an emulator's file name: "qemu-aarch64-static" or, with
 * @suffix_optional, also "qemu-aarch64" (qemu-user since QEMU 9.1); NULL if
 * the name is not an emulator's of the table.
 */
const struct qus_target *pkg_emulator_target(const char *file_name, bool suffix_optional);

#endif
