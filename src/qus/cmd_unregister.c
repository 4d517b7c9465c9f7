/* SPDX-License-Identifier: MIT */
/* qus unregister: remove QEMU's entries (qemu-*), never entries other programs own. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "binfmt.h"
#include "commands.h"
#include "diag.h"
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
	"  -q, --quiet              print only errors\n"
	"      --binfmt-dir DIR     binfmt_misc mount (default /proc/sys/fs/binfmt_misc)\n"
	"  -h, --help               show this help\n"
	"  -V, --version            show the version and exit\n"
	"\n"
	"Exit status: 0 done, 1 an entry could not be removed, 2 usage error.\n";

int cmd_unregister(struct qus_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		COMMON_LONGOPTS,
		{ "all", no_argument, NULL, 'a' },
		{ "quiet", no_argument, NULL, 'q' },
		{ 0 },
	};
	struct target_set set;
	bool all = false, quiet = false;
	int c;

	while ((c = getopt_long(argc, argv, ":haqV", longopts, NULL)) != -1) {
		switch (c) {
		case 'a':
			all = true;
			break;
		case 'q':
			quiet = true;
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
	return remove_entries(ctx, &set, all, quiet) == EXIT_OK ? EXIT_OK : EXIT_FAIL;
}
