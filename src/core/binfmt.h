/* SPDX-License-Identifier: MIT */
/*
 * The binfmt_misc file system: one directory handle, opened once, and every
 * operation relative to it.  Functions return 0 (or a count) or -errno and
 * never print.
 */
#ifndef QUS_BINFMT_H
#define QUS_BINFMT_H

#include <stdbool.h>
#include <stddef.h>

#include "entry.h"

/* Open @path as a directory handle (O_PATH). Returns the fd or -errno. */
int binfmt_open(const char *path);

/* 1 if @dirfd is the root of a binfmt_misc mount, 0 if not, or -errno. */
int binfmt_is_mounted(int dirfd);

/* 1 if the directory @dirfd has no entries at all (safe to mount on), 0 if not, or -errno. */
int binfmt_dir_is_empty(int dirfd);

/* Mount a binfmt_misc instance on @path. 0 or -errno. */
int binfmt_mount(const char *path);

/*
 * Whether the binfmt_misc mounted at @dirfd is this user namespace's own:
 * its files belong to the root of the namespace that mounted it, so here
 * they are root's (uid 0) only if that namespace is this one (or its root
 * is ours).  1 yes, 0 another namespace's (in rootless podman, the host's
 * instance shows with the overflow uid), -errno.
 */
int binfmt_is_ours(int dirfd);

/* Whether binfmt_misc as a whole is enabled (<dir>/status). 0 or -errno. */
int binfmt_read_status(int dirfd, bool *enabled);

/*
 * The entry names (everything but register and status) in the kernel's
 * order: the order in which it tries them, newest first (binfmt_misc lists
 * a new entry's file first; handler.h says why that is the kernel's order).
 */
int binfmt_list(int dirfd, char ***names, size_t *count);
void binfmt_free_names(char **names, size_t count);

/* Read and parse <dir>/@name. -ENOENT if there is no such entry, -EINVAL if unparsable. */
int binfmt_read_entry(int dirfd, const char *name, struct binfmt_entry *e);

/*
 * Whether binfmt_misc is enabled and every entry that parses, read once,
 * in the kernel's order (an entry removed or unparsable meanwhile is left
 * out).  *@entries is the caller's to free(), also when empty.  0 or -errno.
 */
int binfmt_read_all(int dirfd, bool *enabled, struct binfmt_entry **entries, size_t *count);

/* Sort @entries by name, for output people compare. */
void binfmt_sort_by_name(struct binfmt_entry *entries, size_t count);

/* Write @e's register string in one write(); a short write is -EIO. */
int binfmt_register(int dirfd, const struct binfmt_entry *e);

/* Remove one entry ("-1" to <dir>/@name). -ENOENT if it is not there. */
int binfmt_remove(int dirfd, const char *name);

/* Enable or disable one entry. */
int binfmt_set_enabled(int dirfd, const char *name, bool enabled);

enum binfmt_outcome {
	BINFMT_ADDED,	  /* there was no entry of that name */
	BINFMT_REPLACED,  /* a different entry of that name was removed first */
	BINFMT_UNCHANGED, /* an identical, enabled entry was there */
	BINFMT_ENABLED,	  /* an identical entry was there, disabled: now enabled */
	/* On failure: */
	BINFMT_FAILED,	    /* what was there (if anything) is there as it was */
	BINFMT_FAILED_LOST, /* the previous entry was removed and could not be put back */
	BINFMT_NOUTCOMES
};

/*
 * Make @want registered and enabled.  An identical entry is left alone
 * (unless @replace: then it is registered anew, which makes an F entry open
 * the interpreter file again); a different one is replaced.  Never fails with
 * EEXIST: a concurrent registration of the same name is read back and
 * compared instead.  If the kernel refuses @want after a previous entry was
 * removed to make room, the previous one is registered again: a failure
 * loses nothing (*@outcome says which failure it was).
 */
int binfmt_apply(int dirfd, const struct binfmt_entry *want, bool replace,
		 enum binfmt_outcome *outcome);

#endif
