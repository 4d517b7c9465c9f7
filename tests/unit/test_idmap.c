/* SPDX-License-Identifier: MIT */
/* Id maps of `qus run`: /etc/subuid ranges, identity, formatting, helper arguments. */
#include "unit.h"

#include <errno.h>

#include "idmap.h"

static void test_single(void **state)
{
	struct idmap m;
	char buf[64];

	(void)state;
	idmap_single(1001, SINGLE_NO_RANGES, &m);
	assert_int_equal(m.kind, IDMAP_SINGLE);
	assert_int_equal(m.why_single, SINGLE_NO_RANGES);
	assert_int_equal(idmap_format(&m, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "0 1001 1\n");
}

static void test_subids(void **state)
{
	/* By name or by number; other owners, comments and junk are ignored. */
	const char *text = "alice:100000:65536\n"
			   "# comment\n"
			   "bob:165536:65536\n"
			   "1001:300000:1000\n"
			   "bob:1:2:3\n"
			   "bob:x:10\n"
			   "bob:500000:0\n"
			   "bob:4294967295:2\n"
			   "bob:400000:10";
	struct idmap m;
	char buf[256];

	(void)state;
	assert_int_equal(idmap_subids(text, "bob", 1001, &m), 3);
	assert_int_equal(m.kind, IDMAP_SUBIDS);
	assert_int_equal(idmap_format(&m, buf, sizeof(buf)), 0);
	/* The caller is 0; the ranges follow each other from 1 on, in file order. */
	assert_string_equal(buf, "0 1001 1\n"
				 "1 165536 65536\n"
				 "65537 300000 1000\n"
				 "66537 400000 10\n");

	assert_int_equal(idmap_subids(text, "carol", 2000, &m), 0);
	assert_int_equal(m.n, 0);
	/* An unknown user name (getpwuid failed) still matches by number. */
	assert_int_equal(idmap_subids(text, NULL, 1001, &m), 1);
	assert_int_equal(m.ext[1].outside, 300000);
	assert_int_equal(idmap_subids("", "alice", 1000, &m), 0);
	/* "alice" must not match "alice2", nor a prefix of the name. */
	assert_int_equal(idmap_subids("alice2:1:5\nalic:1:5\n", "alice", 1000, &m), 0);
}

static void test_subids_limit(void **state)
{
	char text[64 * 40] = "";
	struct idmap m;

	(void)state;
	for (int i = 0; i < 64; i++) {
		size_t n = strlen(text);

		snprintf(text + n, sizeof(text) - n, "u:%d:1\n", 100000 + i * 10);
	}
	/* At most IDMAP_MAX_EXTENTS lines, the caller's own included. */
	assert_int_equal(idmap_subids(text, "u", 5, &m), IDMAP_MAX_EXTENTS - 1);
	assert_int_equal(m.n, IDMAP_MAX_EXTENTS);
}

static void test_identity(void **state)
{
	struct idmap m;
	char buf[256];

	(void)state;
	/* The initial namespace: every id. */
	assert_int_equal(idmap_identity("         0          0 4294967295\n", &m), 0);
	assert_int_equal(m.kind, IDMAP_IDENTITY);
	assert_int_equal(idmap_format(&m, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "0 0 4294967295\n");
	/* Root of a rootless container: its own ids, mapped to themselves. */
	assert_int_equal(idmap_identity("0 1000 1\n1 100000 65536\n", &m), 0);
	assert_int_equal(idmap_format(&m, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "0 0 1\n1 1 65536\n");
	assert_int_equal(idmap_identity("", &m), -EINVAL);
	assert_int_equal(idmap_identity("0 0\n", &m), -EINVAL);
	assert_int_equal(idmap_identity("0 0 x\n", &m), -EINVAL);
}

static void test_format_space(void **state)
{
	struct idmap m;
	char buf[8];

	(void)state;
	idmap_single(4000000000ul, SINGLE_NO_HELPER, &m);
	assert_int_equal(idmap_format(&m, buf, sizeof(buf)), -ENOSPC);
}

static void test_helper_argv(void **state)
{
	struct idmap_argv a;
	struct idmap m;

	(void)state;
	assert_int_equal(idmap_subids("me:100000:65536\n", "me", 1001, &m), 1);
	assert_int_equal(idmap_helper_argv(&m, "/usr/bin/newuidmap", 4242, &a), 0);
	/* newuidmap PID inside outside count [inside outside count]... */
	const char *want[] = {
		"/usr/bin/newuidmap", "4242", "0", "1001", "1", "1", "100000", "65536"
	};
	for (size_t i = 0; i < ARRAY_SIZE(want); i++)
		assert_string_equal(a.argv[i], want[i]);
	assert_null(a.argv[ARRAY_SIZE(want)]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_single),	     cmocka_unit_test(test_subids),
		cmocka_unit_test(test_subids_limit), cmocka_unit_test(test_identity),
		cmocka_unit_test(test_format_space), cmocka_unit_test(test_helper_argv),
	};
	return qus_run_tests("idmap", tests, ARRAY_SIZE(tests));
}
