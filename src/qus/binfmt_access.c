/* SPDX-License-Identifier: MIT */
#include "binfmt_access.h"

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "binfmt.h"
#include "diag.h"
#include "entry.h"
#include "instance.h"
#include "paths.h"
#include "util.h"

const char *binfmt_hint(int err)
{
	switch (err < 0 ? -err : err) {
	case EACCES:
	case EPERM:
		return " (run as root; in a container, start it with --privileged)";
	case EROFS:
		return " (binfmt_misc is read-only here; in a container, start it with --privileged)";
	case ENODEV:
		return " (this kernel has no binfmt_misc; load it with 'modprobe binfmt_misc')";
	default:
		return "";
	}
}

bool binfmt_refuses_all(int err)
{
	return err == -EROFS || err == -EACCES || err == -EPERM;
}

const char *register_error_hint(int err, unsigned flags, const struct qus_host *h)
{
	if (err < 0)
		err = -err;
	if (err != EINVAL)
		return binfmt_hint(err);
	/* Kernels before 4.8 know no F: create_entry() stops at the letter, EINVAL. */
	if ((flags & QUS_FLAG_F) && !host_kernel_at_least(h, 4, 8))
		return " (flag F needs Linux 4.8 or later; register with --no-persistent)";
	return "";
}

bool kernel_drops_entries_on_umount(struct qus_ctx *ctx)
{
	struct qus_host h = ctx->host;

	if (!h.kernel_major && host_detect(&h) < 0)
		return false;
	return host_kernel_at_least(&h, 6, 7);
}

void read_entries_quietly(struct qus_ctx *ctx, int fd, struct binfmt_entry **entries, size_t *count)
{
	_cleanup_close_ int own = -1;
	bool enabled;

	*entries = NULL;
	*count = 0;
	if (fd < 0) {
		own = binfmt_open(ctx->binfmt_dir);
		if (own < 0 || binfmt_is_mounted(own) != 1)
			return;
		fd = own;
	}
	if (binfmt_read_all(fd, &enabled, entries, count) < 0) {
		free(*entries);
		*entries = NULL;
		*count = 0;
	}
}

static int reopen(const char *dir)
{
	int fd = binfmt_open(dir);

	if (fd < 0)
		warn_err(fd, NULL, "cannot open %s", dir);
	return fd < 0 ? -1 : fd;
}

/* This user namespace's own binfmt_misc, over an ancestor namespace's at @dir. */
static int mount_own(struct qus_ctx *ctx, const char *dir)
{
	int r;

	if (!kernel_drops_entries_on_umount(ctx)) {
		warn("cannot register in %s: it is the binfmt_misc of another user namespace, "
		     "and only Linux 6.7 or later gives this one its own (kernel %s)",
		     dir, ctx->host.release);
		return -1;
	}
	r = binfmt_mount(dir);
	if (r < 0) {
		warn_err(r, NULL,
			 "cannot mount this user namespace's own binfmt_misc over %s (another "
			 "namespace's, which it may not change)",
			 dir);
		return -1;
	}
	if (!ctx->quiet)
		warn("the binfmt_misc on %s is another user namespace's (the host's), which this "
		     "one may not change; mounted this user namespace's own over it",
		     dir);
	return reopen(dir);
}

int cli_binfmt_open(struct qus_ctx *ctx, enum binfmt_access access)
{
	const char *dir = ctx->binfmt_dir;
	int fd, r;

	fd = binfmt_open(dir);
	if (fd < 0) {
		if (fd == -ENOENT)
			warn("%s does not exist (the kernel has no binfmt_misc; load it with "
			     "'modprobe binfmt_misc', or give the mount point with --binfmt-dir)",
			     dir);
		else
			warn_err(fd, NULL, "cannot open %s", dir);
		return -1;
	}
	r = binfmt_is_mounted(fd);
	if (r == 1 && access == BINFMT_WRITE && !instance_userns_is_initial() &&
	    binfmt_is_ours(fd) == 0) {
		/*
		 * In a user namespace (podman unshare, a rootless container) the
		 * binfmt_misc seen is an ancestor namespace's, which this one may
		 * not change.  Since Linux 6.7 it may mount its own over it.
		 */
		close(fd);
		return mount_own(ctx, dir);
	}
	if (r == 1)
		return fd;
	if (r < 0) {
		warn_err(r, NULL, "cannot examine %s", dir);
		close(fd);
		return -1;
	}
	if (access == BINFMT_READ) {
		close(fd);
		return -ENODEV;
	}
	/* Mount only on an empty directory: never hide files under a mount. */
	r = binfmt_dir_is_empty(fd);
	close(fd);
	if (r <= 0) {
		if (r < 0)
			warn_err(r, NULL, "cannot read %s", dir);
		else
			warn("%s is not a binfmt_misc mount and is not empty; refusing to mount "
			     "over it (give the mount point with --binfmt-dir)",
			     dir);
		return -1;
	}
	r = binfmt_mount(dir);
	if (r < 0) {
		warn_err(r, binfmt_hint(r), "cannot mount binfmt_misc on %s", dir);
		return -1;
	}
	if (access == BINFMT_WRITE && !ctx->quiet)
		warn("binfmt_misc was not mounted; mounted it on %s", dir);
	/*
	 * Since Linux 6.7 the entries live as long as a mount of binfmt_misc
	 * does.  A container's mounts go when it exits: what the register image
	 * registers on a host without binfmt_misc mounted is gone right after.
	 * (A rootless container's registrations are said after registering:
	 * they never reach the host at all.)
	 */
	if (access == BINFMT_WRITE && instance_in_container() && instance_userns_is_initial() &&
	    kernel_drops_entries_on_umount(ctx) && !ctx->keeping)
		warn("warning: entries last only while binfmt_misc is mounted somewhere, and this "
		     "mount ends with this container; mount binfmt_misc on the host first "
		     "(mount -t binfmt_misc binfmt_misc %s; with systemd, 'ls %s' triggers its "
		     "automount), or keep a container running 'qus register --keep'",
		     BINFMT_DEFAULT_DIR, BINFMT_DEFAULT_DIR);
	return reopen(dir);
}
