/* SPDX-License-Identifier: MIT */
/*
 * Enter a new user namespace and mount namespace in this very process, so
 * that what runs next (exec'd by the caller) is the namespace's first
 * process: its exit status and signals need no relaying.
 *
 * A process cannot write its own wide id maps (the kernel wants the writer
 * to stay in the parent namespace), so a helper child forked beforehand
 * waits outside, writes the maps of its parent once that parent has
 * unshared (directly, or through newuidmap/newgidmap), and exits.
 * util-linux's `unshare --map-auto` works the same way.
 */
#ifndef QUS_USERNS_H
#define QUS_USERNS_H

#include "idmap.h"

struct userns_request {
	struct idmap uid, gid; /* in: wanted; out: applied */
	const char *newuidmap; /* the helpers, for IDMAP_SUBIDS */
	const char *newgidmap;
	unsigned long self_uid, self_gid; /* for falling back to a single id */
};

enum userns_stage {
	USERNS_UNSHARE,	    /* nothing changed: the process is where it was */
	USERNS_MAP,	    /* in the new namespaces, without usable id maps */
	USERNS_PROPAGATION, /* mounts could not be made private */
};

/*
 * Unshare user and mount namespaces, have the maps written, and make every
 * mount private, so that nothing mounted afterwards reaches the host.  A
 * SUBIDS map the helper refuses becomes SINGLE (SINGLE_HELPER_FAILED) in
 * @req.  Returns 0, or -errno with *@stage set to the step that failed.
 */
int userns_enter(struct userns_request *req, enum userns_stage *stage);

/*
 * The simplest case, with no helper: new user and mount namespaces where
 * this process is root, mapped to its own ids only (setgroups denied), and
 * every mount private.  For short-lived children (the native probes).
 * 0 or -errno.
 */
int userns_enter_single(void);

#endif
