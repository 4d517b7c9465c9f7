/* SPDX-License-Identifier: MIT */
/*
 * The exit statuses both programs (qus, qus-build) end with.  The core never
 * exits: this is only the convention its callers share.  A tool that exits 0
 * after a failure is what users of the other installers complain about.
 */
#ifndef QUS_EXIT_STATUS_H
#define QUS_EXIT_STATUS_H

enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2 };

/*
 * `qus run` passes the command's own exit status through, so its own
 * failures use the statuses of env(1), chroot(1) and podman run: 125 qus
 * failed, 126 the command cannot be executed, 127 it was not found.
 */
enum { EXIT_RUN_FAIL = 125, EXIT_CANNOT_EXEC = 126, EXIT_NOT_FOUND = 127 };

#endif
