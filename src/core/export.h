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

/*
 * The file name for @e in @format: "00-qus-qemu-aarch64.conf" for
 * systemd-binfmt, "qemu-aarch64" for update-binfmts.
 *
 * systemd-binfmt registers the files of every binfmt.d directory in the
 * order of their names, so the file that sorts last wins at boot, as the
 * entry registered last wins at run time.  Other emulators' files
 * (box64.conf, FEX-x86_64.conf, Lima's rosetta.conf) must win over QEMU's
 * at boot as they do at run time, so qus's names sort before any name that
 * starts with a letter.  update-binfmts registers its formats in the order
 * of their names too, but there the name is the entry's, and every tool
 * knows QEMU's entries as qemu-*: those keep their names.
 */
int export_file_name(enum export_format format, const struct binfmt_entry *e, char *out,
		     size_t size);

/*
 * For systemd-binfmt: the name that masks the distribution's file for the
 * same entry ("qemu-aarch64.conf", which Debian's packages install in
 * /usr/lib/binfmt.d), written as a link to /dev/null in the same
 * directory.  Without it that file would register the entry again, later,
 * in front of other emulators.  -ENAMETOOLONG or 0.
 */
int export_mask_name(const struct binfmt_entry *e, char *out, size_t size);

/*
 * The file contents.  update-binfmts cannot express O on its own (only
 * through credentials), so a Debian file of an entry with O but not C
 * registers without O.  Returns the length, -EINVAL, or -ENOSPC.
 */
long export_render(enum export_format format, const struct binfmt_entry *e, char *buf, size_t size);

#endif
