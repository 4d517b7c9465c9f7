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

/*
 * @tar, whose last member is a regular file of @size bytes, as gzip in two
 * members (RFC 1952 allows several; gzip, tar and container engines read
 * them as one stream): the headers, then the file's data with the tar's
 * end.  The second is @tail_gz if given (another tar of the same file,
 * found by tar_gz_find_tail), else compressed here.  0 or -errno.
 */
int tar_gz_split(const struct buffer *tar, size_t size, const uint8_t *tail_gz, size_t tail_gz_len,
		 struct buffer *out);

/*
 * Where, in @gz (@len bytes, made by tarball_gz), the member holding the
 * data of @tar's last file (@size bytes) starts: 0 and *@off after checking
 * that it decompresses to exactly that data and end; -ENOENT if @gz is not
 * of that shape or holds other data.
 */
int tar_gz_find_tail(const uint8_t *gz, size_t len, const struct buffer *tar, size_t size,
		     size_t *off);

/*
 * One file @name (@mode, time @mtime) holding @data, as tar.gz into @out, in
 * the two members of tar_gz_split, so that image layers of the same file
 * reuse the compressed data.  0 or -errno.
 */
int tarball_gz(const char *name, mode_t mode, time_t mtime, const uint8_t *data, size_t size,
	       struct buffer *out);

#endif
