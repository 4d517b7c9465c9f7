/* SPDX-License-Identifier: MIT */
/* qus unregister: remove QEMU's entries (qemu-*), never entries other programs own. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "binfmt.h"
#include "cli.h"
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

/* @said: an error of binfmt_misc as a whole was reported already. */
static int remove_one(struct qus_ctx *ctx, int fd, const char *name, bool quiet, unsigned *n,
		      bool *said)
{
	int r = binfmt_remove(fd, name);

	if (r == -ENOENT) {
		if (!quiet)
			printf("%s: not registered\n", name);
		return 0;
	}
	if (r < 0 && binfmt_refuses_all(r)) {
		if (!*said)
			warn_err(r, binfmt_hint(r), "cannot remove entries from %s",
				 ctx->binfmt_dir);
		*said = true;
		return -1;
	}
	if (r < 0) {
		warn_err(r, binfmt_hint(r), "%s: cannot remove from %s", name, ctx->binfmt_dir);
		return -1;
	}
	(*n)++;
	if (!quiet)
		printf("%s: removed\n", name);
	return 0;
}

int run_unregister(struct qus_ctx *ctx, const struct target_set *set, bool all, bool quiet)
{
	unsigned removed = 0, failed = 0;
	bool said = false;
	/*
	 * Mounted if need be, as for register: in a container the kernel's entries
	 * are there even when this mount namespace has no binfmt_misc mount yet.
	 */
	int fd = cli_binfmt_open(ctx, BINFMT_WRITE);

	if (fd < 0)
		return -1; /* already reported: binfmt_misc cannot be opened at all */
	if (all) {
		char **names = NULL;
		size_t count = 0;
		int r = binfmt_list(fd, &names, &count);

		if (r < 0) {
			warn_err(r, NULL, "cannot list %s", ctx->binfmt_dir);
			close(fd);
			return EXIT_FAIL;
		}
		for (size_t i = 0; i < count; i++)
			if (plan_is_qemu_entry(names[i]) &&
			    remove_one(ctx, fd, names[i], quiet, &removed, &said))
				failed++;
		binfmt_free_names(names, count);
	} else {
		for (size_t i = 0; i < QUS_NTARGETS; i++) {
			char name[QUS_NAME_MAX + 1];

			if (!set->want[i])
				continue;
			plan_entry_name(&qus_targets[i], name, sizeof(name));
			if (remove_one(ctx, fd, name, quiet, &removed, &said))
				failed++;
		}
	}
	close(fd);
	if (!quiet || failed)
		printf("qus: %u removed, %u failed\n", removed, failed);
	return failed ? EXIT_FAIL : EXIT_OK;
}

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
	return run_unregister(ctx, &set, all, quiet) == EXIT_OK ? EXIT_OK : EXIT_FAIL;
}
