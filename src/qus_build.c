/* SPDX-License-Identifier: MIT */
/*
 * qus-build: the release pipeline of the seeds (seed 002) in one program,
 * without a container engine.  Stages, each usable alone so that a pipeline
 * can stop, inspect and resume:
 *
 *   extract   package(s) -> OUT/extract/<arch>/qemu-*-static + package.json
 *   tarballs  OUT/extract -> OUT/releases: emulators, tar.gz, SHA256SUMS
 *
 * With packages and no stage name, both run.  Everything written goes
 * through a temporary name and a rename, under names qus-build makes from
 * the target table, never from paths inside a package.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "build.h"
#include "config.h"

static const char usage[] =
	"Usage: qus-build [OPTIONS] PACKAGE...            extract, then tarballs\n"
	"       qus-build extract [OPTIONS] PACKAGE...\n"
	"       qus-build tarballs [OPTIONS]\n"
	"\n"
	"Turn the distribution's qemu-user-static package (Debian .deb) into release\n"
	"files: each emulator, qemu-T-static.tar.gz, HOST_qemu-T-static.tar.gz, and\n"
	"SHA256SUMS, byte for byte the same on every run for the same input.\n"
	"\n"
	"Options:\n"
	"  -o, --out DIR            output directory (default dist)\n"
	"  -q, --quiet              no progress\n"
	"  -h, --help               show this help\n"
	"  -V, --version            show the version\n"
	"\n"
	"Time stamps are SOURCE_DATE_EPOCH if set, else the package's build time.\n"
	"Exit status: 0 done, 1 a package was refused or a file could not be\n"
	"written (nothing is left under a final name), 2 usage error.\n";

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "out", required_argument, NULL, 'o' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ 0 },
	};
	struct build_opts o = { .out = "dist" };
	const char *stage = NULL;
	int c, status;

	if (argc > 1 && (!strcmp(argv[1], "extract") || !strcmp(argv[1], "tarballs"))) {
		stage = argv[1];
		argv++;
		argc--;
	}
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:qhV", longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			o.out = optarg;
			break;
		case 'q':
			o.quiet = true;
			break;
		case 'h':
			fputs(usage, stdout);
			return EXIT_OK;
		case 'V':
			printf("qus-build %s\n", QUS_VERSION);
			return EXIT_OK;
		case ':':
			die_usage("option '%s' needs a value", argv[optind - 1]);
		default:
			die_usage("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (stage && !strcmp(stage, "tarballs")) {
		if (optind != argc)
			die_usage("tarballs takes no packages (it reads %s/extract)", o.out);
		return stage_tarballs(&o);
	}
	if (optind == argc)
		die_usage("name the package(s) to read, e.g. qemu-user-static_*.deb");
	status = stage_extract(&o, argv + optind, argc - optind);
	if (status != EXIT_OK || stage)
		return status;
	return stage_tarballs(&o);
}
