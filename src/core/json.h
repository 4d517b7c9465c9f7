/* SPDX-License-Identifier: MIT */
/*
 * A streaming JSON writer with RFC 8259 string escaping.  qus only emits
 * JSON, never parses it, and must stay a small static binary, so it carries
 * this writer (as util-linux's lib/jsonwrt.c does for lsblk and findmnt)
 * instead of linking a JSON library; the tests parse every document it
 * writes with json-c.
 */
#ifndef QUS_JSON_H
#define QUS_JSON_H

#include <stdbool.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 16

struct json_writer {
	FILE *out;
	unsigned depth;
	bool need_comma[JSON_MAX_DEPTH];
};

void jw_init(struct json_writer *w, FILE *out);

/* @key is the member name inside an object, NULL inside an array or at the top. */
void jw_begin_object(struct json_writer *w, const char *key);
void jw_end_object(struct json_writer *w);
void jw_begin_array(struct json_writer *w, const char *key);
void jw_end_array(struct json_writer *w);

/* A NULL @value writes null. */
void jw_string(struct json_writer *w, const char *key, const char *value);
void jw_bool(struct json_writer *w, const char *key, bool value);
void jw_uint(struct json_writer *w, const char *key, unsigned long long value);
void jw_int(struct json_writer *w, const char *key, long long value);
void jw_null(struct json_writer *w, const char *key);

/* Finish the document with a newline. */
void jw_finish(struct json_writer *w);

/* A document built in memory: jw_doc_begin, jw_* calls on @w, jw_doc_end. */
struct json_doc {
	char *text;
	size_t len;
	FILE *f;
	struct json_writer w;
};

/* 0 or -ENOMEM. */
int jw_doc_begin(struct json_doc *d);

/* Finish it: 0 with d->text (d->len bytes; the caller frees it), or -ENOMEM. */
int jw_doc_end(struct json_doc *d);
/* jw_doc_end, then the text as file @name below @dirfd (write_file_atomic, 0644); frees it. */
int jw_doc_write(struct json_doc *d, int dirfd, const char *name);

/*
 * Write @s as a JSON string literal, quotes included.  Bytes that are not
 * valid UTF-8 become U+FFFD, so the document stays valid JSON whatever file
 * names contain.
 */
void jw_write_string(FILE *out, const char *s);

#endif
