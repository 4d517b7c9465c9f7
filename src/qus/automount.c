/* SPDX-License-Identifier: MIT */
#include "automount.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "binfmt.h"
#include "binfmt_access.h"
#include "diag.h"
#include "instance.h"
#include "paths.h"
#include "util.h"

int automount_look(const struct qus_ctx *ctx, struct automount_state *st)
{
	struct mounts_at keep;
	int r = mountinfo_at(NULL, ctx->binfmt_dir, &st->at);

	st->kept = false;
	if (r < 0 || mountinfo_at(NULL, BINFMT_KEEP_DIR, &keep) < 0)
		return r;
	/* Unmounted (expired) on the directory, the kept one still counts. */
	st->kept = keep.binfmt && (!st->at.binfmt || keep.binfmt_dev == st->at.binfmt_dev);
	return 0;
}

bool automount_expires(struct qus_ctx *ctx, const struct automount_state *st)
{
	/* A timeout mountinfo does not show (-1) may be anything: assume one. */
	return st->at.autofs && st->at.autofs_timeout != 0 && kernel_drops_entries_on_umount(ctx);
}

static int mkdir_if_absent(const char *path)
{
	return mkdir(path, 0755) < 0 && errno != EEXIST ? -errno : 0;
}

void automount_keep(struct qus_ctx *ctx, bool quiet)
{
	struct automount_state st;
	char timeout[48] = "when idle";
	int r;

	if (automount_look(ctx, &st) < 0 || !st.at.binfmt || st.kept ||
	    !automount_expires(ctx, &st))
		return;
	if (st.at.autofs_timeout > 0)
		snprintf(timeout, sizeof(timeout), "after %ld s idle", st.at.autofs_timeout);
	/*
	 * In a container the second mount would end with it: only the host's
	 * mount namespace can keep one (and there the automount is seen).
	 */
	r = instance_in_container() ? -EXDEV : mkdir_if_absent(BINFMT_KEEP_PARENT);
	if (r == 0)
		r = mkdir_if_absent(BINFMT_KEEP_DIR);
	if (r == 0)
		r = binfmt_mount(BINFMT_KEEP_DIR);
	if (r < 0) {
		warn("warning: %s is an automount that unmounts binfmt_misc %s, and the entries go "
		     "with it (Linux 6.7 and later); qus could not keep a mount of its own on %s "
		     "(%s): keep 'qus register --keep' running, or turn the expiry off "
		     "(TimeoutIdleSec=0 in proc-sys-fs-binfmt_misc.automount)",
		     ctx->binfmt_dir, timeout, BINFMT_KEEP_DIR,
		     r == -EXDEV ? "in a container it would end with the container" : strerror(-r));
		return;
	}
	if (!quiet)
		warn("note: %s is an automount that unmounts binfmt_misc %s, and the entries would "
		     "go with it (Linux 6.7 and later): binfmt_misc is mounted on %s too, which "
		     "keeps them until a reboot or 'qus unregister' of the last one ('umount %s' "
		     "lets them go)",
		     ctx->binfmt_dir, timeout, BINFMT_KEEP_DIR, BINFMT_KEEP_DIR);
}

void automount_release(struct qus_ctx *ctx, bool quiet)
{
	struct automount_state st;
	char **names = NULL;
	size_t count = 0;
	int fd, r;

	if (automount_look(ctx, &st) < 0 || !st.kept)
		return;
	/* Another program's entries are kept too: only an empty instance lets go. */
	fd = binfmt_open(BINFMT_KEEP_DIR);
	if (fd < 0)
		return;
	r = binfmt_list(fd, &names, &count);
	close(fd); /* open, it would keep the mount busy */
	if (r < 0)
		return;
	binfmt_free_names(names, count);
	if (count)
		return;
	if (umount2(BINFMT_KEEP_DIR, 0) < 0) {
		warn_err(-errno, NULL, "cannot unmount %s", BINFMT_KEEP_DIR);
		return;
	}
	(void)rmdir(BINFMT_KEEP_DIR);
	(void)rmdir(BINFMT_KEEP_PARENT);
	if (!quiet)
		warn("note: no entry left: unmounted %s, which kept them through the automount's "
		     "expiry",
		     BINFMT_KEEP_DIR);
}
