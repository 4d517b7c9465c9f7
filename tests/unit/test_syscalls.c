/* SPDX-License-Identifier: MIT */
/*
 * The system call table (numbers against the kernel's tables, the offset
 * rule), the probe's data and records, each ABI's way of saying a call
 * failed, and the system call probe of every target under QEMU 7.2 and 11.1.
 */
#include "unit.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "elfident.h"
#include "probe.h"
#include "syscalls.h"
#include "sysprobe.h"

extern char **environ;

static long nr(const char *name, enum qus_sys_abi abi)
{
	const struct qus_syscall *c = syscall_find(name);

	assert_non_null(c);
	return syscall_number(c, abi);
}

/* Numbers from the kernel's tables (sid's linux-libc-dev 7.2.13), a few per ABI. */
static void test_numbers(void **state)
{
	(void)state;
	/* statx, one of the older calls: a number of its own on each ABI. */
	assert_int_equal(nr("statx", QUS_ABI_I386), 383);
	assert_int_equal(nr("statx", QUS_ABI_X86_64), 332);
	assert_int_equal(nr("statx", QUS_ABI_ALPHA), 522);
	assert_int_equal(nr("statx", QUS_ABI_ARM), 397);
	assert_int_equal(nr("statx", QUS_ABI_AARCH64), 291);
	assert_int_equal(nr("statx", QUS_ABI_SPARC), 360);
	assert_int_equal(nr("statx", QUS_ABI_M68K), 379);
	assert_int_equal(nr("statx", QUS_ABI_MIPS_O32), 4366);
	assert_int_equal(nr("statx", QUS_ABI_MIPS_N32), 6330);
	assert_int_equal(nr("statx", QUS_ABI_MIPS_N64), 5326);
	assert_int_equal(nr("statx", QUS_ABI_HPPA), 349);
	assert_int_equal(nr("statx", QUS_ABI_XTENSA), 351);
	assert_int_equal(nr("statx", QUS_ABI_MICROBLAZE), 398);
	assert_int_equal(nr("openat", QUS_ABI_X86_64), 257);
	assert_int_equal(nr("openat", QUS_ABI_SH4), 295);
	assert_int_equal(nr("openat", QUS_ABI_S390X), 288);
	assert_int_equal(nr("openat", QUS_ABI_LOONGARCH64), 56);
	assert_int_equal(nr("rseq", QUS_ABI_PPC64), 387);
	assert_int_equal(nr("name_to_handle_at", QUS_ABI_MICROBLAZE), 371);
	assert_int_equal(nr("copy_file_range", QUS_ABI_S390X), 375);
	/* From 424 on: the same number, but alpha's and MIPS's offsets. */
	assert_int_equal(nr("openat2", QUS_ABI_X86_64), 437);
	assert_int_equal(nr("openat2", QUS_ABI_ALPHA), 547);
	assert_int_equal(nr("openat2", QUS_ABI_MIPS_O32), 4437);
	assert_int_equal(nr("openat2", QUS_ABI_MIPS_N32), 6437);
	assert_int_equal(nr("openat2", QUS_ABI_MIPS_N64), 5437);
	assert_int_equal(nr("rseq_slice_yield", QUS_ABI_HEXAGON), 471);
	assert_int_equal(nr("rseq_slice_yield", QUS_ABI_ALPHA), 581);
	/* The holes: memfd_secret on few ABIs, clone3 not on sh4 (sparc since 7.0). */
	assert_int_equal(nr("memfd_secret", QUS_ABI_S390X), 447);
	assert_int_equal(nr("memfd_secret", QUS_ABI_LOONGARCH64), 447);
	assert_int_equal(nr("memfd_secret", QUS_ABI_ARM), -1);
	assert_int_equal(nr("memfd_secret", QUS_ABI_ALPHA), -1);
	assert_int_equal(nr("memfd_secret", QUS_ABI_OR1K), -1);
	assert_int_equal(nr("clone3", QUS_ABI_SH4), -1);
	assert_int_equal(nr("clone3", QUS_ABI_SPARC), 435);
	assert_int_equal(nr("clone3", QUS_ABI_ALPHA), 545);
	assert_int_equal(syscall_number(syscall_find("openat"), QUS_NABIS), -1);
	assert_null(syscall_find("fork"));
}

/* The offset rule holds for every call from 424 on, on every ABI that has it. */
static void test_offset_rule(void **state)
{
	static const unsigned offset[QUS_NABIS] = {
		[QUS_ABI_ALPHA] = 110,
		[QUS_ABI_MIPS_O32] = 4000,
		[QUS_ABI_MIPS_N64] = 5000,
		[QUS_ABI_MIPS_N32] = 6000,
	};

	(void)state;
	for (size_t i = 0; i < qus_nsyscalls; i++) {
		const struct qus_syscall *c = &qus_syscalls[i];

		if (!c->generic)
			continue;
		for (int a = 0; a < QUS_NABIS; a++) {
			long n = syscall_number(c, (enum qus_sys_abi)a);

			assert_int_equal(qus_sys_abis[a].offset, offset[a]);
			if (n >= 0)
				assert_int_equal(n, c->generic + offset[a]);
		}
	}
}

/* What the issue asks for: every call from 424 to the newest, and these older ones. */
static void test_coverage(void **state)
{
	static const char *const older[] = { "statx",		"getrandom",  "memfd_create",
					     "copy_file_range", "rseq",	      "membarrier",
					     "close_range",	"faccessat2", "name_to_handle_at",
					     "openat" };
	bool seen[471 + 1] = { false };

	(void)state;
	assert_true(qus_nsyscalls <= QUS_SYSCALLS_MAX);
	for (size_t i = 0; i < ARRAY_SIZE(older); i++)
		assert_non_null(syscall_find(older[i]));
	for (size_t i = 0; i < qus_nsyscalls; i++) {
		const struct qus_syscall *c = &qus_syscalls[i];

		/* Names once each; arguments past the call's own are 0. */
		assert_ptr_equal(syscall_find(c->name), c);
		assert_true(c->nargs <= QUS_SYSCALL_ARGS);
		for (size_t k = c->nargs; k < QUS_SYSCALL_ARGS; k++)
			assert_int_equal(c->args[k], 0);
		assert_non_null(c->since);
		if (c->generic) {
			assert_true(c->generic >= 424 && c->generic <= 471);
			assert_false(seen[c->generic]);
			seen[c->generic] = true;
		} else {
			/* An older call has a number on every ABI. */
			for (int a = 0; a < QUS_NABIS; a++)
				assert_true(syscall_number(c, (enum qus_sys_abi)a) > 0);
		}
		/*
		 * Never x86_64's uretprobe (335) or uprobe (336): called from
		 * anywhere but the uprobe trampoline they kill with SIGILL.
		 */
		assert_true(syscall_number(c, QUS_ABI_X86_64) != 335);
		assert_true(syscall_number(c, QUS_ABI_X86_64) != 336);
	}
	for (unsigned n = 424; n <= 471; n++)
		assert_true(seen[n]);
}

/* ENOSYS and the error conventions per ABI (arch.c), checked against a few known values. */
static void test_abis(void **state)
{
	(void)state;
	assert_int_equal(qus_sys_abis[QUS_ABI_X86_64].enosys, 38);
	assert_int_equal(qus_sys_abis[QUS_ABI_ALPHA].enosys, 78);
	assert_int_equal(qus_sys_abis[QUS_ABI_MIPS_N32].enosys, 89);
	assert_int_equal(qus_sys_abis[QUS_ABI_SPARC64].enosys, 90);
	assert_int_equal(qus_sys_abis[QUS_ABI_HPPA].enosys, 251);
	assert_int_equal(qus_sys_abis[QUS_ABI_OR1K].enosys, 38);
	/* Every target has an ABI, and its word size is its ELF class's. */
	for (size_t i = 0; i < QUS_NTARGETS; i++) {
		assert_true(qus_targets[i].sys_abi < QUS_NABIS);
		assert_non_null(qus_sys_abis[qus_targets[i].sys_abi].name);
	}
	assert_int_equal(arch_find("mipsn32el")->sys_abi, QUS_ABI_MIPS_N32);
	assert_int_equal(arch_find("sparc32plus")->sys_abi, QUS_ABI_SPARC);
	assert_int_equal(arch_find("ppc64le")->sys_abi, QUS_ABI_PPC64);
	/*
	 * This program's own ABI (its executable's ELF header, not uname: a
	 * 32-bit build may run on a 64-bit kernel) is the one whose numbers
	 * are those of <sys/syscall.h>.
	 */
	{
		uint8_t hdr[QUS_HEADER_SIZE] = { 0 };
		const struct qus_target *self;
		unsigned confirmed = 0;
		int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);

		assert_true(fd >= 0);
		assert_true(read(fd, hdr, sizeof(hdr)) > 0);
		close(fd);
		self = elf_identify(hdr);
		assert_non_null(self);
		assert_true(sysprobe_abi_confirmed(self));
		for (size_t i = 0; i < QUS_NTARGETS; i++)
			confirmed += sysprobe_abi_confirmed(&qus_targets[i]);
		/* Not every ABI: the check tells them apart. */
		assert_true(confirmed < QUS_NTARGETS / 2);
		assert_int_equal(nr("openat", (enum qus_sys_abi)self->sys_abi), SYS_openat);
	}
}

static void decode(const char *target, uint64_t result, uint64_t indicator, bool failed,
		   long long value)
{
	struct syscall_answer a;

	syscall_decode(arch_find(target), result, indicator, &a);
	assert_int_equal(a.failed, failed);
	assert_int_equal(a.value, value);
}

/* Each convention: -errno; errno and a3; errno and CR0.SO; errno and the carry. */
static void test_decode(void **state)
{
	struct syscall_answer a = { true, 38 };

	(void)state;
	decode("x86_64", (uint64_t)-38, 0, true, 38);
	decode("x86_64", 0, 0, false, 0);
	decode("x86_64", 5, 0, false, 5);
	decode("x86_64", (uint64_t)-4096, 0, false, -4096); /* past -MAX_ERRNO: a result */
	decode("aarch64", (uint64_t)-14, 0, true, 14);
	/* 32-bit words: the result is the ABI's 32-bit long. */
	decode("arm", 0xffffffda, 0, true, 38);
	decode("hppa", (uint32_t)-251, 0, true, 251);
	decode("i386", 0x7fffffff, 0, false, 0x7fffffff);
	/* a3: alpha and MIPS. */
	decode("alpha", 78, 1, true, 78);
	decode("alpha", 78, 0, false, 78);
	decode("mips", 89, 1, true, 89);
	decode("mipsn32el", 14, 1, true, 14);
	decode("mips64", 0, 0, false, 0);
	/* CR0.SO, in the CR mfcr gives. */
	decode("ppc", 38, 0x10000000, true, 38);
	decode("ppc64le", 38, 0x50000000, true, 38);
	decode("ppc64", 2, 0x20000000, false, 2);
	/* The carry, as the SPARC probe records it (0 or 1). */
	decode("sparc", 90, 1, true, 90);
	decode("sparc64", 90, 0, false, 90);
	assert_true(syscall_is_enosys(&a, QUS_ABI_X86_64));
	assert_false(syscall_is_enosys(&a, QUS_ABI_MIPS_O32));
	a.failed = false;
	assert_false(syscall_is_enosys(&a, QUS_ABI_X86_64));
}

static uint64_t word_at(const uint8_t *p, size_t w, bool be)
{
	uint64_t v = 0;

	for (size_t i = 0; i < w; i++)
		v |= (uint64_t)p[be ? w - 1 - i : i] << (8 * i);
	return v;
}

/* The data: [start, count], then number and six arguments per call, in the target's words. */
static void test_data(void **state)
{
	const struct qus_target *mips = arch_find("mips"), *x86 = arch_find("x86_64");
	uint16_t idx[QUS_SYSCALLS_MAX];
	uint8_t buf[4096];
	size_t n = syscall_probe_calls(mips, idx, ARRAY_SIZE(idx)), cr;
	long len;

	(void)state;
	/* mips has every call but memfd_secret. */
	assert_int_equal(n, qus_nsyscalls - 1);
	len = syscall_probe_data(mips, idx, n, 2, buf, sizeof(buf));
	assert_int_equal(len, (2 + (long)(n - 2) * 7) * 4);
	assert_int_equal(word_at(buf, 4, true), 2);
	assert_int_equal(word_at(buf + 4, 4, true), n - 2);
	/* The entry of call idx[2]: its o32 number, then its arguments. */
	assert_int_equal(word_at(buf + 8, 4, true),
			 syscall_number(&qus_syscalls[idx[2]], QUS_ABI_MIPS_O32));
	for (size_t k = 0; k < QUS_SYSCALL_ARGS; k++)
		assert_int_equal(word_at(buf + 12 + 4 * k, 4, true),
				 (uint32_t)qus_syscalls[idx[2]].args[k]);
	assert_int_equal(syscall_probe_data(mips, idx, n, 0, buf, 100), -ENOSPC);
	assert_int_equal(syscall_probe_data(mips, idx, n, n + 1, buf, sizeof(buf)), -EINVAL);
	/* close_range's ~0U stays 32 bits in a 64-bit word; -1 is all ones. */
	n = syscall_probe_calls(x86, idx, ARRAY_SIZE(idx));
	assert_int_equal(n, qus_nsyscalls);
	for (cr = 0; strcmp(qus_syscalls[idx[cr]].name, "close_range"); cr++)
		;
	len = syscall_probe_data(x86, idx, n, cr, buf, sizeof(buf));
	assert_int_equal(len, (2 + (long)(n - cr) * 7) * 8);
	assert_int_equal(word_at(buf + 16, 8, false), 436);
	assert_int_equal(word_at(buf + 24, 8, false), 0xffffffffULL);
	assert_int_equal(word_at(buf + 16 + 56 + 8, 8, false), UINT64_MAX); /* openat2's fd -1 */
}

static size_t put(uint8_t *p, uint64_t v, size_t w, bool be)
{
	for (size_t i = 0; i < w; i++)
		p[be ? w - 1 - i : i] = (uint8_t)(v >> (8 * i));
	return w;
}

/* The records: after the emulator's own lines, the header, then number, result, indicator. */
static void test_parse(void **state)
{
	const struct qus_target *t = arch_find("ppc");
	const char junk[] = "Could not resolve /dev/fd/3\n";
	struct syscall_answer answers[QUS_SYSCALLS_MAX];
	uint16_t idx[QUS_SYSCALLS_MAX];
	uint8_t out[512];
	size_t n = syscall_probe_calls(t, idx, ARRAY_SIZE(idx)), len = 0;

	(void)state;
	memcpy(out, junk, strlen(junk));
	len += strlen(junk);
	len += put(out + len, 3, 4, true);
	len += put(out + len, n - 3, 4, true);
	len += put(out + len, (uint64_t)syscall_number(&qus_syscalls[idx[3]], QUS_ABI_PPC), 4,
		   true);
	len += put(out + len, 38, 4, true);
	len += put(out + len, 0x10000000, 4, true);
	len += put(out + len, (uint64_t)syscall_number(&qus_syscalls[idx[4]], QUS_ABI_PPC), 4,
		   true);
	len += put(out + len, 0, 4, true);
	len += put(out + len, 0, 4, true);
	/* A cut record (the probe died while writing): not counted. */
	len += put(out + len, 7, 2, true);
	assert_int_equal(syscall_probe_parse(t, idx, n, 3, out, len, answers), 2);
	assert_true(answers[3].failed);
	assert_int_equal(answers[3].value, 38);
	assert_false(answers[4].failed);
	/* Another start: the header is not there. */
	assert_int_equal(syscall_probe_parse(t, idx, n, 0, out, len, answers), -ENOENT);
	/* A record of another call. */
	put(out + strlen(junk) + 8, 12345, 4, true);
	assert_int_equal(syscall_probe_parse(t, idx, n, 3, out, len, answers), -EPROTO);
	assert_int_equal(syscall_probe_parse(t, idx, n, 3, out, 0, answers), -ENOENT);
}

/* ENOSYS is "missing" only when the host has the call; a probe that died in it: unknown. */
static void test_classify(void **state)
{
	const struct qus_target *t = arch_find("mips");
	struct sysprobe_host host;
	struct sysprobe_report r;
	size_t openat2 = (size_t)(syscall_find("openat2") - qus_syscalls);
	size_t listns = (size_t)(syscall_find("listns") - qus_syscalls);
	size_t mseal = (size_t)(syscall_find("mseal") - qus_syscalls);
	size_t statx = (size_t)(syscall_find("statx") - qus_syscalls);
	size_t secret = (size_t)(syscall_find("memfd_secret") - qus_syscalls);

	(void)state;
	memset(&host, 0, sizeof(host));
	memset(&r, 0, sizeof(r));
	host.abi = arch_find("x86_64");
	for (size_t i = 0; i < qus_nsyscalls; i++) {
		host.has[i] = true;
		host.answers[i] = (struct syscall_answer){ true, 14 };
		r.calls[i].number = syscall_number(&qus_syscalls[i], QUS_ABI_MIPS_O32);
		r.calls[i].answered = true;
		r.calls[i].answer = (struct syscall_answer){ true, 14 };
	}
	r.calls[openat2].answer.value = 89; /* MIPS's ENOSYS */
	r.calls[listns].answer.value = 89;
	host.answers[listns].value = 38; /* the host's (x86_64) */
	r.calls[mseal].answer.value = 89;
	host.has[mseal] = false;
	r.calls[statx].answered = false;
	r.calls[statx].why = SYSPROBE_WHY_STOPPED;
	r.calls[statx].status = SIGSEGV;
	sysprobe_classify(t, &host, &r);
	assert_int_equal(r.calls[openat2].state, SYSPROBE_MISSING);
	assert_int_equal(r.calls[listns].state, SYSPROBE_UNKNOWN);
	assert_int_equal(r.calls[listns].why, SYSPROBE_WHY_HOST_LACKS);
	assert_int_equal(r.calls[mseal].why, SYSPROBE_WHY_HOST_HAS_NONE);
	assert_int_equal(r.calls[statx].state, SYSPROBE_UNKNOWN);
	assert_int_equal(r.calls[statx].why, SYSPROBE_WHY_STOPPED);
	assert_int_equal(r.calls[secret].state, SYSPROBE_NONE);
	assert_int_equal(r.calls[0].state, SYSPROBE_IMPLEMENTED);
	/* A host that could not be asked: every ENOSYS is unknown. */
	host.err = -ENOEXEC;
	sysprobe_classify(t, &host, &r);
	assert_int_equal(r.calls[openat2].state, SYSPROBE_UNKNOWN);
	assert_int_equal(r.calls[openat2].why, SYSPROBE_WHY_HOST_NOT_ASKED);
}

/* A system call probe for every target, wrapped as qus wraps it. */
static void test_build(void **state)
{
	uint8_t data[8] = { 0 }, elf[8192], hdr[QUS_HEADER_SIZE];

	(void)state;
	assert_int_equal(syscall_probe_codes_count, QUS_NTARGETS);
	for (size_t i = 0; i < QUS_NTARGETS; i++) {
		const struct qus_target *t = &qus_targets[i];
		const struct probe_code *pc = probe_syscall_code_for(t);
		long n = probe_build_syscalls(t, data, sizeof(data), elf, sizeof(elf));

		assert_non_null(pc);
		/* The data follows the code at a word boundary. */
		assert_int_equal(pc->len % 8, 0);
		assert_true(pc->entry < pc->len);
		assert_true(n > (long)(pc->len + sizeof(data)));
		memcpy(hdr, elf, sizeof(hdr));
		assert_ptr_equal(elf_identify(hdr), t);
		assert_int_equal(probe_build_syscalls(t, data, sizeof(data), elf, 100), -ENOSPC);
	}
}

/*
 * Run @t's system call probe for every call under emulator @emu directly:
 * each must answer (a record per call), and openat, which every QEMU has,
 * must fail with EFAULT (its NULL path), not ENOSYS.  Returns 1 if it ran.
 */
static int run_under(const struct qus_target *t, char *emu, const char *tmp)
{
	uint16_t idx[QUS_SYSCALLS_MAX];
	struct syscall_answer answers[QUS_SYSCALLS_MAX];
	uint8_t data[4096], elf[8192], out[4096];
	size_t n = syscall_probe_calls(t, idx, ARRAY_SIZE(idx));
	long dlen = syscall_probe_data(t, idx, n, 0, data, sizeof(data)), elen, got;
	char path[4096], outpath[4200];
	char *argv[3];
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int fd, status;

	if (access(emu, X_OK) < 0)
		return 0;
	assert_true(dlen > 0);
	elen = probe_build_syscalls(t, data, (size_t)dlen, elf, sizeof(elf));
	assert_true(elen > 0);
	snprintf(path, sizeof(path), "%s/sys-%s", tmp, t->name);
	snprintf(outpath, sizeof(outpath), "%s.out", path);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0755);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, elf, (size_t)elen), elen);
	close(fd);
	argv[0] = emu;
	argv[1] = path;
	argv[2] = NULL;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, outpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_int_equal(posix_spawn(&pid, emu, &fa, NULL, argv, environ), 0);
	posix_spawn_file_actions_destroy(&fa);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	fd = open(outpath, O_RDONLY);
	assert_true(fd >= 0);
	got = read(fd, out, sizeof(out));
	close(fd);
	unlink(path);
	unlink(outpath);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || got < 0 ||
	    syscall_probe_parse(t, idx, n, 0, out, (size_t)got, answers) != (long)n) {
		print_error("the %s system call probe under %s: status 0x%x, %ld bytes\n", t->name,
			    emu, (unsigned)status, got);
		return -1;
	}
	/* idx[0] is openat. */
	if (!answers[0].failed || answers[0].value != EFAULT) {
		print_error("the %s system call probe under %s: openat said %s%lld\n", t->name, emu,
			    answers[0].failed ? "errno " : "", answers[0].value);
		return -1;
	}
	return 1;
}

static unsigned probes_under(const char *dir, const char *suffix)
{
	char *tmp = make_tmpdir(), emu[4096];
	unsigned ran = 0, failed = 0;

	assert_non_null(tmp);
	assert_string_equal(qus_syscalls[0].name, "openat");
	for (size_t i = 0; i < QUS_NTARGETS; i++) {
		int r;

		snprintf(emu, sizeof(emu), "%s/qemu-%s%s", dir, qus_targets[i].emulator, suffix);
		r = run_under(&qus_targets[i], emu, tmp);
		ran += r == 1;
		failed += r < 0;
	}
	remove_tmpdir(tmp);
	assert_int_equal(failed, 0);
	return ran;
}

/* Under the installed qemu-user-static (Debian 12: QEMU 7.2). */
static void test_probes_under_qemu(void **state)
{
	unsigned ran;

	(void)state;
	ran = probes_under("/usr/bin", "-static");
	if (ran == 0)
		skip(); /* qemu-user-static is not installed */
	assert_int_equal(ran, QUS_NTARGETS);
}

/* Under sid's qemu-user (QEMU 11.1), which tests/run unpacks ($QUS_QEMU11_DIR). */
static void test_probes_under_qemu11(void **state)
{
	const char *dir = getenv("QUS_QEMU11_DIR");

	(void)state;
	if (!dir || !*dir)
		skip(); /* QUS_QEMU11_DIR is not set: tests/run sets it */
	assert_int_equal(probes_under(dir, ""), QUS_NTARGETS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_offset_rule),
		cmocka_unit_test(test_coverage),
		cmocka_unit_test(test_abis),
		cmocka_unit_test(test_decode),
		cmocka_unit_test(test_data),
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_classify),
		cmocka_unit_test(test_build),
		cmocka_unit_test(test_probes_under_qemu),
		cmocka_unit_test(test_probes_under_qemu11),
	};
	return qus_run_tests("syscalls", tests, ARRAY_SIZE(tests));
}
