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

#include <stdbool.h>

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
 * Joining the user namespace and then the mount namespace of a running
 * process with setns(2), as their owner: the way into rootless podman's
 * namespaces (its pause process) and rootless Docker's (the rootlesskit
 * child that dockerd runs in), or any user namespace the caller made.  The
 * kernel lets the uid that created a user namespace (its owner) join it
 * with every capability there; no setuid helper is involved.
 */
enum userns_join_stage {
	USERNS_JOIN_FIND,  /* /proc/PID: no such process */
	USERNS_JOIN_OPEN,  /* its namespaces could not be opened: not the caller's */
	USERNS_JOIN_USER,  /* setns to its user namespace was refused */
	USERNS_JOIN_MOUNT, /* setns to its mount namespace was refused */
};

struct userns_join_info {
	enum userns_join_stage stage; /* where it failed */
	long proc_uid;		      /* the process's owner (effective uid), -1 unknown */
	long owner_uid;		      /* the user namespace's owner, -1 unknown */
	bool same_userns;	      /* this process was in that user namespace already */
};

/*
 * Join @pid's user namespace (unless this process is in it already) and
 * then its mount namespace (unless it shares it), keeping the working
 * directory's path where it exists there.  The process must be single
 * threaded (the kernel refuses a thread group).  Returns 0 (joined, or
 * nothing to do: see @info->same_userns), or -errno with @info->stage the
 * step that failed.
 */
int userns_join(long pid, struct userns_join_info *info);

/*
 * The simplest case, with no helper: new user and mount namespaces where
 * this process is root, mapped to its own ids only (setgroups denied), and
 * every mount private.  For short-lived children (the native probes).
 * 0 or -errno.
 */
int userns_enter_single(void);

#endif
