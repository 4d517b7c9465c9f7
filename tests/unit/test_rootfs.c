/* SPDX-License-Identifier: MIT */
/* `qus run --rootfs`: where the working directory lands inside the new root. */
#include "unit.h"

#include <errno.h>

#include "rootfs.h"

static void check(const char *root, const char *cwd, const char *want)
{
	char out[64];

	assert_int_equal(rootfs_inner_path(root, cwd, out, sizeof(out)), 0);
	assert_string_equal(out, want);
}

static void test_inner_path(void **state)
{
	char small[4];

	(void)state;
	check("/srv/arm64", "/srv/arm64", "/");
	check("/srv/arm64", "/srv/arm64/home/me", "/home/me");
	/* Outside the tree: "/", whatever the prefix looks like. */
	check("/srv/arm64", "/srv/arm64-old/home", "/");
	check("/srv/arm64", "/srv", "/");
	check("/srv/arm64", "/home/me", "/");
	/* "/" as the root keeps the directory; a trailing slash changes nothing. */
	check("/", "/home/me", "/home/me");
	check("/srv/arm64/", "/srv/arm64/tmp", "/tmp");
	assert_int_equal(rootfs_inner_path("/r", "/r/long/path", small, sizeof(small)),
			 -ENAMETOOLONG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_inner_path),
	};
	return qus_run_tests("rootfs", tests, ARRAY_SIZE(tests));
}
