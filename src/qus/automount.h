/* SPDX-License-Identifier: MIT */
/*
 * binfmt_misc behind an automount (systemd's proc-sys-fs-binfmt_misc.automount):
 * when it expires, binfmt_misc is unmounted, and since Linux 6.7 the
 * entries go with the last mount.  qus keeps a second mount of its own
 * (BINFMT_KEEP_DIR) while it has entries there.
 */
#ifndef QUS_AUTOMOUNT_H
#define QUS_AUTOMOUNT_H

#include <stdbool.h>

#include "context.h"
#include "mountinfo.h"

struct automount_state {
	struct mounts_at at; /* what is on the binfmt_misc directory */
	bool kept;	     /* BINFMT_KEEP_DIR holds the same instance */
};

/* Fill @st for ctx->binfmt_dir. 0, or -errno if mountinfo cannot be read. */
int automount_look(const struct qus_ctx *ctx, struct automount_state *st);

/* Whether entries there end when the automount expires: autofs, a timeout, Linux 6.7. */
bool automount_expires(struct qus_ctx *ctx, const struct automount_state *st);

/*
 * After registering: if the entries would end with the automount's expiry,
 * mount binfmt_misc on BINFMT_KEEP_DIR too, saying so unless @quiet; if
 * that fails, say what to do instead.
 */
void automount_keep(struct qus_ctx *ctx, bool quiet);

/* After removing: with no entry left at all, unmount BINFMT_KEEP_DIR, saying so unless @quiet. */
void automount_release(struct qus_ctx *ctx, bool quiet);

#endif
