/* SPDX-License-Identifier: MIT */
/*
 * Which system calls a target's emulator lacks: run the target's system
 * call probe (syscalls.h) through the kernel, as `qus check` runs its
 * probes, and read each answer against the host kernel's own.
 *
 * QEMU hands most calls to the host kernel, whose ENOSYS comes back
 * unchanged: an emulated ENOSYS says the emulator lacks the call only when
 * the host has it.  So qus makes the same calls, with the same harmless
 * arguments, itself (sysprobe_ask_host) and says "could not tell" where the
 * host lacks them too.
 */
#ifndef QUS_SYSPROBE_H
#define QUS_SYSPROBE_H

#include <stdbool.h>
#include <stddef.h>

#include "arch.h"
#include "syscalls.h"

enum sysprobe_state {
	SYSPROBE_IMPLEMENTED, /* any answer but ENOSYS */
	SYSPROBE_MISSING,     /* ENOSYS, and the host kernel has it */
	SYSPROBE_UNKNOWN,     /* see enum sysprobe_why */
	SYSPROBE_NONE,	      /* the target's ABI has no such call */
};

enum sysprobe_why {
	SYSPROBE_WHY_NONE,
	SYSPROBE_WHY_STOPPED,	     /* the probe died or hung in this call: status, timed_out */
	SYSPROBE_WHY_HOST_LACKS,     /* ENOSYS, and the host kernel answers ENOSYS too */
	SYSPROBE_WHY_HOST_HAS_NONE,  /* ENOSYS, and the host's ABI has no such call */
	SYSPROBE_WHY_HOST_NOT_ASKED, /* ENOSYS, and the host kernel could not be asked */
};

struct sysprobe_call {
	enum sysprobe_state state;
	enum sysprobe_why why;
	long number;		      /* on the target's ABI; -1 none */
	bool answered;		      /* the probe made it and recorded the answer */
	struct syscall_answer answer; /* the answer, as the target's programs see it */
	int status;		      /* why STOPPED: the waitpid status ... */
	bool timed_out;		      /* ... or a hang */
};

struct sysprobe_report {
	struct sysprobe_call calls[QUS_SYSCALLS_MAX]; /* indexed like qus_syscalls */
	unsigned runs;				      /* executions of the probe */
	bool ran;				      /* it got to make calls at all */
	/* If it did not: how its first execution ended. */
	int status;
	bool timed_out;
	char errors[256]; /* the emulator's stderr (cut) */
};

/* The host kernel's own answers. */
struct sysprobe_host {
	int err;		      /* 0 asked; else why not (-errno) */
	const struct qus_target *abi; /* whose ABI qus itself is (its executable) */
	bool has[QUS_SYSCALLS_MAX];   /* the host's ABI has the call ... */
	struct syscall_answer answers[QUS_SYSCALLS_MAX]; /* ... and this is its answer */
};

/*
 * Make every call of the table on the host, once, with the number of qus's
 * own ABI: found from its executable (/proc/self/exe) and confirmed against
 * the numbers qus was built with (<sys/syscall.h>), so that a wrong column
 * can never send an unknown call to the kernel.  h->err -ENOEXEC when they
 * disagree, or why the executable could not be read.
 */
void sysprobe_ask_host(struct sysprobe_host *h);

/*
 * Whether qus's own ABI is @t's: the table's numbers for @t against those
 * qus was built with.  (The check sysprobe_ask_host makes.)
 */
bool sysprobe_abi_confirmed(const struct qus_target *t);

/*
 * Run @t's system call probe through whatever binfmt_misc registration this
 * process sees, killed when it writes nothing for @timeout_ms; again after
 * the call it died or hung in, which is then "could not tell".  0 with @r
 * filled (r->ran false: it never got to make a call; how it ended is in
 * @r), or -errno (-ENOTSUP: no probe for @t).
 */
int sysprobe_run(const struct qus_target *t, const struct sysprobe_host *host, int timeout_ms,
		 struct sysprobe_report *r);

/* Read @r's answers against the host's (done by sysprobe_run; for the tests). */
void sysprobe_classify(const struct qus_target *t, const struct sysprobe_host *host,
		       struct sysprobe_report *r);

#endif
