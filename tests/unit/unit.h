/* SPDX-License-Identifier: MIT */
/* What every unit test includes: cmocka, with TAP output for the test runner. */
#ifndef QUS_UNIT_H
#define QUS_UNIT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util.h"

static inline int qus_run_tests(const char *name, const struct CMUnitTest *tests, size_t n)
{
	cmocka_set_message_output(CM_OUTPUT_TAP);
	return _cmocka_run_group_tests(name, tests, n, NULL, NULL);
}

/* A fresh private directory under $TMPDIR (or /tmp); the caller removes it. */
static inline char *make_tmpdir(void)
{
	const char *base = getenv("TMPDIR");
	char *path = NULL;

	if (!base || !*base)
		base = "/tmp";
	if (asprintf(&path, "%s/qus-unit.XXXXXX", base) < 0)
		return NULL;
	if (!mkdtemp(path)) {
		free(path);
		return NULL;
	}
	return path;
}

/* Remove a make_tmpdir() directory with everything in it and free @dir: rm's status. */
static inline int remove_tmpdir(char *dir)
{
	char *cmd = NULL;
	int r = -1;

	if (asprintf(&cmd, "rm -rf '%s'", dir) >= 0)
		r = system(cmd);
	free(cmd);
	free(dir);
	return r;
}

#endif
