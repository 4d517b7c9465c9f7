/* SPDX-License-Identifier: MIT */
/*
 * From what the user asked (targets, emulator location, flags) to the
 * entries qus registers or exports.  Shared by register, export and the
 * options-only (register image) mode, so that all three agree.
 */
#ifndef QUS_PLAN_H
#define QUS_PLAN_H

#include <stdbool.h>

#include "arch.h"
#include "entry.h"
#include "host.h"

struct target_set {
	bool want[QUS_NTARGETS];
	bool explicit; /* named on the command line (not "all") */
};

/*
 * Fill @set from target names or aliases ("ALL"/"all" selects every target).
 * No names selects every target too.  Returns 0, or -ENOENT with *@bad set to
 * the first unknown name.
 */
int targets_parse(char *const *names, int count, struct target_set *set, const char **bad);

/*
 * QEMU's entries are named "qemu-<target>" (QEMU's script, Debian, the
 * seeds); qus owns and removes only names with that prefix.
 */
#define QEMU_ENTRY_PREFIX "qemu-"
bool plan_is_qemu_entry(const char *name);
void plan_entry_name(const struct qus_target *t, char *out, size_t size);

/* The emulator's file name, "qemu-<emulator><suffix>". 0 or -ENAMETOOLONG. */
int plan_emulator_name(const struct qus_target *t, const char *suffix, char *out, size_t size);

/*
 * Build the entry "qemu-<t>" for @t's emulator in @dir: exactly
 * qemu-<emulator><suffix>, or with a NULL @suffix the file emulator_find()
 * finds (qemu-<emulator>-static, else qemu-<emulator>; the first if neither
 * exists).  0 or -ENAMETOOLONG.
 */
int plan_entry(const struct qus_target *t, const char *dir, const char *suffix, unsigned flags,
	       struct binfmt_entry *e);

/*
 * The flags `qus register` uses unless told otherwise: O always; F where the
 * kernel has it (4.8); P where the kernel tells the emulator about it through
 * AT_FLAGS (5.12).  QEMU reads AT_FLAGS since its 2021 patch "linux-user:
 * manage binfmt-misc preserve-arg[0] flag" (Debian bookworm's 7.2 does; the
 * system tests check it); an older QEMU needs --no-preserve-argv0.
 */
unsigned plan_default_flags(const struct qus_host *h);

enum plan_decision {
	PLAN_REGISTER,
	PLAN_SKIP_HOST,	  /* the host's own architecture */
	PLAN_SKIP_NATIVE, /* a compat mode the host runs natively */
};

/*
 * Whether to register @t.  Native targets are skipped unless
 * @include_native; the host's own architecture is skipped even then, unless it
 * was named explicitly (and then the guard explains why it is refused).
 */
enum plan_decision plan_decide(struct qus_host *h, const struct qus_target *t, bool include_native,
			       bool explicit);

/*
 * The target an entry serves: qemu-<target> by name, otherwise the target
 * whose programs its magic matches (e.g. an old entry named "aarch64").
 * NULL for entries of other formats.
 */
const struct qus_target *target_of_entry(const struct binfmt_entry *e);

#endif
