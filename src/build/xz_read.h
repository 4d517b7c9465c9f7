/* SPDX-License-Identifier: MIT */
/*
 * An xz-compressed member of an outer libarchive reader, decoded by
 * liblzma on every core (Debian compresses data.tar.xz in independent
 * blocks, which liblzma >= 5.4 decodes in parallel; libarchive's own xz
 * filter uses one core).  For a nested archive_read_open():
 *
 *   struct xz_read *x = xz_read_new(outer);
 *   archive_read_open(inner, x, NULL, xz_read_cb, xz_close_cb);
 */
#ifndef QUS_XZ_READ_H
#define QUS_XZ_READ_H

#include <archive.h>

struct xz_read;

/* NULL if out of memory or liblzma refuses to start a decoder. */
struct xz_read *xz_read_new(struct archive *outer);

/* libarchive callbacks: decoded bytes of the outer archive's current member. */
la_ssize_t xz_read_cb(struct archive *a, void *x, const void **buf);
int xz_close_cb(struct archive *a, void *x);

#endif
