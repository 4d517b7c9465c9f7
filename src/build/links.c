/* SPDX-License-Identifier: MIT */
#include "links.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int tree_add(struct tree *t, const char *path, enum tree_kind kind, const char *link,
	     const struct qus_target *target, int pkg)
{
	struct tree_node *n;

	if (tree_find(t, path))
		return -EEXIST;
	if (t->n == t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 256;
		struct tree_node *v = realloc(t->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		t->v = v;
		t->cap = cap;
	}
	n = &t->v[t->n];
	*n = (struct tree_node){ .kind = kind, .target = target, .pkg = pkg };
	n->path = strdup(path);
	n->link = link ? strdup(link) : NULL;
	if (!n->path || (link && !n->link)) {
		free(n->path);
		free(n->link);
		return -ENOMEM;
	}
	t->n++;
	return 0;
}

/* A package tree holds a few hundred paths: a scan is as fast as anything. */
const struct tree_node *tree_find(const struct tree *t, const char *path)
{
	for (size_t i = 0; i < t->n; i++)
		if (!strcmp(t->v[i].path, path))
			return &t->v[i];
	return NULL;
}

void tree_free(struct tree *t)
{
	for (size_t i = 0; i < t->n; i++) {
		free(t->v[i].path);
		free(t->v[i].link);
	}
	free(t->v);
	*t = (struct tree){ 0 };
}

/* Append component @c (of @len bytes) to @out (of length *@n), handling "." and "..". */
static int push_component(char *out, size_t size, size_t *n, const char *c, size_t len)
{
	if (len == 0 || (len == 1 && c[0] == '.'))
		return 0;
	if (len == 2 && c[0] == '.' && c[1] == '.') {
		char *slash;

		if (*n == 0)
			return -EXDEV; /* above the root */
		out[*n] = '\0';
		slash = strrchr(out, '/');
		*n = slash ? (size_t)(slash - out) : 0;
		out[*n] = '\0';
		return 0;
	}
	if (*n + (*n > 0) + len + 1 > size)
		return -ENAMETOOLONG;
	if (*n > 0)
		out[(*n)++] = '/';
	memcpy(out + *n, c, len);
	*n += len;
	out[*n] = '\0';
	return 0;
}

static int push_path(char *out, size_t size, size_t *n, const char *p)
{
	while (*p) {
		size_t len = strcspn(p, "/");
		int r = push_component(out, size, n, p, len);

		if (r < 0)
			return r;
		p += len;
		while (*p == '/')
			p++;
	}
	return 0;
}

int tree_link_dest(const char *path, const char *link, char *out, size_t size)
{
	size_t n = 0;
	const char *slash = strrchr(path, '/');
	int r = 0;

	if (size == 0)
		return -ENAMETOOLONG;
	out[0] = '\0';
	if (link[0] != '/' && slash) {
		/* The link's own directory: every component of @path but the last. */
		char dir[4096];

		if ((size_t)(slash - path) >= sizeof(dir))
			return -ENAMETOOLONG;
		memcpy(dir, path, (size_t)(slash - path));
		dir[slash - path] = '\0';
		r = push_path(out, size, &n, dir);
	}
	return r < 0 ? r : push_path(out, size, &n, link);
}

int tree_resolve(const struct tree *t, const char *path, char *out, size_t size)
{
	char cur[4096];
	const struct tree_node *node;

	if (strlen(path) >= sizeof(cur))
		return -ENAMETOOLONG;
	strcpy(cur, path);
	for (int hops = 0; (node = tree_find(t, cur)) && node->kind == TREE_LINK; hops++) {
		int r;

		if (hops == TREE_MAX_HOPS)
			return -ELOOP;
		r = tree_link_dest(cur, node->link, out, size);
		if (r < 0)
			return r;
		if (strlen(out) >= sizeof(cur))
			return -ENAMETOOLONG;
		strcpy(cur, out);
	}
	if (strlen(cur) >= size)
		return -ENAMETOOLONG;
	strcpy(out, cur);
	return 0;
}
