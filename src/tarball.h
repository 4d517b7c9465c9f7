/* SPDX-License-Identifier: MIT */
/*
 * Reproducible tar archives: release tarballs (one file, gzip) and image
 * layers (a few files under usr/bin, gzip, with the digest of the
 * uncompressed tar that OCI calls the diff_id).  The same bytes for the
 * same input on every run and machine: ustar, owner 0:0, fixed modes and
 * time, and a gzip stream from libdeflate with no time or name in its
 * header, at gzip's default level 6 (as tar -czf in the seeds).
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

/* One member: a directory (@data NULL) or a regular file. */
struct tar_member {
	const char *path; /* relative, directories end in '/' */
	mode_t mode;
	const uint8_t *data;
	size_t size;
};

/* An uncompressed ustar archive of @members, all at time @mtime.  0 or -errno. */
int tar_build(const struct tar_member *members, size_t n, time_t mtime, struct buffer *out);

/* @in as a gzip stream (RFC 1952) with a zero time and no name.  0 or -errno. */
int gzip_buffer(const uint8_t *in, size_t len, struct buffer *out);

/* One file @name (@mode, time @mtime) holding @data, as tar.gz into @out.  0 or -errno. */
int tarball_gz(const char *name, mode_t mode, time_t mtime, const uint8_t *data, size_t size,
	       struct buffer *out);

#endif
