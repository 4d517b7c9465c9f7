/* SPDX-License-Identifier: MIT */
#include "handler.h"

#include <string.h>

#include "elfident.h"
#include "plan.h"

bool entry_is_qemu(const struct binfmt_entry *e)
{
	const char *base = strrchr(e->interpreter, '/');

	base = base ? base + 1 : e->interpreter;
	return plan_is_qemu_entry(e->name) ||
	       !strncmp(base, QEMU_ENTRY_PREFIX, strlen(QEMU_ENTRY_PREFIX));
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
