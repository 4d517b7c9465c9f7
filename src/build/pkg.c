/* SPDX-License-Identifier: MIT */
#include "pkg.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"
#include "xz_read.h"

#define EMU_PREFIX  "qemu-"
#define EMU_SUFFIX  "-static"
#define CONTROL_MAX (1u << 20)

static int refuse(struct pkg_error *err, const char *member, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int refuse(struct pkg_error *err, const char *member, const char *fmt, ...)
{
	va_list ap;

	snprintf(err->member, sizeof(err->member), "%s", member ? member : "");
	va_start(ap, fmt);
	vsnprintf(err->what, sizeof(err->what), fmt, ap);
	va_end(ap);
	return -EBADMSG;
}

const struct qus_target *pkg_emulator_target(const char *name, bool suffix_optional)
{
	size_t len = strlen(name), pre = strlen(EMU_PREFIX), suf = strlen(EMU_SUFFIX);

	if (len > pre + suf && !strcmp(name + len - suf, EMU_SUFFIX))
		len -= suf;
	else if (!suffix_optional)
		return NULL;
	if (len <= pre || strncmp(name, EMU_PREFIX, pre))
		return NULL;
	for (size_t i = 0; i < QUS_NTARGETS; i++) {
		const char *emu = qus_targets[i].emulator;

		if (strlen(emu) == len - pre && !strncmp(name + pre, emu, len - pre))
			return &qus_targets[i];
	}
	return NULL;
}

/* The length of "dfsg" or "ds" at @v when a version part ends there, else 0. */
static size_t repack_marker(const char *v)
{
	static const char *const marks[] = { "dfsg", "ds" };

	for (size_t i = 0; i < ARRAY_SIZE(marks); i++) {
		size_t n = strlen(marks[i]);
		const char *end = v + n;

		if (strncmp(v, marks[i], n))
			continue;
		while (*end >= '0' && *end <= '9')
			end++;
		if (!*end || *end == '-' || *end == '+' || *end == '~' || *end == '.')
			return n;
	}
	return 0;
}

int pkg_tag_version(const char *version, char *out, size_t size)
{
	const char *colon = strchr(version, ':'), *v = colon ? colon + 1 : version;
	size_t n = 0;

	if (!*v || size == 0)
		return -EINVAL;
	while (*v) {
		/*
		 * "+dfsg" and "+ds" (or "~dfsg", "~ds") mark a repacked upstream
		 * tarball, not a version: Debian's QEMU used the first until 9.0, the
		 * second since.
		 */
		size_t mark = (*v == '+' || *v == '~') ? repack_marker(v + 1) : 0;

		if (mark) {
			v += 1 + mark;
			while (*v >= '0' && *v <= '9')
				v++;
			continue;
		}
		if (n + 1 >= size || n >= 128)
			return -EINVAL;
		/* A tag is [A-Za-z0-9_][A-Za-z0-9_.-]{0,127} (OCI distribution spec). */
		out[n++] = (*v >= 'a' && *v <= 'z') || (*v >= 'A' && *v <= 'Z') ||
					   (*v >= '0' && *v <= '9') || *v == '_' || *v == '-' ||
					   *v == '.'
				   ? *v
				   : '.';
		v++;
	}
	out[n] = '\0';
	return n && out[0] != '.' && out[0] != '-' ? 0 : -EINVAL;
}

/* dpkg's order of characters in a version: '~' first, then the end, letters, the rest. */
static int version_char_order(char c)
{
	if (c >= '0' && c <= '9')
		return 0;
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
		return c;
	if (c == '~')
		return -1;
	return c ? (unsigned char)c + 256 : 0;
}

/* Compare two upstream versions or revisions: alternating non-digit and digit runs. */
static int version_part_cmp(const char *a, const char *a_end, const char *b, const char *b_end)
{
	while (a < a_end || b < b_end) {
		int first = 0;

		while ((a < a_end && !(*a >= '0' && *a <= '9')) ||
		       (b < b_end && !(*b >= '0' && *b <= '9'))) {
			int ca = version_char_order(a < a_end ? *a : 0);
			int cb = version_char_order(b < b_end ? *b : 0);

			if (ca != cb)
				return ca - cb;
			a += a < a_end;
			b += b < b_end;
		}
		while (a < a_end && *a == '0')
			a++;
		while (b < b_end && *b == '0')
			b++;
		for (; a < a_end && b < b_end && *a >= '0' && *a <= '9' && *b >= '0' && *b <= '9';
		     a++, b++)
			if (!first)
				first = *a - *b;
		if (a < a_end && *a >= '0' && *a <= '9')
			return 1;
		if (b < b_end && *b >= '0' && *b <= '9')
			return -1;
		if (first)
			return first;
	}
	return 0;
}

/* "[epoch:]upstream[-revision]" into its three parts (no epoch: 0). */
static void version_split(const char *v, unsigned long *epoch, const char **up, const char **up_end,
			  const char **rev)
{
	const char *colon = strchr(v, ':'), *dash;

	*epoch = 0;
	if (colon && colon > v && strspn(v, "0123456789") == (size_t)(colon - v)) {
		*epoch = strtoul(v, NULL, 10);
		v = colon + 1;
	}
	dash = strrchr(v, '-');
	*up = v;
	*up_end = dash ? dash : v + strlen(v);
	*rev = dash ? dash + 1 : v + strlen(v);
}

int pkg_version_cmp(const char *a, const char *b)
{
	unsigned long ea, eb;
	const char *ua, *ua_end, *ra, *ub, *ub_end, *rb;
	int r;

	version_split(a, &ea, &ua, &ua_end, &ra);
	version_split(b, &eb, &ub, &ub_end, &rb);
	if (ea != eb)
		return ea < eb ? -1 : 1;
	r = version_part_cmp(ua, ua_end, ub, ub_end);
	return r ? r : version_part_cmp(ra, ra + strlen(ra), rb, rb + strlen(rb));
}

/* A member path that stays inside the tree: relative, no "..". */
static bool path_is_safe(const char *p)
{
	if (*p == '/')
		return false;
	for (const char *s = p; *s;) {
		size_t len = strcspn(s, "/");

		if (len == 2 && s[0] == '.' && s[1] == '.')
			return false;
		s += len;
		while (*s == '/')
			s++;
	}
	return true;
}

/* A member's path without its leading "./" (tar members of a .deb have one). */
static const char *member_path(const char *p)
{
	while (!strncmp(p, "./", 2))
		p += 2;
	return p;
}

/* "usr/bin/qemu-x-static": the file name, else NULL. */
static const char *in_usr_bin(const char *p)
{
	if (strncmp(p, "usr/bin/", 8) || strchr(p + 8, '/'))
		return NULL;
	return p + 8;
}

static void control_field(const char *text, const char *field, char *out, size_t size)
{
	size_t flen = strlen(field);

	for (const char *l = text; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL) {
		if (!strncmp(l, field, flen) && l[flen] == ':') {
			const char *v = l + flen + 1;
			size_t len;

			while (*v == ' ')
				v++;
			len = strcspn(v, "\n");
			snprintf(out, size, "%.*s", (int)len, v);
			return;
		}
	}
}

/*
 * The nested archives read their bytes from the outer one's current member.
 * One block per thread: a thread reads one package at a time.
 */
static la_ssize_t read_outer(struct archive *a, void *outer, const void **buf)
{
	static __thread char block[64 * 1024];
	la_ssize_t n = archive_read_data((struct archive *)outer, block, sizeof(block));

	(void)a;
	*buf = block;
	return n;
}

/* A tar reader over the outer archive's current member named @member. */
static struct archive *open_inner(struct archive *outer, const char *member)
{
	struct archive *a = archive_read_new();
	size_t n = strlen(member);
	int r;

	if (!a)
		return NULL;
	archive_read_support_filter_all(a);
	archive_read_support_format_tar(a);
	if (n > 3 && !strcmp(member + n - 3, ".xz")) {
		/* On every core: most of extracting a .deb is decoding its data.tar.xz. */
		struct xz_read *x = xz_read_new(outer);

		r = x ? archive_read_open(a, x, NULL, xz_read_cb, xz_close_cb) : ARCHIVE_FATAL;
	} else {
		r = archive_read_open(a, outer, NULL, read_outer, NULL);
	}
	if (r != ARCHIVE_OK) {
		archive_read_free(a);
		return NULL;
	}
	return a;
}

static int read_control(struct archive *outer, const char *member, struct pkg_info *info,
			struct pkg_error *err)
{
	struct archive *a = open_inner(outer, member);
	struct archive_entry *e;
	int r = 0;

	if (!a)
		return refuse(err, "control.tar", "not a tar archive");
	while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK) {
		const char *p = archive_entry_pathname(e);
		_cleanup_free_ char *text = NULL;
		la_int64_t size = archive_entry_size(e);
		la_ssize_t n;

		if (strcmp(p, "./control") && strcmp(p, "control"))
			continue;
		/* Refused before freeing: @p belongs to the archive. */
		if (size < 0 || size > CONTROL_MAX) {
			r = refuse(err, p, "control file larger than %u bytes", CONTROL_MAX);
			archive_read_free(a);
			return r;
		}
		text = calloc(1, (size_t)size + 1);
		n = text ? archive_read_data(a, text, (size_t)size) : -1;
		if (n != size) {
			r = refuse(err, p, "truncated");
			archive_read_free(a);
			return r;
		}
		control_field(text, "Package", info->name, sizeof(info->name));
		control_field(text, "Version", info->version, sizeof(info->version));
		control_field(text, "Architecture", info->arch, sizeof(info->arch));
		control_field(text, "Depends", info->depends, sizeof(info->depends));
		archive_read_free(a);
		return 0;
	}
	r = refuse(err, "control.tar", "%s",
		   r == ARCHIVE_EOF ? "no control file" : archive_error_string(a));
	archive_read_free(a);
	return r;
}

/* Check one data member; take it if it is an emulator. */
/*
 * Read and drop what is not taken, counting: libarchive's own skipping
 * would inflate a bomb to its end before the next header could be checked.
 */
static int drain(struct archive *a, const char *p, unsigned long long max, struct pkg_error *err)
{
	static __thread char sink[64 * 1024];
	la_ssize_t n;

	while ((n = archive_read_data(a, sink, sizeof(sink))) > 0)
		if ((unsigned long long)archive_filter_bytes(a, 0) > max)
			return refuse(err, p,
				      "more than %llu bytes uncompressed (a decompression bomb?)",
				      max);
	return n < 0 ? refuse(err, p, "%s", archive_error_string(a)) : 0;
}

/* A whole member into a new buffer (*@data), refusing one larger than an emulator can be. */
static int read_member(struct archive *a, struct archive_entry *e, const char *p, uint8_t **data,
		       size_t *got, struct pkg_error *err)
{
	la_int64_t size = archive_entry_size(e);

	*got = 0;
	if (!archive_entry_size_is_set(e) || size <= 0 || (unsigned long long)size > PKG_MEMBER_MAX)
		return refuse(err, p, "size %lld is not that of an emulator (at most %llu bytes)",
			      (long long)size, PKG_MEMBER_MAX);
	*data = malloc((size_t)size);
	if (!*data)
		return -ENOMEM;
	while (*got < (size_t)size) {
		la_ssize_t n = archive_read_data(a, *data + *got, (size_t)size - *got);

		if (n <= 0)
			return refuse(err, p, "truncated: %zu of %lld bytes (%s)", *got,
				      (long long)size,
				      n < 0 ? archive_error_string(a) : "end of data");
		*got += (size_t)n;
	}
	return 0;
}

/*
 * One member of the tree: an emulator's bytes, a link's target or another
 * file's path go to the caller; directories are passed over.
 */
static int data_member(struct archive *a, struct archive_entry *e, struct pkg_info *info,
		       const struct pkg_read_opts *ro, struct pkg_error *err)
{
	const char *raw = archive_entry_pathname(e), *p, *name, *hard;
	mode_t type = archive_entry_filetype(e);
	_cleanup_free_ uint8_t *data = NULL;
	_cleanup_free_ char *hard_path = NULL;
	struct pkg_member m = { .kind = PKG_FILE };
	int r;

	if (!raw || !path_is_safe(raw))
		return refuse(err, raw, "its path leaves the package's tree");
	if (type == AE_IFCHR || type == AE_IFBLK || type == AE_IFIFO || type == AE_IFSOCK)
		return refuse(err, raw, "a device node or special file; no package needs one");
	p = member_path(raw);
	m.path = p;
	hard = archive_entry_hardlink(e);
	if (hard) {
		/* A hard link names a member of the same archive: a path from the root. */
		if (!path_is_safe(hard))
			return refuse(err, raw, "a hard link that leaves the package's tree");
		if (asprintf(&hard_path, "/%s", member_path(hard)) < 0)
			return -ENOMEM;
		m.kind = PKG_LINK;
		m.link = hard_path;
		r = drain(a, raw, ro->max_unpacked, err);
		return r < 0 ? r : ro->fn(&m, ro->ctx);
	}
	if (type == AE_IFLNK) {
		m.kind = PKG_LINK;
		m.link = archive_entry_symlink(e);
		if (!m.link || !*m.link)
			return refuse(err, raw, "a link to nothing");
		return ro->fn(&m, ro->ctx);
	}
	if (type == AE_IFDIR)
		return drain(a, raw, ro->max_unpacked, err);
	if (archive_entry_perm(e) & (S_ISUID | S_ISGID))
		return refuse(
			err, raw,
			"set-user/group-id bits; nothing in a package of emulators needs them");
	name = in_usr_bin(p);
	m.target = name ? pkg_emulator_target(name, true) : NULL;
	if (!m.target) {
		/* An emulator of a target outside the table (cris, nios2): said, not taken. */
		if (name && !strncmp(name, EMU_PREFIX, strlen(EMU_PREFIX)) &&
		    info->nskipped < PKG_SKIPPED_MAX)
			snprintf(info->skipped[info->nskipped++], sizeof(info->skipped[0]), "%s",
				 name);
		r = drain(a, raw, ro->max_unpacked, err);
		return r < 0 ? r : ro->fn(&m, ro->ctx);
	}
	r = read_member(a, e, raw, &data, &m.size, err);
	if (r < 0)
		return r;
	m.kind = PKG_EMULATOR;
	m.data = data;
	return ro->fn(&m, ro->ctx);
}

/* Every member of a package's file tree (a .deb's data.tar, an RPM's cpio payload). */
static int walk_members(struct archive *a, const char *what, struct pkg_info *info,
			const struct pkg_read_opts *ro, struct pkg_error *err)
{
	struct archive_entry *e;
	int r;

	while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK) {
		/* Uncompressed bytes so far: a small package must not expand without end. */
		if ((unsigned long long)archive_filter_bytes(a, 0) > ro->max_unpacked) {
			r = refuse(err, archive_entry_pathname(e),
				   "more than %llu bytes uncompressed (a decompression bomb?)",
				   ro->max_unpacked);
			break;
		}
		r = data_member(a, e, info, ro, err);
		if (r < 0)
			break;
	}
	if (r == ARCHIVE_EOF)
		return 0;
	if (r > 0 || r == ARCHIVE_FATAL || r == ARCHIVE_WARN || r == ARCHIVE_RETRY)
		r = refuse(err, what, "%s", archive_error_string(a));
	return r;
}

static int read_data(struct archive *outer, const char *member, struct pkg_info *info,
		     const struct pkg_read_opts *ro, struct pkg_error *err)
{
	struct archive *a = open_inner(outer, member);
	int r;

	if (!a)
		return refuse(err, "data.tar", "not a tar archive");
	r = walk_members(a, "data.tar", info, ro, err);
	archive_read_free(a);
	return r;
}

int pkg_read_deb(const char *path, const struct pkg_read_opts *ro, struct pkg_info *info,
		 struct pkg_error *err)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	bool control = false, data = false;
	int r = 0;

	memset(info, 0, sizeof(*info));
	memset(err, 0, sizeof(*err));
	if (!a)
		return -ENOMEM;
	archive_read_support_format_ar(a);
	if (archive_read_open_filename(a, path, 64 * 1024) != ARCHIVE_OK) {
		r = archive_errno(a) > 0 ? -archive_errno(a) : -EINVAL;
		refuse(err, NULL, "%s", archive_error_string(a));
		archive_read_free(a);
		return r;
	}
	while (r == 0 && archive_read_next_header(a, &e) == ARCHIVE_OK) {
		const char *p = archive_entry_pathname(e);

		if (!strncmp(p, "control.tar", 11)) {
			r = read_control(a, p, info, err);
			control = true;
		} else if (!strncmp(p, "data.tar", 8)) {
			info->date = archive_entry_mtime(e);
			if (ro)
				r = read_data(a, p, info, ro, err);
			data = true;
		}
	}
	if (r == 0 && (!control || !data))
		r = refuse(err, NULL, "not a Debian package: no %s member",
			   control ? "data.tar" : "control.tar");
	if (r == 0 && (!info->version[0] || !info->arch[0]))
		r = refuse(err, "control", "no Version or Architecture field");
	archive_read_free(a);
	return r;
}

/* ---- RPM ------------------------------------------------------------------ */

/* Every RPM file starts with this lead (rpm's lib/rpmlead.c). */
static const uint8_t rpm_lead_magic[4] = { 0xed, 0xab, 0xee, 0xdb };

/* RPM header tags (rpmtag.h) and their types. */
enum {
	RPMTAG_NAME = 1000,
	RPMTAG_VERSION = 1001,
	RPMTAG_RELEASE = 1002,
	RPMTAG_BUILDTIME = 1006,
	RPMTAG_ARCH = 1022
};
enum { RPM_INT32 = 4, RPM_STRING = 6 };
#define RPM_LEAD_SIZE	   96
#define RPM_HEADER_MAX	   (32u << 20)
#define RPM_HEADER_ENTRIES 65536u

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/*
 * One header structure at @off (header magic, index, store): copy the
 * string tags we want into @info; *@next is the offset after it.
 */
static int rpm_header(int fd, off_t off, bool want, struct pkg_info *info, off_t *next,
		      struct pkg_error *err)
{
	static const uint8_t magic[4] = { 0x8e, 0xad, 0xe8, 0x01 };
	uint8_t h[16];
	_cleanup_free_ uint8_t *blob = NULL;
	uint32_t n, size;
	char release[64] = "", version[64] = "";
	const struct qus_platform *pf;

	if (pread(fd, h, sizeof(h), off) != (ssize_t)sizeof(h) || memcmp(h, magic, 4))
		return refuse(err, NULL, "not an RPM package: no header at offset %lld",
			      (long long)off);
	n = be32(h + 8);
	size = be32(h + 12);
	if (n > RPM_HEADER_ENTRIES || size > RPM_HEADER_MAX)
		return refuse(err, NULL, "an RPM header of %u entries and %u bytes", n, size);
	*next = off + 16 + (off_t)n * 16 + size;
	if (!want)
		return 0;
	blob = malloc((size_t)n * 16 + size + 1);
	if (!blob)
		return -ENOMEM;
	if (pread(fd, blob, (size_t)n * 16 + size, off + 16) != (ssize_t)((size_t)n * 16 + size))
		return refuse(err, NULL, "truncated RPM header");
	blob[(size_t)n * 16 + size] = '\0';
	for (uint32_t i = 0; i < n; i++) {
		const uint8_t *e = blob + (size_t)i * 16;
		uint32_t tag = be32(e), type = be32(e + 4), at = be32(e + 8);
		const char *str = (const char *)blob + (size_t)n * 16 + at;
		char *dst = NULL;
		size_t dsize = 0;

		if (at >= size)
			continue;
		if (type == RPM_INT32 && tag == RPMTAG_BUILDTIME && at + 4 <= size)
			info->date = (time_t)be32(blob + (size_t)n * 16 + at);
		if (type != RPM_STRING || !memchr(str, '\0', size - at))
			continue;
		switch (tag) {
		case RPMTAG_NAME:
			dst = info->name, dsize = sizeof(info->name);
			break;
		case RPMTAG_VERSION:
			dst = version, dsize = sizeof(version);
			break;
		case RPMTAG_RELEASE:
			dst = release, dsize = sizeof(release);
			break;
		case RPMTAG_ARCH:
			dst = info->arch, dsize = sizeof(info->arch);
			break;
		}
		if (dst)
			snprintf(dst, dsize, "%s", str);
	}
	snprintf(info->version, sizeof(info->version), "%s-%s", version, release);
	/* Debian's name names the extract directories and maps to OCI platforms. */
	pf = platform_by_rpm(info->arch);
	if (pf) {
		snprintf(info->arch, sizeof(info->arch), "%s", pf->debian);
		return version[0] ? 0 : refuse(err, NULL, "no Version in the RPM header");
	}
	return refuse(err, NULL, "an RPM for the architecture '%s', which qus-build does not know",
		      info->arch);
}

/* The lead, the signature header (padded to 8 bytes), then the main header. */
static int rpm_metadata(const char *path, struct pkg_info *info, struct pkg_error *err)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	uint8_t lead[4];
	off_t next;
	int r;

	if (fd < 0)
		return -errno;
	if (pread(fd, lead, 4, 0) != 4 || memcmp(lead, rpm_lead_magic, 4))
		return refuse(err, NULL, "not an RPM package");
	r = rpm_header(fd, RPM_LEAD_SIZE, false, info, &next, err);
	if (r < 0)
		return r;
	next = (next + 7) & ~(off_t)7;
	return rpm_header(fd, next, true, info, &next, err);
}

int pkg_read_rpm(const char *path, const struct pkg_read_opts *ro, struct pkg_info *info,
		 struct pkg_error *err)
{
	struct archive *a;
	int r;

	memset(info, 0, sizeof(*info));
	memset(err, 0, sizeof(*err));
	r = rpm_metadata(path, info, err);
	if (r < 0 || !ro)
		return r;
	/* libarchive's rpm filter skips lead and headers; the payload is cpio, compressed. */
	a = archive_read_new();
	if (!a)
		return -ENOMEM;
	archive_read_support_filter_all(a);
	archive_read_support_format_cpio(a);
	if (archive_read_open_filename(a, path, 64 * 1024) != ARCHIVE_OK)
		r = refuse(err, "payload", "%s", archive_error_string(a));
	else
		r = walk_members(a, "payload", info, ro, err);
	archive_read_free(a);
	return r;
}

bool pkg_is_rpm(const char *path)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	uint8_t head[4] = { 0 };

	return fd >= 0 && pread(fd, head, 4, 0) == 4 && !memcmp(head, rpm_lead_magic, 4);
}

int pkg_read(const char *path, const struct pkg_read_opts *ro, struct pkg_info *info,
	     struct pkg_error *err)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	uint8_t head[4] = { 0 };

	memset(err, 0, sizeof(*err));
	if (fd < 0)
		return -errno;
	if (pread(fd, head, 4, 0) == 4 && !memcmp(head, rpm_lead_magic, 4))
		return pkg_read_rpm(path, ro, info, err);
	return pkg_read_deb(path, ro, info, err);
}
