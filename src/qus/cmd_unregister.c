/* SPDX-License-Identifier: MIT */
/* qus unregister: remove QEMU's entries (qemu-*), never entries other programs own. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "automount.h"
#include "binfmt.h"
#include "commands.h"
#include "diag.h"
#include "keeping.h"
#include "options.h"
#include "removal.h"
#include "util.h"

const char usage_unregister[] =
	"Usage: qus unregister [OPTIONS] TARGET...\n"
	"       qus unregister [OPTIONS] --all\n"
	"\n"
	"Remove the binfmt_misc entries qemu-TARGET, or with --all every entry whose\n"
	"name starts with qemu- (QEMU's, whoever registered them).  Entries of other\n"
	"programs are never touched.  Removing an entry that is not there is not an\n"
	"error.\n"
	"\n"
	"Options:\n"
	"  -a, --all                every qemu-* entry\n"
	"  --keep[=SECONDS]         stay running after removing: every SECONDS (default\n"
	"                           60) remove again those that came back, saying so;\n"
	"                           exit 0 on SIGTERM, SIGINT or SIGHUP\n"
	"  -q, --quiet              print only errors\n"
	"      --binfmt-dir DIR     binfmt_misc mount (default /proc/sys/fs/binfmt_misc)\n"
	"  -h, --help               show this help\n"
	"  -V, --version            show the version and exit\n"
	"\n"
	"Exit status: 0 done, 1 an entry could not be removed, 2 usage error.  With\n"
	"--keep: 1 if the first round failed, else 0 when stopped.\n";

struct removal_round {
	const struct target_set *set;
	bool all;
};

/* A later round of --keep: only entries that came back are said. */
static void removal_round(struct qus_ctx *ctx, void *arg)
{
	const struct removal_round *r = arg;

	(void)remove_entries(ctx, r->set, r->all, REMOVAL_SAY_CHANGES);
}

int cmd_unregister(struct qus_ctx *ctx, int argc, char **argv)
{
	enum { OPT_KEEP = 0x1300 };
	static const struct option longopts[] = {
		COMMON_LONGOPTS,
		{ "all", no_argument, NULL, 'a' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "keep", optional_argument, NULL, OPT_KEEP },
		{ 0 },
	};
	struct target_set set;
	struct removal_round round;
	bool all = false, quiet = false;
	unsigned long keep = 0;
	int c;

	while ((c = getopt_long(argc, argv, ":haqV", longopts, NULL)) != -1) {
		switch (c) {
		case 'a':
			all = true;
			break;
		case 'q':
			quiet = true;
			break;
		case OPT_KEEP:
			keep = keep_parse("unregister", optarg);
			break;
		default:
			common_option(ctx, c, argv, "unregister", usage_unregister);
		}
	}
	if (all && optind < argc)
		die_usage("unregister: give targets or --all, not both");
	/* Unlike register, no targets does not mean all: removal must be asked for. */
	if (!all && optind == argc)
		die_usage(
			"unregister: name the targets to remove, or --all for every qemu-* entry");
	parse_targets_or_die(argv + optind, argc - optind, &set);
	ctx->keeping = keep > 0;
	ctx->quiet = quiet;
	if (remove_entries(ctx, &set, all, quiet ? REMOVAL_SAY_ERRORS : REMOVAL_SAY_ALL) != EXIT_OK)
		return EXIT_FAIL;
	automount_release(ctx, quiet);
	if (!keep)
		return EXIT_OK;
	round.set = &set;
	round.all = all;
	return keep_until_stopped(ctx, keep, quiet, "unregistered", removal_round, &round);
}
