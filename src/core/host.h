/* SPDX-License-Identifier: MIT */
/*
 * What the running kernel is and which targets it executes without help:
 * those are never registered by default (an entry for them would send native
 * programs to an emulator, or, for the host's own architecture, into a loop).
 */
#ifndef QUS_HOST_H
#define QUS_HOST_H

#include <stdbool.h>

#include "arch.h"

enum native_kind {
	NATIVE_NO = 0,
	NATIVE_HOST,   /* the host's own architecture */
	NATIVE_COMPAT, /* a 32-bit mode the host kernel runs natively */
};

struct qus_host {
	char machine[65]; /* uname -m */
	char release[65]; /* uname -r */
	unsigned kernel_major, kernel_minor;
	const struct qus_target *target; /* NULL: a machine the table does not know */
	bool compat32;			 /* the kernel accepts PER_LINUX32 */
	bool probe_pending;		 /* the probes have not run yet (they run on demand) */
	bool probed;			 /* native[] of the 32-bit modes comes from probes */
	bool overridden;		 /* --host: another machine, not this one */
	enum native_kind native[QUS_NTARGETS];
};

/*
 * Fill @h from uname(2).  Which targets run natively: the host's own, and
 * each 32-bit mode the table lists for it if its probe runs in an empty
 * binfmt_misc (probe.c).  The probes cost a few milliseconds (a process in
 * new namespaces), so they run once, when host_runs_natively() is first asked
 * about such a mode.  Where no probe can run (Linux < 6.7, user namespaces
 * forbidden), a 32-bit mode counts if the kernel accepts the PER_LINUX32
 * personality.  0 or -errno.
 */
int host_detect(struct qus_host *h);

/*
 * Decide natives from the table alone, for a host that is @target and runs
 * 32-bit modes if @compat32 (no probes: the host may be another machine).
 */
void host_assume(struct qus_host *h, const struct qus_target *target, bool compat32);

/*
 * Pretend the host is @target (for exporting configuration for another
 * machine); the kernel version stays the running one's.
 */
void host_override(struct qus_host *h, const struct qus_target *target);

/*
 * The target of a uname -m string.  uname does not tell MIPS byte order
 * ("mips64" on both), so the byte order qus itself was built for decides.
 */
const struct qus_target *host_target_for_machine(const char *machine);

/* Parse "6.18.44-foo" into 6, 18. 0 or -EINVAL. */
int kernel_version_parse(const char *release, unsigned *major, unsigned *minor);

bool host_kernel_at_least(const struct qus_host *h, unsigned major, unsigned minor);

/* Whether @h runs @t's programs without an emulator (may run the probes, once). */
enum native_kind host_runs_natively(struct qus_host *h, const struct qus_target *t);

#endif
