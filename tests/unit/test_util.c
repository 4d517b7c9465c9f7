/* SPDX-License-Identifier: MIT */
/* The helpers of util.c: the program lookup `qus run` uses for its fallback, number parsing. */
#include "unit.h"

#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <sys/stat.h>

static void touch(const char *dir, const char *name, mode_t mode)
{
	char path[512];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(chmod(path, mode), 0);
}

/* A digit above a small maximum once wrapped max - d around (fuzz_targets). */
static void test_parse_uint(void **state)
{
	static const struct {
		const char *s;
		unsigned long max;
		int r;
		unsigned long v;
	} cases[] = {
		{ "4", 0, -ERANGE, 0 },
		{ "9", 5, -ERANGE, 0 },
		{ "5", 5, 0, 5 },
		{ "0", 0, 0, 0 },
		{ "10", 9, -ERANGE, 0 },
		{ "3600", 3600, 0, 3600 },
		{ "3601", 3600, -ERANGE, 0 },
		{ "", 10, -EINVAL, 0 },
		{ "-1", 10, -EINVAL, 0 },
		{ "18446744073709551615", ULONG_MAX, 0, ULONG_MAX },
		{ "18446744073709551616", ULONG_MAX, -ERANGE, 0 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		unsigned long v = 12345;

		assert_int_equal(parse_uint(cases[i].s, cases[i].max, &v), cases[i].r);
		if (cases[i].r == 0)
			assert_int_equal(v, cases[i].v);
	}
}

static void test_find_program(void **state)
{
	char *dir = make_tmpdir(), a[256], b[256], path[600], out[600], small[8];

	(void)state;
	snprintf(a, sizeof(a), "%s/a", dir);
	snprintf(b, sizeof(b), "%s/b", dir);
	assert_int_equal(mkdir(a, 0755), 0);
	assert_int_equal(mkdir(b, 0755), 0);
	touch(a, "tool", 0644); /* not executable */
	touch(b, "tool", 0755);
	touch(a, "only-a", 0644);
	assert_int_equal(mkdir(strcat(strcpy(path, b), "/dir"), 0755), 0);

	/* A later executable wins over an earlier file that is not. */
	snprintf(path, sizeof(path), "%s:%s", a, b);
	assert_int_equal(find_program("tool", path, out, sizeof(out)), 0);
	assert_string_equal(out, strcat(strcpy(path, b), "/tool"));
	snprintf(path, sizeof(path), "%s:%s", a, b);
	assert_int_equal(find_program("only-a", path, out, sizeof(out)), -EACCES);
	assert_int_equal(find_program("missing", path, out, sizeof(out)), -ENOENT);
	/* A directory is found but cannot be run, as execvp says. */
	assert_int_equal(find_program("dir", path, out, sizeof(out)), -EACCES);
	assert_int_equal(find_program("", path, out, sizeof(out)), -ENOENT);
	/* A name with a slash is taken as it is. */
	snprintf(path, sizeof(path), "%s/tool", b);
	assert_int_equal(find_program(path, "/nonexistent", out, sizeof(out)), 0);
	assert_string_equal(out, path);
	snprintf(path, sizeof(path), "%s/tool", a);
	assert_int_equal(find_program(path, NULL, out, sizeof(out)), -EACCES);
	assert_int_equal(find_program("sh", "/nonexistent:/bin", small, sizeof(small)),
			 -ENAMETOOLONG);
	/* An empty entry is the working directory. */
	assert_int_equal(chdir(b), 0);
	assert_int_equal(find_program("tool", "/nonexistent::", out, sizeof(out)), 0);
	assert_string_equal(out, "./tool");
	assert_int_equal(chdir("/"), 0);

	assert_int_equal(remove_tmpdir(dir), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_find_program),
		cmocka_unit_test(test_parse_uint),
	};
	return qus_run_tests("util", tests, ARRAY_SIZE(tests));
}
