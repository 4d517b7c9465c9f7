/* SPDX-License-Identifier: MIT */
/*
 * What every command of qus is given: the options all of them take and the
 * host, found once by the dispatcher (qus.c).
 */
#ifndef QUS_CONTEXT_H
#define QUS_CONTEXT_H

#include <stdbool.h>

#include "host.h"

struct qus_ctx {
	const char *binfmt_dir; /* --binfmt-dir */
	struct qus_host host;
	/* --keep: this process stays, and with it its container and that one's mounts. */
	bool keeping;
	/* -q: notes (what was mounted) are not said, only errors and warnings. */
	bool quiet;
	/* --userns, --podman, --docker: the process whose namespaces this one joined, or 0. */
	long joined;
};

#endif
