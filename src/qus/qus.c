/* SPDX-License-Identifier: MIT */
/*
 * qus: register QEMU user-mode emulators with binfmt_misc.
 *
 * The command table below is the whole dispatcher: `qus COMMAND ...` runs a
 * command; options alone are one of the register image's two interfaces:
 * tonistiigi/binfmt's when they hold --install, --uninstall or --mount
 * (`qus --install arm64` is `qus binfmt --install arm64`), else
 * multiarch/qemu-user-static's and QEMU's script's (`qus --reset -p yes`).
 */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "diag.h"
#include "options.h"
#include "paths.h"

/* What a command needs before it runs; the dispatcher provides it once. */
enum {
	NEEDS_HOST = 1 << 0, /* uname and the native-target rule */
};

struct command {
	const char *name;
	int (*run)(struct qus_ctx *ctx, int argc, char **argv);
	const char *usage;
	unsigned needs;
};

static const struct command commands[] = {
	{ "register", cmd_register, usage_register, NEEDS_HOST },
	{ "unregister", cmd_unregister, usage_unregister, 0 },
	{ "status", cmd_status, usage_status, NEEDS_HOST },
	{ "detect", cmd_detect, usage_detect, NEEDS_HOST },
	{ "export", cmd_export, usage_export, NEEDS_HOST },
	{ "targets", cmd_targets, usage_targets, NEEDS_HOST },
	{ "run", cmd_run, usage_run, NEEDS_HOST },
	{ "check", cmd_check, usage_check, NEEDS_HOST },
	{ "binfmt", cmd_binfmt, usage_binfmt, NEEDS_HOST },
};

static const struct command *find_command(const char *name)
{
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

static int run_command(struct qus_ctx *ctx, const struct command *cmd, int argc, char **argv)
{
	if (cmd->needs & NEEDS_HOST) {
		/* Cannot fail in practice; without it nothing is skipped as native. */
		if (host_detect(&ctx->host) < 0)
			warn("cannot tell the host's architecture (uname failed)");
	}
	optind = 0; /* a fresh getopt scan (glibc and musl both reset on 0) */
	return cmd->run(ctx, argc, argv);
}

static int dispatch_command(struct qus_ctx *ctx, int argc, char **argv)
{
	const struct command *cmd = find_command(argv[0]);

	return cmd ? run_command(ctx, cmd, argc, argv) : -1;
}

/*
 * Whether the options-only line is tonistiigi/binfmt's: it holds one of its
 * options, in any of the forms Go's flag package takes (-install,
 * --install, --install=LIST).  None of them is an option of QEMU's script.
 */
static bool binfmt_line(int argc, char **argv)
{
	static const char *const names[] = { "install", "uninstall", "mount" };

	for (int i = 1; i < argc && strcmp(argv[i], "--"); i++) {
		const char *w = argv[i];
		size_t n;

		if (w[0] != '-')
			continue;
		w += w[1] == '-' ? 2 : 1;
		n = strcspn(w, "=");
		for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++)
			if (n == strlen(names[k]) && !strncmp(w, names[k], n))
				return true;
	}
	return false;
}

static int cmd_help(int argc, char **argv)
{
	const struct command *cmd;

	if (argc < 2) {
		fputs(usage_main, stdout);
		return EXIT_OK;
	}
	cmd = find_command(argv[1]);
	if (!cmd)
		die_usage("help: unknown command '%s'", argv[1]);
	fputs(cmd->usage, stdout);
	return EXIT_OK;
}

/*
 * Global options before a command (`qus --binfmt-dir DIR status`): only
 * --binfmt-dir is one.  The index of the word after them, or 0 if the line
 * holds another option (then it is the register image's options-only mode,
 * which parses everything itself).
 */
static int global_options(struct qus_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "binfmt-dir", required_argument, NULL, OPT_BINFMT_DIR },
		{ 0 },
	};
	int c;

	optind = 0;
	/* '+': stop at the first word that is not an option. */
	while ((c = getopt_long(argc, argv, "+:", longopts, NULL)) == OPT_BINFMT_DIR)
		ctx->binfmt_dir = optarg;
	return c == -1 ? optind : 0;
}

int qus_main(int argc, char **argv)
{
	struct qus_ctx ctx = { .binfmt_dir = BINFMT_DEFAULT_DIR };
	int r, first;

	opterr = 0; /* qus reports option errors itself, in its own words */
	if (argc < 2) {
		fputs(usage_main, stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "help"))
		return cmd_help(argc - 1, argv + 1);
	r = dispatch_command(&ctx, argc - 1, argv + 1);
	if (r >= 0)
		return r;
	if (argv[1][0] != '-')
		die_usage("unknown command '%s'", argv[1]);
	/* A word after "--" is a target, never a command. */
	first = global_options(&ctx, argc, argv);
	if (first > 0 && first < argc && strcmp(argv[first - 1], "--")) {
		r = dispatch_command(&ctx, argc - first, argv + first);
		if (r >= 0)
			return r;
	}
	/* Options first: the register image's interfaces. */
	ctx.binfmt_dir = BINFMT_DEFAULT_DIR;
	/* tonistiigi/binfmt's options-only line: `qus binfmt` with those options. */
	if (binfmt_line(argc, argv)) {
		const struct command *binfmt = find_command("binfmt");

		if (binfmt)
			return run_command(&ctx, binfmt, argc, argv);
	}
	optind = 0;
	return cmd_compat(&ctx, argc, argv);
}
