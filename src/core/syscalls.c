/* SPDX-License-Identifier: MIT */
/*
 * The system calls qus asks about (syscalls.h), with their numbers,
 * arguments and consequences.
 *
 * Numbers: the kernel's tables, as Debian sid's linux-libc-dev 7.2.13
 * installs them (usr/include/TRIPLET/asm/unistd*.h) and, for xtensa,
 * microblaze, or1k and hexagon, which Debian has no headers for, the
 * kernel's arch/ARCH/kernel/syscalls/syscall.tbl and scripts/syscall.tbl.
 * Every call from 424 (pidfd_send_signal, Linux 5.1) has one number on
 * every architecture but alpha and MIPS, which add an offset (arch.c); the
 * older ones have a number of their own on each.
 *
 * Arguments: each call is made with arguments that make the kernel refuse
 * it in its argument checks, before it looks at or changes anything: fd -1
 * (EBADF), NULL pointers (EFAULT), a size of 0 for the calls that read an
 * extensible structure (EINVAL), flags that no kernel accepts; never
 * AT_EMPTY_PATH (since Linux 6.11 a NULL path with it means the
 * descriptor) nor the pidfd values -10000 and -20000 (PIDFD_SELF, 6.15).
 * qus makes the same calls on the host, so they must be harmless for any
 * process: the comment of each says why it is, and what a wrong vector
 * would do.  Any answer but ENOSYS says the call is there; which error it
 * is does not matter.  doc/syscalls.md lists the same (tests/cli/syscalls.sh
 * holds it to what qus reports).
 *
 * Consequences (breaks): said only where a report shows one, with the
 * report in the comment.
 */
#include "syscalls.h"

#include <elf.h>
#include <errno.h>
#include <string.h>

#include "util.h"

/* The number of an older call on each ABI, in the order of enum qus_sys_abi. */
#define NR(i386, x86_64, alpha, arm, aarch64, sparc, sparc64, ppc, ppc64, m68k, o32, n32, n64,     \
	   sh4, s390x, hppa, riscv32, riscv64, xtensa, microblaze, or1k, hexagon, loongarch64)     \
	.nr = { [QUS_ABI_I386] = i386,                                                             \
		[QUS_ABI_X86_64] = x86_64,                                                         \
		[QUS_ABI_ALPHA] = alpha,                                                           \
		[QUS_ABI_ARM] = arm,                                                               \
		[QUS_ABI_AARCH64] = aarch64,                                                       \
		[QUS_ABI_SPARC] = sparc,                                                           \
		[QUS_ABI_SPARC64] = sparc64,                                                       \
		[QUS_ABI_PPC] = ppc,                                                               \
		[QUS_ABI_PPC64] = ppc64,                                                           \
		[QUS_ABI_M68K] = m68k,                                                             \
		[QUS_ABI_MIPS_O32] = o32,                                                          \
		[QUS_ABI_MIPS_N32] = n32,                                                          \
		[QUS_ABI_MIPS_N64] = n64,                                                          \
		[QUS_ABI_SH4] = sh4,                                                               \
		[QUS_ABI_S390X] = s390x,                                                           \
		[QUS_ABI_HPPA] = hppa,                                                             \
		[QUS_ABI_RISCV32] = riscv32,                                                       \
		[QUS_ABI_RISCV64] = riscv64,                                                       \
		[QUS_ABI_XTENSA] = xtensa,                                                         \
		[QUS_ABI_MICROBLAZE] = microblaze,                                                 \
		[QUS_ABI_OR1K] = or1k,                                                             \
		[QUS_ABI_HEXAGON] = hexagon,                                                       \
		[QUS_ABI_LOONGARCH64] = loongarch64 }
#define ABI(a) (1u << (a))

/* The systemd line: qemu-devel, "linux-user: implement fsmount(2) series" (Debian 10.0.11). */
#define BREAKS_SYSTEMD_MOUNT                                                                       \
	"systemd >= 259 in foreign containers: services that import credentials (journald, "       \
	"D-Bus, getty) fail"

/* clang-format off */
const struct qus_syscall qus_syscalls[] = {
	/*
	 * The older calls, in the order Linux added them.  openat is the
	 * control: every emulator has it, so a probe that says it is missing
	 * is wrong.  (-1, NULL, 0, 0): EFAULT, no file is opened; O_CREAT or
	 * O_TRUNC with a real path would write.
	 */
	{ "openat", "2.6.16", 0,
	  NR(295, 257, 450, 322, 56, 284, 284, 286, 286, 288, 4288, 6251, 5247, 295, 288, 275,
	     56, 56, 288, 295, 56, 56, 56),
	  0, 4, { -1, 0, 0, 0 }, NULL },
	/*
	 * (-1, NULL, NULL, NULL, 0): EFAULT (QEMU reads the handle's size
	 * first); read-only anyway.  systemd 259's "Failed to set up mount
	 * namespacing" under QEMU (systemd #39951) is a flag QEMU mishandled,
	 * not ENOSYS: this probe cannot see it.
	 */
	{ "name_to_handle_at", "2.6.39", 0,
	  NR(341, 303, 497, 370, 264, 332, 332, 345, 345, 340, 4339, 6303, 5298, 359, 335, 325,
	     264, 264, 324, 371, 264, 264, 264),
	  0, 5, { -1, 0, 0, 0, 0 }, NULL },
	/* (NULL, 0, GRND_NONBLOCK): 0 bytes, or EFAULT; never blocks (flags 0 may, early at boot). */
	{ "getrandom", "3.17", 0,
	  NR(355, 318, 511, 384, 278, 347, 347, 359, 359, 352, 4353, 6317, 5313, 373, 349, 339,
	     278, 278, 338, 385, 278, 278, 278),
	  0, 3, { 0, 0, 1 }, NULL },
	/* (NULL, 0): EFAULT reading the name; a name would make a descriptor, nothing more. */
	{ "memfd_create", "3.17", 0,
	  NR(356, 319, 512, 385, 279, 348, 348, 360, 360, 353, 4354, 6318, 5314, 374, 350, 340,
	     279, 279, 339, 386, 279, 279, 279),
	  0, 2, { 0, 0 }, NULL },
	/* (MEMBARRIER_CMD_QUERY, 0, 0): the commands supported; a query changes nothing. */
	{ "membarrier", "4.3", 0,
	  NR(375, 324, 517, 389, 283, 351, 351, 365, 365, 374, 4358, 6322, 5318, 378, 356, 343,
	     283, 283, 343, 390, 283, 283, 283),
	  0, 3, { 0, 0, 0 }, NULL },
	/* (-1, NULL, -1, NULL, 0, 0): EBADF; real descriptors would copy data. */
	{ "copy_file_range", "4.5", 0,
	  NR(377, 326, 519, 391, 285, 357, 357, 379, 379, 376, 4360, 6324, 5320, 380, 375, 346,
	     285, 285, 345, 392, 285, 285, 285),
	  0, 6, { -1, 0, -1, 0, 0, 0 }, NULL },
	/*
	 * (-1, NULL, 0, 0, NULL): EFAULT; read-only.  glibc's stat family of
	 * 32-bit ABIs uses statx first and falls back on ENOSYS only when built
	 * for kernels before 4.11 (sysdeps/unix/sysv/linux/fstatat64.c);
	 * riscv32 has no other call (no fstatat64).
	 */
	{ "statx", "4.11", 0,
	  NR(383, 332, 522, 397, 291, 360, 360, 383, 383, 379, 4366, 6330, 5326, 383, 379, 349,
	     291, 291, 351, 398, 291, 291, 291),
	  0, 5, { -1, 0, 0, 0, 0 },
	  "stat() of 32-bit programs whose glibc assumes Linux >= 4.11 (riscv32 always)" },
	/*
	 * (NULL, 0, 0, 0): EINVAL (a registration of length 0; with one
	 * registered already, EINVAL too, as the area differs); the
	 * unregister flag with glibc's area would end its registration.
	 * glibc marks rseq unusable and carries on
	 * (sysdeps/unix/sysv/linux/rseq-internal.h); no QEMU has it.
	 */
	{ "rseq", "4.18", 0,
	  NR(386, 334, 527, 398, 293, 365, 365, 387, 387, 384, 4367, 6331, 5327, 387, 383, 354,
	     293, 293, 352, 400, 293, 293, 293),
	  0, 4, { 0, 0, 0, 0 }, "nothing: glibc runs without restartable sequences" },

	/* From Linux 5.1 on: one number everywhere (but the alpha and MIPS offsets). */
	/* (-1, 0, NULL, 0): EBADF; a real pidfd and signal would signal a process. */
	{ "pidfd_send_signal", "5.1", 424, { 0 }, 0, 4, { -1, 0, 0, 0 }, NULL },
	/* (0, NULL): EFAULT reading the parameters (EPERM where io_uring is disabled); no ring. */
	{ "io_uring_setup", "5.1", 425, { 0 }, 0, 2, { 0, 0 }, NULL },
	/* (-1, 0, 0, 0, NULL, 0): EBADF. */
	{ "io_uring_enter", "5.1", 426, { 0 }, 0, 6, { -1, 0, 0, 0, 0, 0 }, NULL },
	/* (-1, 0, NULL, 0): EBADF, or EINVAL (fd -1 takes only the "blind" opcodes, 6.13). */
	{ "io_uring_register", "5.1", 427, { 0 }, 0, 4, { -1, 0, 0, 0 }, NULL },
	/* (-1, NULL, 0): EFAULT; OPEN_TREE_CLONE with a path would make a detached mount. */
	{ "open_tree", "5.2", 428, { 0 }, 0, 3, { -1, 0, 0 }, NULL },
	/* (-1, NULL, -1, NULL, 0): EFAULT or EPERM; real paths would move mounts (as root). */
	{ "move_mount", "5.2", 429, { 0 }, 0, 5, { -1, 0, -1, 0, 0 }, NULL },
	/*
	 * (NULL, 0): EPERM, or EFAULT reading the name: no context is made.
	 * The fsmount series: systemd 259 mounts with it and, in a foreign
	 * systemd-nspawn container, its services that import credentials
	 * fail (qemu-devel, "linux-user: implement fsmount(2) series", which
	 * Debian took into 10.0.11); util-linux's mount falls back to mount(2).
	 */
	{ "fsopen", "5.2", 430, { 0 }, 0, 2, { 0, 0 }, BREAKS_SYSTEMD_MOUNT },
	/* (-1, 0, NULL, NULL, 0): EINVAL or EBADF. */
	{ "fsconfig", "5.2", 431, { 0 }, 0, 5, { -1, 0, 0, 0, 0 }, BREAKS_SYSTEMD_MOUNT },
	/* (-1, 0, 0): EPERM or EBADF. */
	{ "fsmount", "5.2", 432, { 0 }, 0, 3, { -1, 0, 0 }, BREAKS_SYSTEMD_MOUNT },
	/* (-1, NULL, 0): EPERM or EFAULT. */
	{ "fspick", "5.2", 433, { 0 }, 0, 3, { -1, 0, 0 }, BREAKS_SYSTEMD_MOUNT },
	/* (0, 0): EINVAL (pid <= 0); a real pid would only make a descriptor. */
	{ "pidfd_open", "5.3", 434, { 0 }, 0, 2, { 0, 0 }, NULL },
	/*
	 * (NULL, 0): EINVAL (smaller than the first version of struct
	 * clone_args); any real structure forks.  sh4 has no clone3; sparc
	 * got it in Linux 7.0.  glibc tries clone3 and falls back to clone on
	 * ENOSYS (sysdeps/unix/sysv/linux/clone-internal.c), so a missing one
	 * is harmless; EPERM, as old seccomp profiles answered, broke Fedora 35
	 * images (moby/moby #42681).
	 */
	{ "clone3", "5.3", 435, { 0 }, ABI(QUS_ABI_SH4), 2, { 0, 0 },
	  "nothing: glibc falls back to clone" },
	/*
	 * (~0U, 0, 0): EINVAL (first > last).  (0, 0, 0) would close stdin,
	 * (0, ~0U, 0) every descriptor, the emulator's own too.  glibc's
	 * closefrom() falls back to /proc/self/fd (closefrom.c).
	 */
	{ "close_range", "5.9", 436, { 0 }, 0, 3, { 0xffffffff, 0, 0 },
	  "closefrom() needs /proc mounted (glibc falls back to /proc/self/fd)" },
	/*
	 * (-1, NULL, NULL, 0): EINVAL (smaller than struct open_how; QEMU
	 * checks the same first); O_CREAT or O_TRUNC with a real path would
	 * write.  GNU tar opens with openat2(RESOLVE_BENEATH) since the fix
	 * of CVE-2025-45582 (Ubuntu 26.04's 1.35+dfsg-4ubuntu0.2, Fedora 44) and
	 * fails with "Cannot open: Function not implemented" (armbian/build
	 * #10713: QEMU 8.2.2 fails, 10.2.1 works; abiosoft/colima #1613;
	 * systemd/systemd #41868); ostree uses it too
	 * (osbuild/bootc-image-builder #626).  QEMU has it since 9.2.
	 */
	{ "openat2", "5.6", 437, { 0 }, 0, 4, { -1, 0, 0, 0 },
	  "tar and systemd tools of recent distributions (Ubuntu 26.04, Fedora 44: \"Cannot open: "
	  "Function not implemented\")" },
	/* (-1, -1, 0): EBADF. */
	{ "pidfd_getfd", "5.6", 438, { 0 }, 0, 3, { -1, -1, 0 }, NULL },
	/*
	 * (-1, NULL, 0, 0): EFAULT; read-only.  glibc's faccessat() emulates
	 * it on ENOSYS, unless built for Linux >= 5.8 (__ASSUME_FACCESSAT2;
	 * sysdeps/unix/sysv/linux/faccessat.c).
	 */
	{ "faccessat2", "5.8", 439, { 0 }, 0, 4, { -1, 0, 0, 0 },
	  "faccessat() with flags, where glibc assumes Linux >= 5.8" },
	/* (-1, NULL, 0, 0, 0): EBADF; a real pidfd would advise another process's memory. */
	{ "process_madvise", "5.10", 440, { 0 }, 0, 5, { -1, 0, 0, 0, 0 }, NULL },
	/*
	 * (-1, NULL, 0, NULL, NULL, 0): EINVAL (maxevents <= 0); a real epoll
	 * descriptor with a NULL timeout would wait for ever.  Wine 10 and
	 * systemd's event loop use it where it exists (lat-opensource/lat
	 * #56, systemd/systemd #25484); whether they fall back was not seen,
	 * so no consequence is said.
	 */
	{ "epoll_pwait2", "5.11", 441, { 0 }, 0, 6, { -1, 0, 0, 0, 0, 0 }, NULL },
	/* (-1, NULL, 0, NULL, 0): EINVAL (size < MOUNT_ATTR_SIZE_VER0); real ones change mounts. */
	{ "mount_setattr", "5.12", 442, { 0 }, 0, 5, { -1, 0, 0, 0, 0 }, BREAKS_SYSTEMD_MOUNT },
	/* (-1, 0, 0, NULL): EBADF. */
	{ "quotactl_fd", "5.14", 443, { 0 }, 0, 4, { -1, 0, 0, 0 }, NULL },
	/* (NULL, 0, 0): EINVAL (or EOPNOTSUPP without Landlock); no ruleset is made. */
	{ "landlock_create_ruleset", "5.13", 444, { 0 }, 0, 3, { 0, 0, 0 }, NULL },
	/* (-1, 0, NULL, 0): EBADF (or EOPNOTSUPP). */
	{ "landlock_add_rule", "5.13", 445, { 0 }, 0, 4, { -1, 0, 0, 0 }, NULL },
	/*
	 * (-1, 0): EBADF, or EPERM (no no_new_privs); a real ruleset would
	 * sandbox the caller for good, and fd -1 with the LOG flags (6.15)
	 * changes audit settings: flags stay 0.
	 */
	{ "landlock_restrict_self", "5.13", 446, { 0 }, 0, 2, { -1, 0 }, NULL },
	/*
	 * (0x80000000): EINVAL (flags); 0 would make a descriptor.  Only some
	 * ABIs have it; where secretmem is off, the kernel itself answers
	 * ENOSYS (then qus cannot tell).
	 */
	{ "memfd_secret", "5.14", 447, { 0 },
	  ~(ABI(QUS_ABI_I386) | ABI(QUS_ABI_X86_64) | ABI(QUS_ABI_AARCH64) | ABI(QUS_ABI_S390X) |
	    ABI(QUS_ABI_RISCV32) | ABI(QUS_ABI_RISCV64) | ABI(QUS_ABI_LOONGARCH64)),
	  1, { 0x80000000 }, NULL },
	/* (-1, 0): EBADF. */
	{ "process_mrelease", "5.15", 448, { 0 }, 0, 2, { -1, 0 }, NULL },
	/* (NULL, 0, 0, NULL, 0): EINVAL (no futex); real waiters with no timeout would block. */
	{ "futex_waitv", "5.16", 449, { 0 }, 0, 5, { 0, 0, 0, 0, 0 }, NULL },
	/* (0, 0, 0, 1): EINVAL (flags); (0, 0, 0, 0) would do nothing but succeed. */
	{ "set_mempolicy_home_node", "5.17", 450, { 0 }, 0, 4, { 0, 0, 0, 1 }, NULL },
	/* (-1, NULL, NULL, 0): EBADF; read-only. */
	{ "cachestat", "6.5", 451, { 0 }, 0, 4, { -1, 0, 0, 0 }, NULL },
	/*
	 * (-1, NULL, 0, 0): EFAULT; a real path with mode 0 would chmod it
	 * 000.  glibc >= 2.39's fchmodat() with flags uses it (systemd PR
	 * #39095), systemd calls it directly (PR #29817); QEMU issue 3019,
	 * fixed in 10.0.3.
	 */
	{ "fchmodat2", "6.6", 452, { 0 }, 0, 4, { -1, 0, 0, 0 },
	  "systemd, and glibc >= 2.39's fchmodat() with flags (QEMU issue 3019)" },
	/*
	 * (0, 0, 0x80000000): EINVAL (flags) or EOPNOTSUPP; a valid size would
	 * map a shadow stack.  Implemented for x86_64, arm64 (GCS) and riscv
	 * only: elsewhere the kernel itself answers ENOSYS.
	 */
	{ "map_shadow_stack", "6.6", 453, { 0 }, 0, 3, { 0, 0, 0x80000000 }, NULL },
	/* (NULL, 0, 0, 0): EINVAL (size flag 0, 8 bits, is not supported). */
	{ "futex_wake", "6.7", 454, { 0 }, 0, 4, { 0, 0, 0, 0 }, NULL },
	/* (NULL, 0, 0, 0, NULL, 0): EINVAL; a real 32-bit futex with no timeout would block. */
	{ "futex_wait", "6.7", 455, { 0 }, 0, 6, { 0, 0, 0, 0, 0, 0 }, NULL },
	/* (NULL, 0, 0, 0): EFAULT or EINVAL. */
	{ "futex_requeue", "6.7", 456, { 0 }, 0, 4, { 0, 0, 0, 0 }, NULL },
	/* (NULL, NULL, 0, 0): EFAULT; read-only. */
	{ "statmount", "6.8", 457, { 0 }, 0, 4, { 0, 0, 0, 0 }, NULL },
	/* (NULL, NULL, 0, 0): EFAULT; read-only. */
	{ "listmount", "6.8", 458, { 0 }, 0, 4, { 0, 0, 0, 0 }, NULL },
	/* (0, NULL, NULL, 0): EINVAL or EFAULT; read-only. */
	{ "lsm_get_self_attr", "6.8", 459, { 0 }, 0, 4, { 0, 0, 0, 0 }, NULL },
	/* (0, NULL, 0, 0): EINVAL (size); a real context would relabel the process. */
	{ "lsm_set_self_attr", "6.8", 460, { 0 }, 0, 4, { 0, 0, 0, 0 }, NULL },
	/* (NULL, NULL, 0): EFAULT; read-only. */
	{ "lsm_list_modules", "6.8", 461, { 0 }, 0, 3, { 0, 0, 0 }, NULL },
	/*
	 * (0, 0, 0x80000000): EINVAL (flags); (0, 0, 0) succeeds doing
	 * nothing, a real range would be sealed for the process's life.  A
	 * 32-bit kernel has none (ENOSYS from the kernel itself).
	 */
	{ "mseal", "6.10", 462, { 0 }, 0, 3, { 0, 0, 0x80000000 }, NULL },
	/* (-1, NULL, 0, NULL, NULL, 0): EINVAL (size < XATTR_ARGS_SIZE_VER0); real ones write xattrs. */
	{ "setxattrat", "6.13", 463, { 0 }, 0, 6, { -1, 0, 0, 0, 0, 0 }, NULL },
	/* (-1, NULL, 0, NULL, NULL, 0): EINVAL (size). */
	{ "getxattrat", "6.13", 464, { 0 }, 0, 6, { -1, 0, 0, 0, 0, 0 }, NULL },
	/* (-1, NULL, 0, NULL, 0): EFAULT; read-only. */
	{ "listxattrat", "6.13", 465, { 0 }, 0, 5, { -1, 0, 0, 0, 0 }, NULL },
	/* (-1, NULL, 0, NULL): EFAULT; a real path and name would remove an xattr. */
	{ "removexattrat", "6.13", 466, { 0 }, 0, 4, { -1, 0, 0, 0 }, NULL },
	/* (-1, NULL, 0, NULL, 0): EFAULT; as open_tree. */
	{ "open_tree_attr", "6.15", 467, { 0 }, 0, 5, { -1, 0, 0, 0, 0 }, NULL },
	/* (-1, NULL, NULL, 0, 0): EINVAL (size < FILE_ATTR_SIZE_VER0). */
	{ "file_getattr", "6.17", 468, { 0 }, 0, 5, { -1, 0, 0, 0, 0 }, NULL },
	/* (-1, NULL, NULL, 0, 0): EINVAL (size); real ones set the immutable or append flag. */
	{ "file_setattr", "6.17", 469, { 0 }, 0, 5, { -1, 0, 0, 0, 0 }, NULL },
	/* (NULL, NULL, 0, 0): EFAULT; read-only. */
	{ "listns", "6.19", 470, { 0 }, 0, 4, { 0, 0, 0, 0 }, NULL },
	/*
	 * (): no arguments; 0 or 1, or ENOSYS from a kernel without the
	 * time slice extension.  The newest call of sid's headers (7.2).
	 */
	{ "rseq_slice_yield", "7.0", 471, { 0 }, 0, 0, { 0 }, NULL },
};
/* clang-format on */
const size_t qus_nsyscalls = ARRAY_SIZE(qus_syscalls);
_Static_assert(ARRAY_SIZE(qus_syscalls) <= QUS_SYSCALLS_MAX, "raise QUS_SYSCALLS_MAX");

const struct qus_syscall *syscall_find(const char *name)
{
	for (size_t i = 0; i < qus_nsyscalls; i++)
		if (!strcmp(qus_syscalls[i].name, name))
			return &qus_syscalls[i];
	return NULL;
}

long syscall_number(const struct qus_syscall *c, enum qus_sys_abi abi)
{
	if ((unsigned)abi >= QUS_NABIS)
		return -1;
	if (!c->generic)
		return c->nr[abi] ? c->nr[abi] : -1;
	if (c->absent & ABI(abi))
		return -1;
	return (long)c->generic + qus_sys_abis[abi].offset;
}

void syscall_decode(const struct qus_target *t, uint64_t result, uint64_t indicator,
		    struct syscall_answer *a)
{
	/* The result as the ABI's signed long. */
	int64_t r = t->elf_class == ELFCLASS32 ? (int64_t)(int32_t)result : (int64_t)result;

	switch (qus_sys_abis[t->sys_abi].error) {
	case QUS_SYSERR_NEGATIVE:
		/* Linux's -MAX_ERRNO..-1. */
		a->failed = r >= -4095 && r < 0;
		a->value = a->failed ? -r : r;
		return;
	case QUS_SYSERR_A3:
		a->failed = indicator != 0;
		break;
	case QUS_SYSERR_CR0_SO:
		/* mfcr: CR0 is the top nibble, SO its lowest bit. */
		a->failed = (indicator & 0x10000000) != 0;
		break;
	case QUS_SYSERR_CARRY:
		a->failed = (indicator & 1) != 0;
		break;
	}
	a->value = r;
}

bool syscall_is_enosys(const struct syscall_answer *a, enum qus_sys_abi abi)
{
	return a->failed && a->value == qus_sys_abis[abi].enosys;
}

size_t syscall_probe_calls(const struct qus_target *t, uint16_t *idx, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < qus_nsyscalls && n < max; i++)
		if (syscall_number(&qus_syscalls[i], t->sys_abi) >= 0)
			idx[n++] = (uint16_t)i;
	return n;
}

static size_t word_size(const struct qus_target *t)
{
	return t->elf_class == ELFCLASS32 ? 4 : 8;
}

static void put_word(const struct qus_target *t, uint8_t *p, uint64_t v)
{
	size_t w = word_size(t);

	for (size_t i = 0; i < w; i++)
		p[t->elf_data == ELFDATA2LSB ? i : w - 1 - i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get_word(const struct qus_target *t, const uint8_t *p)
{
	size_t w = word_size(t);
	uint64_t v = 0;

	for (size_t i = 0; i < w; i++)
		v |= (uint64_t)p[t->elf_data == ELFDATA2LSB ? i : w - 1 - i] << (8 * i);
	return v;
}

long syscall_probe_data(const struct qus_target *t, const uint16_t *idx, size_t n, size_t start,
			uint8_t *buf, size_t size)
{
	size_t w = word_size(t), need;

	if (start > n)
		return -EINVAL;
	need = (2 + (n - start) * (1 + QUS_SYSCALL_ARGS)) * w;
	if (need > size)
		return -ENOSPC;
	put_word(t, buf, start);
	put_word(t, buf + w, n - start);
	buf += 2 * w;
	for (size_t i = start; i < n; i++) {
		const struct qus_syscall *c = &qus_syscalls[idx[i]];

		put_word(t, buf, (uint64_t)syscall_number(c, t->sys_abi));
		buf += w;
		/* Truncated to the word: -1 is all ones, 0xffffffff stays 32 bits. */
		for (size_t k = 0; k < QUS_SYSCALL_ARGS; k++, buf += w)
			put_word(t, buf, (uint64_t)c->args[k]);
	}
	return (long)need;
}

long syscall_probe_parse(const struct qus_target *t, const uint16_t *idx, size_t n, size_t start,
			 const uint8_t *out, size_t len, struct syscall_answer *answers)
{
	size_t w = word_size(t), rec = 3 * w, k = 0;
	uint8_t header[16];
	const uint8_t *p = NULL;

	put_word(t, header, start);
	put_word(t, header + w, n - start);
	/* The emulator may have written lines of its own first (QEMU 11.1's qemu-ppc). */
	for (size_t i = 0; i + 2 * w <= len && !p; i++)
		if (!memcmp(out + i, header, 2 * w))
			p = out + i + 2 * w;
	if (!p)
		return -ENOENT;
	len -= (size_t)(p - out);
	for (; k < n - start && (k + 1) * rec <= len; k++) {
		const uint8_t *r = p + k * rec;
		long nr = syscall_number(&qus_syscalls[idx[start + k]], t->sys_abi);

		if (get_word(t, r) != (uint64_t)nr)
			return -EPROTO;
		syscall_decode(t, get_word(t, r + w), get_word(t, r + 2 * w), &answers[start + k]);
	}
	return (long)k;
}
