/* SPDX-License-Identifier: MIT */
/* The brick guard and the credential check. */
#include "unit.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "guard.h"
#include "plan.h"

static struct qus_host running_host(void)
{
	struct qus_host h;

	assert_int_equal(host_detect(&h), 0);
	assert_non_null(h.target);
	return h;
}

static void write_file(const char *path, const uint8_t *data, size_t len, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
	assert_int_equal(chmod(path, mode), 0);
}

static void test_foreign_entry_passes(void **state)
{
	struct qus_host h = running_host();
	struct guard_natives natives;
	struct binfmt_entry e;
	char what[256];

	(void)state;
	guard_load_natives(&natives);
	for (size_t i = 0; i < QUS_NTARGETS; i++) {
		if (host_runs_natively(&h, &qus_targets[i]) == NATIVE_HOST)
			continue;
		assert_int_equal(plan_entry(&qus_targets[i], "/nonexistent", "", QUS_FLAG_F, &e),
				 0);
		assert_int_equal(guard_entry(&e, NULL, &natives, &h, what, sizeof(what)), GUARD_OK);
	}
}

/* The host's own target: matches /proc/self/exe (this test binary) and /bin/sh. */
static void test_host_entry_refused(void **state)
{
	struct qus_host h = running_host();
	struct guard_natives natives;
	struct binfmt_entry e;
	char what[256];

	(void)state;
	guard_load_natives(&natives);
	assert_int_equal(plan_entry(h.target, "/nonexistent", "", 0, &e), 0);
	assert_int_equal(guard_entry(&e, NULL, &natives, &h, what, sizeof(what)),
			 GUARD_MATCHES_NATIVE_FILE);
	assert_string_equal(what, "/proc/self/exe");

	/* A pattern that matches any ELF at all: the worst malformed entry. */
	e.pattern.len = 4;
	assert_int_equal(guard_entry(&e, NULL, &natives, &h, what, sizeof(what)),
			 GUARD_MATCHES_NATIVE_FILE);
}

/* Synthetic headers catch the host's architecture even when no file proves it. */
static void test_host_arch_refused(void **state)
{
	struct qus_host h = running_host();
	struct guard_natives natives;
	struct binfmt_entry e;
	char what[256];

	(void)state;
	guard_load_natives(&natives);
	/* Pretend the host is aarch64 while checking an aarch64 entry. */
	host_override(&h, arch_find("aarch64"));
	assert_int_equal(plan_entry(arch_find("aarch64"), "/nonexistent", "", 0, &e), 0);
	assert_int_equal(guard_entry(&e, NULL, &natives, &h, what, sizeof(what)),
			 GUARD_MATCHES_HOST_ARCH);
	assert_string_equal(what, "aarch64");
}

/* An entry that matches its own interpreter would loop in the kernel. */
static void test_interpreter_refused(void **state)
{
	struct qus_host h = running_host();
	struct guard_natives natives;
	char *dir = make_tmpdir(), path[4096], what[4096];
	uint8_t hdr[QUS_HEADER_SIZE];
	struct binfmt_entry e;

	(void)state;
	guard_load_natives(&natives);
	snprintf(path, sizeof(path), "%s/qemu-riscv64", dir);
	elf_synth_header(arch_find("riscv64"), ET_EXEC, 0, hdr);
	write_file(path, hdr, sizeof(hdr), 0755);
	assert_int_equal(plan_entry(arch_find("riscv64"), dir, "", QUS_FLAG_F, &e), 0);
	assert_string_equal(e.interpreter, path);
	assert_int_equal(guard_entry(&e, NULL, &natives, &h, what, sizeof(what)),
			 GUARD_MATCHES_INTERPRETER);
	assert_string_equal(what, path);
	unlink(path);
	rmdir(dir);
	free(dir);
}

static void test_credential(void **state)
{
	char *dir = make_tmpdir(), path[4096], why[4096];
	static const uint8_t data[] = "x";

	(void)state;
	if (geteuid() != 0) {
		/* Needs files owned by root; the test runner runs this as root in CI. */
		free(dir);
		skip();
	}
	snprintf(path, sizeof(path), "%s/qemu-arm", dir);
	write_file(path, data, 1, 0755);
	/* mkdtemp makes the directory 0700 and root's; /tmp is sticky. */
	assert_int_equal(guard_credential(path, why, sizeof(why)), 0);

	assert_int_equal(chmod(path, 0757), 0);
	assert_int_equal(guard_credential(path, why, sizeof(why)), -EPERM);
	assert_non_null(strstr(why, "writable by everyone"));

	assert_int_equal(chmod(path, 0775), 0);
	assert_int_equal(guard_credential(path, why, sizeof(why)), -EPERM);
	assert_non_null(strstr(why, "its group"));

	assert_int_equal(chmod(path, 0755), 0);
	assert_int_equal(chown(path, 65534, 65534), 0);
	assert_int_equal(guard_credential(path, why, sizeof(why)), -EPERM);
	assert_non_null(strstr(why, "not root"));

	/* A root-owned file in a directory others may write is no better. */
	assert_int_equal(chown(path, 0, 0), 0);
	assert_int_equal(chmod(dir, 0777), 0);
	assert_int_equal(guard_credential(path, why, sizeof(why)), -EPERM);
	assert_non_null(strstr(why, dir));
	assert_int_equal(chmod(dir, 01777), 0); /* sticky, like /tmp: entries are protected */
	assert_int_equal(guard_credential(path, why, sizeof(why)), 0);

	assert_int_equal(guard_credential("/nonexistent/qemu", why, sizeof(why)), -ENOENT);
	assert_int_equal(guard_credential(dir, why, sizeof(why)), -EPERM); /* not a file */
	unlink(path);
	rmdir(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_foreign_entry_passes),
		cmocka_unit_test(test_host_entry_refused),
		cmocka_unit_test(test_host_arch_refused),
		cmocka_unit_test(test_interpreter_refused),
		cmocka_unit_test(test_credential),
	};
	return qus_run_tests("guard", tests, ARRAY_SIZE(tests));
}
