/* SPDX-License-Identifier: MIT */
/*
 * The tree of the packages given to qus-build, by path only, and links
 * resolved within it, never on the host: QEMU 10.0's transitional
 * qemu-user-static holds links qemu-T-static -> qemu-T that point into
 * qemu-user, and qemu-user's aliases (qemu-arm64 -> qemu-aarch64) are links.
 */
#ifndef QUS_LINKS_H
#define QUS_LINKS_H

#include <stddef.h>

#include "arch.h"

enum tree_kind { TREE_EMULATOR, TREE_LINK, TREE_FILE };

struct tree_node {
	char *path; /* from the tree's root, no leading "/" or "./" */
	enum tree_kind kind;
	char *link;			 /* TREE_LINK: the target as written */
	const struct qus_target *target; /* TREE_EMULATOR */
	int pkg;			 /* which package of the set holds it */
};

struct tree {
	struct tree_node *v;
	size_t n, cap;
};

/* Add a node (copies the strings); -EEXIST if the path is there already. */
int tree_add(struct tree *t, const char *path, enum tree_kind kind, const char *link,
	     const struct qus_target *target, int pkg);
const struct tree_node *tree_find(const struct tree *t, const char *path);
void tree_free(struct tree *t);

/* The most links followed for one path (the kernel's limit for a path is 40). */
#define TREE_MAX_HOPS 8

/*
 * Where a link at @path with target @link points, as a path from the root:
 * relative targets from the link's directory, absolute ones from the tree's
 * root.  0, -EXDEV if ".." climbs above the root, -ENAMETOOLONG.
 */
int tree_link_dest(const char *path, const char *link, char *out, size_t size);

/*
 * Follow links from @path until a path that is not a link; @out gets it
 * (whether it exists is the caller's question: tree_find).  0, -EXDEV (a
 * link leaves the tree), -ELOOP (a loop, or more than TREE_MAX_HOPS links).
 */
int tree_resolve(const struct tree *t, const char *path, char *out, size_t size);

#endif
