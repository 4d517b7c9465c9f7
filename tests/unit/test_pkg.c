/* SPDX-License-Identifier: MIT */
/* qus-build's package reading: version tags, emulator names, static ELF check. */
#include "unit.h"

#include <elf.h>
#include <errno.h>

#include "elfident.h"
#include "pkg.h"
#include "probe.h"

static void tag(const char *version, const char *want)
{
	char out[129];

	assert_int_equal(pkg_tag_version(version, out, sizeof(out)), 0);
	assert_string_equal(out, want);
}

static void test_tag_version(void **state)
{
	char out[129];

	(void)state;
	/* Epoch and repack marker go; '+' and '~' are not allowed in a tag. */
	tag("1:7.2+dfsg-7+deb12u18+b3", "7.2-7.deb12u18.b3");
	tag("7.2.0-1", "7.2.0-1");
	tag("1:8.2.2+ds-0ubuntu1", "8.2.2.ds-0ubuntu1");
	tag("2:9.0.0~rc1+dfsg2-1", "9.0.0.rc1-1");
	tag("7.2.0-5.fc38", "7.2.0-5.fc38");
	assert_int_equal(pkg_tag_version("", out, sizeof(out)), -EINVAL);
	assert_int_equal(pkg_tag_version("1:", out, sizeof(out)), -EINVAL);
	/* A tag may not start with '.' or '-'. */
	assert_int_equal(pkg_tag_version("+x", out, sizeof(out)), -EINVAL);
	assert_int_equal(pkg_tag_version("7.2-1", out, 3), -EINVAL);
}

static void test_emulator_target(void **state)
{
	(void)state;
	assert_string_equal(pkg_emulator_target("qemu-aarch64-static")->name, "aarch64");
	assert_string_equal(pkg_emulator_target("qemu-aarch64_be-static")->name, "aarch64_be");
	/* i486 has no emulator of its own: qemu-i386 is i386's. */
	assert_string_equal(pkg_emulator_target("qemu-i386-static")->name, "i386");
	assert_null(pkg_emulator_target("qemu-aarch64"));
	assert_null(pkg_emulator_target("qemu--static"));
	assert_null(pkg_emulator_target("qemu-nonsense-static"));
	assert_null(pkg_emulator_target("qemu-system-aarch64"));
	assert_null(pkg_emulator_target("../qemu-aarch64-static"));
}

static void test_check_static(void **state)
{
	const struct qus_target *arm = arch_find("arm"), *s390x = arch_find("s390x");
	uint8_t elf[PROBE_ELF_MAX];
	long n;

	(void)state;
	/* A probe is a static executable: one PT_LOAD, no interpreter. */
	n = probe_build(s390x, elf, sizeof(elf));
	assert_true(n > 0);
	assert_int_equal(elf_check_static(elf, (size_t)n, s390x), 0);
	assert_int_equal(elf_check_static(elf, (size_t)n, arm), -ENOEXEC);
	assert_int_equal(elf_check_static(elf, 10, s390x), -ENOEXEC);
	/* Make its one program header PT_INTERP (big-endian 64-bit: p_type at e_phoff 64). */
	elf[64 + 3] = PT_INTERP;
	assert_int_equal(elf_check_static(elf, (size_t)n, s390x), -ELIBBAD);
	/* Program headers that point past the end of the file. */
	elf[32 + 7] = 0xf0; /* e_phoff */
	assert_int_equal(elf_check_static(elf, (size_t)n, s390x), -EBADMSG);

	n = probe_build(arm, elf, sizeof(elf));
	assert_int_equal(elf_check_static(elf, (size_t)n, arm), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tag_version),
		cmocka_unit_test(test_emulator_target),
		cmocka_unit_test(test_check_static),
	};
	return qus_run_tests("pkg", tests, ARRAY_SIZE(tests));
}
