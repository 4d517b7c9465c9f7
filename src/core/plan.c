/* SPDX-License-Identifier: MIT */
#include "plan.h"

#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "emulator.h"
#include "util.h"

int targets_parse(char *const *names, int count, struct target_set *set, const char **bad)
{
	bool all = count == 0;

	memset(set, 0, sizeof(*set));
	for (int i = 0; i < count; i++) {
		const struct qus_target *t;

		/* QEMU's --systemd takes ALL for every target. */
		if (!ascii_strcasecmp(names[i], "all")) {
			all = true;
			continue;
		}
		t = arch_find(names[i]);
		if (!t) {
			*bad = names[i];
			return -ENOENT;
		}
		set->want[arch_index(t)] = true;
	}
	/* No names or ALL: every target, and the native ones are skipped as for "all". */
	set->explicit = !all;
	if (all)
		for (size_t i = 0; i < QUS_NTARGETS; i++)
			set->want[i] = true;
	return 0;
}

bool plan_is_qemu_entry(const char *name)
{
	return !strncmp(name, QEMU_ENTRY_PREFIX, strlen(QEMU_ENTRY_PREFIX));
}

void plan_entry_name(const struct qus_target *t, char *out, size_t size)
{
	snprintf(out, size, QEMU_ENTRY_PREFIX "%s", t->name);
}

int plan_emulator_name(const struct qus_target *t, const char *suffix, char *out, size_t size)
{
	int n = snprintf(out, size, "qemu-%s%s", t->emulator, suffix);

	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

int plan_entry(const struct qus_target *t, const char *dir, const char *suffix, unsigned flags,
	       struct binfmt_entry *e)
{
	int r;

	memset(e, 0, sizeof(*e));
	/* Found or not: a missing emulator is the caller's to report (or to allow, without F). */
	r = emulator_find(t, dir, suffix, e->interpreter, sizeof(e->interpreter));
	if (r == -ENAMETOOLONG)
		return r;
	plan_entry_name(t, e->name, sizeof(e->name));
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

	if (plan_is_qemu_entry(e->name)) {
		const char *target = e->name + strlen(QEMU_ENTRY_PREFIX);

		for (size_t i = 0; i < QUS_NTARGETS; i++)
			if (!strcmp(target, qus_targets[i].name))
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
