/* SPDX-License-Identifier: MIT */
/* Option handling shared by register and export: flags, emulator location, host. */
#include "unit.h"

#include <errno.h>

#include "binfmt_access.h"
#include "diag.h"
#include "entry.h"
#include "options.h"

static struct qus_ctx ctx_on_kernel(unsigned major, unsigned minor)
{
	struct qus_ctx ctx;

	memset(&ctx, 0, sizeof(ctx));
	assert_int_equal(host_detect(&ctx.host), 0);
	ctx.host.kernel_major = major;
	ctx.host.kernel_minor = minor;
	return ctx;
}

static unsigned flags_after(struct qus_ctx *ctx, const int *opts, const char *const *args, size_t n)
{
	struct entry_opts o;

	entry_opts_init(&o);
	for (size_t i = 0; i < n; i++)
		assert_true(entry_option(ctx, &o, opts[i], args[i]));
	return entry_opts_flags(ctx, &o);
}

static void test_defaults_follow_kernel(void **state)
{
	struct qus_ctx new = ctx_on_kernel(6, 18), mid = ctx_on_kernel(5, 4),
		       old = ctx_on_kernel(4, 4);

	(void)state;
	assert_int_equal(flags_after(&new, NULL, NULL, 0), QUS_FLAG_P | QUS_FLAG_O | QUS_FLAG_F);
	assert_int_equal(flags_after(&mid, NULL, NULL, 0), QUS_FLAG_O | QUS_FLAG_F);
	assert_int_equal(flags_after(&old, NULL, NULL, 0), QUS_FLAG_O);
}

static void test_flag_switches(void **state)
{
	static const struct {
		int opts[3];
		const char *args[3];
		size_t n;
		unsigned want;
	} cases[] = {
		{ { OPT_NO_PERSISTENT }, { NULL }, 1, QUS_FLAG_P | QUS_FLAG_O },
		{ { OPT_PERSISTENT }, { "no" }, 1, QUS_FLAG_P | QUS_FLAG_O },
		{ { OPT_PERSISTENT, OPT_PERSISTENT },
		  { "no", "yes" },
		  2,
		  QUS_FLAG_P | QUS_FLAG_O | QUS_FLAG_F },
		{ { OPT_CREDENTIAL }, { NULL }, 1, QUS_FLAGS_ALL },
		/* C implies O in the kernel: --no-open-binary cannot take it away. */
		{ { OPT_CREDENTIAL, OPT_NO_OPEN_BINARY }, { NULL, NULL }, 2, QUS_FLAGS_ALL },
		{ { OPT_NO_OPEN_BINARY, OPT_NO_PRESERVE }, { NULL, NULL }, 2, QUS_FLAG_F },
		{ { OPT_FLAGS }, { "F" }, 1, QUS_FLAG_F },
		{ { OPT_FLAGS }, { "" }, 1, 0 },
		{ { OPT_FLAGS, OPT_NO_PERSISTENT },
		  { "CF", NULL },
		  2,
		  QUS_FLAG_O | QUS_FLAG_C | QUS_FLAG_F }, /* --flags is exact */
	};
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct qus_ctx ctx = ctx_on_kernel(6, 18);

		if (flags_after(&ctx, cases[i].opts, cases[i].args, cases[i].n) != cases[i].want)
			fail_msg("case %zu", i);
	}
}

static void test_location_and_host(void **state)
{
	struct qus_ctx ctx = ctx_on_kernel(6, 18);
	struct entry_opts o;

	(void)state;
	entry_opts_init(&o);
	assert_string_equal(o.qemu_dir, "/usr/bin");
	assert_null(o.qemu_suffix); /* no suffix: qemu-T-static, else qemu-T */
	assert_true(entry_option(&ctx, &o, OPT_QEMU_PATH, "/opt/qemu"));
	assert_true(entry_option(&ctx, &o, OPT_QEMU_SUFFIX, ""));
	assert_true(entry_option(&ctx, &o, OPT_INCLUDE_NATIVE, NULL));
	assert_true(entry_option(&ctx, &o, OPT_HOST, "arm64"));
	assert_string_equal(o.qemu_dir, "/opt/qemu");
	assert_string_equal(o.qemu_suffix, "");
	assert_true(o.include_native);
	assert_string_equal(ctx.host.target->name, "aarch64");
	assert_false(entry_option(&ctx, &o, 'q', NULL));
}

/* The kernel says only EINVAL; qus names the flag an old kernel lacks. */
static void test_register_error_hints(void **state)
{
	struct qus_ctx old = ctx_on_kernel(4, 4), new = ctx_on_kernel(6, 18);

	(void)state;
	assert_non_null(strstr(register_error_hint(-EINVAL, QUS_FLAG_F, &old.host),
			       "flag F needs Linux 4.8"));
	assert_string_equal(register_error_hint(-EINVAL, QUS_FLAG_O, &old.host), "");
	assert_string_equal(register_error_hint(-EINVAL, QUS_FLAG_F, &new.host), "");
	assert_non_null(strstr(register_error_hint(-EACCES, 0, &new.host), "run as root"));
	assert_non_null(strstr(register_error_hint(-EROFS, 0, &new.host), "--privileged"));
	assert_string_equal(register_error_hint(-ENOSPC, 0, &new.host), "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults_follow_kernel),
		cmocka_unit_test(test_flag_switches),
		cmocka_unit_test(test_location_and_host),
		cmocka_unit_test(test_register_error_hints),
	};
	return qus_run_tests("options", tests, ARRAY_SIZE(tests));
}
