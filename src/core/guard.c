/* SPDX-License-Identifier: MIT */
#include "guard.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "paths.h"
#include "util.h"

static const char *const native_paths[GUARD_NATIVES] = { SELF_EXE, HOST_SH, HOST_ENV };

void guard_load_natives(struct guard_natives *n)
{
	/* A file qus cannot read proves nothing either way: it is left out. */
	for (size_t i = 0; i < GUARD_NATIVES; i++)
		n->have[i] = elf_read_header(AT_FDCWD, native_paths[i], n->hdr[i]) > 0;
}

enum guard_verdict guard_entry(const struct binfmt_entry *e, const uint8_t *interp_hdr,
			       const struct guard_natives *n, const struct qus_host *h, char *what,
			       size_t whatlen)
{
	uint8_t hdr[QUS_HEADER_SIZE];

	/* Extension entries never match by content; the interpreter check is moot. */
	if (!e->is_magic)
		return GUARD_OK;
	if (!interp_hdr && elf_read_header(AT_FDCWD, e->interpreter, hdr) > 0)
		interp_hdr = hdr;
	if (interp_hdr && pattern_match(&e->pattern, interp_hdr)) {
		snprintf(what, whatlen, "%s", e->interpreter);
		return GUARD_MATCHES_INTERPRETER;
	}
	for (size_t i = 0; i < GUARD_NATIVES; i++)
		if (n->have[i] && pattern_match(&e->pattern, n->hdr[i])) {
			snprintf(what, whatlen, "%s", native_paths[i]);
			return GUARD_MATCHES_NATIVE_FILE;
		}
	if (h->target && pattern_accepts_target(&e->pattern, h->target)) {
		snprintf(what, whatlen, "%s", h->target->name);
		return GUARD_MATCHES_HOST_ARCH;
	}
	return GUARD_OK;
}

/* Owned by root and writable only by root (a sticky directory protects its entries). */
static int check_owner(const char *path, bool is_dir, char *why, size_t whylen)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return -errno;
	if (st.st_uid != 0) {
		snprintf(why, whylen, "%s is owned by uid %u, not root", path, (unsigned)st.st_uid);
		return -EPERM;
	}
	if ((st.st_mode & (S_IWGRP | S_IWOTH)) && !(is_dir && (st.st_mode & S_ISVTX))) {
		snprintf(why, whylen, "%s is writable by %s", path,
			 st.st_mode & S_IWOTH ? "everyone" : "its group");
		return -EPERM;
	}
	return 0;
}

static int check_ancestors(const char *path, char *why, size_t whylen)
{
	char dir[PATH_MAX];
	char *slash;

	if (snprintf(dir, sizeof(dir), "%s", path) >= (int)sizeof(dir))
		return -ENAMETOOLONG;
	while ((slash = strrchr(dir, '/'))) {
		int r;

		if (slash == dir)
			slash[1] = '\0';
		else
			*slash = '\0';
		r = check_owner(dir, true, why, whylen);
		if (r < 0)
			return r;
		if (!strcmp(dir, "/"))
			break;
	}
	return 0;
}

int guard_credential(const char *interpreter, char *why, size_t whylen)
{
	_cleanup_free_ char *real = NULL;
	struct stat st;
	int r;

	if (stat(interpreter, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode)) {
		snprintf(why, whylen, "%s is not a regular file", interpreter);
		return -EPERM;
	}
	r = check_owner(interpreter, false, why, whylen);
	if (r < 0)
		return r;
	/* A symlink in a user-writable directory could be pointed elsewhere later. */
	r = check_ancestors(interpreter, why, whylen);
	if (r < 0)
		return r;
	real = realpath(interpreter, NULL);
	if (!real)
		return -errno;
	return check_ancestors(real, why, whylen);
}
