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

/* This machine: an x86 build says 1 to 4, any other 0. */
static void test_this_cpu(void **state)
{
	unsigned l = x86_64_level();

	(void)state;
#if defined(__x86_64__) || defined(__i386__)
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
