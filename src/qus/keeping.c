/* SPDX-License-Identifier: MIT */
#include "keeping.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "binfmt.h"
#include "diag.h"
#include "util.h"

unsigned long keep_parse(const char *command, const char *arg)
{
	unsigned long seconds = KEEP_DEFAULT_SECONDS;

	if (arg && (parse_uint(arg, 86400, &seconds) < 0 || seconds == 0))
		die_usage("%s: --keep wants whole seconds, 1 to 86400, not '%s'", command, arg);
	return seconds;
}

/*
 * Why a process: since Linux 6.7 entries live only as long as a mount of
 * binfmt_misc does, so an automount that expires, or a container's own
 * mount when the container ends, takes them along.  An open directory
 * keeps an automount busy (it never expires), and a running process keeps
 * its container, and with it that mount.  What removes or adds entries
 * meanwhile (another tool, a --reset) is undone within one interval.
 */
int keep_until_stopped(struct qus_ctx *ctx, unsigned long seconds, bool quiet, const char *state,
		       void (*round)(struct qus_ctx *ctx, void *arg), void *arg)
{
	struct timespec interval = { .tv_sec = (time_t)seconds };
	sigset_t stop;
	int fd, sig;

	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGHUP);
	sigprocmask(SIG_BLOCK, &stop, NULL);
	fd = binfmt_open(ctx->binfmt_dir);
	if (fd < 0)
		warn_err(fd, NULL, "--keep: cannot hold %s open", ctx->binfmt_dir);
	if (!quiet)
		printf("qus: keeping the entries %s (every %lus) until stopped\n", state, seconds);
	fflush(stdout);
	for (;;) {
		sig = sigtimedwait(&stop, NULL, &interval);
		if (sig > 0)
			break;
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN)
			die_errno(EXIT_FAIL, "--keep: cannot wait for signals");
		round(ctx, arg);
		fflush(NULL);
	}
	if (!quiet)
		printf("qus: stopped by signal %d; the entries stay %s\n", sig, state);
	if (fd >= 0)
		close(fd);
	return EXIT_OK;
}
