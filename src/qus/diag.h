/* SPDX-License-Identifier: MIT */
/*
 * The command-line layer's one vocabulary for diagnostics: the only code
 * that prints them and chooses exit statuses.  Core modules return -errno or
 * result enums; commands turn them into one-line messages that say what
 * failed, on what, and what to do: "qus: <what>: <why> (<what to do>)".
 */
#ifndef QUS_DIAG_H
#define QUS_DIAG_H

#include <stdnoreturn.h>

#include "exit_status.h"

#define PRINTF(a, b) __attribute__((format(printf, a, b)))

/* How the command-line layer ends the process: exit() (weak: the command fuzzer's longjmp). */
noreturn void cli_exit(int status);

/* "qus: <message>" on stderr. */
void warn(const char *fmt, ...) PRINTF(1, 2);
/* "qus: <message>: <strerror(err)><hint>"; @err may be negative, @hint NULL. */
void warn_err(int err, const char *hint, const char *fmt, ...) PRINTF(3, 4);
noreturn void die(int status, const char *fmt, ...) PRINTF(2, 3);
/* Saves errno before anything else can change it. */
noreturn void die_errno(int status, const char *fmt, ...) PRINTF(2, 3);
/* Usage error: the message, a pointer to --help, exit status 2. */
noreturn void die_usage(const char *fmt, ...) PRINTF(1, 2);

#endif
