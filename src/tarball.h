/* SPDX-License-Identifier: MIT */
/*
 * Release tarballs: a gzip-compressed tar archive holding one file, the
 * same bytes for the same input on every run and machine (ustar, owner
 * 0:0, fixed mode and time, no timestamp or name in the gzip header;
 * gzip's default level 6, as tar -czf in the seeds).
 */
#ifndef QUS_TARBALL_H
#define QUS_TARBALL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

struct buffer {
	uint8_t *data;
	size_t len, cap;
};

void buffer_free(struct buffer *b);

/* One file @name (@mode, time @mtime) holding @data, as tar.gz into @out.  0 or -errno. */
int tarball_gz(const char *name, mode_t mode, time_t mtime, const uint8_t *data, size_t size,
	       struct buffer *out);

#endif
