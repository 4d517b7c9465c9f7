/* SPDX-License-Identifier: MIT */
/* Export formats and the atomic writer. */
#include "unit.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "export.h"
#include "plan.h"

static void test_systemd(void **state)
{
	struct binfmt_entry e;
	char buf[4096], name[64];
	long n;

	(void)state;
	assert_int_equal(plan_entry(arch_find("riscv64"), "/usr/bin", "-static",
				    QUS_FLAG_P | QUS_FLAG_O | QUS_FLAG_F, &e),
			 0);
	assert_int_equal(export_file_name(EXPORT_SYSTEMD, &e, name, sizeof(name)), 0);
	/* Before every name that starts with a letter (box64.conf, FEX-x86_64.conf). */
	assert_string_equal(name, "00-qus-qemu-riscv64.conf");
	assert_true(strcmp(name, "FEX-x86_64.conf") < 0 && strcmp(name, "box64.conf") < 0);
	/* The distribution's file of the same entry, masked. */
	assert_int_equal(export_mask_name(&e, name, sizeof(name)), 0);
	assert_string_equal(name, "qemu-riscv64.conf");
	n = export_render(EXPORT_SYSTEMD, &e, buf, sizeof(buf));
	assert_true(n > 0);
	assert_string_equal(
		buf, "# qemu-riscv64, written by qus\n"
		     ":qemu-riscv64:M::"
		     "\\x7f\\x45\\x4c\\x46\\x02\\x01\\x01\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00"
		     "\\x00\\x02\\x00\\xf3\\x00:"
		     "\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\x00\\xff\\xff\\xff\\xff\\xff\\xff\\xff"
		     "\\xff\\xfe\\xff\\xff\\xff:/usr/bin/qemu-riscv64-static:POF\n");
	assert_int_equal(export_render(EXPORT_SYSTEMD, &e, buf, 40), -ENOSPC);
}

static void test_debian(void **state)
{
	struct binfmt_entry e;
	char buf[4096], name[64];

	(void)state;
	assert_int_equal(plan_entry(arch_find("s390x"), "/usr/bin", "-static",
				    QUS_FLAG_O | QUS_FLAG_C | QUS_FLAG_F, &e),
			 0);
	assert_int_equal(export_file_name(EXPORT_DEBIAN, &e, name, sizeof(name)), 0);
	assert_string_equal(name, "qemu-s390x");
	assert_true(export_render(EXPORT_DEBIAN, &e, buf, sizeof(buf)) > 0);
	assert_string_equal(
		buf,
		"package qemu-s390x\n"
		"interpreter /usr/bin/qemu-s390x-static\n"
		"magic \\x7f\\x45\\x4c\\x46\\x02\\x02\\x01\\x00\\x00\\x00\\x00\\x00\\x00\\x00"
		"\\x00\\x00\\x00\\x02\\x00\\x16\n"
		"offset 0\n"
		"mask \\xff\\xff\\xff\\xff\\xff\\xff\\xff\\x00\\xff\\xff\\xff\\xff\\xff\\xff\\xff"
		"\\xff\\xff\\xfe\\xff\\xff\n"
		"credentials yes\n"
		"preserve no\n"
		"fix_binary yes\n");
	/* An invalid entry is never rendered. */
	strcpy(e.interpreter, "relative");
	assert_int_equal(export_render(EXPORT_DEBIAN, &e, buf, sizeof(buf)), -EINVAL);
}

static unsigned count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	unsigned n = 0;

	assert_non_null(d);
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

static void test_atomic_write(void **state)
{
	char *dir = make_tmpdir(), path[4096], buf[64];
	struct stat st1, st2;
	mode_t old;
	int dfd, fd;
	ssize_t n;

	(void)state;
	dfd = open(dir, O_PATH | O_DIRECTORY);
	assert_true(dfd >= 0);
	old = umask(077);
	assert_int_equal(write_file_atomic(dfd, "a.conf", "first\n", 6, 0644), 0);
	umask(old);
	snprintf(path, sizeof(path), "%s/a.conf", dir);
	assert_int_equal(stat(path, &st1), 0);
	assert_int_equal(st1.st_mode & 07777, 0644); /* exact, whatever the umask */

	assert_int_equal(write_file_atomic(dfd, "a.conf", "second\n", 7, 0644), 0);
	assert_int_equal(stat(path, &st2), 0);
	assert_int_not_equal(st1.st_ino, st2.st_ino); /* replaced by rename, not rewritten */
	fd = open(path, O_RDONLY);
	n = read(fd, buf, sizeof(buf));
	close(fd);
	assert_int_equal(n, 7);
	assert_memory_equal(buf, "second\n", 7);

	assert_int_equal(write_file_atomic(dfd, "../escape", "x", 1, 0644), -EINVAL);
	/* Nothing else is left behind: no temporary files. */
	assert_int_equal(count_entries(dir), 1);
	close(dfd);
	unlink(path);
	rmdir(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_systemd),
		cmocka_unit_test(test_debian),
		cmocka_unit_test(test_atomic_write),
	};
	return qus_run_tests("export", tests, ARRAY_SIZE(tests));
}
