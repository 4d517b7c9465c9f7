/* SPDX-License-Identifier: MIT */
/*
 * Removing QEMU's entries, what `qus unregister` and the register image's
 * --reset share: only qemu-* entries, never binfmt_misc's global switch.
 */
#ifndef QUS_REMOVAL_H
#define QUS_REMOVAL_H

#include <stdbool.h>

#include "context.h"
#include "plan.h"

/*
 * Remove qemu-<t> for the targets in @set, or every qemu-* entry if @all.
 * EXIT_OK, EXIT_FAIL (an entry could not be removed), or -1 if binfmt_misc
 * could not be opened at all (reported).
 */
int remove_entries(struct qus_ctx *ctx, const struct target_set *set, bool all, bool quiet);

#endif
