/* SPDX-License-Identifier: MIT */
#include "cpulevel.h"

#include <stdbool.h>

#define BIT(n) (1u << (n))

/* The psABI's lists (x86-64 psABI 1.0, "Micro-Architecture Levels"), by CPUID bit. */
#define V2_LEAF1_ECX                                                                               \
	(BIT(0) /* SSE3 */ | BIT(9) /* SSSE3 */ | BIT(13) /* CMPXCHG16B */ |                       \
	 BIT(19) /* SSE4.1 */ | BIT(20) /* SSE4.2 */ | BIT(23) /* POPCNT */)
#define V2_EXT1_ECX BIT(0) /* LAHF/SAHF in 64-bit mode */
#define V3_LEAF1_ECX                                                                               \
	(BIT(12) /* FMA */ | BIT(22) /* MOVBE */ | BIT(27) /* OSXSAVE */ | BIT(28) /* AVX */ |     \
	 BIT(29) /* F16C */)
#define V3_LEAF7_EBX (BIT(3) /* BMI1 */ | BIT(5) /* AVX2 */ | BIT(8) /* BMI2 */)
#define V3_EXT1_ECX  BIT(5) /* LZCNT (ABM) */
#define V4_LEAF7_EBX                                                                               \
	(BIT(16) /* AVX512F */ | BIT(17) /* AVX512DQ */ | BIT(28) /* AVX512CD */ |                 \
	 BIT(30) /* AVX512BW */ | BIT(31) /* AVX512VL */)
/* The kernel must save the registers too: XMM and YMM for v3, opmask and ZMM for v4. */
#define V3_XCR0 0x06u
#define V4_XCR0 0xe6u

static bool all(uint64_t have, uint64_t want)
{
	return (have & want) == want;
}

unsigned x86_64_level_of(const struct x86_cpuid_words *w)
{
	uint32_t ebx7 = w->max_leaf >= 7 ? w->leaf7_ebx : 0;
	uint32_t ecx_ext = w->max_ext_leaf >= 0x80000001u ? w->ext1_ecx : 0;

	if (w->max_leaf < 1 || !all(w->leaf1_ecx, V2_LEAF1_ECX) || !all(ecx_ext, V2_EXT1_ECX))
		return 1;
	if (!all(w->leaf1_ecx, V3_LEAF1_ECX) || !all(ebx7, V3_LEAF7_EBX) ||
	    !all(ecx_ext, V3_EXT1_ECX) || !all(w->xcr0, V3_XCR0))
		return 2;
	if (!all(ebx7, V4_LEAF7_EBX) || !all(w->xcr0, V4_XCR0))
		return 3;
	return 4;
}

#if defined(__x86_64__) || defined(__i386__)
static void cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	__asm__ volatile("cpuid"
			 : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
			 : "a"(leaf), "c"(sub));
}

unsigned x86_64_level(void)
{
	struct x86_cpuid_words w = { 0 };
	uint32_t r[4];

	cpuid(0, 0, r);
	w.max_leaf = r[0];
	cpuid(0x80000000u, 0, r);
	w.max_ext_leaf = r[0];
	if (w.max_leaf >= 1) {
		cpuid(1, 0, r);
		w.leaf1_ecx = r[2];
	}
	if (w.max_leaf >= 7) {
		cpuid(7, 0, r);
		w.leaf7_ebx = r[1];
	}
	if (w.max_ext_leaf >= 0x80000001u) {
		cpuid(0x80000001u, 0, r);
		w.ext1_ecx = r[2];
	}
	/* XGETBV is an invalid instruction unless the kernel set CR4.OSXSAVE. */
	if (w.leaf1_ecx & BIT(27)) {
		uint32_t lo, hi;

		__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
		w.xcr0 = (uint64_t)hi << 32 | lo;
	}
	return x86_64_level_of(&w);
}
#else
unsigned x86_64_level(void)
{
	return 0;
}
#endif
