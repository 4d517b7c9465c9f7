/* SPDX-License-Identifier: MIT */
#include "handler.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "elfident.h"
#include "plan.h"

static bool qemu_file_name(const char *path)
{
	const char *base = strrchr(path, '/');

	base = base ? base + 1 : path;
	return !strncmp(base, QEMU_ENTRY_PREFIX, strlen(QEMU_ENTRY_PREFIX));
}

bool entry_is_qemu(const struct binfmt_entry *e)
{
	char real[PATH_MAX];

	/*
	 * Debian's own entries name wrappers: /usr/libexec/qemu-binfmt/
	 * aarch64-binfmt-P, a link to /usr/bin/qemu-aarch64-static.
	 */
	return plan_is_qemu_entry(e->name) || qemu_file_name(e->interpreter) ||
	       (realpath(e->interpreter, real) && qemu_file_name(real));
}

bool entry_takes(const struct binfmt_entry *e, const struct qus_target *t)
{
	return e->enabled && e->is_magic && pattern_accepts_target(&e->pattern, t);
}

const struct binfmt_entry *handler_for(const struct binfmt_entry *entries, size_t count,
				       const struct qus_target *t)
{
	for (size_t i = 0; i < count; i++)
		if (entry_takes(&entries[i], t))
			return &entries[i];
	return NULL;
}

const struct binfmt_entry *handler_or_idle(const struct binfmt_entry *entries, size_t count,
					   const struct qus_target *t)
{
	const struct binfmt_entry *h = handler_for(entries, count, t), *any = NULL;
	char name[64];

	if (h)
		return h;
	plan_entry_name(t, name, sizeof(name));
	for (size_t i = 0; i < count; i++) {
		if (!strcmp(entries[i].name, name))
			return &entries[i];
		if (!any && target_of_entry(&entries[i]) == t)
			any = &entries[i];
	}
	return any;
}

const struct binfmt_entry *handler_other(const struct binfmt_entry *entries, size_t count,
					 const struct qus_target *t)
{
	const struct binfmt_entry *h = handler_for(entries, count, t);

	return h && !entry_is_qemu(h) ? h : NULL;
}
