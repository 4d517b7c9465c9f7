/* SPDX-License-Identifier: MIT */
#include "host.h"

#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/utsname.h>

#include "probe.h"
#include "util.h"

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define NATIVE_ELF_DATA ELFDATA2LSB
#else
#define NATIVE_ELF_DATA ELFDATA2MSB
#endif

int kernel_version_parse(const char *release, unsigned *major, unsigned *minor)
{
	char buf[32];
	unsigned long ma, mi;
	size_t n = strspn(release, "0123456789");
	const char *p;

	if (n == 0 || n >= sizeof(buf) || release[n] != '.')
		return -EINVAL;
	memcpy(buf, release, n);
	buf[n] = '\0';
	if (parse_uint(buf, 1000000, &ma))
		return -EINVAL;
	p = release + n + 1;
	n = strspn(p, "0123456789");
	if (n == 0 || n >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, p, n);
	buf[n] = '\0';
	if (parse_uint(buf, 1000000, &mi))
		return -EINVAL;
	*major = (unsigned)ma;
	*minor = (unsigned)mi;
	return 0;
}

const struct qus_target *host_target_for_machine(const char *machine)
{
	const struct qus_target *t = arch_find(machine);

	if (!t)
		return NULL;
	/*
	 * A host runs programs of its own byte order.  Only some names leave
	 * it open (uname -m says "mips64" on big- and little-endian MIPS);
	 * where the name picked the other order, take the sibling target.
	 */
	if (t->elf_data != NATIVE_ELF_DATA) {
		const struct qus_target *o = arch_with_byte_order(t, NATIVE_ELF_DATA);

		if (o)
			return o;
	}
	return t;
}

/*
 * Ask the kernel whether it runs 32-bit programs: arm64 kernels on CPUs
 * without AArch32 refuse the PER_LINUX32 personality with EINVAL.  The old
 * personality is put back at once (it changes what uname reports).
 */
static bool kernel_runs_compat32(void)
{
	int old = personality(0xffffffff);

	if (old == -1)
		return false;
	if (personality(PER_LINUX32) == -1)
		return false;
	personality((unsigned long)old);
	return true;
}

/* The 32-bit modes the table lists for the host, by the table's rule alone. */
static void decide_by_table(struct qus_host *h)
{
	for (size_t i = 0; i < QUS_NTARGETS; i++) {
		const struct qus_target *t = &qus_targets[i];

		h->native[i] = NATIVE_NO;
		if (!h->target)
			continue;
		if (t == h->target)
			h->native[i] = NATIVE_HOST;
		else if (arch_word_in(t->native_on, h->target->name) &&
			 (t->elf_class == h->target->elf_class || h->compat32))
			h->native[i] = NATIVE_COMPAT;
	}
	h->probed = false;
}

/* Ask the kernel: the probes that run in an empty binfmt_misc are native. */
static void decide_by_probes(struct qus_host *h)
{
	const struct qus_target *cand[7];
	size_t n = 0;
	int mask;

	if (!h->target)
		return;
	for (size_t i = 0; i < QUS_NTARGETS && n < ARRAY_SIZE(cand); i++) {
		const struct qus_target *t = &qus_targets[i];

		if (probe_code_for(t) && arch_word_in(t->native_on, h->target->name))
			cand[n++] = t;
	}
	if (n == 0)
		return;
	mask = probe_run_native(cand, n);
	if (mask < 0)
		return; /* keep the table's decision */
	for (size_t j = 0; j < n; j++)
		h->native[arch_index(cand[j])] = (mask & (1 << j)) ? NATIVE_COMPAT : NATIVE_NO;
	h->probed = true;
}

int host_detect(struct qus_host *h)
{
	struct utsname u;

	memset(h, 0, sizeof(*h));
	if (uname(&u) < 0)
		return -errno;
	snprintf(h->machine, sizeof(h->machine), "%s", u.machine);
	snprintf(h->release, sizeof(h->release), "%s", u.release);
	if (kernel_version_parse(h->release, &h->kernel_major, &h->kernel_minor) < 0) {
		h->kernel_major = 0;
		h->kernel_minor = 0;
	}
	h->target = host_target_for_machine(h->machine);
	h->compat32 = kernel_runs_compat32();
	decide_by_table(h);
	h->probe_pending = true;
	return 0;
}

void host_assume(struct qus_host *h, const struct qus_target *target, bool compat32)
{
	h->target = target;
	h->compat32 = compat32;
	h->probe_pending = false;
	decide_by_table(h);
}

void host_override(struct qus_host *h, const struct qus_target *target)
{
	snprintf(h->machine, sizeof(h->machine), "%s", target->name);
	/* What the table says the target's kernels usually do. */
	host_assume(h, target, true);
	h->overridden = true;
}

bool host_kernel_at_least(const struct qus_host *h, unsigned major, unsigned minor)
{
	return h->kernel_major > major || (h->kernel_major == major && h->kernel_minor >= minor);
}

enum native_kind host_runs_natively(struct qus_host *h, const struct qus_target *t)
{
	if (h->probe_pending && h->target && probe_code_for(t) &&
	    arch_word_in(t->native_on, h->target->name)) {
		h->probe_pending = false;
		decide_by_probes(h);
	}
	return h->native[arch_index(t)];
}
