/* SPDX-License-Identifier: MIT */
/* Host detection and the native-target rule, with hosts described by hand. */
#include "unit.h"

#include <errno.h>

#include <sys/wait.h>
#include <unistd.h>

#include "binfmt.h"
#include "host.h"
#include "paths.h"
#include "userns.h"

static struct qus_host host(const char *target, bool compat32, unsigned major, unsigned minor)
{
	struct qus_host h;

	memset(&h, 0, sizeof(h));
	h.kernel_major = major;
	h.kernel_minor = minor;
	host_assume(&h, target ? arch_find(target) : NULL, compat32);
	return h;
}

static void test_kernel_version(void **state)
{
	unsigned ma, mi;

	(void)state;
	assert_int_equal(kernel_version_parse("6.18.44-fc-v769", &ma, &mi), 0);
	assert_int_equal(ma, 6);
	assert_int_equal(mi, 18);
	assert_int_equal(kernel_version_parse("4.8", &ma, &mi), 0);
	assert_int_equal(mi, 8);
	assert_int_equal(kernel_version_parse("5.10.0-28-amd64", &ma, &mi), 0);
	assert_int_equal(kernel_version_parse("", &ma, &mi), -EINVAL);
	assert_int_equal(kernel_version_parse("6", &ma, &mi), -EINVAL);
	assert_int_equal(kernel_version_parse("x.y", &ma, &mi), -EINVAL);
	assert_int_equal(kernel_version_parse("6.x", &ma, &mi), -EINVAL);
	assert_int_equal(kernel_version_parse("99999999999.1", &ma, &mi), -EINVAL);
}

static void test_kernel_at_least(void **state)
{
	struct qus_host h = host("x86_64", true, 5, 12);

	(void)state;
	assert_true(host_kernel_at_least(&h, 4, 8));
	assert_true(host_kernel_at_least(&h, 5, 12));
	assert_false(host_kernel_at_least(&h, 5, 13));
	assert_false(host_kernel_at_least(&h, 6, 0));
}

static void test_uname_machines(void **state)
{
	static const struct {
		const char *machine, *target;
	} cases[] = {
		{ "x86_64", "x86_64" },		  { "i686", "i386" },	{ "i486", "i486" },
		{ "aarch64", "aarch64" },	  { "armv7l", "arm" },	{ "armv8l", "arm" },
		{ "ppc64le", "ppc64le" },	  { "s390x", "s390x" }, { "riscv64", "riscv64" },
		{ "loongarch64", "loongarch64" }, { "parisc", "hppa" },
	};
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct qus_target *t = host_target_for_machine(cases[i].machine);

		assert_non_null(t);
		assert_string_equal(t->name, cases[i].target);
	}
	assert_null(host_target_for_machine("vax"));
	/* uname -m says mips64 on both byte orders; qus's own decides. */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	assert_string_equal(host_target_for_machine("mips64")->name, "mips64el");
	assert_string_equal(host_target_for_machine("mips")->name, "mipsel");
#else
	assert_string_equal(host_target_for_machine("mips64")->name, "mips64");
#endif
}

static void test_native_rule(void **state)
{
	static const struct {
		const char *host;
		bool compat32;
		const char *target;
		enum native_kind want;
	} cases[] = {
		{ "x86_64", true, "x86_64", NATIVE_HOST },
		{ "x86_64", true, "i386", NATIVE_COMPAT },
		{ "x86_64", true, "i486", NATIVE_COMPAT },
		{ "x86_64", true, "aarch64", NATIVE_NO },
		{ "x86_64", false, "i386", NATIVE_NO },
		/* Users of 64-bit-only ARM hosts complain that QEMU's script leaves out arm. */
		{ "aarch64", false, "arm", NATIVE_NO },
		{ "aarch64", true, "arm", NATIVE_COMPAT },
		{ "aarch64", true, "armeb", NATIVE_NO },
		{ "aarch64", true, "aarch64_be", NATIVE_NO },
		{ "riscv64", true, "riscv32", NATIVE_NO },
		{ "ppc64le", true, "ppc", NATIVE_NO },
		{ "ppc64", true, "ppc", NATIVE_COMPAT },
		{ "mips64el", true, "mipsel", NATIVE_COMPAT },
		{ "mips64el", true, "mipsn32el", NATIVE_COMPAT },
		{ "mips64el", true, "mips", NATIVE_NO },
		{ "sparc64", true, "sparc32plus", NATIVE_COMPAT },
		{ "i386", false, "i486", NATIVE_COMPAT }, /* same class: no compat mode needed */
		{ "s390x", true, "s390x", NATIVE_HOST },
	};
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct qus_host h = host(cases[i].host, cases[i].compat32, 6, 8);

		if (host_runs_natively(&h, arch_find(cases[i].target)) != cases[i].want)
			fail_msg("%s on %s (compat32 %d)", cases[i].target, cases[i].host,
				 cases[i].compat32);
	}
	{
		struct qus_host unknown = host(NULL, true, 6, 8);

		assert_int_equal(host_runs_natively(&unknown, arch_find("aarch64")), NATIVE_NO);
	}
}

/*
 * Whether this machine lets a process mount a binfmt_misc of its own in a
 * new user namespace (Linux >= 6.7, user namespaces allowed): asked of the
 * kernel, in a child, rather than read off the version.
 */
static bool private_binfmt_works(void)
{
	int status;
	pid_t pid = fork();

	if (pid == 0)
		_exit(userns_enter_single() == 0 && binfmt_mount(BINFMT_DEFAULT_DIR) == 0 ? 0 : 1);
	return pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	       WEXITSTATUS(status) == 0;
}

static void test_detect_running_host(void **state)
{
	struct qus_host h;
	bool candidates = false;

	(void)state;
	assert_int_equal(host_detect(&h), 0);
	assert_true(h.machine[0]);
	assert_true(h.kernel_major >= 3);
	/* The machine running the tests is one the table knows. */
	assert_non_null(h.target);
	assert_int_equal(host_runs_natively(&h, h.target), NATIVE_HOST);
	/* The probes run only when a 32-bit mode is asked about. */
	assert_true(h.probe_pending);
	assert_false(h.probed);
	for (size_t i = 0; i < QUS_NTARGETS; i++) {
		host_runs_natively(&h, &qus_targets[i]);
		if (arch_word_in(qus_targets[i].native_on, h.target->name))
			candidates = true;
	}
	assert_int_equal(h.probe_pending, !candidates);
	/* Where the probes can run in an empty binfmt_misc of their own, they decide. */
	if (candidates && private_binfmt_works())
		assert_true(h.probed);
	for (size_t i = 0; i < QUS_NTARGETS; i++)
		if (&qus_targets[i] != h.target)
			assert_int_not_equal(h.native[i], NATIVE_HOST);

	host_override(&h, arch_find("aarch64"));
	assert_string_equal(h.target->name, "aarch64");
	assert_int_equal(host_runs_natively(&h, arch_find("arm")), NATIVE_COMPAT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kernel_version),	    cmocka_unit_test(test_kernel_at_least),
		cmocka_unit_test(test_uname_machines),	    cmocka_unit_test(test_native_rule),
		cmocka_unit_test(test_detect_running_host),
	};
	return qus_run_tests("host", tests, ARRAY_SIZE(tests));
}
