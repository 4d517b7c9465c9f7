/* SPDX-License-Identifier: MIT */
#include "sysprobe.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "elfident.h"
#include "probe.h"
#include "util.h"

/*
 * Room for the probe's data (a header and 7 words per call), its
 * executable and what it writes (a header and 3 words per call, after
 * whatever the emulator writes of its own).
 */
#define DATA_MAX (16 + QUS_SYSCALLS_MAX * 7 * 8)
#define ELF_MAX	 (PROBE_ELF_MAX + DATA_MAX)
#define OUT_MAX	 4096

/*
 * The numbers qus was built with, from its C library's <sys/syscall.h>:
 * those of the ABI it runs as.  Only the ones the headers define count;
 * old headers lack the newer calls.
 */
static const struct {
	const char *name;
	long nr;
} built_with[] = {
	{ "openat", SYS_openat },
#ifdef SYS_name_to_handle_at
	{ "name_to_handle_at", SYS_name_to_handle_at },
#endif
#ifdef SYS_getrandom
	{ "getrandom", SYS_getrandom },
#endif
#ifdef SYS_memfd_create
	{ "memfd_create", SYS_memfd_create },
#endif
#ifdef SYS_membarrier
	{ "membarrier", SYS_membarrier },
#endif
#ifdef SYS_copy_file_range
	{ "copy_file_range", SYS_copy_file_range },
#endif
#ifdef SYS_statx
	{ "statx", SYS_statx },
#endif
#ifdef SYS_rseq
	{ "rseq", SYS_rseq },
#endif
#ifdef SYS_pidfd_send_signal
	{ "pidfd_send_signal", SYS_pidfd_send_signal },
#endif
#ifdef SYS_pidfd_open
	{ "pidfd_open", SYS_pidfd_open },
#endif
#ifdef SYS_close_range
	{ "close_range", SYS_close_range },
#endif
#ifdef SYS_openat2
	{ "openat2", SYS_openat2 },
#endif
};

bool sysprobe_abi_confirmed(const struct qus_target *t)
{
	size_t checked = 0;

	for (size_t i = 0; i < ARRAY_SIZE(built_with); i++) {
		const struct qus_syscall *c = syscall_find(built_with[i].name);

		if (!c)
			continue;
		if (syscall_number(c, (enum qus_sys_abi)t->sys_abi) != built_with[i].nr)
			return false;
		checked++;
	}
	/* openat and at least one more: one number alone proves little. */
	return checked >= 2;
}

/*
 * The target qus itself is a program of: its executable's ELF header,
 * confirmed by the numbers it was built with; without /proc, the first
 * target whose numbers are those (ABIs that agree on every number differ
 * at most in calls they lack).
 */
static const struct qus_target *own_abi(int *err)
{
	_cleanup_close_ int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	uint8_t hdr[QUS_HEADER_SIZE] = { 0 };
	const struct qus_target *exe = NULL;

	if (fd >= 0 && read_full(fd, hdr, sizeof(hdr)) > 0)
		exe = elf_identify(hdr);
	if (exe && sysprobe_abi_confirmed(exe))
		return exe;
	for (size_t i = 0; i < QUS_NTARGETS; i++)
		if (sysprobe_abi_confirmed(&qus_targets[i]))
			return &qus_targets[i];
	*err = -ENOEXEC;
	return NULL;
}

void sysprobe_ask_host(struct sysprobe_host *h)
{
	memset(h, 0, sizeof(*h));
	h->abi = own_abi(&h->err);
	if (!h->abi)
		return;
	for (size_t i = 0; i < qus_nsyscalls; i++) {
		const struct qus_syscall *c = &qus_syscalls[i];
		long nr = syscall_number(c, (enum qus_sys_abi)h->abi->sys_abi), r;

		if (nr < 0)
			continue;
		h->has[i] = true;
		/* The arguments are harmless for any process (syscalls.c says why, per call). */
		errno = 0;
		r = syscall(nr, (long)c->args[0], (long)c->args[1], (long)c->args[2],
			    (long)c->args[3], (long)c->args[4], (long)c->args[5]);
		h->answers[i].failed = r == -1 && errno != 0;
		h->answers[i].value = h->answers[i].failed ? errno : r;
	}
}

void sysprobe_classify(const struct qus_target *t, const struct sysprobe_host *host,
		       struct sysprobe_report *r)
{
	enum qus_sys_abi abi = (enum qus_sys_abi)t->sys_abi;

	for (size_t i = 0; i < qus_nsyscalls; i++) {
		struct sysprobe_call *c = &r->calls[i];

		if (c->number < 0) {
			c->state = SYSPROBE_NONE;
			continue;
		}
		if (!c->answered) {
			c->state = SYSPROBE_UNKNOWN;
			if (c->why == SYSPROBE_WHY_NONE)
				c->why = SYSPROBE_WHY_STOPPED;
			continue;
		}
		c->why = SYSPROBE_WHY_NONE;
		if (!syscall_is_enosys(&c->answer, abi)) {
			c->state = SYSPROBE_IMPLEMENTED;
			continue;
		}
		/* ENOSYS: the emulator's, or the host kernel's passed through? */
		c->state = SYSPROBE_UNKNOWN;
		if (host->err || !host->abi)
			c->why = SYSPROBE_WHY_HOST_NOT_ASKED;
		else if (!host->has[i])
			c->why = SYSPROBE_WHY_HOST_HAS_NONE;
		else if (syscall_is_enosys(&host->answers[i], (enum qus_sys_abi)host->abi->sys_abi))
			c->why = SYSPROBE_WHY_HOST_LACKS;
		else
			c->state = SYSPROBE_MISSING;
	}
}

/* Calls @idx[@from..@to) were not made: the run ended as @x says. */
static void stopped(struct sysprobe_report *r, const uint16_t *idx, size_t from, size_t to,
		    const struct probe_exec *x)
{
	for (size_t i = from; i < to; i++) {
		struct sysprobe_call *c = &r->calls[idx[i]];

		c->why = SYSPROBE_WHY_STOPPED;
		c->status = x->status;
		c->timed_out = x->timed_out;
	}
}

int sysprobe_run(const struct qus_target *t, const struct sysprobe_host *host, int timeout_ms,
		 struct sysprobe_report *r)
{
	uint16_t idx[QUS_SYSCALLS_MAX];
	struct syscall_answer answers[QUS_SYSCALLS_MAX];
	uint8_t data[DATA_MAX], elf[ELF_MAX], out[OUT_MAX];
	size_t n = syscall_probe_calls(t, idx, ARRAY_SIZE(idx)), start = 0;

	memset(r, 0, sizeof(*r));
	if (!probe_syscall_code_for(t))
		return -ENOTSUP;
	for (size_t i = 0; i < qus_nsyscalls; i++)
		r->calls[i].number = syscall_number(&qus_syscalls[i], (enum qus_sys_abi)t->sys_abi);
	/*
	 * Each run makes the calls from @start on; one that dies or hangs in
	 * call k leaves the records of the calls before it, and the next run
	 * starts after k.  At most one run per call.
	 */
	while (start < n) {
		long dlen = syscall_probe_data(t, idx, n, start, data, sizeof(data)), elen, k;
		struct probe_exec x;
		int err;

		if (dlen < 0)
			return (int)dlen;
		elen = probe_build_syscalls(t, data, (size_t)dlen, elf, sizeof(elf));
		if (elen < 0)
			return (int)elen;
		err = probe_exec(elf, (size_t)elen, timeout_ms, 0, out, sizeof(out), &x);
		if (err < 0)
			return err;
		r->runs++;
		k = syscall_probe_parse(t, idx, n, start, out, x.out_len, answers);
		if (k == -ENOENT && !r->ran) {
			/* It never got to its first call: the target cannot be checked. */
			r->status = x.status;
			r->timed_out = x.timed_out;
			memcpy(r->errors, x.errors, sizeof(r->errors));
			return 0;
		}
		if (k == -ENOENT) {
			/* It ran before, and now not at all: the rest cannot be told. */
			stopped(r, idx, start, n, &x);
			break;
		}
		if (k < 0)
			return (int)k;
		r->ran = true;
		for (size_t i = start; i < start + (size_t)k; i++) {
			r->calls[idx[i]].answered = true;
			r->calls[idx[i]].answer = answers[i];
		}
		start += (size_t)k;
		if (start < n) {
			stopped(r, idx, start, start + 1, &x);
			start++;
		}
	}
	sysprobe_classify(t, host, r);
	return 0;
}
