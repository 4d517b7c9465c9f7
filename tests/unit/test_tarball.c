/* SPDX-License-Identifier: MIT */
/* Release tarballs: readable by libarchive as written, and the same bytes every time. */
#include "unit.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "digest.h"
#include "tarball.h"

static void test_roundtrip(void **state)
{
	static const uint8_t content[] = "\x7f"
					 "ELF pretend emulator";
	struct buffer a, b;
	struct archive *r;
	struct archive_entry *e;
	char back[64] = "";

	(void)state;
	assert_int_equal(
		tarball_gz("qemu-x-static", 0755, 1700000000, content, sizeof(content), &a), 0);
	assert_int_equal(
		tarball_gz("qemu-x-static", 0755, 1700000000, content, sizeof(content), &b), 0);
	/* Reproducible: byte for byte. */
	assert_int_equal(a.len, b.len);
	assert_memory_equal(a.data, b.data, a.len);
	/* gzip: magic, and no modification time in the header (bytes 4-7). */
	assert_int_equal(a.data[0], 0x1f);
	assert_int_equal(a.data[1], 0x8b);
	assert_int_equal(a.data[4] | a.data[5] | a.data[6] | a.data[7], 0);

	r = archive_read_new();
	archive_read_support_filter_gzip(r);
	archive_read_support_format_tar(r);
	assert_int_equal(archive_read_open_memory(r, a.data, a.len), ARCHIVE_OK);
	assert_int_equal(archive_read_next_header(r, &e), ARCHIVE_OK);
	assert_string_equal(archive_entry_pathname(e), "qemu-x-static");
	assert_int_equal(archive_entry_perm(e), 0755);
	assert_int_equal(archive_entry_uid(e), 0);
	assert_int_equal(archive_entry_gid(e), 0);
	assert_int_equal(archive_entry_mtime(e), 1700000000);
	assert_int_equal(archive_entry_size(e), sizeof(content));
	assert_int_equal(archive_read_data(r, back, sizeof(back)), sizeof(content));
	assert_memory_equal(back, content, sizeof(content));
	assert_int_equal(archive_read_next_header(r, &e), ARCHIVE_EOF);
	archive_read_free(r);

	/* Another time stamp, other bytes. */
	buffer_free(&b);
	assert_int_equal(
		tarball_gz("qemu-x-static", 0755, 1700000001, content, sizeof(content), &b), 0);
	assert_true(a.len != b.len || memcmp(a.data, b.data, a.len));
	buffer_free(&a);
	buffer_free(&b);
}

/* The whole uncompressed content of a gzip file of one or more members. */
static void gunzip_all(const struct buffer *gz, struct buffer *out)
{
	struct archive *r = archive_read_new();
	struct archive_entry *e;
	char block[4096];
	la_ssize_t n;

	archive_read_support_filter_gzip(r);
	archive_read_support_format_raw(r);
	assert_int_equal(archive_read_open_memory(r, gz->data, gz->len), ARCHIVE_OK);
	assert_int_equal(archive_read_next_header(r, &e), ARCHIVE_OK);
	memset(out, 0, sizeof(*out));
	out->data = malloc(1 << 20);
	assert_non_null(out->data);
	while ((n = archive_read_data(r, block, sizeof(block))) > 0) {
		assert_true(out->len + (size_t)n <= (1u << 20));
		memcpy(out->data + out->len, block, (size_t)n);
		out->len += (size_t)n;
	}
	assert_int_equal(n, 0);
	archive_read_free(r);
}

/* Layers reuse the release tarball's compressed data: the second gzip member. */
static void test_shared_tail(void **state)
{
	static uint8_t data[5000], other[5000];
	const struct tar_member one = { "qemu-x-static", 0755, data, sizeof(data) };
	const struct tar_member layer[] = {
		{ "usr/", 0755, NULL, 0 },
		{ "usr/bin/", 0755, NULL, 0 },
		{ "usr/bin/qemu-x-static", 0755, data, sizeof(data) },
	};
	struct buffer rel, tar1, ltar, lgz, back, bad;
	size_t off = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(data); i++) {
		data[i] = (uint8_t)(i * 7 + i / 13);
		other[i] = (uint8_t)(data[i] ^ (i == 4000));
	}
	assert_int_equal(tarball_gz("qemu-x-static", 0755, 1, data, sizeof(data), &rel), 0);
	/* Two members, which gunzip as the one tar. */
	assert_int_equal(tar_build(&one, 1, 1, &tar1), 0);
	gunzip_all(&rel, &back);
	assert_int_equal(back.len, tar1.len);
	assert_memory_equal(back.data, tar1.data, tar1.len);
	buffer_free(&back);

	/* The layer's tar has other headers and the same tail, found and checked. */
	assert_int_equal(tar_build(layer, 3, 1, &ltar), 0);
	assert_int_equal(tar_gz_find_tail(rel.data, rel.len, &ltar, sizeof(data), &off), 0);
	assert_true(off > 0 && off < rel.len);
	assert_int_equal(tar_gz_split(&ltar, sizeof(data), rel.data + off, rel.len - off, &lgz), 0);
	assert_memory_equal(lgz.data + lgz.len - (rel.len - off), rel.data + off, rel.len - off);
	gunzip_all(&lgz, &back);
	assert_int_equal(back.len, ltar.len);
	assert_memory_equal(back.data, ltar.data, ltar.len);
	buffer_free(&back);

	/* A tarball of other data (one byte differs) is not reused; nor a one-member gzip. */
	assert_int_equal(tarball_gz("qemu-x-static", 0755, 1, other, sizeof(other), &bad), 0);
	assert_int_equal(tar_gz_find_tail(bad.data, bad.len, &ltar, sizeof(data), &off), -ENOENT);
	buffer_free(&bad);
	assert_int_equal(gzip_buffer(tar1.data, tar1.len, &bad), 0);
	assert_int_equal(tar_gz_find_tail(bad.data, bad.len, &ltar, sizeof(data), &off), -ENOENT);
	buffer_free(&bad);

	buffer_free(&rel);
	buffer_free(&tar1);
	buffer_free(&ltar);
	buffer_free(&lgz);
}

static void test_sha256(void **state)
{
	char hex[SHA256_HEX_LEN + 1];

	(void)state;
	/* FIPS 180-2 test vectors. */
	assert_int_equal(sha256_hex("abc", 3, hex), 0);
	assert_string_equal(hex,
			    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	assert_int_equal(sha256_hex("", 0, hex), 0);
	assert_string_equal(hex,
			    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_shared_tail),
		cmocka_unit_test(test_sha256),
	};
	return qus_run_tests("tarball", tests, ARRAY_SIZE(tests));
}
