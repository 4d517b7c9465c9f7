/* SPDX-License-Identifier: MIT */
/*
 * qus check --syscalls: which system calls each registered emulator lacks,
 * asked through the kernel's registration as `qus check` asks whether a
 * target runs (src/core/sysprobe.h does the asking).
 */
#ifndef QUS_CHECK_SYSCALLS_H
#define QUS_CHECK_SYSCALLS_H

#include <stdbool.h>

#include "context.h"
#include "plan.h"

/*
 * Check the targets of @set (those named, or if none were, every target
 * with an entry) and print the report, as text or JSON.  Returns the exit
 * status: 0 when every target's probe ran (missing calls are information),
 * 1 when a target could not be checked at all.
 */
int check_syscalls(struct qus_ctx *ctx, const struct target_set *set, bool json, int timeout_ms);

#endif
