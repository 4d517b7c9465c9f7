/* SPDX-License-Identifier: MIT */
/*
 * Fault injection for the cli tests (LD_PRELOAD, the sanitizer builds of
 * qus and qus-build): the kernel's answers that a healthy kernel does not
 * give on demand.  Only writes to a binfmt_misc file and exchanging
 * renames are touched:
 *
 *   QUS_FAULT_REGISTER_FAIL=N    the Nth register write fails (1 = first)
 *   QUS_FAULT_ERRNO=NUM          ... with this errno (default EIO)
 *   QUS_FAULT_REJECT_FLAG=X      every register string whose flags contain
 *                                letter X fails with EINVAL, as a kernel
 *                                without that flag answers
 *   QUS_FAULT_SIGNAL_ON_REMOVE=N right after an entry is removed ("-1"),
 *                                signal N arrives (as a Ctrl-C would)
 *   QUS_FAULT_NO_EXCHANGE=1      renameat2(RENAME_EXCHANGE) fails with EINVAL,
 *                                as on a file system without it (NFS)
 *
 * A test helper, not part of qus: a preload is the one way to make the
 * kernel's write fail at a chosen point without changing the program.
 */
#include <dlfcn.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

ssize_t write(int fd, const void *buf, size_t count);
int renameat2(int olddirfd, const char *oldpath, int newdirfd, const char *newpath, unsigned flags);

static int is_register_file(int fd)
{
	char link[64], path[4096];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, path, sizeof(path) - 1);
	if (n < 0)
		return 0;
	path[n] = '\0';
	n = (ssize_t)strlen(path);
	return n >= 9 && !strcmp(path + n - 9, "/register");
}

/* The flags field: what follows the last ':' of ":name:type:off:magic:mask:interp:flags". */
static int has_flag(const char *buf, size_t count, char flag)
{
	const char *colon = NULL;

	for (size_t i = 0; i < count; i++)
		if (buf[i] == ':')
			colon = buf + i;
	if (!colon)
		return 0;
	return memchr(colon, flag, count - (size_t)(colon - buf)) != NULL;
}

ssize_t write(int fd, const void *buf, size_t count)
{
	static ssize_t (*real_write)(int, const void *, size_t);
	static unsigned nth;
	const char *fail_at = getenv("QUS_FAULT_REGISTER_FAIL");
	const char *flag = getenv("QUS_FAULT_REJECT_FLAG");
	const char *err = getenv("QUS_FAULT_ERRNO");
	const char *sig = getenv("QUS_FAULT_SIGNAL_ON_REMOVE");

	if (!real_write) {
		/* POSIX's way to a function from dlsym (ISO C has no such conversion). */
		void *sym = dlsym(RTLD_NEXT, "write");

		memcpy(&real_write, &sym, sizeof(sym));
	}
	if (sig && count == 2 && !memcmp(buf, "-1", 2) && fd > 2) {
		ssize_t n = real_write(fd, buf, count);

		kill(getpid(), atoi(sig));
		return n;
	}
	if ((fail_at || flag) && fd > 2 && is_register_file(fd)) {
		nth++;
		if (flag && flag[0] && has_flag(buf, count, flag[0])) {
			errno = EINVAL;
			return -1;
		}
		if (fail_at && nth == (unsigned)atoi(fail_at)) {
			errno = err ? atoi(err) : EIO;
			return -1;
		}
	}
	return real_write(fd, buf, count);
}

int renameat2(int olddirfd, const char *oldpath, int newdirfd, const char *newpath, unsigned flags)
{
	static int (*real_renameat2)(int, const char *, int, const char *, unsigned);

	if (getenv("QUS_FAULT_NO_EXCHANGE") && (flags & RENAME_EXCHANGE)) {
		errno = EINVAL;
		return -1;
	}
	if (!real_renameat2) {
		void *sym = dlsym(RTLD_NEXT, "renameat2");

		memcpy(&real_renameat2, &sym, sizeof(sym));
	}
	return real_renameat2(olddirfd, oldpath, newdirfd, newpath, flags);
}
