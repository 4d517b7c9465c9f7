/* SPDX-License-Identifier: MIT */
/*
 * What every command of qus is given: the options all of them take and the
 * host, found once by the dispatcher (qus.c).
 */
#ifndef QUS_CONTEXT_H
#define QUS_CONTEXT_H

#include "host.h"

struct qus_ctx {
	const char *binfmt_dir; /* --binfmt-dir */
	struct qus_host host;
};

#endif
