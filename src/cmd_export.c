/* SPDX-License-Identifier: MIT */
/* qus export: configuration files that register the emulators at every boot. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "export.h"
#include "paths.h"
#include "util.h"

const char usage_export[] =
	"Usage: qus export --systemd|--debian [OPTIONS] [TARGET...]\n"
	"\n"
	"Write configuration that registers the emulators at every boot, one file per\n"
	"target, for the same targets and flags `qus register` would use:\n"
	"  --systemd    DIR/qemu-TARGET.conf for systemd-binfmt (binfmt.d(5));\n"
	"               default DIR /etc/binfmt.d\n"
	"  --debian     DIR/qemu-TARGET for update-binfmts --import (binfmt-support);\n"
	"               default DIR /usr/share/binfmts\n"
	"Files are written under a temporary name and renamed into place.\n"
	"\n"
	"Options:\n"
	"  --exportdir DIR          where to write the files (must exist)\n"
	"  --qemu-path DIR, --qemu-suffix SUFFIX, --[no-]persistent, --[no-]preserve-argv0,\n"
	"  --[no-]open-binary, --[no-]credential, --flags LETTERS, --include-native,\n"
	"  --host TARGET            as for `qus register` (see qus register --help);\n"
	"                           --host writes configuration for another machine\n"
	"  -q, --quiet              print only errors\n"
	"  --binfmt-dir DIR         accepted, as by every command; no effect here\n"
	"  -h, --help               show this help\n"
	"  -V, --version            show the version and exit\n"
	"\n"
	"update-binfmts has no setting for flag O alone (only through credentials), so\n"
	"--debian files register without it unless --credential is given.\n"
	"\n"
	"Exit status: 0 written, 1 a file could not be written, 2 usage error.\n";

int run_export(struct qus_ctx *ctx, const struct export_request *req)
{
	enum export_format fmt = (enum export_format)req->format;
	unsigned written = 0, failed = 0;
	_cleanup_close_ int dirfd = open(req->dir, O_PATH | O_DIRECTORY | O_CLOEXEC);

	if (dirfd < 0) {
		warn_err(-errno,
			 errno == ENOENT ? " (create it, or choose another with --exportdir)"
					 : NULL,
			 "cannot open export directory %s", req->dir);
		return EXIT_FAIL;
	}
	if (fmt == EXPORT_DEBIAN && (req->what.flags & QUS_FLAG_O) &&
	    !(req->what.flags & QUS_FLAG_C))
		warn("note: update-binfmts cannot express flag O without credentials; the "
		     "--debian files register without it");
	for (size_t i = 0; i < QUS_NTARGETS; i++) {
		const struct qus_target *t = &qus_targets[i];
		char name[QUS_NAME_MAX + 8], text[2 * QUS_REGISTER_MAX];
		struct binfmt_entry e;
		long len;
		int r;

		if (!req->what.targets.want[i] ||
		    plan_decide(&ctx->host, t, req->what.include_native,
				req->what.targets.explicit) != PLAN_REGISTER)
			continue;
		if (plan_entry(t, req->what.qemu_dir, req->what.qemu_suffix, req->what.flags, &e) <
			    0 ||
		    entry_validate(&e) != ENTRY_OK) {
			warn("qemu-%s: cannot export: %s", t->name,
			     entry_problem_str(entry_validate(&e)));
			failed++;
			continue;
		}
		if (export_file_name(fmt, &e, name, sizeof(name)) < 0 ||
		    (len = export_render(fmt, &e, text, sizeof(text))) < 0) {
			warn("%s: cannot render the configuration", e.name);
			failed++;
			continue;
		}
		r = write_file_atomic(dirfd, name, text, (size_t)len, 0644);
		if (r < 0) {
			warn_err(r, NULL, "cannot write %s/%s", req->dir, name);
			failed++;
			continue;
		}
		written++;
		if (!req->quiet)
			printf("%s/%s\n", req->dir, name);
	}
	if (!req->quiet || failed)
		printf("qus: %u files written to %s, %u failed\n", written, req->dir, failed);
	return failed ? EXIT_FAIL : EXIT_OK;
}

int cmd_export(struct qus_ctx *ctx, int argc, char **argv)
{
	enum { OPT_SYSTEMD = 0x1300, OPT_DEBIAN, OPT_EXPORTDIR };
	static const struct option longopts[] = {
		COMMON_LONGOPTS,
		ENTRY_LONGOPTS,
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
	return run_export(ctx, &req);
}
