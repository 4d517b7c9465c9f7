/*
 * The witness of `qus check --syscalls` (tests/cli/syscalls.sh): a program
 * of the target, built by Debian's cross compiler for it, that makes each
 * call of the list below itself and prints, for each in the list's order,
 * one line "INDEX RESULT": the errno the call failed with, "ok", or "none"
 * where the target's ABI has no such call.  It shares nothing with qus: the
 * numbers come from the compiler's own kernel headers (<asm/unistd.h>),
 * the calls that are newer than those headers (Debian 12's are Linux 6.1's)
 * from the rule that every call from 424 on has one number on every
 * architecture but for an offset, which the headers give too (424,
 * pidfd_send_signal, is in them); the calls go through the C library's
 * syscall(2), or, built with -DNOLIBC for the targets where Debian 12 has
 * no C library that runs (see hello-nolibc.c), through each architecture's
 * convention written out below, which also tells a failure from a result.
 *
 * The list (name, number of arguments, the six words passed) is what qus's
 * report must agree with: the test reads it from this file and holds it
 * and the arguments to qus's --json, and each RESULT to qus's answer.  The
 * arguments change nothing (doc/syscalls.md says why, call by call).
 *
 * Without a C library nothing may live in global data (no GOT or GP is set
 * up at _start, and alpha reaches every global through GP): the numbers
 * and arguments are immediates of the calls and every line is built on the
 * stack.  No division either (sh4 would need libgcc).
 */
#if __has_include(<asm/unistd.h>)
#include <asm/unistd.h>
#elif defined(__XTENSA__)
/* Xtensa's own table (arch/xtensa/kernel/syscalls/syscall.tbl); no headers here. */
#define __NR_write		13
#define __NR_exit		118
#define __NR_openat		288
#define __NR_name_to_handle_at	324
#define __NR_getrandom		338
#define __NR_memfd_create	339
#define __NR_membarrier		343
#define __NR_copy_file_range	345
#define __NR_statx		351
#define __NR_rseq		352
#else
/*
 * The generic table (include/uapi/asm-generic/unistd.h) of Hexagon,
 * LoongArch and OpenRISC, whose compilers here have no Linux headers.
 * memfd_secret is LoongArch's only (scripts/syscall.tbl's "memfd_secret"
 * ABI, which arch/loongarch/kernel/Makefile.syscalls selects).
 */
#define __NR_write		64
#define __NR_exit		93
#define __NR_openat		56
#define __NR_name_to_handle_at	264
#define __NR_getrandom		278
#define __NR_memfd_create	279
#define __NR_membarrier		283
#define __NR_copy_file_range	285
#define __NR_statx		291
#define __NR_rseq		293
#if defined(__loongarch__)
#define __NR_memfd_secret	447
#endif
#endif

/* The offset of the calls from 424 on (alpha 110, MIPS 4000, 5000, 6000). */
#ifdef __NR_pidfd_send_signal
#define BASE (__NR_pidfd_send_signal - 424)
#else
#define BASE 0
#endif
#define NONE (-1L)

/*
 * Where the ABI has no such call: memfd_secret on most, clone3 on sh4.
 * s390x got memfd_secret after Debian 12's headers (Linux 6.1).
 */
#if defined(__s390x__) && !defined(__NR_memfd_secret)
#define __NR_memfd_secret 447
#endif
#ifndef __NR_memfd_secret
#define __NR_memfd_secret NONE
#endif
#if defined(__sh__)
/* SuperH's table only reserves 435 for clone3. */
#define __NR_clone3 NONE
#elif !defined(__NR_clone3)
/* Alpha and SPARC got clone3 after Debian 12's headers (Linux 6.1; SPARC in 7.0). */
#define __NR_clone3 (BASE + 435)
#endif
#ifndef __NR_pidfd_send_signal
#define __NR_pidfd_send_signal (BASE + 424)
#endif
#ifndef __NR_io_uring_setup
#define __NR_io_uring_setup (BASE + 425)
#endif
#ifndef __NR_io_uring_enter
#define __NR_io_uring_enter (BASE + 426)
#endif
#ifndef __NR_io_uring_register
#define __NR_io_uring_register (BASE + 427)
#endif
#ifndef __NR_open_tree
#define __NR_open_tree (BASE + 428)
#endif
#ifndef __NR_move_mount
#define __NR_move_mount (BASE + 429)
#endif
#ifndef __NR_fsopen
#define __NR_fsopen (BASE + 430)
#endif
#ifndef __NR_fsconfig
#define __NR_fsconfig (BASE + 431)
#endif
#ifndef __NR_fsmount
#define __NR_fsmount (BASE + 432)
#endif
#ifndef __NR_fspick
#define __NR_fspick (BASE + 433)
#endif
#ifndef __NR_pidfd_open
#define __NR_pidfd_open (BASE + 434)
#endif
#ifndef __NR_close_range
#define __NR_close_range (BASE + 436)
#endif
#ifndef __NR_openat2
#define __NR_openat2 (BASE + 437)
#endif
#ifndef __NR_pidfd_getfd
#define __NR_pidfd_getfd (BASE + 438)
#endif
#ifndef __NR_faccessat2
#define __NR_faccessat2 (BASE + 439)
#endif
#ifndef __NR_process_madvise
#define __NR_process_madvise (BASE + 440)
#endif
#ifndef __NR_epoll_pwait2
#define __NR_epoll_pwait2 (BASE + 441)
#endif
#ifndef __NR_mount_setattr
#define __NR_mount_setattr (BASE + 442)
#endif
#ifndef __NR_quotactl_fd
#define __NR_quotactl_fd (BASE + 443)
#endif
#ifndef __NR_landlock_create_ruleset
#define __NR_landlock_create_ruleset (BASE + 444)
#endif
#ifndef __NR_landlock_add_rule
#define __NR_landlock_add_rule (BASE + 445)
#endif
#ifndef __NR_landlock_restrict_self
#define __NR_landlock_restrict_self (BASE + 446)
#endif
#ifndef __NR_process_mrelease
#define __NR_process_mrelease (BASE + 448)
#endif
#ifndef __NR_futex_waitv
#define __NR_futex_waitv (BASE + 449)
#endif
#ifndef __NR_set_mempolicy_home_node
#define __NR_set_mempolicy_home_node (BASE + 450)
#endif
#ifndef __NR_cachestat
#define __NR_cachestat (BASE + 451)
#endif
#ifndef __NR_fchmodat2
#define __NR_fchmodat2 (BASE + 452)
#endif
#ifndef __NR_map_shadow_stack
#define __NR_map_shadow_stack (BASE + 453)
#endif
#ifndef __NR_futex_wake
#define __NR_futex_wake (BASE + 454)
#endif
#ifndef __NR_futex_wait
#define __NR_futex_wait (BASE + 455)
#endif
#ifndef __NR_futex_requeue
#define __NR_futex_requeue (BASE + 456)
#endif
#ifndef __NR_statmount
#define __NR_statmount (BASE + 457)
#endif
#ifndef __NR_listmount
#define __NR_listmount (BASE + 458)
#endif
#ifndef __NR_lsm_get_self_attr
#define __NR_lsm_get_self_attr (BASE + 459)
#endif
#ifndef __NR_lsm_set_self_attr
#define __NR_lsm_set_self_attr (BASE + 460)
#endif
#ifndef __NR_lsm_list_modules
#define __NR_lsm_list_modules (BASE + 461)
#endif
#ifndef __NR_mseal
#define __NR_mseal (BASE + 462)
#endif
#ifndef __NR_setxattrat
#define __NR_setxattrat (BASE + 463)
#endif
#ifndef __NR_getxattrat
#define __NR_getxattrat (BASE + 464)
#endif
#ifndef __NR_listxattrat
#define __NR_listxattrat (BASE + 465)
#endif
#ifndef __NR_removexattrat
#define __NR_removexattrat (BASE + 466)
#endif
#ifndef __NR_open_tree_attr
#define __NR_open_tree_attr (BASE + 467)
#endif
#ifndef __NR_file_getattr
#define __NR_file_getattr (BASE + 468)
#endif
#ifndef __NR_file_setattr
#define __NR_file_setattr (BASE + 469)
#endif
#ifndef __NR_listns
#define __NR_listns (BASE + 470)
#endif
#ifndef __NR_rseq_slice_yield
#define __NR_rseq_slice_yield (BASE + 471)
#endif

#ifndef NOLIBC
#include <errno.h>
#include <stdio.h>
#include <unistd.h>

static void one(int k, long nr, long a1, long a2, long a3, long a4, long a5, long a6)
{
	long r;

	if (nr == NONE) {
		printf("%d none\n", k);
		return;
	}
	errno = 0;
	r = syscall(nr, a1, a2, a3, a4, a5, a6);
	if (r == -1 && errno)
		printf("%d %d\n", k, errno);
	else
		printf("%d ok\n", k);
}
#else
/*
 * Each architecture's system call with six arguments: the instruction,
 * where the number, the arguments and the result go, and how a failure
 * is told (syscall(2), "Architecture calling conventions"; QEMU's
 * linux-user/ARCH/cpu_loop.c).  Sets *@err to the errno, or 0.
 */
#if defined(__aarch64__)
/* svc #0; number in x8, arguments x0-x5, result x0 (-errno). */
static long sys6(long nr, long a, long b, long c, long d, long e, long f, long *err)
{
	register long x8 __asm__("x8") = nr;
	register long x0 __asm__("x0") = a;
	register long x1 __asm__("x1") = b;
	register long x2 __asm__("x2") = c;
	register long x3 __asm__("x3") = d;
	register long x4 __asm__("x4") = e;
	register long x5 __asm__("x5") = f;

	__asm__ volatile("svc #0"
			 : "+r"(x0)
			 : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4), "r"(x5)
			 : "memory");
	*err = x0 < 0 && x0 >= -4095 ? -x0 : 0;
	return x0;
}
#elif defined(__arm__)
/* EABI: svc #0; number in r7, arguments r0-r5, result r0 (-errno). */
static long sys6(long nr, long a, long b, long c, long d, long e, long f, long *err)
{
	register long r7 __asm__("r7") = nr;
	register long r0 __asm__("r0") = a;
	register long r1 __asm__("r1") = b;
	register long r2 __asm__("r2") = c;
	register long r3 __asm__("r3") = d;
	register long r4 __asm__("r4") = e;
	register long r5 __asm__("r5") = f;

	__asm__ volatile("svc #0"
			 : "+r"(r0)
			 : "r"(r7), "r"(r1), "r"(r2), "r"(r3), "r"(r4), "r"(r5)
			 : "memory");
	*err = r0 < 0 && r0 >= -4095 ? -r0 : 0;
	return r0;
}
#elif defined(__sh__)
/* trapa #0x16 (0x10 + six arguments); number in r3, arguments r4-r7, r0,
 * r1, result r0 (-errno). */
static long sys6(long nr, long a, long b, long c, long d, long e, long f, long *err)
{
	register long r3 __asm__("r3") = nr;
	register long r4 __asm__("r4") = a;
	register long r5 __asm__("r5") = b;
	register long r6 __asm__("r6") = c;
	register long r7 __asm__("r7") = d;
	register long r0 __asm__("r0") = e;
	register long r1 __asm__("r1") = f;

	__asm__ volatile("trapa #0x16"
			 : "+r"(r0)
			 : "r"(r3), "r"(r4), "r"(r5), "r"(r6), "r"(r7), "r"(r1)
			 : "memory");
	*err = r0 < 0 && r0 >= -4095 ? -r0 : 0;
	return r0;
}
#elif defined(__sparc__) && !defined(__arch64__)
/* 32-bit ABI: ta 0x10; number in %g1, arguments %o0-%o5, result %o0: the
 * errno when the carry (icc) is set. */
static long sys6(long nr, long a, long b, long c, long d, long e, long f, long *err)
{
	register long g1 __asm__("g1") = nr;
	register long o0 __asm__("o0") = a;
	register long o1 __asm__("o1") = b;
	register long o2 __asm__("o2") = c;
	register long o3 __asm__("o3") = d;
	register long o4 __asm__("o4") = e;
	register long o5 __asm__("o5") = f;
	long carry;

	__asm__ volatile("ta 0x10\n\taddx %%g0, 0, %1"
			 : "+r"(o0), "=&r"(carry)
			 : "r"(g1), "r"(o1), "r"(o2), "r"(o3), "r"(o4), "r"(o5)
			 : "cc", "memory");
	*err = carry ? o0 : 0;
	return o0;
}
#elif defined(__riscv)
/* ecall; number in a7, arguments a0-a5, result a0 (-errno). */
static long sys6(long nr, long a, long b, long c, long d, long e, long f, long *err)
{
	register long a7 __asm__("a7") = nr;
	register long a0 __asm__("a0") = a;
	register long a1 __asm__("a1") = b;
	register long a2 __asm__("a2") = c;
	register long a3 __asm__("a3") = d;
	register long a4 __asm__("a4") = e;
	register long a5 __asm__("a5") = f;

	__asm__ volatile("ecall"
			 : "+r"(a0)
			 : "r"(a7), "r"(a1), "r"(a2), "r"(a3), "r"(a4), "r"(a5)
			 : "memory");
	*err = a0 < 0 && a0 >= -4095 ? -a0 : 0;
	return a0;
}
#elif defined(__hexagon__)
/* trap0(#1); number in r6, arguments r0-r5, result r0 (-errno). */
static long sys6(long nr, long a, long b, long c, long d, long e, long f, long *err)
{
	register long r6 __asm__("r6") = nr;
	register long r0 __asm__("r0") = a;
	register long r1 __asm__("r1") = b;
	register long r2 __asm__("r2") = c;
	register long r3 __asm__("r3") = d;
	register long r4 __asm__("r4") = e;
	register long r5 __asm__("r5") = f;

	__asm__ volatile("trap0(#1)"
			 : "+r"(r0)
			 : "r"(r6), "r"(r1), "r"(r2), "r"(r3), "r"(r4), "r"(r5)
			 : "memory");
	*err = r0 < 0 && r0 >= -4095 ? -r0 : 0;
	return r0;
}
#elif defined(__loongarch__)
/* syscall 0; number in $a7, arguments $a0-$a5, result $a0 (-errno); the
 * kernel may clobber $t0-$t8. */
static long sys6(long nr, long a, long b, long c, long d, long e, long f, long *err)
{
	register long a7 __asm__("$a7") = nr;
	register long a0 __asm__("$a0") = a;
	register long a1 __asm__("$a1") = b;
	register long a2 __asm__("$a2") = c;
	register long a3 __asm__("$a3") = d;
	register long a4 __asm__("$a4") = e;
	register long a5 __asm__("$a5") = f;

	__asm__ volatile("syscall 0"
			 : "+r"(a0)
			 : "r"(a7), "r"(a1), "r"(a2), "r"(a3), "r"(a4), "r"(a5)
			 : "$t0", "$t1", "$t2", "$t3", "$t4", "$t5", "$t6", "$t7", "$t8", "memory");
	*err = a0 < 0 && a0 >= -4095 ? -a0 : 0;
	return a0;
}
#elif defined(__or1k__)
/* l.sys 1; number in r11, arguments r3-r8, result r11 (-errno); the kernel
 * may clobber r12 and the odd registers from r13. */
static long sys6(long nr, long a, long b, long c, long d, long e, long f, long *err)
{
	register long r11 __asm__("r11") = nr;
	register long r3 __asm__("r3") = a;
	register long r4 __asm__("r4") = b;
	register long r5 __asm__("r5") = c;
	register long r6 __asm__("r6") = d;
	register long r7 __asm__("r7") = e;
	register long r8 __asm__("r8") = f;

	__asm__ volatile("l.sys 1"
			 : "+r"(r11)
			 : "r"(r3), "r"(r4), "r"(r5), "r"(r6), "r"(r7), "r"(r8)
			 : "r12", "r13", "r15", "r17", "r19", "r21", "r23", "r25", "r27", "r29",
			   "r31", "memory");
	*err = r11 < 0 && r11 >= -4095 ? -r11 : 0;
	return r11;
}
#elif defined(__XTENSA__)
/* syscall; number in a2, arguments a6, a3, a4, a5, a8, a9, result a2 (-errno). */
static long sys6(long nr, long a, long b, long c, long d, long e, long f, long *err)
{
	register long a2 __asm__("a2") = nr;
	register long a6 __asm__("a6") = a;
	register long a3 __asm__("a3") = b;
	register long a4 __asm__("a4") = c;
	register long a5 __asm__("a5") = d;
	register long a8 __asm__("a8") = e;
	register long a9 __asm__("a9") = f;

	__asm__ volatile("syscall"
			 : "+r"(a2)
			 : "r"(a6), "r"(a3), "r"(a4), "r"(a5), "r"(a8), "r"(a9)
			 : "memory");
	*err = a2 < 0 && a2 >= -4095 ? -a2 : 0;
	return a2;
}
#elif defined(__alpha__)
/* callsys; number in $0, arguments $16-$21, result $0: the errno when $19
 * (a3) is set; the PALcode call clobbers the temporaries. */
static long sys6(long nr, long a, long b, long c, long d, long e, long f, long *err)
{
	register long v0 __asm__("$0") = nr;
	register long a0 __asm__("$16") = a;
	register long a1 __asm__("$17") = b;
	register long a2 __asm__("$18") = c;
	register long a3 __asm__("$19") = d;
	register long a4 __asm__("$20") = e;
	register long a5 __asm__("$21") = f;

	__asm__ volatile("callsys"
			 : "+r"(v0), "+r"(a0), "+r"(a1), "+r"(a2), "+r"(a3), "+r"(a4), "+r"(a5)
			 :
			 : "$1", "$2", "$3", "$4", "$5", "$6", "$7", "$8", "$22", "$23", "$24",
			   "$25", "$27", "$28", "memory");
	*err = a3 ? v0 : 0;
	return v0;
}
#else
#error "syscalls.c: no system call sequence for this architecture"
#endif

/* @v (below 10000) in decimal at @line + *@n: by subtraction, no division. */
static void put_dec(char *line, int *n, long v)
{
	int th = 0, h = 0, t = 0;

	while (v >= 1000)
		v -= 1000, th++;
	while (v >= 100)
		v -= 100, h++;
	while (v >= 10)
		v -= 10, t++;
	if (th)
		line[(*n)++] = (char)('0' + th);
	if (th || h)
		line[(*n)++] = (char)('0' + h);
	if (th || h || t)
		line[(*n)++] = (char)('0' + t);
	line[(*n)++] = (char)('0' + v);
}

/* "INDEX RESULT\n", built on the stack. */
static void say(int k, long err, int none)
{
	char line[24];
	long ignored;
	int n = 0;

	put_dec(line, &n, k);
	line[n++] = ' ';
	if (none) {
		line[n++] = 'n';
		line[n++] = 'o';
		line[n++] = 'n';
		line[n++] = 'e';
	} else if (!err) {
		line[n++] = 'o';
		line[n++] = 'k';
	} else {
		put_dec(line, &n, err);
	}
	line[n++] = '\n';
	sys6(__NR_write, 1, (long)line, n, 0, 0, 0, &ignored);
}

static void one(int k, long nr, long a1, long a2, long a3, long a4, long a5, long a6)
{
	long err;

	if (nr == NONE) {
		say(k, 0, 1);
		return;
	}
	sys6(nr, a1, a2, a3, a4, a5, a6, &err);
	say(k, err, 0);
}
#endif

/* One call: its name, how many arguments it takes, the six words passed. */
#define C(name, nargs, a1, a2, a3, a4, a5, a6)                                                     \
	one(k++, __NR_##name, (long)(a1), (long)(a2), (long)(a3), (long)(a4), (long)(a5),         \
	    (long)(a6))

static void calls(void)
{
	int k = 0;

	C(openat, 4, -1, 0, 0, 0, 0, 0);
	C(name_to_handle_at, 5, -1, 0, 0, 0, 0, 0);
	C(getrandom, 3, 0, 0, 1, 0, 0, 0);
	C(memfd_create, 2, 0, 0, 0, 0, 0, 0);
	C(membarrier, 3, 0, 0, 0, 0, 0, 0);
	C(copy_file_range, 6, -1, 0, -1, 0, 0, 0);
	C(statx, 5, -1, 0, 0, 0, 0, 0);
	C(rseq, 4, 0, 0, 0, 0, 0, 0);
	C(pidfd_send_signal, 4, -1, 0, 0, 0, 0, 0);
	C(io_uring_setup, 2, 0, 0, 0, 0, 0, 0);
	C(io_uring_enter, 6, -1, 0, 0, 0, 0, 0);
	C(io_uring_register, 4, -1, 0, 0, 0, 0, 0);
	C(open_tree, 3, -1, 0, 0, 0, 0, 0);
	C(move_mount, 5, -1, 0, -1, 0, 0, 0);
	C(fsopen, 2, 0, 0, 0, 0, 0, 0);
	C(fsconfig, 5, -1, 0, 0, 0, 0, 0);
	C(fsmount, 3, -1, 0, 0, 0, 0, 0);
	C(fspick, 3, -1, 0, 0, 0, 0, 0);
	C(pidfd_open, 2, 0, 0, 0, 0, 0, 0);
	C(clone3, 2, 0, 0, 0, 0, 0, 0);
	C(close_range, 3, 0xffffffff, 0, 0, 0, 0, 0);
	C(openat2, 4, -1, 0, 0, 0, 0, 0);
	C(pidfd_getfd, 3, -1, -1, 0, 0, 0, 0);
	C(faccessat2, 4, -1, 0, 0, 0, 0, 0);
	C(process_madvise, 5, -1, 0, 0, 0, 0, 0);
	C(epoll_pwait2, 6, -1, 0, 0, 0, 0, 0);
	C(mount_setattr, 5, -1, 0, 0, 0, 0, 0);
	C(quotactl_fd, 4, -1, 0, 0, 0, 0, 0);
	C(landlock_create_ruleset, 3, 0, 0, 0, 0, 0, 0);
	C(landlock_add_rule, 4, -1, 0, 0, 0, 0, 0);
	C(landlock_restrict_self, 2, -1, 0, 0, 0, 0, 0);
	C(memfd_secret, 1, 0x80000000, 0, 0, 0, 0, 0);
	C(process_mrelease, 2, -1, 0, 0, 0, 0, 0);
	C(futex_waitv, 5, 0, 0, 0, 0, 0, 0);
	C(set_mempolicy_home_node, 4, 0, 0, 0, 1, 0, 0);
	C(cachestat, 4, -1, 0, 0, 0, 0, 0);
	C(fchmodat2, 4, -1, 0, 0, 0, 0, 0);
	C(map_shadow_stack, 3, 0, 0, 0x80000000, 0, 0, 0);
	C(futex_wake, 4, 0, 0, 0, 0, 0, 0);
	C(futex_wait, 6, 0, 0, 0, 0, 0, 0);
	C(futex_requeue, 4, 0, 0, 0, 0, 0, 0);
	C(statmount, 4, 0, 0, 0, 0, 0, 0);
	C(listmount, 4, 0, 0, 0, 0, 0, 0);
	C(lsm_get_self_attr, 4, 0, 0, 0, 0, 0, 0);
	C(lsm_set_self_attr, 4, 0, 0, 0, 0, 0, 0);
	C(lsm_list_modules, 3, 0, 0, 0, 0, 0, 0);
	C(mseal, 3, 0, 0, 0x80000000, 0, 0, 0);
	C(setxattrat, 6, -1, 0, 0, 0, 0, 0);
	C(getxattrat, 6, -1, 0, 0, 0, 0, 0);
	C(listxattrat, 5, -1, 0, 0, 0, 0, 0);
	C(removexattrat, 4, -1, 0, 0, 0, 0, 0);
	C(open_tree_attr, 5, -1, 0, 0, 0, 0, 0);
	C(file_getattr, 5, -1, 0, 0, 0, 0, 0);
	C(file_setattr, 5, -1, 0, 0, 0, 0, 0);
	C(listns, 4, 0, 0, 0, 0, 0, 0);
	C(rseq_slice_yield, 0, 0, 0, 0, 0, 0, 0);
}

#ifndef NOLIBC
int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	calls();
	return 0;
}
#else
#if defined(__alpha__)
/*
 * Alpha reaches functions and globals through GP, which each procedure
 * sets from its own address in $27; the kernel starts _start with none:
 * set it as a call would, then call the C entry through it.
 */
__asm__(".globl _start\n"
	"_start:\n"
	"\tbr $27, 0f\n"
	"0:\tldgp $29, 0($27)\n"
	"\tjsr $26, entry\n");
#define ENTRY entry
#else
#define ENTRY _start
#endif
void ENTRY(void);
void ENTRY(void)
{
	long ignored;

	calls();
	sys6(__NR_exit, 0, 0, 0, 0, 0, 0, &ignored);
	for (;;)
		;
}
#endif
