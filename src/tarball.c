/* SPDX-License-Identifier: MIT */
#include "tarball.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

void buffer_free(struct buffer *b)
{
	free(b->data);
	memset(b, 0, sizeof(*b));
}

static la_ssize_t append(struct archive *a, void *ctx, const void *data, size_t len)
{
	struct buffer *b = ctx;

	(void)a;
	if (b->len + len > b->cap) {
		size_t cap = b->cap ? b->cap : 1 << 20;
		uint8_t *p;

		while (cap < b->len + len)
			cap *= 2;
		p = realloc(b->data, cap);
		if (!p)
			return -1;
		b->data = p;
		b->cap = cap;
	}
	memcpy(b->data + b->len, data, len);
	b->len += len;
	return (la_ssize_t)len;
}

int tarball_gz(const char *name, mode_t mode, time_t mtime, const uint8_t *data, size_t size,
	       struct buffer *out)
{
	struct archive *a = archive_write_new();
	struct archive_entry *e = archive_entry_new();
	int r = -EIO;

	memset(out, 0, sizeof(*out));
	if (!a || !e)
		goto done;
	/*
	 * ustar: no pax headers with access times or a process id; gzip
	 * without the time in its header: both would differ between runs.
	 */
	if (archive_write_set_format_ustar(a) != ARCHIVE_OK ||
	    archive_write_add_filter_gzip(a) != ARCHIVE_OK ||
	    archive_write_set_options(a, "gzip:!timestamp") != ARCHIVE_OK ||
	    archive_write_set_bytes_in_last_block(a, 1) != ARCHIVE_OK ||
	    archive_write_open(a, out, NULL, append, NULL) != ARCHIVE_OK)
		goto done;
	archive_entry_set_pathname(e, name);
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, mode);
	archive_entry_set_size(e, (la_int64_t)size);
	archive_entry_set_mtime(e, mtime, 0);
	archive_entry_set_uid(e, 0);
	archive_entry_set_gid(e, 0);
	archive_entry_set_uname(e, "root");
	archive_entry_set_gname(e, "root");
	if (archive_write_header(a, e) != ARCHIVE_OK ||
	    archive_write_data(a, data, size) != (la_ssize_t)size ||
	    archive_write_close(a) != ARCHIVE_OK)
		goto done;
	r = 0;
done:
	if (e)
		archive_entry_free(e);
	if (a)
		archive_write_free(a);
	if (r < 0)
		buffer_free(out);
	return r;
}
