/* SPDX-License-Identifier: MIT */
/*
 * --userns PID, --podman and --docker: run a command in a user namespace
 * the caller owns, with that namespace's own binfmt_misc (Linux 6.7), by
 * joining the user and mount namespaces of a process in it (userns.h).
 * One mechanism for every rootless engine: rootless podman's is its pause
 * process, rootless Docker's the rootlesskit child that dockerd runs in.
 */
#ifndef QUS_JOINING_H
#define QUS_JOINING_H

#include <stdbool.h>

#include "context.h"

enum { OPT_USERNS = 0x1500, OPT_PODMAN, OPT_DOCKER };
/* clang-format off */
#define JOIN_LONGOPTS                                                                      \
	{ "userns", required_argument, NULL, OPT_USERNS },                                 \
	{ "podman", no_argument, NULL, OPT_PODMAN },                                       \
	{ "docker", no_argument, NULL, OPT_DOCKER }
/* clang-format on */

enum join_how { JOIN_NONE, JOIN_USERNS, JOIN_PODMAN, JOIN_DOCKER };

struct join_request {
	enum join_how how;
	long pid; /* JOIN_USERNS */
};

/* Handle one JOIN_LONGOPTS option of command @cmd; false if @c is not one. */
bool join_option(struct join_request *j, int c, const char *arg, const char *cmd);

/*
 * Join the namespaces @j names (nothing for JOIN_NONE), or print why not in
 * one line and exit 1.  With @start, rootless podman's pause process is
 * started first if it does not run (`podman unshare true`); without it,
 * there is nothing to join and that is said.  Sets ctx->joined.
 */
void join_or_die(struct qus_ctx *ctx, const struct join_request *j, const char *cmd, bool start);

#endif
