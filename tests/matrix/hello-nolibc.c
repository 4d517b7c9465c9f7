/*
 * Hello World without a C library, for the targets where Debian 12's QEMU
 * 7.2 cannot start glibc's static programs (alpha: segmentation fault at
 * start-up; sh4: start-up never ends).  The same cross compiler builds it;
 * only the two system calls are written out.  The message is built on the
 * stack: no global data, so no GOT or GP set-up is needed at _start.
 */
#if defined(__sh__)
/* trapa #0x10 + number of arguments; number in r3, arguments r4-r6, result r0. */
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
#elif defined(__alpha__)
/* callsys; number in $0, arguments $16-$18; the PALcode call clobbers the temporaries. */
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

/* write and exit have these numbers on both. */
#define NR_WRITE 4
#define NR_EXIT	 1

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
