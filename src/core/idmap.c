/* SPDX-License-Identifier: MIT */
#include "idmap.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "util.h"

/* Ids are 32 bits; (uid_t)-1 is never a valid id, so a map spans at most 2^32 - 1. */
#define ID_LIMIT 4294967295ul

void idmap_single(unsigned long self, enum idmap_single_reason why, struct idmap *m)
{
	memset(m, 0, sizeof(*m));
	m->kind = IDMAP_SINGLE;
	m->why_single = why;
	m->ext[0] = (struct idmap_extent){ 0, self, 1 };
	m->n = 1;
}

/* Copy the line at *@text into @line (cut at @size - 1) and advance past it. */
static bool next_line(const char **text, char *line, size_t size)
{
	const char *p = *text, *end;
	size_t len;

	if (!*p)
		return false;
	end = strchr(p, '\n');
	len = end ? (size_t)(end - p) : strlen(p);
	*text = end ? end + 1 : p + len;
	if (len >= size)
		len = size - 1;
	memcpy(line, p, len);
	line[len] = '\0';
	return true;
}

int idmap_identity(const char *own_map, struct idmap *m)
{
	char line[128];

	memset(m, 0, sizeof(*m));
	m->kind = IDMAP_IDENTITY;
	while (next_line(&own_map, line, sizeof(line))) {
		const char *p = line;
		char w[3][24];
		unsigned long v[3];

		for (int i = 0; i < 3; i++)
			if (!next_word(&p, w[i], sizeof(w[i])) || parse_uint(w[i], ID_LIMIT, &v[i]))
				return -EINVAL;
		if (m->n == IDMAP_MAX_EXTENTS)
			return -EINVAL;
		/* Our ids are the inside column of our own map. */
		m->ext[m->n++] = (struct idmap_extent){ v[0], v[0], v[2] };
	}
	return m->n ? 0 : -EINVAL;
}

/* "owner:start:count" for @user or @self: 1 and the range, else 0. */
static int subid_line(char *line, const char *user, unsigned long self, unsigned long *start,
		      unsigned long *count)
{
	char *owner = line, *s, *c;
	unsigned long id;

	s = strchr(owner, ':');
	if (!s)
		return 0;
	*s++ = '\0';
	c = strchr(s, ':');
	if (!c)
		return 0;
	*c++ = '\0';
	if (!(user && !strcmp(owner, user)) &&
	    !(parse_uint(owner, ID_LIMIT, &id) == 0 && id == self))
		return 0;
	if (parse_uint(s, ID_LIMIT, start) || parse_uint(c, ID_LIMIT, count) || !*count ||
	    *count > ID_LIMIT - *start)
		return 0;
	return 1;
}

int idmap_subids(const char *text, const char *user, unsigned long self, struct idmap *m)
{
	unsigned long next = 1; /* 0 is the caller itself */
	char line[256];
	int ranges = 0;

	memset(m, 0, sizeof(*m));
	m->kind = IDMAP_SUBIDS;
	m->ext[m->n++] = (struct idmap_extent){ 0, self, 1 };
	while (next_line(&text, line, sizeof(line))) {
		unsigned long start, count;

		if (!subid_line(line, user, self, &start, &count))
			continue;
		if (m->n == IDMAP_MAX_EXTENTS || count > ID_LIMIT - next)
			break;
		m->ext[m->n++] = (struct idmap_extent){ next, start, count };
		next += count;
		ranges++;
	}
	if (!ranges)
		m->n = 0;
	return ranges;
}

int idmap_format(const struct idmap *m, char *buf, size_t size)
{
	size_t len = 0;

	if (size)
		buf[0] = '\0';
	for (size_t i = 0; i < m->n; i++) {
		int r = snprintf(buf + len, size - len, "%lu %lu %lu\n", m->ext[i].inside,
				 m->ext[i].outside, m->ext[i].count);

		if (r < 0 || (size_t)r >= size - len)
			return -ENOSPC;
		len += (size_t)r;
	}
	return 0;
}

int idmap_helper_argv(const struct idmap *m, const char *helper, pid_t pid, struct idmap_argv *out)
{
	size_t a = 0;

	if (2 + 3 * m->n + 1 > IDMAP_ARGV_MAX)
		return -ENOSPC;
	memset(out, 0, sizeof(*out));
	out->argv[a++] = (char *)(uintptr_t)helper; /* execv's argv is not const */
	snprintf(out->store[a], sizeof(out->store[a]), "%ld", (long)pid);
	out->argv[a] = out->store[a];
	a++;
	for (size_t i = 0; i < m->n; i++) {
		const unsigned long v[3] = { m->ext[i].inside, m->ext[i].outside, m->ext[i].count };

		for (int j = 0; j < 3; j++, a++) {
			snprintf(out->store[a], sizeof(out->store[a]), "%lu", v[j]);
			out->argv[a] = out->store[a];
		}
	}
	out->argv[a] = NULL;
	return 0;
}
