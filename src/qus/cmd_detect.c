/* SPDX-License-Identifier: MIT */
/* qus detect: which target's entry matches a file, by the kernel's own rule. */
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>

#include "commands.h"
#include "diag.h"
#include "elfident.h"
#include "options.h"

const char usage_detect[] =
	"Usage: qus detect [OPTIONS] FILE...\n"
	"\n"
	"Print the target whose entry matches each FILE, using the table and the\n"
	"magic/mask rule binfmt_misc applies at exec: FILE: TARGET.  A target this\n"
	"host runs natively is marked (native).\n"
	"\n"
	"Options:\n"
	"      --binfmt-dir DIR     accepted, as by every command; no effect here\n"
	"  -h, --help               show this help\n"
	"  -V, --version            show the version and exit\n"
	"\n"
	"Exit status: 0 every FILE matched, 1 a FILE matched no target or could not\n"
	"be read, 2 usage error.\n";

int cmd_detect(struct qus_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		COMMON_LONGOPTS,
		{ 0 },
	};
	int c, status = EXIT_OK;

	while ((c = getopt_long(argc, argv, ":hV", longopts, NULL)) != -1)
		common_option(ctx, c, argv, "detect", usage_detect);
	if (optind == argc)
		die_usage("detect: name at least one file");
	for (int i = optind; i < argc; i++) {
		uint8_t hdr[QUS_HEADER_SIZE];
		const struct qus_target *t;
		long n = elf_read_header(AT_FDCWD, argv[i], hdr);

		if (n < 0) {
			warn_err((int)n, NULL, "cannot read %s", argv[i]);
			status = EXIT_FAIL;
			continue;
		}
		t = elf_identify(hdr);
		if (!t) {
			printf("%s: no target (not an executable of any architecture qus knows)\n",
			       argv[i]);
			status = EXIT_FAIL;
			continue;
		}
		printf("%s: %s%s\n", argv[i], t->name,
		       host_runs_natively(&ctx->host, t) != NATIVE_NO ? " (native)" : "");
	}
	return status;
}
