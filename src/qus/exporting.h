/* SPDX-License-Identifier: MIT */
/*
 * Writing the chosen entries as boot-time configuration, what `qus export`
 * and the register image's --systemd/--debian share.
 */
#ifndef QUS_EXPORTING_H
#define QUS_EXPORTING_H

#include <stdbool.h>

#include "context.h"
#include "options.h"

struct export_request {
	struct entry_choice what;
	int format; /* enum export_format */
	const char *dir;
	bool quiet;
};

/* EXIT_OK or EXIT_FAIL, each failure said. */
int export_entries(struct qus_ctx *ctx, const struct export_request *req);

#endif
