/* SPDX-License-Identifier: MIT */
/*
 * What is mounted on a path, read from mountinfo: reading it never
 * triggers an automount, where looking at the path itself would.
 */
#ifndef QUS_MOUNTINFO_H
#define QUS_MOUNTINFO_H

#include <stdbool.h>
#include <sys/types.h>

struct mounts_at {
	bool autofs;	     /* an automount point (autofs, as systemd's units make) */
	long autofs_timeout; /* its idle timeout in seconds (0: never), -1 if not said */
	bool binfmt;	     /* binfmt_misc mounted there (on top of the autofs, if any) */
	dev_t binfmt_dev;    /* that mount's superblock: one per user namespace's instance */
};

/*
 * Fill @m for @path from the mountinfo file @file (NULL: this process's,
 * /proc/self/mountinfo).  0, or -errno if @file cannot be read.
 */
int mountinfo_at(const char *file, const char *path, struct mounts_at *m);

#endif
