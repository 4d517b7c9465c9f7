/* SPDX-License-Identifier: MIT */
/*
 * Release tarballs read back by the images stage (tar_gz_find_tail): a
 * layer reuses the compressed data member of releases/HOST_qemu-T-static.tar.gz
 * when it holds the emulator's data.  Whatever the file, finding never
 * crashes, and a tail it accepts, spliced into a layer (tar_gz_split),
 * decompresses member by member to exactly the layer's tar: a tampered or
 * stale release file can never put other bytes into an image.
 * QUS_FUZZ_WRITE_SEED=FILE writes the seed (a release tarball of the
 * harness's file, as qus-build makes it) and exits.
 */
#include <libdeflate.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tarball.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint8_t file[3000];
static struct buffer tar;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const struct tar_member m = { "qemu-x-static", 0755, file, sizeof(file) };

	(void)argc;
	(void)argv;
	for (size_t i = 0; i < sizeof(file); i++)
		file[i] = (uint8_t)(i * 7 + i / 100);
	if (tar_build(&m, 1, 0, &tar) < 0)
		abort();
	/* The seed: this very file as qus-build writes a release tarball. */
	if (getenv("QUS_FUZZ_WRITE_SEED")) {
		struct buffer gz = { 0 };
		FILE *f = fopen(getenv("QUS_FUZZ_WRITE_SEED"), "wb");

		if (!f || tarball_gz(m.path, m.mode, 0, file, sizeof(file), &gz) < 0 ||
		    fwrite(gz.data, 1, gz.len, f) != gz.len || fclose(f) != 0)
			abort();
		buffer_free(&gz);
		exit(0);
	}
	return 0;
}

/* Every gzip member of @gz, one after the other: the whole tar, exactly? */
static int inflates_to_tar(const uint8_t *gz, size_t len)
{
	struct libdeflate_decompressor *d = libdeflate_alloc_decompressor();
	uint8_t *out = malloc(tar.len + 1);
	size_t got = 0, used, n;
	int ok = d && out;

	while (ok && len > 0) {
		ok = libdeflate_gzip_decompress_ex(d, gz, len, out + got, tar.len + 1 - got, &used,
						   &n) == LIBDEFLATE_SUCCESS;
		gz += used;
		len -= used;
		got += n;
	}
	ok = ok && got == tar.len && !memcmp(out, tar.data, tar.len);
	free(out);
	libdeflate_free_decompressor(d);
	return ok;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buffer layer = { 0 };
	size_t off;

	if (tar_gz_find_tail(data, size, &tar, sizeof(file), &off) < 0)
		return 0;
	if (off >= size || tar_gz_split(&tar, sizeof(file), data + off, size - off, &layer) < 0 ||
	    !inflates_to_tar(layer.data, layer.len))
		abort();
	buffer_free(&layer);
	return 0;
}
