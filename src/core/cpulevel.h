/* SPDX-License-Identifier: MIT */
/*
 * The x86-64 microarchitecture levels of the System V psABI (x86-64-v2, -v3,
 * -v4: the instruction sets a program built for that level may use), which
 * OCI platforms name as variants: linux/amd64/v2 ... v4.  tonistiigi/binfmt's
 * "supported" list names every level the host's CPU runs (BuildKit reads
 * CPUID through go-archvariant); qus binfmt does the same.
 */
#ifndef QUS_CPULEVEL_H
#define QUS_CPULEVEL_H

#include <stdint.h>

/* The CPUID words the levels depend on (Intel SDM vol. 2A, CPUID). */
struct x86_cpuid_words {
	uint32_t max_leaf;     /* leaf 0, EAX */
	uint32_t max_ext_leaf; /* leaf 0x80000000, EAX */
	uint32_t leaf1_ecx;    /* SSE3 ... AVX, F16C; OSXSAVE */
	uint32_t leaf7_ebx;    /* AVX2, BMI1, BMI2, AVX-512 */
	uint32_t ext1_ecx;     /* leaf 0x80000001: LAHF/SAHF, LZCNT */
	uint64_t xcr0; /* XGETBV(0): the register states the kernel saves; 0 without OSXSAVE */
};

/* The level the words describe: 1 (baseline x86-64) to 4. */
unsigned x86_64_level_of(const struct x86_cpuid_words *w);

/* This CPU's level, 1 to 4; 0 where qus is not an x86 program. */
unsigned x86_64_level(void);

#endif
