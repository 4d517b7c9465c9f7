/* SPDX-License-Identifier: MIT */
/*
 * Opening binfmt_misc for a command (mounting it where that is asked and
 * safe), and what to tell the user about the kernel's refusals.
 */
#ifndef QUS_BINFMT_ACCESS_H
#define QUS_BINFMT_ACCESS_H

#include <stdbool.h>

#include "context.h"
#include "entry.h"

/*
 * BINFMT_READ_MOUNT: read, mounting binfmt_misc first if need be, as
 * tonistiigi/binfmt's status does in a container that has no mount of it
 * yet; a read changes nothing, so the mount is not worth a word.
 */
enum binfmt_access { BINFMT_READ, BINFMT_WRITE, BINFMT_READ_MOUNT };

/*
 * Open the binfmt_misc directory.  BINFMT_WRITE mounts binfmt_misc if the
 * directory is empty and says so; BINFMT_READ_MOUNT mounts it silently.
 * Returns the directory fd; -ENODEV (no message) if it is not mounted and
 * @access is BINFMT_READ; -1 after printing an error otherwise.
 */
int cli_binfmt_open(struct qus_ctx *ctx, enum binfmt_access access);

/*
 * Every entry as it is, in the kernel's order (who runs what: handler.h),
 * read through @fd if it is open, else from ctx->binfmt_dir if binfmt_misc
 * is mounted there.  Quietly none (*@entries NULL) where they cannot be
 * read: then no other emulator is known.  *@entries is the caller's to free.
 */
void read_entries_quietly(struct qus_ctx *ctx, int fd, struct binfmt_entry **entries,
			  size_t *count);

/*
 * Whether this kernel drops the entries with the last mount of binfmt_misc
 * (Linux 6.7 and later: an instance per user namespace, its entries in the
 * superblock).
 */
bool kernel_drops_entries_on_umount(struct qus_ctx *ctx);

/* What to do about an errno from writing to binfmt_misc, or "". */
const char *binfmt_hint(int err);

/*
 * Whether -@err from a write concerns binfmt_misc as a whole (read-only, no
 * permission): every further write fails alike, so it is said once.
 */
bool binfmt_refuses_all(int err);

/* The same for registering an entry with @flags on host @h: also names flags the kernel lacks. */
const char *register_error_hint(int err, unsigned flags, const struct qus_host *h);

#endif
