/* SPDX-License-Identifier: MIT */
/* qus register: every foreign target, or the ones named, safely and idempotently. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "binfmt.h"
#include "binfmt_access.h"
#include "commands.h"
#include "diag.h"
#include "joining.h"
#include "keeping.h"
#include "guard.h"
#include "options.h"
#include "paths.h"
#include "registration.h"
#include "util.h"

const char usage_register[] =
	"Usage: qus register [OPTIONS] [TARGET...]\n"
	"\n"
	"Register QEMU emulators with binfmt_misc: every target this host does not run\n"
	"natively, or the TARGETs named (names or aliases: arm64, armhf, linux/arm/v7).\n"
	"An identical entry is left alone, a different one is replaced.\n"
	"\n"
	"Options:\n"
	"  --qemu-path DIR          where the emulators are (default /usr/bin): for each\n"
	"                           target qemu-T-static there, or else qemu-T\n"
	"  --qemu-suffix SUFFIX     exactly qemu-T<SUFFIX>, no search ('' for qemu-T)\n"
	"  --persistent[=yes|no]    flag F: open the emulator now, so it works inside\n"
	"                           containers and chroots (default: yes, Linux >= 4.8)\n"
	"  --no-persistent          the same as --persistent=no\n"
	"  --preserve-argv0[=yes|no]\n"
	"                           flag P: keep the program's argv[0] (default: yes,\n"
	"                           Linux >= 5.12 and an emulator that reads AT_FLAGS)\n"
	"  --no-preserve-argv0\n"
	"  --open-binary[=yes|no]   flag O: hand the program to the emulator as an open\n"
	"                           file (default: yes)\n"
	"  --no-open-binary\n"
	"  --credential[=yes|no]    flag C: setuid programs run with their privileges;\n"
	"                           a security decision (default: no; the emulator must\n"
	"                           be root's and writable by no one else)\n"
	"  --no-credential\n"
	"  --flags LETTERS          exactly these flags (e.g. F, POCF, or '' for none)\n"
	"  --include-native         also register targets this host runs natively\n"
	"                           (e.g. i386 on x86_64); never the host's own\n"
	"  --take-over              also register targets whose programs another\n"
	"                           emulator runs now (Rosetta, FEX, box64): QEMU goes\n"
	"                           in front of it; without this they are left to it\n"
	"  --host TARGET            decide what is native as if the host were TARGET\n"
	"  --replace                register identical entries anew (an F entry then\n"
	"                           opens the emulator file again, e.g. after an upgrade)\n"
	"  --docker                 register for this user's rootless Docker (its\n"
	"                           containers and builds): in the user namespace\n"
	"                           rootlesskit runs dockerd in, in that namespace's own\n"
	"                           binfmt_misc; no root needed (Linux 6.7)\n"
	"  --podman                 the same for this user's rootless podman (and buildah\n"
	"                           through it): in the namespace of podman's pause\n"
	"                           process, which it starts if needed\n"
	"  --userns PID             the same in the user namespace of process PID, which\n"
	"                           must be yours (joined with its mount namespace)\n"
	"  --keep[=SECONDS]         stay running after registering: hold binfmt_misc\n"
	"                           open (an automount cannot expire; a container's\n"
	"                           mount stays) and, every SECONDS (default 60),\n"
	"                           register again what went missing or changed,\n"
	"                           saying so; exit 0 on SIGTERM, SIGINT or SIGHUP,\n"
	"                           leaving the entries (Kubernetes: doc/kubernetes)\n"
	"  -n, --dry-run            print the register strings; write nothing\n"
	"  -q, --quiet              print only errors and the summary of failures\n"
	"      --binfmt-dir DIR     binfmt_misc mount (default /proc/sys/fs/binfmt_misc)\n"
	"  -h, --help               show this help\n"
	"  -V, --version            show the version and exit\n"
	"\n"
	"Exit status: 0 all registered, 1 a target failed (the others are still\n"
	"processed), 2 usage error.  With --keep: 1 if the first round failed, else 0\n"
	"when stopped (later failures are said and tried again).\n";

/* A later round of --keep: what changed, and failures, only. */
static void register_round(struct qus_ctx *ctx, void *arg)
{
	(void)register_entries(ctx, arg, NULL);
}

int cmd_register(struct qus_ctx *ctx, int argc, char **argv)
{
	enum { OPT_REPLACE = 0x1200, OPT_KEEP };
	static const struct option longopts[] = {
		COMMON_LONGOPTS,
		ENTRY_LONGOPTS,
		TAKE_OVER_LONGOPT,
		{ "replace", no_argument, NULL, OPT_REPLACE },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "quiet", no_argument, NULL, 'q' },
		JOIN_LONGOPTS,
		{ "keep", optional_argument, NULL, OPT_KEEP },
		{ 0 },
	};
	struct reg_request req;
	struct entry_opts eo;
	struct join_request join = { JOIN_NONE, 0 };
	int c, status;
	unsigned long keep = 0;

	memset(&req, 0, sizeof(req));
	entry_opts_init(&eo);
	while ((c = getopt_long(argc, argv, ":hnqV", longopts, NULL)) != -1) {
		if (entry_option(ctx, &eo, c, optarg) || join_option(&join, c, optarg, "register"))
			continue;
		switch (c) {
		case OPT_REPLACE:
			req.replace = true;
			break;
		case 'n':
			req.dry_run = true;
			break;
		case 'q':
			req.quiet = true;
			break;
		case OPT_KEEP:
			keep = keep_parse("register", optarg);
			break;
		default:
			common_option(ctx, c, argv, "register", usage_register);
		}
	}
	entry_opts_finish(ctx, &eo, argv + optind, argc - optind, &req.what);
	if (keep && req.dry_run)
		die_usage("register: --keep and --dry-run exclude each other (a dry run writes "
			  "nothing to keep)");
	/* A dry run writes nothing, anywhere: no namespace to join. */
	if (join.how != JOIN_NONE && !req.dry_run) {
		if (!kernel_drops_entries_on_umount(ctx))
			die(EXIT_FAIL,
			    "register: registering in a user namespace needs Linux 6.7 or later, "
			    "which gives each one a binfmt_misc of its own (this kernel: %s)",
			    ctx->host.release);
		join_or_die(ctx, &join, "register", true);
	}
	ctx->keeping = keep > 0;
	ctx->quiet = req.quiet;
	status = register_entries(ctx, &req, NULL);
	if (!keep || status != EXIT_OK)
		return status;
	req.replace = false; /* --replace was for the first round only */
	req.changes_only = true;
	return keep_until_stopped(ctx, keep, req.quiet, "registered", register_round, &req);
}
