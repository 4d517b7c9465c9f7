/* SPDX-License-Identifier: MIT */
#include "xz_read.h"

#include <errno.h>
#include <lzma.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct xz_read {
	struct archive *outer;
	lzma_stream s;
	bool eof;
	uint8_t in[64 * 1024];
	uint8_t out[256 * 1024];
};

/*
 * Memory the threads may use before liblzma falls back to one thread:
 * a Debian block is 24 MiB decoded, plus an 8 MiB dictionary, per thread.
 * Beyond XZ_MEMORY_MAX (a hostile header can ask for 1.5 GiB of
 * dictionary) decoding stops, as libarchive's own xz reader does at 1 GiB.
 */
#define XZ_THREAD_MEMORY (1024ull << 20)
#define XZ_MEMORY_MAX	 (1024ull << 20)
#define XZ_MAX_THREADS	 16

struct xz_read *xz_read_new(struct archive *outer)
{
	struct xz_read *x = calloc(1, sizeof(*x));
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	lzma_mt mt = {
		.threads = cpus < 1		   ? 1
			   : cpus > XZ_MAX_THREADS ? XZ_MAX_THREADS
						   : (uint32_t)cpus,
		.flags = LZMA_CONCATENATED,
		.memlimit_threading = XZ_THREAD_MEMORY,
		.memlimit_stop = XZ_MEMORY_MAX,
	};

	if (!x)
		return NULL;
	x->outer = outer;
	x->s = (lzma_stream)LZMA_STREAM_INIT;
	if (lzma_stream_decoder_mt(&x->s, &mt) != LZMA_OK) {
		free(x);
		return NULL;
	}
	return x;
}

la_ssize_t xz_read_cb(struct archive *a, void *p, const void **buf)
{
	struct xz_read *x = p;

	for (;;) {
		lzma_ret ret;
		size_t produced;

		if (x->s.avail_in == 0 && !x->eof) {
			la_ssize_t n = archive_read_data(x->outer, x->in, sizeof(x->in));

			if (n < 0) {
				archive_set_error(a, archive_errno(x->outer), "%s",
						  archive_error_string(x->outer));
				return -1;
			}
			x->eof = n == 0;
			x->s.next_in = x->in;
			x->s.avail_in = (size_t)n;
		}
		x->s.next_out = x->out;
		x->s.avail_out = sizeof(x->out);
		ret = lzma_code(&x->s, x->eof ? LZMA_FINISH : LZMA_RUN);
		produced = sizeof(x->out) - x->s.avail_out;
		if (produced > 0) {
			*buf = x->out;
			return (la_ssize_t)produced;
		}
		if (ret == LZMA_STREAM_END)
			return 0;
		if (ret != LZMA_OK) {
			/* BUF_ERROR: no progress possible, i.e. the input ended early. */
			archive_set_error(a, EILSEQ, "xz data is %s",
					  ret == LZMA_BUF_ERROR ? "truncated"
					  : ret == LZMA_MEMLIMIT_ERROR
						  ? "too demanding (over 1 GiB to decode)"
						  : "corrupt");
			return -1;
		}
	}
}

int xz_close_cb(struct archive *a, void *p)
{
	struct xz_read *x = p;

	(void)a;
	lzma_end(&x->s);
	free(x);
	return ARCHIVE_OK;
}
