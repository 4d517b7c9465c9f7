/* SPDX-License-Identifier: MIT */
/*
 * The system calls `qus check --syscalls` asks emulators about, and how
 * their answers are read.  A foreign build fails under emulation most often
 * because the emulator lacks a call the guest's C library or tools now use
 * (QEMU 8.2 lacks openat2, so tar of Ubuntu 26.04 fails: armbian/build
 * #10713).  Each call is made once with arguments that cannot change
 * anything (syscalls.c says why, per call; doc/syscalls.md lists them); an
 * emulator that lacks it answers ENOSYS, any other answer means it has it.
 *
 * The calls are made by one program per target, the system call probe
 * (probes/syscalls/): qus patches the numbers and arguments into its data,
 * the program makes each call and writes a record of what came back.
 */
#ifndef QUS_SYSCALLS_H
#define QUS_SYSCALLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arch.h"

#define QUS_SYSCALL_ARGS 6
/* At most this many calls in the table (arrays indexed like it). */
#define QUS_SYSCALLS_MAX 64

struct qus_syscall {
	const char *name;
	const char *since; /* the Linux release that added it */
	/*
	 * From 424 (Linux 5.1) on: the number on every ABI, plus the ABI's
	 * offset (alpha, MIPS).  0 for an older call, whose numbers differ
	 * per ABI: nr.
	 */
	uint16_t generic;
	uint16_t nr[QUS_NABIS]; /* an older call's number on each ABI; 0: none */
	uint32_t absent;	/* ABIs without it (bit 1 << enum qus_sys_abi) */
	uint8_t nargs;
	int64_t args[QUS_SYSCALL_ARGS]; /* the ones past nargs are 0 */
	const char *breaks;		/* what its absence breaks, one line; NULL unknown */
};

extern const struct qus_syscall qus_syscalls[];
extern const size_t qus_nsyscalls;

/* The call of that name, or NULL. */
const struct qus_syscall *syscall_find(const char *name);

/* @c's number on @abi, or -1 if that ABI has no such call. */
long syscall_number(const struct qus_syscall *c, enum qus_sys_abi abi);

/* What a call returned, as a program of its ABI sees it. */
struct syscall_answer {
	bool failed;	 /* @value is an errno of the ABI */
	long long value; /* the result, or the errno */
};

/*
 * Read a result register and an error indicator as @t's probe records
 * them (@t's word size, already in host order) by @t's ABI's convention.
 */
void syscall_decode(const struct qus_target *t, uint64_t result, uint64_t indicator,
		    struct syscall_answer *a);

/* Whether @a is ENOSYS of @abi. */
bool syscall_is_enosys(const struct syscall_answer *a, enum qus_sys_abi abi);

/*
 * The calls @t's probe makes, in table order: those its ABI has.  Fills
 * @idx with their indices in qus_syscalls; returns how many.
 */
size_t syscall_probe_calls(const struct qus_target *t, uint16_t *idx, size_t max);

/*
 * The probe's data for the calls @idx[@start..@n): a header of two words,
 * @start and the number of entries, then per call its number and six
 * arguments, words of @t's size and byte order.  Returns its size, or
 * -ENOSPC.
 */
long syscall_probe_data(const struct qus_target *t, const uint16_t *idx, size_t n, size_t start,
			uint8_t *buf, size_t size);

/*
 * Read what a run of the probe for @idx[@start..@n) wrote: its header (the
 * data's first two words; anything before it is the emulator's own), then
 * a record of three words per call made: its number, the result register,
 * the error indicator.  Fills @answers[@start..] and returns how many calls
 * it made; -ENOENT if the header is not there (the program did not get to
 * run), -EPROTO if a record is not the one expected.
 */
long syscall_probe_parse(const struct qus_target *t, const uint16_t *idx, size_t n, size_t start,
			 const uint8_t *out, size_t len, struct syscall_answer *answers);

#endif
