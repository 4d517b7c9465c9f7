/* SPDX-License-Identifier: MIT */
/*
 * Options only, no command: the interface of the seeds' register image.
 * multiarch/qemu-user-static runs register.sh, which removes every qemu-*
 * entry on --reset and then runs QEMU's qemu-binfmt-conf.sh with
 * --qemu-path /usr/bin --qemu-suffix -static and the user's options.  The
 * same command lines work here, with QEMU's semantics: no flags unless asked
 * (-p yes is F, --credential yes is OC, --preserve-argv0 yes is P).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "diag.h"
#include "entry.h"
#include "export.h"
#include "exporting.h"
#include "options.h"
#include "paths.h"
#include "registration.h"
#include "removal.h"
#include "util.h"

/* QEMU's flag options: -c yes is OC, -p yes is F, -g yes is P. */
static const struct {
	int opt;
	unsigned flags;
	const char *name;
} qemu_flag_options[] = {
	{ 'c', QUS_FLAG_O | QUS_FLAG_C, "--credential" },
	{ 'p', QUS_FLAG_F, "--persistent" },
	{ 'g', QUS_FLAG_P, "--preserve-argv0" },
};

enum { OPT_RESET = 0x1400, OPT_COMPAT_TAKE_OVER };

static bool yes_or_die(const char *opt, const char *arg)
{
	bool v;

	if (parse_yes_no(arg, &v) < 0)
		die_usage("%s expects yes or no, not '%s'", opt, arg);
	return v;
}

/* Apply one of qemu_flag_options to @flags; false if @c is not one. */
static bool qemu_flag_option(int c, const char *arg, unsigned *flags)
{
	for (size_t i = 0; i < ARRAY_SIZE(qemu_flag_options); i++) {
		if (c != qemu_flag_options[i].opt)
			continue;
		if (yes_or_die(qemu_flag_options[i].name, arg))
			*flags |= qemu_flag_options[i].flags;
		else
			*flags &= ~qemu_flag_options[i].flags;
		return true;
	}
	return false;
}

/* What the options ask for, parsed before anything is changed. */
struct compat_request {
	bool reset;	       /* --reset: remove every qemu-* entry first */
	bool debian;	       /* --debian: update-binfmts files */
	char *systemd;	       /* --systemd TARGET|ALL: binfmt.d files (an argv word) */
	const char *exportdir; /* --exportdir */
	struct entry_choice what;
};

/* One option of the line into @rq (or @ctx); false if it is not one of ours. */
static bool compat_option(struct qus_ctx *ctx, struct compat_request *rq, int c)
{
	if (qemu_flag_option(c, optarg, &rq->what.flags))
		return true;
	switch (c) {
	case OPT_BINFMT_DIR:
		ctx->binfmt_dir = optarg;
		return true;
	case OPT_RESET:
		rq->reset = true;
		return true;
	case OPT_COMPAT_TAKE_OVER:
		rq->what.take_over = true;
		return true;
	case 'h':
		fputs(usage_main, stdout);
		cli_exit(EXIT_OK);
	case 'V':
		print_version();
		cli_exit(EXIT_OK);
	case 'd':
		rq->debian = true;
		return true;
	case 's':
		rq->systemd = optarg;
		return true;
	case 'Q':
		rq->what.qemu_dir = optarg;
		return true;
	case 'F':
		rq->what.qemu_suffix = optarg;
		return true;
	case 'e':
		rq->exportdir = optarg;
		return true;
	case 'i':
		rq->what.include_native = yes_or_die("--ignore-family", optarg);
		return true;
	default:
		return false;
	}
}

/* The whole line into @rq; every usage error is found here, before anything changes. */
static void compat_parse(struct qus_ctx *ctx, int argc, char **argv, struct compat_request *rq)
{
	static const struct option longopts[] = {
		{ "reset", no_argument, NULL, OPT_RESET },
		{ "take-over", no_argument, NULL, OPT_COMPAT_TAKE_OVER },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "debian", no_argument, NULL, 'd' },
		{ "systemd", required_argument, NULL, 's' },
		{ "qemu-path", required_argument, NULL, 'Q' },
		{ "qemu-suffix", required_argument, NULL, 'F' },
		{ "exportdir", required_argument, NULL, 'e' },
		{ "credential", required_argument, NULL, 'c' },
		{ "persistent", required_argument, NULL, 'p' },
		{ "preserve-argv0", required_argument, NULL, 'g' },
		{ "ignore-family", required_argument, NULL, 'i' },
		{ "binfmt-dir", required_argument, NULL, OPT_BINFMT_DIR },
		{ 0 },
	};
	char **targets = calloc((size_t)argc + 1, sizeof(char *));
	int ntargets = 0, c;

	if (!targets)
		die(EXIT_FAIL, "out of memory");
	memset(rq, 0, sizeof(*rq));
	rq->what.qemu_dir = QEMU_DEFAULT_DIR;
	rq->what.qemu_suffix = QEMU_DEFAULT_SUFFIX;
	/* '+': QEMU's script takes CPU names after the options, one at a time. */
	for (;;) {
		c = getopt_long(argc, argv, "+:hds:Q:F:e:c:p:g:i:V", longopts, NULL);
		if (c == -1) {
			if (optind >= argc)
				break;
			if (!arch_find(argv[optind]) && ascii_strcasecmp(argv[optind], "all")) {
				free(targets);
				die_usage(
					"'%s' is neither a command nor a target (run 'qus --help' "
					"for commands, 'qus targets' for targets)",
					argv[optind]);
			}
			targets[ntargets++] = argv[optind++];
			continue;
		}
		if (!compat_option(ctx, rq, c)) {
			free(targets);
			common_option(ctx, c, argv, "options", usage_main);
		}
	}
	if (rq->debian && rq->systemd) {
		free(targets);
		die_usage("--debian and --systemd cannot be combined");
	}
	if (rq->exportdir && !rq->debian && !rq->systemd) {
		free(targets);
		die_usage("--exportdir needs --systemd or --debian");
	}
	if (rq->systemd)
		targets[ntargets++] = rq->systemd;
	parse_targets_or_die(targets, ntargets, &rq->what.targets);
	free(targets);
}

/* --reset, then registering or writing configuration. */
static int compat_act(struct qus_ctx *ctx, const struct compat_request *rq)
{
	int status = EXIT_OK;

	if (rq->reset) {
		struct target_set none = { { false }, false };
		int r = remove_entries(ctx, &none, true, REMOVAL_SAY_ALL);

		/* Without binfmt_misc, registering would only repeat the same error. */
		if (r < 0)
			return EXIT_FAIL;
		status = r;
	}
	if (rq->debian || rq->systemd) {
		struct export_request req = {
			.what = rq->what,
			.format = rq->debian ? EXPORT_DEBIAN : EXPORT_SYSTEMD,
			.dir = rq->exportdir
				       ? rq->exportdir
				       : (rq->debian ? EXPORT_DEBIAN_DIR : EXPORT_SYSTEMD_DIR),
		};

		if (export_entries(ctx, &req) != EXIT_OK)
			status = EXIT_FAIL;
	} else {
		struct reg_request req = { .what = rq->what };

		if (register_entries(ctx, &req, NULL) != EXIT_OK)
			status = EXIT_FAIL;
	}
	return status;
}

int cmd_compat(struct qus_ctx *ctx, int argc, char **argv)
{
	struct compat_request rq;
	const char *host_arch;

	compat_parse(ctx, argc, argv, &rq);
	if (host_detect(&ctx->host) < 0)
		warn("cannot tell the host's architecture (uname failed)");
	/* QEMU's script lets HOST_ARCH stand in for uname -m. */
	host_arch = getenv("HOST_ARCH");
	if (host_arch && *host_arch)
		override_host_or_die(ctx, host_arch);
	return compat_act(ctx, &rq);
}
