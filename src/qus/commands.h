/* SPDX-License-Identifier: MIT */
/*
 * The commands of qus (cmd_*.c, one file each) and their help texts, which
 * the command table (qus.c) lists.  Each command parses its own options.
 */
#ifndef QUS_COMMANDS_H
#define QUS_COMMANDS_H

#include "context.h"

/* The whole command line, as main() gets it; src/qus/main.c is only this call. */
int qus_main(int argc, char **argv);

int cmd_register(struct qus_ctx *ctx, int argc, char **argv);
int cmd_unregister(struct qus_ctx *ctx, int argc, char **argv);
int cmd_status(struct qus_ctx *ctx, int argc, char **argv);
int cmd_detect(struct qus_ctx *ctx, int argc, char **argv);
int cmd_export(struct qus_ctx *ctx, int argc, char **argv);
int cmd_targets(struct qus_ctx *ctx, int argc, char **argv);
int cmd_run(struct qus_ctx *ctx, int argc, char **argv);
int cmd_check(struct qus_ctx *ctx, int argc, char **argv);
/*
 * tonistiigi/binfmt's interface (docker/setup-qemu-action): `qus binfmt`,
 * and the options-only lines that hold --install, --uninstall or --mount.
 */
int cmd_binfmt(struct qus_ctx *ctx, int argc, char **argv);
/*
 * Options only, no command: the register image's interface
 * (qemu-binfmt-conf.sh behind multiarch's register.sh).  @argv[0] is the
 * program; global options may come first.
 */
int cmd_compat(struct qus_ctx *ctx, int argc, char **argv);

/* Help texts, shared by --help and `qus help`. */
extern const char usage_main[];
extern const char usage_register[];
extern const char usage_unregister[];
extern const char usage_status[];
extern const char usage_detect[];
extern const char usage_export[];
extern const char usage_targets[];
extern const char usage_run[];
extern const char usage_check[];
extern const char usage_binfmt[];

#endif
