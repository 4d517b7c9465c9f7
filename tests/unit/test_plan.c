/* SPDX-License-Identifier: MIT */
/* From targets, emulator location and kernel to entries and decisions. */
#include "unit.h"

#include <errno.h>

#include "plan.h"

static void test_targets_parse(void **state)
{
	char *names[] = { (char[]){ "arm64" }, (char[]){ "armhf" }, (char[]){ "riscv64" },
			  (char[]){ "arm64" } };
	char *all[] = { (char[]){ "ALL" } };
	char *bad[] = { (char[]){ "aarch64" }, (char[]){ "sparc65" } };
	struct target_set set;
	const char *which = NULL;
	size_t n = 0;

	(void)state;
	assert_int_equal(targets_parse(names, 4, &set, &which), 0);
	assert_true(set.explicit);
	for (size_t i = 0; i < QUS_NTARGETS; i++)
		n += set.want[i];
	assert_int_equal(n, 3);
	assert_true(set.want[arch_index(arch_find("aarch64"))]);
	assert_true(set.want[arch_index(arch_find("arm"))]);

	assert_int_equal(targets_parse(all, 1, &set, &which), 0);
	assert_false(set.explicit);
	for (size_t i = 0; i < QUS_NTARGETS; i++)
		assert_true(set.want[i]);
	/* ALL among names is still all. */
	assert_int_equal(targets_parse(names, 4, &set, &which), 0);
	assert_true(set.explicit);
	{
		char *mixed[] = { (char[]){ "riscv64" }, (char[]){ "all" } };

		assert_int_equal(targets_parse(mixed, 2, &set, &which), 0);
		assert_false(set.explicit);
	}
	for (size_t i = 0; i < QUS_NTARGETS; i++)
		assert_true(set.want[i]);

	assert_int_equal(targets_parse(NULL, 0, &set, &which), 0);
	assert_false(set.explicit);
	assert_true(set.want[0]);

	assert_int_equal(targets_parse(bad, 2, &set, &which), -ENOENT);
	assert_string_equal(which, "sparc65");
}

static void test_interpreter_paths(void **state)
{
	static const struct {
		const char *target, *dir, *suffix, *want;
	} cases[] = {
		{ "aarch64", "/usr/bin", "-static", "/usr/bin/qemu-aarch64-static" },
		{ "aarch64", "/usr/bin/", "-static", "/usr/bin/qemu-aarch64-static" },
		{ "aarch64", "/usr/bin///", "", "/usr/bin/qemu-aarch64" },
		{ "arm", "/", "-static", "/qemu-arm-static" },
		{ "i486", "/opt/q", "", "/opt/q/qemu-i386" },
		{ "arm", "relative/dir", "", "relative/dir/qemu-arm" },
	};
	struct binfmt_entry e;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		assert_int_equal(plan_entry(arch_find(cases[i].target), cases[i].dir,
					    cases[i].suffix, QUS_FLAG_F, &e),
				 0);
		assert_string_equal(e.interpreter, cases[i].want);
		assert_true(e.enabled && e.is_magic);
	}
	assert_string_equal(e.name, "qemu-arm");
	/* A relative directory makes an entry that validation refuses. */
	assert_int_equal(entry_validate(&e), ENTRY_INTERP_RELATIVE);
	{
		char longdir[3000];

		memset(longdir, 'd', sizeof(longdir) - 1);
		longdir[0] = '/';
		longdir[sizeof(longdir) - 1] = '\0';
		assert_int_equal(plan_entry(arch_find("arm"), longdir, "", 0, &e), -ENAMETOOLONG);
		assert_int_equal(plan_entry(arch_find("arm"), longdir, NULL, 0, &e), -ENAMETOOLONG);
	}
	/* No suffix: the search (emulator.c); with neither file, the -static name. */
	assert_int_equal(plan_entry(arch_find("s390x"), "/nonexistent/", NULL, QUS_FLAG_F, &e), 0);
	assert_string_equal(e.interpreter, "/nonexistent/qemu-s390x-static");
	assert_string_equal(e.name, "qemu-s390x");
	assert_int_equal(e.flags, QUS_FLAG_F);
}

static void test_default_flags(void **state)
{
	struct qus_host h;

	(void)state;
	memset(&h, 0, sizeof(h));
	h.kernel_major = 4;
	h.kernel_minor = 4;
	assert_int_equal(plan_default_flags(&h), QUS_FLAG_O);
	h.kernel_minor = 8;
	assert_int_equal(plan_default_flags(&h), QUS_FLAG_O | QUS_FLAG_F);
	h.kernel_major = 5;
	h.kernel_minor = 11;
	assert_int_equal(plan_default_flags(&h), QUS_FLAG_O | QUS_FLAG_F);
	h.kernel_minor = 12;
	assert_int_equal(plan_default_flags(&h), QUS_FLAG_P | QUS_FLAG_O | QUS_FLAG_F);
	h.kernel_major = 6;
	h.kernel_minor = 18;
	/* Never C by default: it runs the emulator with setuid programs' privileges. */
	assert_false(plan_default_flags(&h) & QUS_FLAG_C);
}

static void test_decide(void **state)
{
	struct qus_host h;
	const struct qus_target *x86_64 = arch_find("x86_64"), *i386 = arch_find("i386");
	const struct qus_target *arm = arch_find("arm");

	(void)state;
	memset(&h, 0, sizeof(h));
	host_assume(&h, x86_64, true);
	assert_int_equal(plan_decide(&h, arm, false, false), PLAN_REGISTER);
	assert_int_equal(plan_decide(&h, i386, false, false), PLAN_SKIP_NATIVE);
	assert_int_equal(plan_decide(&h, i386, true, false), PLAN_REGISTER);
	assert_int_equal(plan_decide(&h, x86_64, false, false), PLAN_SKIP_HOST);
	/* Even with --include-native, "all" never includes the host's own architecture. */
	assert_int_equal(plan_decide(&h, x86_64, true, false), PLAN_SKIP_HOST);
	assert_int_equal(plan_decide(&h, x86_64, false, true), PLAN_SKIP_HOST);
	/* Named explicitly with --include-native: the guard refuses it later, with a reason. */
	assert_int_equal(plan_decide(&h, x86_64, true, true), PLAN_REGISTER);
}

static void test_target_of_entry(void **state)
{
	struct binfmt_entry e;
	static const char py[] = ":python3.11:M::\\xa7\\x0d\\x0d\\x0a::/usr/bin/python3.11:";

	(void)state;
	assert_int_equal(plan_entry(arch_find("s390x"), "/usr/bin", "", 0, &e), 0);
	assert_string_equal(target_of_entry(&e)->name, "s390x");
	/* Old scripts named entries after the target alone: recognized by the magic. */
	strcpy(e.name, "s390x-old");
	assert_string_equal(target_of_entry(&e)->name, "s390x");
	strcpy(e.name, "qemu-nonsense");
	assert_string_equal(target_of_entry(&e)->name, "s390x");
	assert_int_equal(entry_parse_register(py, strlen(py), &e), 0);
	assert_null(target_of_entry(&e));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_targets_parse),	cmocka_unit_test(test_interpreter_paths),
		cmocka_unit_test(test_default_flags),	cmocka_unit_test(test_decide),
		cmocka_unit_test(test_target_of_entry),
	};
	return qus_run_tests("plan", tests, ARRAY_SIZE(tests));
}
