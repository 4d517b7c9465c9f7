/* SPDX-License-Identifier: MIT */
#include "options.h"

#include <stdio.h>
#include <string.h>

#include "config.h"
#include "diag.h"
#include "entry.h"
#include "paths.h"
#include "util.h"

void common_option(struct qus_ctx *ctx, int c, char **argv, const char *cmd, const char *usage)
{
	/*
	 * optind has moved past the offending word.  A long option is named
	 * by that word; a short one by optopt (it may sit in a cluster).
	 */
	const char *word = optind > 0 ? argv[optind - 1] : "?";
	char shortopt[3] = { '-', (char)optopt, '\0' };
	const char *opt = !strncmp(word, "--", 2) ? word : shortopt;

	switch (c) {
	case OPT_BINFMT_DIR:
		ctx->binfmt_dir = optarg;
		return;
	case 'h':
		fputs(usage, stdout);
		cli_exit(EXIT_OK);
	case 'V':
		print_version();
		cli_exit(EXIT_OK);
	case ':':
		die_usage("%s: option '%s' needs a value", cmd, opt);
	default:
		die_usage("%s: unknown option '%s'", cmd, opt);
	}
}

void print_version(void)
{
	printf("qus %s\n", QUS_VERSION);
}

void parse_targets_or_die(char *const *names, int count, struct target_set *set)
{
	const char *bad = NULL;

	if (targets_parse(names, count, set, &bad) < 0)
		die_usage("unknown target '%s' (run 'qus targets' for names and aliases)", bad);
}

void override_host_or_die(struct qus_ctx *ctx, const char *name)
{
	const struct qus_target *t = arch_find(name);

	if (!t)
		die_usage("--host: unknown target '%s' (run 'qus targets' for names and aliases)",
			  name);
	host_override(&ctx->host, t);
}

void entry_opts_init(struct entry_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->qemu_dir = QEMU_DEFAULT_DIR;
	o->qemu_suffix = NULL; /* look for qemu-T-static, then qemu-T */
}

/* The flag switches: --X, --X=yes, --X=no and --no-X. */
static const struct flag_switch {
	int on, off;
	unsigned flag;
	const char *name;
} flag_switches[] = {
	{ OPT_PERSISTENT, OPT_NO_PERSISTENT, QUS_FLAG_F, "persistent" },
	{ OPT_PRESERVE, OPT_NO_PRESERVE, QUS_FLAG_P, "preserve-argv0" },
	{ OPT_OPEN_BINARY, OPT_NO_OPEN_BINARY, QUS_FLAG_O, "open-binary" },
	{ OPT_CREDENTIAL, OPT_NO_CREDENTIAL, QUS_FLAG_C, "credential" },
};

static bool flag_switch(struct entry_opts *o, int c, const char *arg)
{
	for (size_t i = 0; i < ARRAY_SIZE(flag_switches); i++) {
		const struct flag_switch *sw = &flag_switches[i];
		bool on = c == sw->on;

		if (c != sw->on && c != sw->off)
			continue;
		if (on && arg && parse_yes_no(arg, &on) < 0)
			die_usage("--%s expects yes or no, not '%s'", sw->name, arg);
		o->set = on ? o->set | sw->flag : o->set & ~sw->flag;
		o->clear = on ? o->clear & ~sw->flag : o->clear | sw->flag;
		return true;
	}
	return false;
}

bool entry_option(struct qus_ctx *ctx, struct entry_opts *o, int c, const char *arg)
{
	if (flag_switch(o, c, arg))
		return true;
	switch (c) {
	case OPT_QEMU_PATH:
		o->qemu_dir = arg;
		return true;
	case OPT_QEMU_SUFFIX:
		o->qemu_suffix = arg;
		return true;
	case OPT_FLAGS:
		if (flags_parse(arg, &o->exact_flags) < 0)
			die_usage("--flags: '%s' is not a set of binfmt_misc flags (P, O, C, F)",
				  arg);
		o->exact = true;
		return true;
	case OPT_INCLUDE_NATIVE:
		o->include_native = true;
		return true;
	case OPT_TAKE_OVER:
		o->take_over = true;
		return true;
	case OPT_HOST:
		override_host_or_die(ctx, arg);
		return true;
	default:
		return false;
	}
}

unsigned entry_opts_flags(const struct qus_ctx *ctx, const struct entry_opts *o)
{
	unsigned f;

	if (o->exact)
		return flags_normalize(o->exact_flags);
	f = (plan_default_flags(&ctx->host) | o->set) & ~o->clear;
	/* --no-open-binary with --credential: the kernel sets O for C anyway. */
	return flags_normalize(f);
}

void entry_opts_finish(const struct qus_ctx *ctx, const struct entry_opts *o, char *const *args,
		       int count, struct entry_choice *out)
{
	parse_targets_or_die(args, count, &out->targets);
	out->qemu_dir = o->qemu_dir;
	out->qemu_suffix = o->qemu_suffix;
	out->flags = entry_opts_flags(ctx, o);
	out->include_native = o->include_native;
	out->take_over = o->take_over;
}
