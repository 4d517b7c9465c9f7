/* SPDX-License-Identifier: MIT */
#include "entry.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "util.h"

static const char flag_letters[] = "POCF"; /* bit i of the flags is flag_letters[i] */

unsigned flags_normalize(unsigned flags)
{
	if (flags & QUS_FLAG_C)
		flags |= QUS_FLAG_O;
	return flags & QUS_FLAGS_ALL;
}

int flags_parse(const char *s, unsigned *flags)
{
	unsigned f = 0;

	for (; *s; s++) {
		const char *p = strchr(flag_letters, *s);

		if (!p)
			return -EINVAL;
		f |= 1u << (p - flag_letters);
	}
	*flags = f;
	return 0;
}

void flags_format(unsigned flags, char out[5])
{
	size_t n = 0;

	for (size_t i = 0; i < 4; i++)
		if (flags & (1u << i))
			out[n++] = flag_letters[i];
	out[n] = '\0';
}

static bool has_control_char(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return true;
	return false;
}

/*
 * The delimiter is the first byte of the string and may be any byte that
 * no field contains; magic and mask are all \xHH escapes, so only the name,
 * extension and interpreter can collide.  ':' unless a path contains it.
 */
static char pick_delimiter(const struct binfmt_entry *e)
{
	static const char candidates[] = ":|#!,;@%^~";

	for (const char *c = candidates; *c; c++)
		if (!strchr(e->name, *c) && !strchr(e->interpreter, *c) &&
		    (e->is_magic || !strchr(e->extension, *c)))
			return *c;
	return '\0';
}

static size_t register_length(const struct binfmt_entry *e)
{
	char flags[5];
	size_t n = 8; /* delimiter + 7 separators/terminators */

	flags_format(e->flags, flags);
	n += strlen(e->name) + 1 + strlen(e->interpreter) + strlen(flags);
	if (e->is_magic) {
		char off[16];

		if (e->pattern.offset)
			n += (size_t)snprintf(off, sizeof(off), "%u", e->pattern.offset);
		n += 4 * e->pattern.len * (e->pattern.has_mask ? 2 : 1);
	} else {
		n += strlen(e->extension);
	}
	return n;
}

enum entry_problem entry_validate(const struct binfmt_entry *e)
{
	if (!e->name[0])
		return ENTRY_NAME_EMPTY;
	if (!strcmp(e->name, ".") || !strcmp(e->name, "..") || !strcmp(e->name, "register") ||
	    !strcmp(e->name, "status"))
		return ENTRY_NAME_RESERVED;
	if (strchr(e->name, '/') || has_control_char(e->name) || strchr(e->name, ' '))
		return ENTRY_NAME_BAD_CHAR;
	if (strlen(e->name) > QUS_NAME_MAX)
		return ENTRY_NAME_TOO_LONG;
	if (e->is_magic) {
		if (e->pattern.len == 0)
			return ENTRY_MAGIC_EMPTY;
		if (e->pattern.len > QUS_SAFE_PATTERN_END ||
		    e->pattern.offset > QUS_SAFE_PATTERN_END - e->pattern.len)
			return ENTRY_MAGIC_TOO_LONG;
	} else if (!e->extension[0] || strchr(e->extension, '/') ||
		   has_control_char(e->extension)) {
		return ENTRY_EXTENSION_BAD;
	}
	if (!e->interpreter[0])
		return ENTRY_INTERP_EMPTY;
	/*
	 * Without F the kernel resolves the path at every exec, in the mount
	 * namespace of the exec'ing process: a relative path would name a
	 * different file in every directory and every container.
	 */
	if (e->interpreter[0] != '/')
		return ENTRY_INTERP_RELATIVE;
	if (has_control_char(e->interpreter))
		return ENTRY_INTERP_BAD_CHAR;
	if (strlen(e->interpreter) > QUS_SAFE_INTERP_MAX)
		return ENTRY_INTERP_TOO_LONG;
	if (e->flags & ~(unsigned)QUS_FLAGS_ALL)
		return ENTRY_FLAGS_UNKNOWN;
	if (!pick_delimiter(e))
		return ENTRY_NO_DELIMITER;
	if (register_length(e) > QUS_REGISTER_MAX)
		return ENTRY_TOO_LONG;
	return ENTRY_OK;
}

const char *entry_problem_str(enum entry_problem p)
{
	switch (p) {
	case ENTRY_OK:
		return "valid";
	case ENTRY_NAME_EMPTY:
		return "the entry name is empty";
	case ENTRY_NAME_RESERVED:
		return "the entry name is reserved by binfmt_misc (., .., register, status)";
	case ENTRY_NAME_BAD_CHAR:
		return "the entry name contains '/', a space or a control character";
	case ENTRY_NAME_TOO_LONG:
		return "the entry name is longer than 255 bytes";
	case ENTRY_MAGIC_EMPTY:
		return "the magic is empty";
	case ENTRY_MAGIC_TOO_LONG:
		return "offset + magic length exceed 128 bytes, the header size of kernels "
		       "before 5.1";
	case ENTRY_EXTENSION_BAD:
		return "the extension is empty or contains '/' or a control character";
	case ENTRY_INTERP_EMPTY:
		return "the interpreter path is empty";
	case ENTRY_INTERP_RELATIVE:
		return "the interpreter path is relative; the kernel resolves it in every "
		       "process's own directory and mount namespace, so give an absolute path";
	case ENTRY_INTERP_BAD_CHAR:
		return "the interpreter path contains a control character";
	case ENTRY_INTERP_TOO_LONG:
		return "the interpreter path is longer than 127 bytes, which kernels before 5.1 "
		       "truncate; install the emulators in a shorter directory";
	case ENTRY_FLAGS_UNKNOWN:
		return "unknown flags (the kernel knows P, O, C and F)";
	case ENTRY_NO_DELIMITER:
		return "every possible delimiter occurs in the name or the interpreter path";
	case ENTRY_TOO_LONG:
		return "the register string is longer than the kernel's 1920 bytes";
	}
	return "unknown problem";
}

size_t escape_bytes(const uint8_t *bytes, size_t len, char *out)
{
	static const char hex[] = "0123456789abcdef";
	size_t n = 0;

	for (size_t i = 0; i < len; i++) {
		out[n++] = '\\';
		out[n++] = 'x';
		out[n++] = hex[bytes[i] >> 4];
		out[n++] = hex[bytes[i] & 0xf];
	}
	out[n] = '\0';
	return n;
}

long entry_format_register(const struct binfmt_entry *e, char *buf, size_t size)
{
	char flags[5], d;
	size_t need, n = 0;
	int r;

	if (entry_validate(e) != ENTRY_OK)
		return -EINVAL;
	need = register_length(e);
	if (need + 1 > size)
		return -ENOSPC;
	d = pick_delimiter(e);
	flags_format(e->flags, flags);

	if (e->is_magic) {
		char off[16] = "";

		/* An empty offset means 0, as QEMU's script and Debian's files write it. */
		if (e->pattern.offset)
			snprintf(off, sizeof(off), "%u", e->pattern.offset);
		r = snprintf(buf, size, "%c%s%cM%c%s%c", d, e->name, d, d, off, d);
		n = (size_t)r;
		n += escape_bytes(e->pattern.magic, e->pattern.len, buf + n);
		buf[n++] = d;
		if (e->pattern.has_mask)
			n += escape_bytes(e->pattern.mask, e->pattern.len, buf + n);
		buf[n++] = d;
	} else {
		r = snprintf(buf, size, "%c%s%cE%c%c%s%c%c", d, e->name, d, d, d, e->extension, d,
			     d);
		n = (size_t)r;
	}
	r = snprintf(buf + n, size - n, "%s%c%s", e->interpreter, d, flags);
	n += (size_t)r;
	return (long)n;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decode a magic/mask field the way the kernel does: \xHH escapes, other bytes literal. */
static int unescape_field(const char *s, size_t len, uint8_t *out, size_t *outlen)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++) {
		uint8_t b = (uint8_t)s[i];

		if (s[i] == '\\' && i + 1 < len && s[i + 1] == 'x') {
			int hi, lo;

			if (i + 3 >= len)
				return -EINVAL; /* the kernel wants two hex digits */
			hi = hexval(s[i + 2]);
			lo = hexval(s[i + 3]);
			if (hi < 0 || lo < 0)
				return -EINVAL;
			b = (uint8_t)(hi << 4 | lo);
			i += 3;
		}
		if (n == QUS_MAGIC_MAX)
			return -EINVAL;
		out[n++] = b;
	}
	*outlen = n;
	return 0;
}

/* Copy the next @d-delimited field of [*p, end) into a bounded string. */
static int next_field(const char **p, const char *end, char d, const char **field, size_t *len)
{
	const char *q = memchr(*p, d, (size_t)(end - *p));

	if (!q)
		return -EINVAL;
	*field = *p;
	*len = (size_t)(q - *p);
	*p = q + 1;
	return 0;
}

static int copy_str(char *dst, size_t size, const char *src, size_t len)
{
	if (len >= size || memchr(src, '\0', len))
		return -EINVAL;
	memcpy(dst, src, len);
	dst[len] = '\0';
	return 0;
}

int entry_parse_register(const char *s, size_t len, struct binfmt_entry *e)
{
	const char *p, *end = s + len, *f;
	size_t flen, mlen = 0, klen = 0;
	char d;

	memset(e, 0, sizeof(*e));
	e->enabled = true;
	if (len > 0 && s[len - 1] == '\n')
		end--;
	if (len < QUS_REGISTER_MIN || len > QUS_REGISTER_MAX)
		return -EINVAL;
	d = s[0];
	p = s + 1;

	if (next_field(&p, end, d, &f, &flen) || copy_str(e->name, sizeof(e->name), f, flen))
		return -EINVAL;
	/* The kernel's name rules (register and status then fail with EEXIST). */
	if (!e->name[0] || strchr(e->name, '/') || !strcmp(e->name, ".") || !strcmp(e->name, ".."))
		return -EINVAL;
	if (next_field(&p, end, d, &f, &flen) || flen != 1 || (f[0] != 'M' && f[0] != 'E'))
		return -EINVAL;
	e->is_magic = f[0] == 'M';

	if (next_field(&p, end, d, &f, &flen))
		return -EINVAL;
	if (e->is_magic && flen > 0) {
		char num[16];
		unsigned long off;

		if (copy_str(num, sizeof(num), f, flen) || parse_uint(num, QUS_HEADER_SIZE, &off))
			return -EINVAL;
		e->pattern.offset = (unsigned)off;
	}
	if (next_field(&p, end, d, &f, &flen))
		return -EINVAL;
	if (e->is_magic) {
		if (unescape_field(f, flen, e->pattern.magic, &mlen) || mlen == 0)
			return -EINVAL;
		e->pattern.len = mlen;
	} else if (copy_str(e->extension, sizeof(e->extension), f, flen)) {
		return -EINVAL;
	}
	if (next_field(&p, end, d, &f, &flen))
		return -EINVAL;
	if (e->is_magic) {
		if (flen > 0) {
			if (unescape_field(f, flen, e->pattern.mask, &klen) || klen != mlen)
				return -EINVAL;
			e->pattern.has_mask = true;
		} else {
			memset(e->pattern.mask, 0xff, mlen);
		}
		if (e->pattern.offset + e->pattern.len > QUS_HEADER_SIZE)
			return -EINVAL;
	}
	if (next_field(&p, end, d, &f, &flen) ||
	    copy_str(e->interpreter, sizeof(e->interpreter), f, flen) || flen == 0)
		return -EINVAL;
	/* What remains is the flags field: no further delimiter allowed. */
	{
		char flags[8];

		if (copy_str(flags, sizeof(flags), p, (size_t)(end - p)) ||
		    flags_parse(flags, &e->flags))
			return -EINVAL;
		e->flags = flags_normalize(e->flags);
	}
	return 0;
}

static int parse_hex(const char *s, uint8_t *out, size_t max, size_t *len)
{
	size_t n = strlen(s);

	if (n % 2 || n / 2 > max)
		return -EINVAL;
	for (size_t i = 0; i < n / 2; i++) {
		int hi = hexval(s[2 * i]), lo = hexval(s[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -EINVAL;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	*len = n / 2;
	return 0;
}

int entry_parse_status(const char *name, const char *text, struct binfmt_entry *e)
{
	bool seen_state = false, seen_interp = false, seen_flags = false, seen_magic = false;
	size_t masklen = 0;
	char line[QUS_REGISTER_MAX + 32];

	memset(e, 0, sizeof(*e));
	if (strlen(name) > QUS_NAME_MAX)
		return -EINVAL;
	strcpy(e->name, name);

	while (*text) {
		size_t n = strcspn(text, "\n");
		const char *v;

		if (copy_str(line, sizeof(line), text, n))
			return -EINVAL;
		text += n;
		if (*text == '\n')
			text++;

		if (!seen_state) {
			if (strcmp(line, "enabled") && strcmp(line, "disabled"))
				return -EINVAL;
			e->enabled = !strcmp(line, "enabled");
			seen_state = true;
		} else if (!strncmp(line, "interpreter ", 12)) {
			if (copy_str(e->interpreter, sizeof(e->interpreter), line + 12,
				     strlen(line + 12)))
				return -EINVAL;
			seen_interp = true;
		} else if (!strncmp(line, "flags:", 6)) {
			v = line + 6;
			v += strspn(v, " ");
			if (flags_parse(v, &e->flags))
				return -EINVAL;
			seen_flags = true;
		} else if (!strncmp(line, "offset ", 7)) {
			unsigned long off;

			if (parse_uint(line + 7, QUS_HEADER_SIZE, &off))
				return -EINVAL;
			e->pattern.offset = (unsigned)off;
		} else if (!strncmp(line, "magic ", 6)) {
			if (parse_hex(line + 6, e->pattern.magic, QUS_MAGIC_MAX, &e->pattern.len) ||
			    e->pattern.len == 0)
				return -EINVAL;
			e->is_magic = true;
			seen_magic = true;
		} else if (!strncmp(line, "mask ", 5)) {
			if (parse_hex(line + 5, e->pattern.mask, QUS_MAGIC_MAX, &masklen))
				return -EINVAL;
			e->pattern.has_mask = true;
		} else if (!strncmp(line, "extension .", 11)) {
			if (copy_str(e->extension, sizeof(e->extension), line + 11,
				     strlen(line + 11)))
				return -EINVAL;
		} else if (line[0]) {
			return -EINVAL;
		}
	}
	if (!seen_state || !seen_interp || !seen_flags)
		return -EINVAL;
	if (seen_magic == !!e->extension[0])
		return -EINVAL; /* exactly one of magic and extension */
	if (e->pattern.has_mask && masklen != e->pattern.len)
		return -EINVAL;
	if (e->is_magic && !e->pattern.has_mask)
		memset(e->pattern.mask, 0xff, e->pattern.len);
	return 0;
}

bool entry_same(const struct binfmt_entry *a, const struct binfmt_entry *b)
{
	if (strcmp(a->name, b->name) || a->is_magic != b->is_magic ||
	    strcmp(a->interpreter, b->interpreter) ||
	    flags_normalize(a->flags) != flags_normalize(b->flags))
		return false;
	if (!a->is_magic)
		return !strcmp(a->extension, b->extension);
	if (a->pattern.offset != b->pattern.offset || a->pattern.len != b->pattern.len)
		return false;
	/* Compare what is matched: bits outside the mask never take part. */
	for (size_t i = 0; i < a->pattern.len; i++) {
		uint8_t ma = a->pattern.mask[i], mb = b->pattern.mask[i];

		if (ma != mb || ((a->pattern.magic[i] ^ b->pattern.magic[i]) & ma))
			return false;
	}
	return true;
}

void hex_format(const unsigned char *bytes, size_t len, char *out)
{
	static const char hex[] = "0123456789abcdef";

	for (size_t i = 0; i < len; i++) {
		out[2 * i] = hex[bytes[i] >> 4];
		out[2 * i + 1] = hex[bytes[i] & 0xf];
	}
	out[2 * len] = '\0';
}
