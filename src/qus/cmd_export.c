/* SPDX-License-Identifier: MIT */
/* qus export: configuration files that register the emulators at every boot. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "diag.h"
#include "export.h"
#include "exporting.h"
#include "options.h"
#include "paths.h"
#include "util.h"

const char usage_export[] =
	"Usage: qus export --systemd|--debian [OPTIONS] [TARGET...]\n"
	"\n"
	"Write configuration that registers the emulators at every boot, one file per\n"
	"target, for the same targets and flags `qus register` would use (a target\n"
	"another emulator runs on this machine is left to it, as register does):\n"
	"  --systemd    DIR/00-qus-qemu-TARGET.conf for systemd-binfmt (binfmt.d(5)),\n"
	"               a name that sorts before other emulators' files, so that they\n"
	"               win at boot as they do at run time; and DIR/qemu-TARGET.conf,\n"
	"               a link to /dev/null that masks the distribution's file of that\n"
	"               name; default DIR /etc/binfmt.d\n"
	"  --debian     DIR/qemu-TARGET for update-binfmts --import (binfmt-support);\n"
	"               default DIR /usr/share/binfmts\n"
	"Files are written under a temporary name and renamed into place.\n"
	"\n"
	"Options:\n"
	"  --exportdir DIR          where to write the files (must exist)\n"
	"  --qemu-path DIR, --qemu-suffix SUFFIX, --[no-]persistent, --[no-]preserve-argv0,\n"
	"  --[no-]open-binary, --[no-]credential, --flags LETTERS, --include-native,\n"
	"  --take-over, --host TARGET\n"
	"                           as for `qus register` (see qus register --help);\n"
	"                           --host writes configuration for another machine\n"
	"                           (whose other emulators qus cannot see)\n"
	"  -q, --quiet              print only errors\n"
	"  --binfmt-dir DIR         accepted, as by every command; no effect here\n"
	"  -h, --help               show this help\n"
	"  -V, --version            show the version and exit\n"
	"\n"
	"update-binfmts has no setting for flag O alone (only through credentials), so\n"
	"--debian files register without it unless --credential is given.\n"
	"\n"
	"Exit status: 0 written, 1 a file could not be written, 2 usage error.\n";

int cmd_export(struct qus_ctx *ctx, int argc, char **argv)
{
	enum { OPT_SYSTEMD = 0x1300, OPT_DEBIAN, OPT_EXPORTDIR };
	static const struct option longopts[] = {
		COMMON_LONGOPTS,
		ENTRY_LONGOPTS,
		TAKE_OVER_LONGOPT,
		{ "systemd", no_argument, NULL, OPT_SYSTEMD },
		{ "debian", no_argument, NULL, OPT_DEBIAN },
		{ "exportdir", required_argument, NULL, OPT_EXPORTDIR },
		{ "quiet", no_argument, NULL, 'q' },
		{ 0 },
	};
	struct export_request req;
	struct entry_opts eo;
	int c, format = -1;

	memset(&req, 0, sizeof(req));
	entry_opts_init(&eo);
	while ((c = getopt_long(argc, argv, ":hqV", longopts, NULL)) != -1) {
		if (entry_option(ctx, &eo, c, optarg))
			continue;
		switch (c) {
		case OPT_SYSTEMD:
		case OPT_DEBIAN:
			if (format >= 0)
				die_usage("export: give one of --systemd and --debian");
			format = c == OPT_SYSTEMD ? EXPORT_SYSTEMD : EXPORT_DEBIAN;
			break;
		case OPT_EXPORTDIR:
			req.dir = optarg;
			break;
		case 'q':
			req.quiet = true;
			break;
		default:
			common_option(ctx, c, argv, "export", usage_export);
		}
	}
	if (format < 0)
		die_usage("export: choose a format, --systemd or --debian");
	entry_opts_finish(ctx, &eo, argv + optind, argc - optind, &req.what);
	req.format = format;
	if (!req.dir)
		req.dir = format == EXPORT_SYSTEMD ? EXPORT_SYSTEMD_DIR : EXPORT_DEBIAN_DIR;
	return export_entries(ctx, &req);
}
