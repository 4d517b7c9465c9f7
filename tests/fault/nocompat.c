/* SPDX-License-Identifier: MIT */
/*
 * nocompat COMMAND [ARG...]: run COMMAND as if the kernel had no 32-bit
 * compatibility mode (an x86_64 kernel with ia32_emulation=0 or without
 * CONFIG_IA32_EMULATION, an arm64 CPU without AArch32), for the tests that
 * must hold on both kinds of host (tests/cli/native.sh).
 *
 * A seccomp filter, inherited by everything COMMAND starts, kills a process
 * at its first system call of any other architecture than the host's (what
 * systemd's SystemCallArchitectures=native does), and makes the
 * PER_LINUX32 personality fail with EINVAL, as arm64 kernels without
 * AArch32 answer.  A real kernel of that kind refuses the exec itself
 * (ENOEXEC); here the exec succeeds and the program dies of SIGSYS before
 * it does anything.  To whoever asks "does this program run?", the answer
 * is no either way, which is all qus's native probe and the tests ask.
 *
 * A test helper, not part of qus: seccomp needs no privilege (no_new_privs
 * is set first), so the simulation also works inside user namespaces.
 */
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

/* The host's own system call architecture, as seccomp reports it. */
#if defined(__x86_64__)
#define NATIVE_AUDIT_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define NATIVE_AUDIT_ARCH AUDIT_ARCH_AARCH64
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define NATIVE_AUDIT_ARCH AUDIT_ARCH_PPC64LE
#elif defined(__powerpc64__)
#define NATIVE_AUDIT_ARCH AUDIT_ARCH_PPC64
#elif defined(__s390x__)
#define NATIVE_AUDIT_ARCH AUDIT_ARCH_S390X
#elif defined(__riscv) && __riscv_xlen == 64
#define NATIVE_AUDIT_ARCH AUDIT_ARCH_RISCV64
#elif defined(__mips64) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define NATIVE_AUDIT_ARCH AUDIT_ARCH_MIPSEL64
#elif defined(__mips64)
#define NATIVE_AUDIT_ARCH AUDIT_ARCH_MIPS64
#elif defined(__loongarch64)
#define NATIVE_AUDIT_ARCH AUDIT_ARCH_LOONGARCH64
#else
#error "nocompat: add this host's AUDIT_ARCH_ value"
#endif

/* The low 32 bits of the first argument (personality takes an unsigned int). */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define ARG0_LOW offsetof(struct seccomp_data, args[0])
#else
#define ARG0_LOW (offsetof(struct seccomp_data, args[0]) + 4)
#endif

int main(int argc, char **argv)
{
	struct sock_filter filter[] = {
		/* Another architecture's system call: the process dies (SIGSYS). */
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, NATIVE_AUDIT_ARCH, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
		/* personality(PER_LINUX32 | ...): EINVAL, as without AArch32. */
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_personality, 0, 3),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ARG0_LOW),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, PER_LINUX32, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EINVAL),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { .len = sizeof(filter) / sizeof(filter[0]), .filter = filter };

	if (argc < 2) {
		fprintf(stderr, "usage: nocompat COMMAND [ARG...]\n");
		return 2;
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
	    syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0) {
		fprintf(stderr, "nocompat: cannot install the seccomp filter: %s\n",
			strerror(errno));
		return 125;
	}
	execvp(argv[1], argv + 1);
	fprintf(stderr, "nocompat: %s: %s\n", argv[1], strerror(errno));
	return errno == ENOENT ? 127 : 126;
}
