/* SPDX-License-Identifier: MIT */
/*
 * Options shared by commands: those every command takes, the target
 * arguments, and the options that choose entries (`register`, `export`,
 * `run` and the register image's options-only mode).
 */
#ifndef QUS_OPTIONS_H
#define QUS_OPTIONS_H

#include <getopt.h>
#include <stdbool.h>

#include "context.h"
#include "plan.h"

/* The options every command takes. */
#define OPT_BINFMT_DIR 0x1000
/* clang-format off */
#define COMMON_LONGOPTS                                                                    \
	{ "binfmt-dir", required_argument, NULL, OPT_BINFMT_DIR },                         \
	{ "help", no_argument, NULL, 'h' },                                                \
	{ "version", no_argument, NULL, 'V' }
/* clang-format on */

/*
 * Handle an option of COMMON_LONGOPTS, or report an unknown option or a
 * missing value (getopt's ':' and '?', with opterr = 0 and optstrings that
 * start with ':') as a usage error of command @cmd.
 */
void common_option(struct qus_ctx *ctx, int c, char **argv, const char *cmd, const char *usage);

/* Parse target arguments or exit with a usage error naming the unknown one. */
void parse_targets_or_die(char *const *names, int count, struct target_set *set);

/* --host TARGET */
void override_host_or_die(struct qus_ctx *ctx, const char *name);

/*
 * Options that choose the entries, shared by `register` and `export`:
 * where the emulators are, which flags, native targets, host override.
 */
enum {
	OPT_QEMU_PATH = 0x1100,
	OPT_QEMU_SUFFIX,
	OPT_FLAGS,
	OPT_PERSISTENT,
	OPT_NO_PERSISTENT,
	OPT_PRESERVE,
	OPT_NO_PRESERVE,
	OPT_OPEN_BINARY,
	OPT_NO_OPEN_BINARY,
	OPT_CREDENTIAL,
	OPT_NO_CREDENTIAL,
	OPT_INCLUDE_NATIVE,
	OPT_HOST,
	OPT_TAKE_OVER,
};
/* clang-format off */
#define ENTRY_LONGOPTS                                                                     \
	{ "qemu-path", required_argument, NULL, OPT_QEMU_PATH },                           \
	{ "qemu-suffix", required_argument, NULL, OPT_QEMU_SUFFIX },                       \
	{ "flags", required_argument, NULL, OPT_FLAGS },                                   \
	{ "persistent", optional_argument, NULL, OPT_PERSISTENT },                         \
	{ "no-persistent", no_argument, NULL, OPT_NO_PERSISTENT },                         \
	{ "preserve-argv0", optional_argument, NULL, OPT_PRESERVE },                       \
	{ "no-preserve-argv0", no_argument, NULL, OPT_NO_PRESERVE },                       \
	{ "open-binary", optional_argument, NULL, OPT_OPEN_BINARY },                       \
	{ "no-open-binary", no_argument, NULL, OPT_NO_OPEN_BINARY },                       \
	{ "credential", optional_argument, NULL, OPT_CREDENTIAL },                         \
	{ "no-credential", no_argument, NULL, OPT_NO_CREDENTIAL },                         \
	{ "include-native", no_argument, NULL, OPT_INCLUDE_NATIVE },                       \
	{ "host", required_argument, NULL, OPT_HOST }
/*
 * Where other emulators can be registered already: `register` and
 * `export` (not `qus run`, whose binfmt_misc is new and empty).
 */
#define TAKE_OVER_LONGOPT                                                                  \
	{ "take-over", no_argument, NULL, OPT_TAKE_OVER }
/* clang-format on */

struct entry_opts {
	const char *qemu_dir;
	const char *qemu_suffix; /* NULL: qemu-T-static, else qemu-T (emulator_find) */
	bool exact;		 /* --flags given: use exactly these */
	unsigned exact_flags;
	unsigned set;	/* --persistent etc. */
	unsigned clear; /* --no-persistent etc. */
	bool include_native;
	bool take_over;
};

void entry_opts_init(struct entry_opts *o);
/* Handle one ENTRY_LONGOPTS option; false if @c is not one of them. */
bool entry_option(struct qus_ctx *ctx, struct entry_opts *o, int c, const char *arg);
/* The flags to use: --flags, else the defaults for this kernel with --[no-]X applied. */
unsigned entry_opts_flags(const struct qus_ctx *ctx, const struct entry_opts *o);

/* What to register or export: the same choice for `register`, `export` and the options-only mode.
 */
struct entry_choice {
	struct target_set targets;
	const char *qemu_dir;
	const char *qemu_suffix; /* NULL: search (emulator_find); the options-only mode: -static */
	unsigned flags;
	bool include_native;
	/*
	 * Register targets whose programs another emulator runs (Rosetta,
	 * FEX, box64: handler.h), in front of it; without it they are left
	 * to it.
	 */
	bool take_over;
};

/* After getopt: the targets from the remaining @args, the flags resolved. */
void entry_opts_finish(const struct qus_ctx *ctx, const struct entry_opts *o, char *const *args,
		       int count, struct entry_choice *out);

void print_version(void);

#endif
