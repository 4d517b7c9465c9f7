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

#include "cli.h"
#include "entry.h"
#include "export.h"
#include "paths.h"
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

int cmd_compat(struct qus_ctx *ctx, int argc, char **argv)
{
	enum { OPT_RESET = 0x1400, OPT_VERSION };
	static const struct option longopts[] = {
		{ "reset", no_argument, NULL, OPT_RESET },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, OPT_VERSION },
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
	const char *qemu_dir = QEMU_DEFAULT_DIR, *qemu_suffix = QEMU_DEFAULT_SUFFIX;
	const char *exportdir = NULL, *host_arch;
	char *systemd_cpu = NULL;
	bool reset = false, debian = false, include_native = false;
	bool only_global = true; /* nothing but --binfmt-dir so far */
	char **targets = calloc((size_t)argc + 1, sizeof(char *));
	int ntargets = 0, c, status = EXIT_OK;
	unsigned flags = 0;
	struct entry_choice what;

	if (!targets)
		die(EXIT_FAIL, "out of memory");
	/* '+': stop at the first word, which may be a command after global options. */
	for (;;) {
		c = getopt_long(argc, argv, "+:hds:Q:F:e:c:p:g:i:V", longopts, NULL);
		if (c == -1) {
			if (optind >= argc)
				break;
			if (ntargets == 0 && only_global && strcmp(argv[optind - 1], "--")) {
				int r = dispatch_command(ctx, argc - optind, argv + optind);

				if (r >= 0) {
					free(targets);
					return r;
				}
			}
			/* QEMU's script takes CPU names after the options too. */
			if (!arch_find(argv[optind]) && ascii_strcasecmp(argv[optind], "all"))
				die_usage(
					"'%s' is neither a command nor a target (run 'qus --help' "
					"for commands, 'qus targets' for targets)",
					argv[optind]);
			targets[ntargets++] = argv[optind++];
			continue;
		}
		if (c != OPT_BINFMT_DIR)
			only_global = false;
		if (qemu_flag_option(c, optarg, &flags))
			continue;
		switch (c) {
		case OPT_BINFMT_DIR:
			ctx->binfmt_dir = optarg;
			break;
		case OPT_RESET:
			reset = true;
			break;
		case 'h':
			fputs(usage_main, stdout);
			cli_exit(EXIT_OK);
		case 'V':
		case OPT_VERSION:
			print_version();
			cli_exit(EXIT_OK);
		case 'd':
			debian = true;
			break;
		case 's':
			systemd_cpu = optarg;
			break;
		case 'Q':
			qemu_dir = optarg;
			break;
		case 'F':
			qemu_suffix = optarg;
			break;
		case 'e':
			exportdir = optarg;
			break;
		case 'i':
			include_native = yes_or_die("--ignore-family", optarg);
			break;
		default:
			free(targets);
			common_option(ctx, c, argv, "options", usage_main);
		}
	}
	/* Every usage error before anything is changed. */
	if (debian && systemd_cpu)
		die_usage("--debian and --systemd cannot be combined");
	if (exportdir && !debian && !systemd_cpu)
		die_usage("--exportdir needs --systemd or --debian");
	if (systemd_cpu)
		targets[ntargets++] = systemd_cpu;
	parse_targets_or_die(targets, ntargets, &what.targets);
	free(targets);
	what.qemu_dir = qemu_dir;
	what.qemu_suffix = qemu_suffix;
	what.flags = flags;
	what.include_native = include_native;

	if (host_detect(&ctx->host) < 0)
		warn("cannot tell the host's architecture (uname failed)");
	/* QEMU's script lets HOST_ARCH stand in for uname -m. */
	host_arch = getenv("HOST_ARCH");
	if (host_arch && *host_arch)
		override_host_or_die(ctx, host_arch);

	if (reset) {
		struct target_set none = { { false }, false };
		int r = run_unregister(ctx, &none, true, false);

		/* Without binfmt_misc, registering would only repeat the same error. */
		if (r < 0)
			return EXIT_FAIL;
		status = r;
	}
	if (debian || systemd_cpu) {
		struct export_request req = {
			.what = what,
			.format = debian ? EXPORT_DEBIAN : EXPORT_SYSTEMD,
			.dir = exportdir ? exportdir
					 : (debian ? EXPORT_DEBIAN_DIR : EXPORT_SYSTEMD_DIR),
		};

		if (run_export(ctx, &req) != EXIT_OK)
			status = EXIT_FAIL;
	} else {
		struct reg_request req = { .what = what };

		if (run_register(ctx, &req, NULL) != EXIT_OK)
			status = EXIT_FAIL;
	}
	return status;
}
