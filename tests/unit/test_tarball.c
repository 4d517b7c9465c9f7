/* SPDX-License-Identifier: MIT */
/* Release tarballs: readable by libarchive as written, and the same bytes every time. */
#include "unit.h"

#include <archive.h>
#include <archive_entry.h>

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
		cmocka_unit_test(test_sha256),
	};
	return qus_run_tests("tarball", tests, ARRAY_SIZE(tests));
}
