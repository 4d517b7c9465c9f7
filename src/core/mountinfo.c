/* SPDX-License-Identifier: MIT */
#include "mountinfo.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>

/* mountinfo escapes space, tab, newline and backslash as \ooo: undo it in place. */
static void unescape(char *s)
{
	char *out = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*out++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 3;
		} else {
			*out++ = *s;
		}
	}
	*out = '\0';
}

/* The value of timeout= in autofs's super options, -1 if absent. */
static long autofs_timeout(const char *options)
{
	for (const char *p = options; p && *p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL) {
		if (!strncmp(p, "timeout=", 8)) {
			char *end;
			long v = strtol(p + 8, &end, 10);

			return (*end == ',' || *end == '\0') && v >= 0 ? v : -1;
		}
	}
	return -1;
}

/*
 * One line: "ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS [OPTIONAL...] -
 * FSTYPE SOURCE SUPEROPTIONS" (proc(5)).  Lines are in mount order, so a
 * later mount on the same point is on top of an earlier one.
 */
static void take_line(char *line, const char *path, struct mounts_at *m)
{
	char *field[6], *fstype, *superopts, *save = NULL, *tok;
	unsigned maj, min;
	int n = 0;

	for (tok = strtok_r(line, " \n", &save); tok && n < 6; tok = strtok_r(NULL, " \n", &save))
		field[n++] = tok;
	if (n < 6)
		return;
	/* Optional fields end at "-". */
	while (tok && strcmp(tok, "-"))
		tok = strtok_r(NULL, " \n", &save);
	fstype = strtok_r(NULL, " \n", &save);
	if (!tok || !fstype || !strtok_r(NULL, " \n", &save))
		return;
	superopts = strtok_r(NULL, " \n", &save);
	unescape(field[4]);
	if (strcmp(field[4], path) || sscanf(field[2], "%u:%u", &maj, &min) != 2)
		return;
	if (!strcmp(fstype, "autofs")) {
		m->autofs = true;
		m->autofs_timeout = autofs_timeout(superopts);
		m->binfmt = false; /* whatever was under it is hidden */
	} else if (!strcmp(fstype, "binfmt_misc")) {
		m->binfmt = true;
		m->binfmt_dev = makedev(maj, min);
	} else {
		m->binfmt = false;
	}
}

int mountinfo_at(const char *file, const char *path, struct mounts_at *m)
{
	FILE *f = fopen(file ? file : "/proc/self/mountinfo", "re");
	char *line = NULL;
	size_t size = 0;

	memset(m, 0, sizeof(*m));
	m->autofs_timeout = -1;
	if (!f)
		return -errno;
	while (getline(&line, &size, f) > 0)
		take_line(line, path, m);
	free(line);
	fclose(f);
	return 0;
}
