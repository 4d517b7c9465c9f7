/*
 * Hello World without a C library, for the targets where Debian 12 has a
 * compiler but no C library QEMU runs: alpha and sh4 (Debian 12's QEMU 7.2
 * cannot start glibc's static programs: segmentation fault at start-up,
 * start-up that never ends), the big-endian variants whose Linux C library
 * Debian does not build (aarch64_be, armeb, sh4eb), 32-bit SPARC V8 (its
 * glibc is V8+), riscv32, Hexagon and LoongArch (clang only), OpenRISC and
 * Xtensa (bare-metal compilers).  Only the two system calls are written
 * out; the message is built on the stack: no global data, so no GOT or GP
 * set-up is needed at _start.
 *
 * Each block gives the Linux system call convention of one architecture:
 * the instruction, where the number and the arguments go, and the numbers
 * of write and exit, from the kernel's table for that architecture
 * (arch/ARCH/kernel/syscalls/syscall.tbl, or include/uapi/asm-generic/
 * unistd.h for the architectures that use the generic table) and the
 * syscall(2) manual page's "Architecture calling conventions".
 */
#if defined(__aarch64__)
/* svc #0; number in x8, arguments x0-x5, result x0.  Generic table. */
#define NR_WRITE 64
#define NR_EXIT	 93
static long syscall3(long nr, long a, long b, long c)
{
	register long x8 __asm__("x8") = nr;
	register long x0 __asm__("x0") = a;
	register long x1 __asm__("x1") = b;
	register long x2 __asm__("x2") = c;

	__asm__ volatile("svc #0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2) : "memory");
	return x0;
}
#elif defined(__arm__)
/* EABI: svc #0; number in r7, arguments r0-r6, result r0.
 * arch/arm/tools/syscall.tbl: write 4, exit 1. */
#define NR_WRITE 4
#define NR_EXIT	 1
static long syscall3(long nr, long a, long b, long c)
{
	register long r7 __asm__("r7") = nr;
	register long r0 __asm__("r0") = a;
	register long r1 __asm__("r1") = b;
	register long r2 __asm__("r2") = c;

	__asm__ volatile("svc #0" : "+r"(r0) : "r"(r7), "r"(r1), "r"(r2) : "memory");
	return r0;
}
#elif defined(__sh__)
/* trapa #0x10 + number of arguments; number in r3, arguments r4-r7 (then
 * r0, r1), result r0.  arch/sh/kernel/syscalls/syscall.tbl: write 4, exit 1. */
#define NR_WRITE 4
#define NR_EXIT	 1
static long syscall3(long nr, long a, long b, long c)
{
	register long r3 __asm__("r3") = nr;
	register long r4 __asm__("r4") = a;
	register long r5 __asm__("r5") = b;
	register long r6 __asm__("r6") = c;
	register long r0 __asm__("r0");

	__asm__ volatile("trapa #0x13" : "=r"(r0) : "r"(r3), "r"(r4), "r"(r5), "r"(r6) : "memory");
	return r0;
}
#elif defined(__sparc__) && !defined(__arch64__)
/* 32-bit ABI: ta 0x10; number in %g1, arguments %o0-%o5, result %o0 (the
 * carry flag set on error).  arch/sparc/kernel/syscalls/syscall.tbl:
 * write 4, exit 1. */
#define NR_WRITE 4
#define NR_EXIT	 1
static long syscall3(long nr, long a, long b, long c)
{
	register long g1 __asm__("g1") = nr;
	register long o0 __asm__("o0") = a;
	register long o1 __asm__("o1") = b;
	register long o2 __asm__("o2") = c;

	__asm__ volatile("ta 0x10" : "+r"(o0) : "r"(g1), "r"(o1), "r"(o2) : "cc", "memory");
	return o0;
}
#elif defined(__riscv)
/* ecall; number in a7, arguments a0-a5, result a0.  Generic table. */
#define NR_WRITE 64
#define NR_EXIT	 93
static long syscall3(long nr, long a, long b, long c)
{
	register long a7 __asm__("a7") = nr;
	register long a0 __asm__("a0") = a;
	register long a1 __asm__("a1") = b;
	register long a2 __asm__("a2") = c;

	__asm__ volatile("ecall" : "+r"(a0) : "r"(a7), "r"(a1), "r"(a2) : "memory");
	return a0;
}
#elif defined(__hexagon__)
/* trap0(#1); number in r6, arguments r0-r5, result r0.  Generic table. */
#define NR_WRITE 64
#define NR_EXIT	 93
static long syscall3(long nr, long a, long b, long c)
{
	register long r6 __asm__("r6") = nr;
	register long r0 __asm__("r0") = a;
	register long r1 __asm__("r1") = b;
	register long r2 __asm__("r2") = c;

	__asm__ volatile("trap0(#1)" : "+r"(r0) : "r"(r6), "r"(r1), "r"(r2) : "memory");
	return r0;
}
#elif defined(__loongarch__)
/* syscall 0; number in $a7, arguments $a0-$a6, result $a0; the kernel may
 * clobber the temporaries $t0-$t8.  Generic table. */
#define NR_WRITE 64
#define NR_EXIT	 93
static long syscall3(long nr, long a, long b, long c)
{
	register long a7 __asm__("$a7") = nr;
	register long a0 __asm__("$a0") = a;
	register long a1 __asm__("$a1") = b;
	register long a2 __asm__("$a2") = c;

	__asm__ volatile("syscall 0"
			 : "+r"(a0)
			 : "r"(a7), "r"(a1), "r"(a2)
			 : "$t0", "$t1", "$t2", "$t3", "$t4", "$t5", "$t6", "$t7", "$t8", "memory");
	return a0;
}
#elif defined(__or1k__)
/* l.sys 1; number in r11, arguments r3-r8, result r11; the kernel may
 * clobber the call-clobbered registers (r12, and the odd ones from r13).
 * Generic table. */
#define NR_WRITE 64
#define NR_EXIT	 93
static long syscall3(long nr, long a, long b, long c)
{
	register long r11 __asm__("r11") = nr;
	register long r3 __asm__("r3") = a;
	register long r4 __asm__("r4") = b;
	register long r5 __asm__("r5") = c;

	__asm__ volatile("l.sys 1"
			 : "+r"(r11)
			 : "r"(r3), "r"(r4), "r"(r5)
			 : "r12", "r13", "r15", "r17", "r19", "r21", "r23", "r25", "r27", "r29",
			   "r31", "memory");
	return r11;
}
#elif defined(__XTENSA__)
/* syscall; number in a2, arguments a6, a3, a4, a5, a8, a9, result a2.
 * arch/xtensa/kernel/syscalls/syscall.tbl: write 13, exit 118. */
#define NR_WRITE 13
#define NR_EXIT	 118
static long syscall3(long nr, long a, long b, long c)
{
	register long a2 __asm__("a2") = nr;
	register long a6 __asm__("a6") = a;
	register long a3 __asm__("a3") = b;
	register long a4 __asm__("a4") = c;

	__asm__ volatile("syscall" : "+r"(a2) : "r"(a6), "r"(a3), "r"(a4) : "memory");
	return a2;
}
#elif defined(__alpha__)
/* callsys; number in $0, arguments $16-$21, result $0 ($19 set on error);
 * the PALcode call clobbers the temporaries.
 * arch/alpha/kernel/syscalls/syscall.tbl: write 4, exit 1. */
#define NR_WRITE 4
#define NR_EXIT	 1
static long syscall3(long nr, long a, long b, long c)
{
	register long v0 __asm__("$0") = nr;
	register long a0 __asm__("$16") = a;
	register long a1 __asm__("$17") = b;
	register long a2 __asm__("$18") = c;

	__asm__ volatile("callsys"
			 : "+r"(v0), "+r"(a0), "+r"(a1), "+r"(a2)
			 :
			 : "$1", "$2", "$3", "$4", "$5", "$6", "$7", "$8", "$19", "$20", "$21",
			   "$22", "$23", "$24", "$25", "$27", "$28", "memory");
	return v0;
}
#else
#error "hello-nolibc.c: no system call sequence for this architecture"
#endif

void _start(void)
{
	volatile char msg[13];

	msg[0] = 'H', msg[1] = 'e', msg[2] = 'l', msg[3] = 'l', msg[4] = 'o', msg[5] = ' ';
	msg[6] = 'W', msg[7] = 'o', msg[8] = 'r', msg[9] = 'l', msg[10] = 'd', msg[11] = '!';
	msg[12] = '\n';
	syscall3(NR_WRITE, 1, (long)msg, sizeof(msg));
	syscall3(NR_EXIT, 0, 0, 0);
	for (;;)
		;
}
