/* SPDX-License-Identifier: MIT */
/*
 * Packages from the internet (qus-build): .deb (ar, control.tar, data.tar
 * with any compression, xz on all cores) and RPM (lead, headers, cpio
 * payload), read from a memory file.  Never crashes; a package that is
 * refused says which rule, and what is accepted hands out only emulators
 * of table targets whose size fits the limits, links with a target, and
 * paths inside the tree.  Every link is then resolved within the tree the
 * package makes (links.c): never above its root, never more than
 * TREE_MAX_HOPS links.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "links.h"
#include "pkg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int take(const struct pkg_member *m, void *ctx)
{
	struct tree *t = ctx;
	enum tree_kind k = TREE_FILE;

	if (!m->path || m->path[0] == '/' || !strncmp(m->path, "./", 2))
		abort();
	switch (m->kind) {
	case PKG_EMULATOR:
		if (!m->target || m->size > PKG_MEMBER_MAX || strncmp(m->path, "usr/bin/qemu-", 13))
			abort();
		k = TREE_EMULATOR;
		break;
	case PKG_LINK:
		if (!m->link || !*m->link)
			abort();
		k = TREE_LINK;
		break;
	case PKG_FILE:
		break;
	default:
		abort();
	}
	/* A path twice is the extract stage's refusal; here the first one stays. */
	if (tree_add(t, m->path, k, m->link, m->target, 0) == -ENOMEM)
		abort();
	return 0;
}

static void resolve_all(const struct tree *t)
{
	char out[4096];

	for (size_t i = 0; i < t->n; i++) {
		int r;

		if (t->v[i].kind != TREE_LINK)
			continue;
		r = tree_resolve(t, t->v[i].path, out, sizeof(out));
		if (r == 0 && (out[0] == '/' || !strcmp(out, "..") || !strncmp(out, "../", 3)))
			abort(); /* resolved above the root */
		if (r < 0 && r != -EXDEV && r != -ELOOP && r != -ENAMETOOLONG)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Small limits keep each input fast; the rules are the same. */
	struct tree t = { 0 };
	const struct pkg_read_opts ro = { take, &t, 64u << 20 };
	struct pkg_info info;
	struct pkg_error err;
	char path[64];
	int fd = memfd_create("pkg", 0), r;

	if (fd < 0)
		return 0;
	if (write(fd, data, size) == (ssize_t)size) {
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		r = pkg_read(path, &ro, &info, &err);
		if (r == -EBADMSG && !err.what[0])
			abort(); /* refused without a reason */
		if (r == 0)
			resolve_all(&t);
	}
	tree_free(&t);
	close(fd);
	return 0;
}
