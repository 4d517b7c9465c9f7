/* SPDX-License-Identifier: MIT */
#include "json.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

void jw_init(struct json_writer *w, FILE *out)
{
	memset(w, 0, sizeof(*w));
	w->out = out;
}

/* Length of the valid UTF-8 sequence at @s (RFC 3629), or 0 if it is not one. */
static size_t utf8_len(const unsigned char *s)
{
	unsigned char c = s[0];
	size_t n;
	unsigned long cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		cp = c & 0x07;
	} else {
		return 0;
	}
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	/* No overlong forms, no surrogates, nothing above U+10FFFF. */
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

void jw_write_string(FILE *out, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;

	fputc('"', out);
	while (*s) {
		size_t n;

		switch (*s) {
		case '"':
			fputs("\\\"", out);
			break;
		case '\\':
			fputs("\\\\", out);
			break;
		case '\n':
			fputs("\\n", out);
			break;
		case '\t':
			fputs("\\t", out);
			break;
		case '\r':
			fputs("\\r", out);
			break;
		default:
			if (*s < 0x20) {
				fprintf(out, "\\u%04x", *s);
				break;
			}
			n = utf8_len(s);
			if (n == 0) {
				fputs("\\ufffd", out);
				break;
			}
			fwrite(s, 1, n, out);
			s += n;
			continue;
		}
		s++;
	}
	fputc('"', out);
}

static void indent(struct json_writer *w)
{
	fputc('\n', w->out);
	for (unsigned i = 0; i < w->depth; i++)
		fputs("  ", w->out);
}

/* Separator, indentation and "key": before every value. */
static void member(struct json_writer *w, const char *key)
{
	if (w->depth > 0) {
		if (w->need_comma[w->depth])
			fputc(',', w->out);
		indent(w);
	}
	if (w->depth < JSON_MAX_DEPTH)
		w->need_comma[w->depth] = true;
	if (key) {
		jw_write_string(w->out, key);
		fputs(": ", w->out);
	}
}

static void open_container(struct json_writer *w, const char *key, char c)
{
	member(w, key);
	fputc(c, w->out);
	if (w->depth + 1 < JSON_MAX_DEPTH) {
		w->depth++;
		w->need_comma[w->depth] = false;
	}
}

static void close_container(struct json_writer *w, char c)
{
	bool had_members = w->need_comma[w->depth];

	if (w->depth > 0)
		w->depth--;
	if (had_members)
		indent(w);
	fputc(c, w->out);
}

void jw_begin_object(struct json_writer *w, const char *key)
{
	open_container(w, key, '{');
}

void jw_end_object(struct json_writer *w)
{
	close_container(w, '}');
}

void jw_begin_array(struct json_writer *w, const char *key)
{
	open_container(w, key, '[');
}

void jw_end_array(struct json_writer *w)
{
	close_container(w, ']');
}

void jw_string(struct json_writer *w, const char *key, const char *value)
{
	member(w, key);
	if (value)
		jw_write_string(w->out, value);
	else
		fputs("null", w->out);
}

void jw_bool(struct json_writer *w, const char *key, bool value)
{
	member(w, key);
	fputs(value ? "true" : "false", w->out);
}

void jw_uint(struct json_writer *w, const char *key, unsigned long long value)
{
	member(w, key);
	fprintf(w->out, "%llu", value);
}

void jw_int(struct json_writer *w, const char *key, long long value)
{
	member(w, key);
	fprintf(w->out, "%lld", value);
}

void jw_null(struct json_writer *w, const char *key)
{
	member(w, key);
	fputs("null", w->out);
}

void jw_finish(struct json_writer *w)
{
	fputc('\n', w->out);
}

int jw_doc_begin(struct json_doc *d)
{
	memset(d, 0, sizeof(*d));
	d->f = open_memstream(&d->text, &d->len);
	if (!d->f)
		return -ENOMEM;
	jw_init(&d->w, d->f);
	return 0;
}

int jw_doc_write(struct json_doc *d, int dirfd, const char *name)
{
	int r = jw_doc_end(d);

	/* An identical file stays as it was: a rebuild with nothing new rewrites nothing. */
	if (r == 0)
		r = write_file_if_changed(dirfd, name, d->text, d->len, 0644);
	free(d->text);
	d->text = NULL;
	return r < 0 ? r : 0;
}

int jw_doc_end(struct json_doc *d)
{
	jw_finish(&d->w);
	if (fclose(d->f) != 0) {
		free(d->text);
		d->text = NULL;
		return -ENOMEM;
	}
	return 0;
}
