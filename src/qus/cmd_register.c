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
#include "commands.h"
#include "diag.h"
#include "instance.h"
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
	"  --podman                 register for this user's rootless podman (and builds\n"
	"                           through it): in its user namespace's own binfmt_misc,\n"
	"                           through `podman unshare`; no root needed (Linux 6.7)\n"
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

/*
 * --podman: the same registration, in the calling user's rootless podman:
 * run again under `podman unshare`, which joins (and if needed starts) the
 * pause process that keeps podman's user and mount namespaces, using
 * newuidmap as podman does.  There qus mounts that namespace's own
 * binfmt_misc (Linux 6.7), which every container and build of that podman
 * uses.  @args: the command's words as given, without --podman.
 */
static noreturn void register_in_podman(const struct qus_ctx *ctx, char **args, int n)
{
	static char podman[] = "podman", unshare[] = "unshare", binfmt_opt[] = "--binfmt-dir",
		    reg[] = "register";
	char self[4096], **argv = calloc((size_t)n + 8, sizeof(char *));
	ssize_t len = readlink("/proc/self/exe", self, sizeof(self) - 1);
	int k = 0;

	if (getuid() == 0 && instance_userns_is_initial())
		die_usage("register --podman is for a user's rootless podman; as root, 'qus "
			  "register' registers for the whole machine, root's podman included");
	if (!argv || len <= 0)
		die_errno(EXIT_FAIL, "register --podman: cannot find this program");
	self[len] = '\0';
	argv[k++] = podman;
	argv[k++] = unshare;
	argv[k++] = self;
	if (strcmp(ctx->binfmt_dir, BINFMT_DEFAULT_DIR)) {
		argv[k++] = binfmt_opt;
		argv[k++] = strdup(ctx->binfmt_dir);
	}
	argv[k++] = reg;
	for (int i = 0; i < n; i++)
		argv[k++] = args[i];
	argv[k] = NULL;
	fflush(NULL);
	execvp("podman", argv);
	if (errno == ENOENT)
		die(EXIT_FAIL,
		    "register --podman: podman is not installed (apt-get install podman)");
	die_errno(EXIT_FAIL, "register --podman: cannot run podman");
}

/* A later round of --keep: what changed, and failures, only. */
static void register_round(struct qus_ctx *ctx, void *arg)
{
	(void)register_entries(ctx, arg, NULL);
}

int cmd_register(struct qus_ctx *ctx, int argc, char **argv)
{
	enum { OPT_REPLACE = 0x1200, OPT_PODMAN, OPT_KEEP };
	static const struct option longopts[] = {
		COMMON_LONGOPTS,
		ENTRY_LONGOPTS,
		TAKE_OVER_LONGOPT,
		{ "replace", no_argument, NULL, OPT_REPLACE },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "podman", no_argument, NULL, OPT_PODMAN },
		{ "keep", optional_argument, NULL, OPT_KEEP },
		{ 0 },
	};
	struct reg_request req;
	struct entry_opts eo;
	struct instance_info here;
	/* The words as given (getopt reorders argv), for running again under podman. */
	char **given = calloc((size_t)argc + 1, sizeof(char *));
	int c, ngiven = 0, status;
	unsigned long keep = 0;
	bool podman = false;

	if (!given)
		die(EXIT_FAIL, "out of memory");
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--podman"))
			given[ngiven++] = argv[i];
	memset(&req, 0, sizeof(req));
	entry_opts_init(&eo);
	while ((c = getopt_long(argc, argv, ":hnqV", longopts, NULL)) != -1) {
		if (entry_option(ctx, &eo, c, optarg))
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
		case OPT_PODMAN:
			podman = true;
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
	/* Already in podman's namespaces (podman unshare qus register --podman): go on. */
	if (podman && !req.dry_run) {
		instance_describe(&here);
		if (here.kind != INSTANCE_PODMAN)
			register_in_podman(ctx, given, ngiven);
	}
	free(given);
	ctx->keeping = keep > 0;
	status = register_entries(ctx, &req, NULL);
	if (!keep || status != EXIT_OK)
		return status;
	req.replace = false; /* --replace was for the first round only */
	req.changes_only = true;
	return keep_until_stopped(ctx, keep, req.quiet, "registered", register_round, &req);
}
