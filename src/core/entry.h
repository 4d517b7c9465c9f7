/* SPDX-License-Identifier: MIT */
/*
 * A binfmt_misc entry as data: built from a struct, validated against the
 * kernel's limits, written as ":name:type:offset:magic:mask:interpreter:flags"
 * with every magic/mask byte escaped as \xHH text, and parsed back from the
 * same syntax or from the kernel's entry files.
 */
#ifndef QUS_ENTRY_H
#define QUS_ENTRY_H

#include <stdbool.h>
#include <stddef.h>

#include "elfident.h"

/* Flags, in the order the kernel prints them (fs/binfmt_misc.c entry_status). */
enum {
	QUS_FLAG_P = 1u << 0, /* preserve argv[0] */
	QUS_FLAG_O = 1u << 1, /* open the binary, pass it as an fd */
	QUS_FLAG_C = 1u << 2, /* credentials from the binary (implies O) */
	QUS_FLAG_F = 1u << 3, /* open the interpreter at registration (Linux >= 4.8) */
};
#define QUS_FLAGS_ALL (QUS_FLAG_P | QUS_FLAG_O | QUS_FLAG_C | QUS_FLAG_F)

/* Kernel limits (fs/binfmt_misc.c). */
#define QUS_REGISTER_MIN 11
#define QUS_REGISTER_MAX 1920 /* MAX_REGISTER_LENGTH */
#define QUS_NAME_MAX	 255  /* a dentry name */
/*
 * Limits qus keeps when it registers, so that an entry means the same on
 * every kernel: before Linux 5.1 the kernel buffer was 128 bytes, and the
 * interpreter path was copied into a 128-byte array (silently truncated).
 */
#define QUS_SAFE_PATTERN_END 128
#define QUS_SAFE_INTERP_MAX  127

struct binfmt_entry {
	char name[QUS_NAME_MAX + 1];
	bool enabled;
	bool is_magic;			  /* type 'M'; false: type 'E' (extension) */
	struct qus_pattern pattern;	  /* type 'M' */
	char extension[QUS_NAME_MAX + 1]; /* type 'E', without the dot */
	char interpreter[QUS_REGISTER_MAX];
	unsigned flags;
};

enum entry_problem {
	ENTRY_OK = 0,
	ENTRY_NAME_EMPTY,
	ENTRY_NAME_RESERVED,
	ENTRY_NAME_BAD_CHAR,
	ENTRY_NAME_TOO_LONG,
	ENTRY_MAGIC_EMPTY,
	ENTRY_MAGIC_TOO_LONG,
	ENTRY_EXTENSION_BAD,
	ENTRY_INTERP_EMPTY,
	ENTRY_INTERP_RELATIVE,
	ENTRY_INTERP_BAD_CHAR,
	ENTRY_INTERP_TOO_LONG,
	ENTRY_FLAGS_UNKNOWN,
	ENTRY_NO_DELIMITER,
	ENTRY_TOO_LONG,
};

/* C makes the kernel set O as well; normalize so comparisons see what the kernel keeps. */
unsigned flags_normalize(unsigned flags);

/* Parse flag letters ("POCF", any order). Returns 0, or -EINVAL on any other character. */
int flags_parse(const char *s, unsigned *flags);

/* Flag letters in the kernel's order, NUL-terminated (at most 4 letters). */
void flags_format(unsigned flags, char out[5]);

/* Why @e cannot be registered safely on every kernel, or ENTRY_OK. */
enum entry_problem entry_validate(const struct binfmt_entry *e);

/* A sentence (no trailing period) describing @p and what to do about it. */
const char *entry_problem_str(enum entry_problem p);

/*
 * Write the register string of @e to @buf (NUL-terminated, no newline).
 * Returns its length, -EINVAL if entry_validate() fails, -ENOSPC if @size is too small.
 */
long entry_format_register(const struct binfmt_entry *e, char *buf, size_t size);

/*
 * Parse a register string (the kernel's syntax, also the line format of
 * systemd's binfmt.d).  A trailing newline is accepted.  Returns 0 or -EINVAL.
 */
int entry_parse_register(const char *s, size_t len, struct binfmt_entry *e);

/* Parse the text of a kernel entry file <binfmt_misc>/@name. Returns 0 or -EINVAL. */
int entry_parse_status(const char *name, const char *text, struct binfmt_entry *e);

/*
 * Whether @a and @b make the kernel do the same thing (name, type, pattern
 * as matched, interpreter, normalized flags).  The enabled state is ignored.
 */
bool entry_same(const struct binfmt_entry *a, const struct binfmt_entry *b);

/* Every byte as \xHH text (4 * len + 1 bytes, NUL-terminated); returns the length. */
size_t escape_bytes(const uint8_t *bytes, size_t len, char *out);

/* Lowercase hex of @len bytes into @out (2 * len + 1 bytes). */
void hex_format(const unsigned char *bytes, size_t len, char *out);

#endif
