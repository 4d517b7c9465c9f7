/* SPDX-License-Identifier: MIT */
#include "plan.h"

#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "util.h"

int targets_parse(char *const *names, int count, struct target_set *set, const char **bad)
{
	memset(set, 0, sizeof(*set));
	if (count == 0) {
		for (size_t i = 0; i < QUS_NTARGETS; i++)
			set->want[i] = true;
		return 0;
	}
	for (int i = 0; i < count; i++) {
		const struct qus_target *t;

		/* QEMU's --systemd takes ALL for every target. */
		if (!ascii_strcasecmp(names[i], "all")) {
			for (size_t j = 0; j < QUS_NTARGETS; j++)
				set->want[j] = true;
			continue;
		}
		t = arch_find(names[i]);
		if (!t) {
			*bad = names[i];
			return -ENOENT;
		}
		set->want[arch_index(t)] = true;
		set->explicit = true;
	}
	return 0;
}

int plan_entry(const struct qus_target *t, const char *dir, const char *suffix, unsigned flags,
	       struct binfmt_entry *e)
{
	size_t dlen = strlen(dir);
	int n;

	memset(e, 0, sizeof(*e));
	/* QEMU's script writes "$QEMU_PATH/qemu-..."; do not double a trailing slash. */
	while (dlen > 1 && dir[dlen - 1] == '/')
		dlen--;
	if (dlen == 1 && dir[0] == '/')
		dlen = 0;
	n = snprintf(e->interpreter, sizeof(e->interpreter), "%.*s/qemu-%s%s", (int)dlen, dir,
		     t->emulator, suffix);
	if (n < 0 || (size_t)n >= sizeof(e->interpreter))
		return -ENAMETOOLONG;
	snprintf(e->name, sizeof(e->name), "qemu-%s", t->name);
	e->enabled = true;
	e->is_magic = true;
	elf_target_pattern(t, &e->pattern);
	e->flags = flags_normalize(flags);
	return 0;
}

unsigned plan_default_flags(const struct qus_host *h)
{
	unsigned flags = QUS_FLAG_O;

	if (host_kernel_at_least(h, 4, 8))
		flags |= QUS_FLAG_F;
	if (host_kernel_at_least(h, 5, 12))
		flags |= QUS_FLAG_P;
	return flags;
}

enum plan_decision plan_decide(struct qus_host *h, const struct qus_target *t, bool include_native,
			       bool explicit)
{
	switch (host_runs_natively(h, t)) {
	case NATIVE_HOST:
		return include_native && explicit ? PLAN_REGISTER : PLAN_SKIP_HOST;
	case NATIVE_COMPAT:
		return include_native ? PLAN_REGISTER : PLAN_SKIP_NATIVE;
	case NATIVE_NO:
		break;
	}
	return PLAN_REGISTER;
}

const struct qus_target *target_of_entry(const struct binfmt_entry *e)
{
	uint8_t hdr[QUS_HEADER_SIZE];

	if (!strncmp(e->name, "qemu-", 5)) {
		for (size_t i = 0; i < QUS_NTARGETS; i++)
			if (!strcmp(e->name + 5, qus_targets[i].name))
				return &qus_targets[i];
	}
	if (!e->is_magic)
		return NULL;
	for (size_t i = 0; i < QUS_NTARGETS; i++) {
		elf_synth_header(&qus_targets[i], ET_EXEC, ELFOSABI_SYSV, hdr);
		if (pattern_match(&e->pattern, hdr))
			return &qus_targets[i];
	}
	return NULL;
}
