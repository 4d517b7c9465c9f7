/* SPDX-License-Identifier: MIT */
/*
 * Which ids exist inside the user namespace of `qus run`, and how they map
 * to the ids outside (user_namespaces(7)).  The caller always becomes root
 * inside.  Three ways, best first:
 *
 *   identity  - a caller that is root maps every id it has to itself, so
 *               files keep their owners (needs CAP_SETUID outside);
 *   subids    - an ordinary user maps itself to 0 and its subordinate ranges
 *               from /etc/subuid and /etc/subgid to 1, 2, ... through the
 *               setuid helpers newuidmap/newgidmap, as rootless podman does,
 *               so that package managers can chown files to other users;
 *   single    - only the caller's own id, as 0: what the kernel lets any user
 *               write, with setgroups(2) denied.
 *
 * Pure text in, text out: the namespace code (userns.c) applies the result.
 */
#ifndef QUS_IDMAP_H
#define QUS_IDMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Ids [inside, inside + count) of the namespace are [outside, ...) of its parent. */
struct idmap_extent {
	unsigned long inside, outside, count;
};

/* The kernel accepts 340 lines (Linux 4.15); /etc/subuid rarely lists more than one. */
#define IDMAP_MAX_EXTENTS 32

enum idmap_kind {
	IDMAP_IDENTITY,
	IDMAP_SUBIDS,
	IDMAP_SINGLE,
};

/* Why a map is IDMAP_SINGLE (for the warning that says what will not work). */
enum idmap_single_reason {
	SINGLE_NOT_NEEDED = 0, /* not single */
	SINGLE_NO_RANGES,      /* no line for the caller in /etc/subuid or /etc/subgid */
	SINGLE_NO_HELPER,      /* newuidmap/newgidmap not found (package uidmap) */
	SINGLE_HELPER_FAILED,  /* the helper ran and refused */
};

struct idmap {
	enum idmap_kind kind;
	enum idmap_single_reason why_single;
	struct idmap_extent ext[IDMAP_MAX_EXTENTS];
	size_t n;
};

/* Only @self, as 0. */
void idmap_single(unsigned long self, enum idmap_single_reason why, struct idmap *m);

/*
 * Every id of the current namespace to itself, from the text of its own
 * /proc/self/uid_map (or gid_map).  0, or -EINVAL for text that is not a map.
 */
int idmap_identity(const char *own_map, struct idmap *m);

/*
 * @self as 0, then the ranges that /etc/subuid-format @text ("owner:start:count"
 * lines; owner is a name or a number) gives @user or @self, from 1 on, in file
 * order.  Returns the number of ranges used; 0 leaves @m empty (no ranges).
 * Malformed lines are ignored, as newuidmap does.
 */
int idmap_subids(const char *text, const char *user, unsigned long self, struct idmap *m);

/* The map as the kernel's uid_map file wants it: "inside outside count\n" per extent. */
int idmap_format(const struct idmap *m, char *buf, size_t size);

/*
 * The argument vector of newuidmap/newgidmap for @m on process @pid:
 * { @helper, "PID", "inside", "outside", "count", ..., NULL }.  The numbers
 * are written into @store.  0, or -ENOSPC.
 */
#define IDMAP_ARGV_MAX (2 + 3 * IDMAP_MAX_EXTENTS + 1)
struct idmap_argv {
	char *argv[IDMAP_ARGV_MAX];
	char store[IDMAP_ARGV_MAX][24];
};
int idmap_helper_argv(const struct idmap *m, const char *helper, pid_t pid, struct idmap_argv *out);

#endif
