/* SPDX-License-Identifier: MIT */
/* qus targets: the table, for people and (--json) for programs. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "diag.h"
#include "elfident.h"
#include "emulator.h"
#include "entry.h"
#include "json.h"
#include "options.h"
#include "paths.h"
#include "util.h"

const char usage_targets[] =
	"Usage: qus targets [OPTIONS]\n"
	"\n"
	"List the targets qus knows: name, family, the emulator `qus register` would\n"
	"use in /usr/bin (qemu-T-static, else qemu-T; - if neither is installed),\n"
	"whether this host runs it natively, and the aliases accepted wherever a\n"
	"target is named.\n"
	"\n"
	"Options:\n"
	"  -j, --json               machine-readable output, with magic and mask\n"
	"      --binfmt-dir DIR     accepted, as by every command; no effect here\n"
	"  -h, --help               show this help\n"
	"  -V, --version            show the version and exit\n";

static const char *native_word(enum native_kind k)
{
	switch (k) {
	case NATIVE_HOST:
		return "host";
	case NATIVE_COMPAT:
		return "compat";
	case NATIVE_NO:
		break;
	}
	return "no";
}

/* The file `qus register` would take in the default directory; false if none is there. */
static bool installed(const struct qus_target *t, char *path, size_t size)
{
	return emulator_find(t, QEMU_DEFAULT_DIR, NULL, path, size) == 0;
}

static void print_json(struct qus_ctx *ctx)
{
	struct json_writer w;

	jw_init(&w, stdout);
	jw_begin_object(&w, NULL);
	jw_begin_array(&w, "targets");
	for (size_t i = 0; i < QUS_NTARGETS; i++) {
		const struct qus_target *t = &qus_targets[i];
		char hex[2 * QUS_MAGIC_MAX + 1], emu[64], word[64], path[256];
		struct qus_pattern p;
		const char *a = t->aliases;

		plan_emulator_name(t, QEMU_DEFAULT_SUFFIX, emu, sizeof(emu));
		elf_target_pattern(t, &p);
		jw_begin_object(&w, NULL);
		jw_string(&w, "name", t->name);
		jw_string(&w, "family", t->family);
		jw_string(&w, "emulator", emu);
		jw_string(&w, "emulator_path", installed(t, path, sizeof(path)) ? path : NULL);
		jw_string(&w, "native", native_word(host_runs_natively(&ctx->host, t)));
		jw_begin_array(&w, "aliases");
		while (next_word(&a, word, sizeof(word)))
			jw_string(&w, NULL, word);
		jw_end_array(&w);
		jw_uint(&w, "offset", p.offset);
		hex_format(p.magic, p.len, hex);
		jw_string(&w, "magic", hex);
		hex_format(p.mask, p.len, hex);
		jw_string(&w, "mask", hex);
		jw_end_object(&w);
	}
	jw_end_array(&w);
	jw_end_object(&w);
	jw_finish(&w);
}

static void print_human(struct qus_ctx *ctx)
{
	printf("%-13s %-13s %-26s %-7s %s\n", "TARGET", "FAMILY", "EMULATOR", "NATIVE", "ALIASES");
	for (size_t i = 0; i < QUS_NTARGETS; i++) {
		const struct qus_target *t = &qus_targets[i];
		char path[256];
		const char *emu = installed(t, path, sizeof(path)) ? strrchr(path, '/') + 1 : "-";

		printf("%-13s %-13s %-26s %-7s %s\n", t->name, t->family, emu,
		       native_word(host_runs_natively(&ctx->host, t)),
		       t->aliases[0] ? t->aliases : "-");
	}
}

int cmd_targets(struct qus_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		COMMON_LONGOPTS,
		{ "json", no_argument, NULL, 'j' },
		{ 0 },
	};
	bool json = false;
	int c;

	while ((c = getopt_long(argc, argv, ":hjV", longopts, NULL)) != -1) {
		if (c == 'j')
			json = true;
		else
			common_option(ctx, c, argv, "targets", usage_targets);
	}
	if (optind < argc)
		die_usage("targets: unexpected argument '%s'", argv[optind]);
	if (json)
		print_json(ctx);
	else
		print_human(ctx);
	return EXIT_OK;
}
