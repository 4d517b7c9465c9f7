/* SPDX-License-Identifier: MIT */
/*
 * rawexec PROGRAM [ARG...]: execve(2) PROGRAM, nothing else, and say the
 * kernel's error if it refuses.
 *
 * Shells and execvp(3) answer ENOEXEC by running the file as a shell script,
 * so a foreign program with no binfmt_misc entry to take it fails with a
 * syntax error rather than "Exec format error".  The tests want the kernel's
 * own answer (tests/system/automount.sh: an entry gone with its mount).
 * Exit status: PROGRAM's, or 126 when the kernel refused it, as in sh.
 * A test helper, not part of qus.
 */
#include <stdio.h>
#include <string.h>
#include <errno.h>
#include <unistd.h>

extern char **environ;

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: rawexec PROGRAM [ARG...]\n");
		return 2;
	}
	execve(argv[1], argv + 1, environ);
	fprintf(stderr, "rawexec: %s: %s\n", argv[1], strerror(errno));
	return 126;
}
