/* SPDX-License-Identifier: MIT */
/*
 * Registering a chosen set of entries, what `qus register`, `qus run` and
 * the register image's options-only mode share: the plan per target, the
 * guard, the kernel's write (each entry replaced whole or left as it was),
 * one line per result and a summary.
 */
#ifndef QUS_REGISTRATION_H
#define QUS_REGISTRATION_H

#include <stdbool.h>
#include <stdio.h>

#include "context.h"
#include "options.h"

struct reg_request {
	struct entry_choice what;
	bool replace; /* re-register identical entries (F re-opens the emulator) */
	bool dry_run;
	bool quiet;
	/*
	 * Targets chosen as "all": leave out, silently, those whose emulator
	 * is not installed (`qus run` registers what it can use).
	 */
	bool skip_absent;
	/*
	 * Say only what changed: entries registered, replaced or re-enabled,
	 * and failures; silence when all were in place (`register --keep`'s
	 * later rounds).  Skips and notes are not repeated either.
	 */
	bool changes_only;
	/*
	 * Where the results and the summary go; NULL: standard output.  The
	 * binfmt interface keeps standard output for its JSON document.
	 */
	FILE *out;
};

/* EXIT_OK or EXIT_FAIL; *@registered (if not NULL): entries now in place. */
int register_entries(struct qus_ctx *ctx, const struct reg_request *req, unsigned *registered);

#endif
