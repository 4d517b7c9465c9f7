/* SPDX-License-Identifier: MIT */
/*
 * qus-build: the release pipeline of multiarch/qemu-user-static in one
 * program, without a container engine.  Stages, each usable alone so that a
 * pipeline can stop, inspect and resume:
 *
 *   extract   package(s) -> OUT/extract/<arch>/qemu-*-static + package.json
 *   tarballs  OUT/extract -> OUT/releases: emulators, tar.gz, SHA256SUMS
 *   images    OUT/extract (+ OUT/releases, + a static qus per host) -> OUT/oci,
 *             an OCI image layout with multiarch/qemu-user-static's tags
 *
 * With packages and no stage name, all three run, each only if the one
 * before succeeded.  Everything written goes through a temporary name and a
 * rename, under names qus-build makes from the target table, never from
 * paths inside a package.
 */
#include <getopt.h>
#include <malloc.h>
#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "build.h"
#include "config.h"
#include "pkg.h"
#include "util.h"

static const char usage[] =
	"Usage: qus-build [OPTIONS] PACKAGE...       extract, tarballs, images\n"
	"       qus-build extract [OPTIONS] PACKAGE...\n"
	"       qus-build tarballs [OPTIONS]\n"
	"       qus-build images [OPTIONS]\n"
	"       qus-build verify [OPTIONS] PROVENANCE FILE...\n"
	"\n"
	"Turn the distribution's packages of QEMU's user emulators into release files\n"
	"(each emulator, qemu-T-static.tar.gz, HOST_qemu-T-static.tar.gz, SHA256SUMS)\n"
	"and an OCI image layout with the tags latest, VERSION, register, T, T-VERSION,\n"
	"HOST-T and HOST-T-VERSION; byte for byte the same on every run for the same\n"
	"input.  Reads Debian's qemu-user-static (QEMU <= 9.0), qemu-user (>= 9.1,\n"
	"with 10.0's transitional qemu-user-static if given) and Fedora's RPMs.\n"
	"Packages of several host architectures make multi-platform images; of several\n"
	"versions, each version's tags, and tags without one for the newest.\n"
	"Every image gets a CycloneDX SBOM and an in-toto SLSA provenance as OCI\n"
	"referrers, the release files releases/sbom.cdx.json and provenance.intoto.json.\n"
	"verify rebuilds what a provenance (qus-build's, or cosign verify-attestation's\n"
	"output) describes from the packages and static qus it names (FILE...), and\n"
	"names every digest that differs.\n"
	"\n"
	"Options:\n"
	"  -o, --out DIR            output directory (default dist): extract/,\n"
	"                           releases/, oci/ (verify: a temporary one, removed,\n"
	"                           unless given)\n"
	"      --qus [ARCH=]FILE    the static qus for the images of a host (e.g.\n"
	"                           build-static/qus; repeat for each host)\n"
	"      --max-unpacked MIB   refuse a package whose files inflate beyond this\n"
	"                           (default 4096)\n"
	"  -q, --quiet              no progress\n"
	"  -h, --help               show this help\n"
	"  -V, --version            show the version\n"
	"\n"
	"Time stamps are SOURCE_DATE_EPOCH if set, else the package's build time.\n"
	"Exit status: 0 done, 1 a package was refused or a file could not be\n"
	"written (nothing is left under a final name), or verify found a digest that\n"
	"differs, 2 usage error.  SIGINT,\n"
	"SIGTERM or SIGHUP stop it between two files; the output of the stage under\n"
	"way stays as it was, and qus-build ends by that signal.\n";

static const struct stage {
	const char *name;
	bool takes_packages;
} stages[] = {
	{ "extract", true },
	{ "tarballs", false },
	{ "images", false },
	{ "verify", true },
};

/*
 * Keep freed memory for the next emulator instead of returning it to the
 * kernel: every stage handles one 10-20 MB file after another, and fresh
 * pages cost more than the work on them where page faults are slow (on
 * this project's virtual machines the images stage took 2.6 s instead of
 * 0.7 s, nearly all in faults).  32 MiB is glibc's largest mmap threshold.
 */
static void keep_memory(void)
{
	mallopt(M_MMAP_THRESHOLD, 32 << 20);
	mallopt(M_TRIM_THRESHOLD, 1 << 30);
}

/* After a signal: say so, then end by that signal, as the caller expects. */
static int finish(int status)
{
	int sig = build_interrupted();

	if (!sig)
		return status;
	msg("interrupted (%s): the stage under way stopped and left its output as it was; "
	    "nothing partial is left",
	    strsignal(sig));
	signal(sig, SIG_DFL);
	raise(sig);
	return 128 + sig;
}

int main(int argc, char **argv)
{
	enum { OPT_QUS = 0x100, OPT_MAX_UNPACKED };
	static const struct option longopts[] = {
		{ "out", required_argument, NULL, 'o' },
		{ "qus", required_argument, NULL, OPT_QUS },
		{ "max-unpacked", required_argument, NULL, OPT_MAX_UNPACKED },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ 0 },
	};
	struct build_opts o = { .out = "dist", .max_unpacked = PKG_UNPACKED_MAX };
	unsigned long mib;
	const struct stage *stage = NULL;
	int c, status = EXIT_OK, later = EXIT_OK, groups = 0;
	bool go_on, out_given = false;

	for (size_t i = 0; argc > 1 && i < sizeof(stages) / sizeof(stages[0]); i++)
		if (!strcmp(argv[1], stages[i].name)) {
			stage = &stages[i];
			argv++;
			argc--;
			break;
		}
	keep_memory();
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:qhV", longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			o.out = optarg;
			out_given = true;
			break;
		case OPT_QUS:
			if (o.nqus == sizeof(o.qus) / sizeof(o.qus[0]))
				build_die_usage("too many --qus");
			o.qus[o.nqus++] = optarg;
			break;
		case OPT_MAX_UNPACKED:
			if (parse_uint(optarg, 1ul << 30, &mib) < 0 || mib == 0)
				build_die_usage("--max-unpacked wants MiB, 1 or more, not '%s'",
						optarg);
			o.max_unpacked = (unsigned long long)mib << 20;
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
			build_die_usage("option '%s' needs a value", argv[optind - 1]);
		default:
			build_die_usage("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (stage && !stage->takes_packages) {
		if (optind != argc)
			build_die_usage("%s takes no packages (it reads %s/extract)", stage->name,
					o.out);
	} else if (optind == argc) {
		build_die_usage("name the package(s) to read, e.g. qemu-user-static_*.deb");
	}
	for (int i = optind; !stage && i < argc; i++)
		for (size_t k = 0; k < sizeof(stages) / sizeof(stages[0]); k++)
			if (!strcmp(argv[i], stages[k].name) && access(argv[i], F_OK) < 0)
				build_die_usage(
					"'%s' is a stage: name it first (qus-build %s [OPTIONS])",
					argv[i], argv[i]);
	build_catch_signals();
	if (stage && !strcmp(stage->name, "verify"))
		return finish(cmd_verify(&o, out_given, argv + optind, argc - optind));
	/*
	 * The stage named, or all three.  A package refused does not stop the
	 * others: the later stages go on with what was extracted, and the exit
	 * status says that something failed.  A later stage that fails stops
	 * the pipeline.
	 */
	if (!stage || stage->takes_packages)
		status = stage_extract(&o, argv + optind, argc - optind, &groups);
	go_on = status == EXIT_OK || (groups > 0 && !build_interrupted());
	if (go_on && (!stage || !strcmp(stage->name, "tarballs"))) {
		later = stage_tarballs(&o);
		go_on = later == EXIT_OK;
	}
	if (go_on && (!stage || !strcmp(stage->name, "images")))
		later = stage_images(&o);
	if (status == EXIT_OK)
		status = later;
	return finish(status);
}
