/* SPDX-License-Identifier: MIT */
/*
 * Reading a binfmt_misc directory (status parsing, listing) against a plain
 * directory laid out like one; writing is covered on the real kernel by the
 * CLI and system tests.
 */
#include "unit.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "binfmt.h"

static void put(const char *dir, const char *name, const char *text)
{
	char path[4096];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

static void rm(const char *dir, const char *name)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	unlink(path);
}

static int cmp_strings(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void test_fake_binfmt_dir(void **state)
{
	char *dir = make_tmpdir();
	struct binfmt_entry e, *all = NULL;
	char **names = NULL;
	size_t count = 0;
	bool enabled = false;
	int fd;

	(void)state;
	assert_non_null(dir);
	put(dir, "register", "");
	put(dir, "status", "enabled\n");
	put(dir, "qemu-arm",
	    "enabled\ninterpreter /usr/bin/qemu-arm-static\nflags: POF\noffset 0\n"
	    "magic 7f454c4601010100000000000000000002002800\n"
	    "mask ffffffffffffff00fffffffffffffffffeffffff\n");
	put(dir, "python3.11",
	    "disabled\ninterpreter /usr/bin/python3.11\nflags: \noffset 0\n"
	    "magic a70d0d0a\n");
	put(dir, "broken", "garbage\n");

	fd = binfmt_open(dir);
	assert_true(fd >= 0);
	assert_int_equal(binfmt_is_mounted(fd), 0); /* a tmpfs or ext4, not binfmt_misc */
	assert_int_equal(binfmt_dir_is_empty(fd), 0);
	assert_int_equal(binfmt_read_status(fd, &enabled), 0);
	assert_true(enabled);

	/* In the directory's order (on binfmt_misc, the kernel's): sorted here to compare. */
	assert_int_equal(binfmt_list(fd, &names, &count), 0);
	assert_int_equal(count, 3); /* not register, not status */
	qsort(names, count, sizeof(*names), cmp_strings);
	assert_string_equal(names[0], "broken");
	assert_string_equal(names[1], "python3.11");
	assert_string_equal(names[2], "qemu-arm");
	binfmt_free_names(names, count);

	assert_int_equal(binfmt_read_entry(fd, "qemu-arm", &e), 0);
	assert_true(e.enabled);
	assert_string_equal(e.interpreter, "/usr/bin/qemu-arm-static");
	assert_int_equal(e.flags, QUS_FLAG_P | QUS_FLAG_O | QUS_FLAG_F);
	assert_int_equal(binfmt_read_entry(fd, "python3.11", &e), 0);
	assert_false(e.enabled);
	assert_int_equal(binfmt_read_entry(fd, "broken", &e), -EINVAL);
	assert_int_equal(binfmt_read_entry(fd, "missing", &e), -ENOENT);
	assert_int_equal(binfmt_read_entry(fd, "../etc/passwd", &e), -EINVAL);
	assert_int_equal(binfmt_read_entry(fd, "register", &e), -EINVAL);

	/* All at once: the two that parse, "broken" left out; sorted by name on request. */
	assert_int_equal(binfmt_read_all(fd, &enabled, &all, &count), 0);
	assert_true(enabled);
	assert_int_equal(count, 2);
	binfmt_sort_by_name(all, count);
	assert_string_equal(all[0].name, "python3.11");
	assert_string_equal(all[1].name, "qemu-arm");
	free(all);

	/* Writes are plain write()s: "-1", "0", "1" reach the file unchanged. */
	assert_int_equal(binfmt_remove(fd, "qemu-arm"), 0);
	assert_int_equal(binfmt_remove(fd, "status"), -EINVAL);
	assert_int_equal(binfmt_remove(fd, "nothere"), -ENOENT);

	put(dir, "status", "disabled\n");
	assert_int_equal(binfmt_read_status(fd, &enabled), 0);
	assert_false(enabled);
	put(dir, "status", "what\n");
	assert_int_equal(binfmt_read_status(fd, &enabled), -EINVAL);
	close(fd);

	rm(dir, "register");
	rm(dir, "status");
	rm(dir, "qemu-arm");
	rm(dir, "python3.11");
	rm(dir, "broken");
	fd = binfmt_open(dir);
	assert_int_equal(binfmt_dir_is_empty(fd), 1);
	close(fd);
	rmdir(dir);
	assert_int_equal(binfmt_open(dir), -ENOENT);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fake_binfmt_dir),
	};
	return qus_run_tests("binfmt", tests, ARRAY_SIZE(tests));
}
