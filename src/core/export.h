/* SPDX-License-Identifier: MIT */
/*
 * Configuration files that register entries at every boot: systemd-binfmt's
 * binfmt.d(5) lines and Debian's update-binfmts(8) format files, in the
 * layout of QEMU's qemu-binfmt-conf.sh (--systemd / --debian).
 */
#ifndef QUS_EXPORT_H
#define QUS_EXPORT_H

#include <stddef.h>
#include <sys/types.h>

#include "entry.h"

enum export_format {
	EXPORT_SYSTEMD, /* <dir>/<name>.conf: one register line */
	EXPORT_DEBIAN,	/* <dir>/<name>: update-binfmts --import format */
};

/* The file name for @e in @format ("qemu-aarch64.conf" / "qemu-aarch64"). */
int export_file_name(enum export_format format, const struct binfmt_entry *e, char *out,
		     size_t size);

/*
 * The file contents.  update-binfmts cannot express O on its own (only
 * through credentials), so a Debian file of an entry with O but not C
 * registers without O.  Returns the length, -EINVAL, or -ENOSPC.
 */
long export_render(enum export_format format, const struct binfmt_entry *e, char *buf, size_t size);

#endif
