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
	tag("1:8.2.2+ds-0ubuntu1", "8.2.2-0ubuntu1");
	/* Debian's marker since QEMU 9.1: "+ds" (bookworm-backports, trixie, sid). */
	tag("1:10.0.13+ds-0+deb13u1", "10.0.13-0.deb13u1");
	tag("1:11.1.3+ds-1", "11.1.3-1");
	tag("1:10.0.2+ds-2+deb13u1~bpo12+1", "10.0.2-2.deb13u1.bpo12.1");
	/* Only a whole word is a marker: "+dsl" or "+dsfoo" are part of the version. */
	tag("1.0+dsl-1", "1.0.dsl-1");
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
	assert_string_equal(pkg_emulator_target("qemu-aarch64-static", false)->name, "aarch64");
	assert_string_equal(pkg_emulator_target("qemu-aarch64_be-static", false)->name,
			    "aarch64_be");
	/* i486 has no emulator of its own: qemu-i386 is i386's. */
	assert_string_equal(pkg_emulator_target("qemu-i386-static", false)->name, "i386");
	assert_null(pkg_emulator_target("qemu-aarch64", false));
	/* qemu-user since QEMU 9.1: no suffix. */
	assert_string_equal(pkg_emulator_target("qemu-aarch64", true)->name, "aarch64");
	assert_string_equal(pkg_emulator_target("qemu-aarch64-static", true)->name, "aarch64");
	assert_string_equal(pkg_emulator_target("qemu-x86_64", true)->name, "x86_64");
	/* Its alias links are not emulators' names. */
	assert_null(pkg_emulator_target("qemu-arm64", true));
	assert_null(pkg_emulator_target("qemu-ppc64el", true));
	assert_null(pkg_emulator_target("qemu-", true));
	assert_null(pkg_emulator_target("qemu--static", true));
	assert_null(pkg_emulator_target("qemu--static", false));
	assert_null(pkg_emulator_target("qemu-nonsense-static", false));
	assert_null(pkg_emulator_target("qemu-system-aarch64", true));
	assert_null(pkg_emulator_target("../qemu-aarch64-static", true));
}

static void test_version_cmp(void **state)
{
	static const char *const ascending[] = {
		"7.2.0-1",
		"1:7.2+dfsg-7+deb12u17",
		"1:7.2+dfsg-7+deb12u18",
		"1:7.2+dfsg-7+deb12u18+b3",
		"1:10.0.2+ds-2+deb13u1~bpo12+1",
		"1:10.0.2+ds-2+deb13u1",
		"1:10.0.13+ds-0+deb13u1",
		"1:11.1.0~rc1+ds-1",
		"1:11.1.2+ds-3",
		"1:11.1.3+ds-1",
		"2:0.1-1",
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(ascending); i++)
		for (size_t j = 0; j < ARRAY_SIZE(ascending); j++) {
			int r = pkg_version_cmp(ascending[i], ascending[j]);

			if ((i < j && r >= 0) || (i == j && r != 0) || (i > j && r <= 0))
				fail_msg("%s vs %s: %d", ascending[i], ascending[j], r);
		}
	/* Leading zeros do not count; '~' sorts before the end. */
	assert_int_equal(pkg_version_cmp("1.02-1", "1.2-1"), 0);
	assert_true(pkg_version_cmp("1.0~rc1", "1.0") < 0);
	assert_true(pkg_version_cmp("1.0", "1.0a") < 0);
	/* Fedora's version-release. */
	assert_true(pkg_version_cmp("7.2.0-5.fc38", "7.2.0-10.fc38") < 0);
	assert_true(pkg_version_cmp("9.1.0-1.fc41", "7.2.0-5.fc38") > 0);
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
		cmocka_unit_test(test_version_cmp),
		cmocka_unit_test(test_check_static),
	};
	return qus_run_tests("pkg", tests, ARRAY_SIZE(tests));
}
