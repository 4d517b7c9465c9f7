/* SPDX-License-Identifier: MIT */
/*
 * The command-line layer: the only code that prints diagnostics and chooses
 * exit statuses.  Core modules return -errno or result enums; commands turn
 * them into one-line messages that say what failed, on what, and what to do.
 */
#ifndef QUS_CLI_H
#define QUS_CLI_H

#include <stdbool.h>
#include <stdnoreturn.h>

#include "host.h"
#include "plan.h"

enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2 };

/*
 * `qus run` passes the command's own exit status through, so its own
 * failures use the statuses of env(1), chroot(1) and podman run: 125 qus
 * failed, 126 the command cannot be executed, 127 it was not found.
 */
enum { EXIT_RUN_FAIL = 125, EXIT_CANNOT_EXEC = 126, EXIT_NOT_FOUND = 127 };

#define PRINTF(a, b) __attribute__((format(printf, a, b)))

/* How the command-line layer ends the process: exit(). */
noreturn void cli_exit(int status);

/* The whole command line, as main() gets it; src/qus/main.c is only this call. */
int qus_main(int argc, char **argv);

/* "qus: <message>" on stderr. */
void warn(const char *fmt, ...) PRINTF(1, 2);
/* "qus: <message>: <strerror(err)><hint>"; @err may be negative, @hint NULL. */
void warn_err(int err, const char *hint, const char *fmt, ...) PRINTF(3, 4);
noreturn void die(int status, const char *fmt, ...) PRINTF(2, 3);
/* Saves errno before anything else can change it. */
noreturn void die_errno(int status, const char *fmt, ...) PRINTF(2, 3);
/* Usage error: the message, a pointer to --help, exit status 2. */
noreturn void die_usage(const char *fmt, ...) PRINTF(1, 2);

struct qus_ctx {
	const char *binfmt_dir; /* --binfmt-dir */
	struct qus_host host;
};

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

enum binfmt_access { BINFMT_READ, BINFMT_WRITE };

/*
 * Open the binfmt_misc directory.  BINFMT_WRITE mounts binfmt_misc if the
 * directory is empty and says so.  Returns the directory fd; -ENODEV (no
 * message) if it is not mounted and @access is BINFMT_READ; -1 after printing
 * an error otherwise.
 */
int cli_binfmt_open(struct qus_ctx *ctx, enum binfmt_access access);

/* What to do about an errno from writing to binfmt_misc, or "". */
const char *binfmt_hint(int err);

/*
 * Whether -@err from a write concerns binfmt_misc as a whole (read-only, no
 * permission): every further write fails alike, so it is said once.
 */
bool binfmt_refuses_all(int err);

/* The same for registering an entry with @flags on host @h: also names flags the kernel lacks. */
const char *register_error_hint(int err, unsigned flags, const struct qus_host *h);

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
/* clang-format on */

struct entry_opts {
	const char *qemu_dir;
	const char *qemu_suffix;
	bool exact; /* --flags given: use exactly these */
	unsigned exact_flags;
	unsigned set;	/* --persistent etc. */
	unsigned clear; /* --no-persistent etc. */
	bool include_native;
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
	const char *qemu_suffix;
	unsigned flags;
	bool include_native;
};

/* After getopt: the targets from the remaining @args, the flags resolved. */
void entry_opts_finish(const struct qus_ctx *ctx, const struct entry_opts *o, char *const *args,
		       int count, struct entry_choice *out);

struct reg_request {
	struct entry_choice what;
	bool replace; /* re-register identical entries (F re-opens the emulator) */
	bool dry_run;
	bool quiet;
	/*
	 * Targets chosen as "all": leave out, silently, those whose emulator
	 * is not installed (`qus run` registers what it can use).
	 */
	bool skip_absent;
};
/* EXIT_OK or EXIT_FAIL; *@registered (if not NULL): entries now in place. */
int run_register(struct qus_ctx *ctx, const struct reg_request *req, unsigned *registered);

/*
 * Remove qemu-<t> for the targets in @set, or every qemu-* entry if @all.
 * EXIT_OK, EXIT_FAIL (an entry could not be removed), or -1 if binfmt_misc
 * could not be opened at all (reported).
 */
int run_unregister(struct qus_ctx *ctx, const struct target_set *set, bool all, bool quiet);

struct export_request {
	struct entry_choice what;
	int format; /* enum export_format */
	const char *dir;
	bool quiet;
};
int run_export(struct qus_ctx *ctx, const struct export_request *req);

/*
 * Run the command named by argv[0] (qus.c's table), with getopt reset.
 * Returns its exit status, or -1 if argv[0] is not a command.
 */
int dispatch_command(struct qus_ctx *ctx, int argc, char **argv);

void print_version(void);

/* Commands (cmd_*.c); each parses its own options. */
int cmd_register(struct qus_ctx *ctx, int argc, char **argv);
int cmd_unregister(struct qus_ctx *ctx, int argc, char **argv);
int cmd_status(struct qus_ctx *ctx, int argc, char **argv);
int cmd_detect(struct qus_ctx *ctx, int argc, char **argv);
int cmd_export(struct qus_ctx *ctx, int argc, char **argv);
int cmd_targets(struct qus_ctx *ctx, int argc, char **argv);
int cmd_run(struct qus_ctx *ctx, int argc, char **argv);
int cmd_check(struct qus_ctx *ctx, int argc, char **argv);
/* The options-only interface of the register image (qemu-binfmt-conf.sh + register.sh). */
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

#endif
