/* SPDX-License-Identifier: MIT */
/*
 * Removing QEMU's entries, what `qus unregister` and the register image's
 * --reset share: only qemu-* entries, never binfmt_misc's global switch.
 */
#ifndef QUS_REMOVAL_H
#define QUS_REMOVAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "context.h"
#include "plan.h"

/* What remove_entries prints besides errors. */
enum removal_say {
	REMOVAL_SAY_ALL,     /* each entry and the summary */
	REMOVAL_SAY_CHANGES, /* entries removed and the summary, only if one was */
	REMOVAL_SAY_ERRORS,  /* the summary only if something failed */
};

/*
 * Remove qemu-<t> for the targets in @set, or every qemu-* entry if @all.
 * EXIT_OK, EXIT_FAIL (an entry could not be removed), or -1 if binfmt_misc
 * could not be opened at all (reported).
 */
int remove_entries(struct qus_ctx *ctx, const struct target_set *set, bool all,
		   enum removal_say say);

/*
 * Remove the entries whose names match one of the shell patterns
 * @patterns (fnmatch: tonistiigi/binfmt's --uninstall 'qemu-*'), but only
 * qemu-* entries: another program's entry that a pattern matches is left
 * and said.  A pattern that matches nothing is said, and is no failure.
 * Results on @out.  EXIT_OK, EXIT_FAIL, or -1 as remove_entries.
 */
int remove_matching(struct qus_ctx *ctx, char *const *patterns, size_t npatterns, FILE *out);

#endif
