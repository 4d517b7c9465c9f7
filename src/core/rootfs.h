/* SPDX-License-Identifier: MIT */
/*
 * `qus run --rootfs DIR`: make DIR the root of the (already private) mount
 * namespace, with what a shell and a package manager there expect: the
 * host's /proc (carrying the private binfmt_misc), /sys and /dev, a fresh
 * /tmp, and the host's resolv.conf for name resolution.
 *
 * Paths inside DIR are resolved as if DIR were already the root
 * (openat2 RESOLVE_IN_ROOT, Linux 5.6), so a symbolic link in the tree, such
 * as etc/resolv.conf -> /run/..., can never lead a mount onto a host path.
 */
#ifndef QUS_ROOTFS_H
#define QUS_ROOTFS_H

#include <stddef.h>

/* What rootfs_enter() did not set up, and why (not fatal). */
#define ROOTFS_MAX_SKIPPED 4
struct rootfs_report {
	struct {
		const char *path; /* inside the root, e.g. "/etc/resolv.conf" */
		int err;	  /* -errno */
	} skipped[ROOTFS_MAX_SKIPPED];
	size_t nskipped;
	const char *failed_path; /* set when rootfs_enter() fails */
};

/*
 * Mount the table's file systems below @dir (creating missing mount points
 * as empty directories or files), then make @dir the root and change to
 * @cwd inside it ("/" if @cwd does not exist there).  0, or -errno with
 * @report->failed_path naming what could not be done.
 */
int rootfs_enter(const char *dir, const char *cwd, struct rootfs_report *report);

/*
 * Where @cwd is seen from inside root @root (both absolute, canonical):
 * "/" if @cwd is not below @root.  0, or -ENAMETOOLONG.
 */
int rootfs_inner_path(const char *root, const char *cwd, char *out, size_t size);

#endif
