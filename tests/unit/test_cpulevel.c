/* SPDX-License-Identifier: MIT */
/* The x86-64 microarchitecture levels, from CPUID words. */
#include "unit.h"

#include "cpulevel.h"

/* A CPU of each level, bit by bit from the psABI's lists. */
static const struct x86_cpuid_words v4 = {
	.max_leaf = 0xd,
	.max_ext_leaf = 0x80000008u,
	.leaf1_ecx = 1u << 0 | 1u << 9 | 1u << 12 | 1u << 13 | 1u << 19 | 1u << 20 | 1u << 22 |
		     1u << 23 | 1u << 27 | 1u << 28 | 1u << 29,
	.leaf7_ebx =
		1u << 3 | 1u << 5 | 1u << 8 | 1u << 16 | 1u << 17 | 1u << 28 | 1u << 30 | 1u << 31,
	.ext1_ecx = 1u << 0 | 1u << 5,
	.xcr0 = 0xe7,
};

static void test_levels(void **state)
{
	struct x86_cpuid_words w = v4;

	(void)state;
	assert_int_equal(x86_64_level_of(&w), 4);
	w.leaf7_ebx &= ~(1u << 31); /* no AVX512VL */
	assert_int_equal(x86_64_level_of(&w), 3);
	w = v4;
	w.xcr0 = 0x7; /* the kernel does not save the AVX-512 state */
	assert_int_equal(x86_64_level_of(&w), 3);
	w.xcr0 = 0x3; /* nor the YMM state */
	assert_int_equal(x86_64_level_of(&w), 2);
	w = v4;
	w.ext1_ecx = 1u << 0; /* no LZCNT */
	assert_int_equal(x86_64_level_of(&w), 2);
	w = v4;
	w.max_leaf = 6; /* no leaf 7: no AVX2 */
	assert_int_equal(x86_64_level_of(&w), 2);
	w = v4;
	w.leaf1_ecx &= ~(1u << 13); /* no CMPXCHG16B */
	assert_int_equal(x86_64_level_of(&w), 1);
	w = v4;
	w.max_ext_leaf = 0x80000000u; /* no LAHF/SAHF leaf */
	assert_int_equal(x86_64_level_of(&w), 1);
	memset(&w, 0, sizeof(w));
	assert_int_equal(x86_64_level_of(&w), 1);
}

/*
 * The highest level glibc's loader says this CPU supports ("x86-64-v3
 * (supported, searched)" in ld.so --help, glibc >= 2.33): an oracle that
 * reads CPUID and XCR0 as the psABI defines the levels, independent of qus.
 * 1 if it lists the levels but supports none, 0 if it does not list them.
 */
#if defined(__x86_64__)
static unsigned glibc_level(void)
{
	FILE *f = popen("/lib64/ld-linux-x86-64.so.2 --help 2>/dev/null", "r");
	char line[256];
	unsigned best = 0, l;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, " x86-64-v%u", &l) != 1)
			continue;
		if (!best)
			best = 1;
		if (strstr(line, "(supported") && l > best)
			best = l;
	}
	pclose(f);
	return best;
}
#endif

/*
 * This machine: an x86 build says 1 to 4, any other 0; on x86_64 the same
 * level as glibc's loader (not /proc/cpuinfo's flag names: a hypervisor may
 * hide abm there while CPUID reports LZCNT).
 */
static void test_this_cpu(void **state)
{
	unsigned l = x86_64_level();

	(void)state;
#if defined(__x86_64__)
	unsigned g = glibc_level();

	assert_in_range(l, 1, 4);
	if (!g)
		skip(); /* a loader that does not list the levels */
	assert_int_equal(l, g);
#elif defined(__i386__)
	assert_in_range(l, 1, 4);
#else
	assert_int_equal(l, 0);
#endif
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_levels),
		cmocka_unit_test(test_this_cpu),
	};
	return qus_run_tests("cpulevel", tests, ARRAY_SIZE(tests));
}
