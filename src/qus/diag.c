/* SPDX-License-Identifier: MIT */
#include "diag.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "qus: <message>[: <strerror>][<hint>]" -- what failed, on what, then what to do. */
__attribute__((format(printf, 3, 0))) static void vmessage(int err, const char *hint,
							   const char *fmt, va_list ap)
{
	fflush(stdout);
	fputs("qus: ", stderr);
	vfprintf(stderr, fmt, ap);
	if (err)
		fprintf(stderr, ": %s", strerror(err < 0 ? -err : err));
	if (hint)
		fputs(hint, stderr);
	fputc('\n', stderr);
}

/*
 * Weak: the command fuzzer (tests/fuzz/fuzz_commands.c) replaces it with a
 * longjmp, so that a command that ends the process ends only one input.
 */
__attribute__((weak)) void cli_exit(int status)
{
	exit(status);
}

void warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage(0, NULL, fmt, ap);
	va_end(ap);
}

void warn_err(int err, const char *hint, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage(err, hint, fmt, ap);
	va_end(ap);
}

void die(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage(0, NULL, fmt, ap);
	va_end(ap);
	cli_exit(status);
}

void die_errno(int status, const char *fmt, ...)
{
	int err = errno;
	va_list ap;

	va_start(ap, fmt);
	vmessage(err, NULL, fmt, ap);
	va_end(ap);
	cli_exit(status);
}

void die_usage(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage(0, NULL, fmt, ap);
	va_end(ap);
	fputs("Try 'qus --help' for more information.\n", stderr);
	cli_exit(EXIT_USAGE);
}
