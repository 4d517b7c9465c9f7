/* SPDX-License-Identifier: MIT */
/*
 * --keep, of `qus register` and `qus unregister`: stay running after the
 * first round and do the round again every few seconds, until a signal.
 */
#ifndef QUS_KEEPING_H
#define QUS_KEEPING_H

#include <stdbool.h>

#include "context.h"

/* --keep's default: a vanished entry is back within a minute, at no measurable cost. */
#define KEEP_DEFAULT_SECONDS 60

/* --keep[=SECONDS] of @command: the interval, or a usage error that exits. */
unsigned long keep_parse(const char *command, const char *arg);

/*
 * Hold binfmt_misc open and call @round(@arg) every @seconds until SIGTERM,
 * SIGINT or SIGHUP (taken, never delivered: also as a container's PID 1).
 * Unless @quiet, say that it keeps the entries @state ("registered") and,
 * at the end, that they stay so.  EXIT_OK.
 */
int keep_until_stopped(struct qus_ctx *ctx, unsigned long seconds, bool quiet, const char *state,
		       void (*round)(struct qus_ctx *ctx, void *arg), void *arg);

#endif
