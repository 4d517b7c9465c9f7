/* SPDX-License-Identifier: MIT */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "binfmt.h"
#include "config.h"
#include "entry.h"
#include "paths.h"
#include "util.h"

/* "qus: <message>[: <strerror>][<hint>]" -- what failed, on what, then what to do. */
__attribute__((format(printf, 3, 0))) static void vmessage(int err, const char *hint,
							   const char *fmt, va_list ap)
{
	fflush(stdout);
	fputs("qus: ", stderr);
	vfprintf(stderr, fmt, ap);
	if (err)
		fprintf(stderr, ": %s", strerror(err < 0 ? -err : err));
	if (hint)
		fputs(hint, stderr);
	fputc('\n', stderr);
}

/*
 * Weak: the command fuzzer (tests/fuzz/fuzz_commands.c) replaces it with a
 * longjmp, so that a command that ends the process ends only one input.
 */
__attribute__((weak)) void cli_exit(int status)
{
	exit(status);
}

void warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage(0, NULL, fmt, ap);
	va_end(ap);
}

void warn_err(int err, const char *hint, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage(err, hint, fmt, ap);
	va_end(ap);
}

void die(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage(0, NULL, fmt, ap);
	va_end(ap);
	cli_exit(status);
}

void die_errno(int status, const char *fmt, ...)
{
	int err = errno;
	va_list ap;

	va_start(ap, fmt);
	vmessage(err, NULL, fmt, ap);
	va_end(ap);
	cli_exit(status);
}

void die_usage(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage(0, NULL, fmt, ap);
	va_end(ap);
	fputs("Try 'qus --help' for more information.\n", stderr);
	cli_exit(EXIT_USAGE);
}

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

const char *binfmt_hint(int err)
{
	switch (err < 0 ? -err : err) {
	case EACCES:
	case EPERM:
		return " (run as root; in a container, start it with --privileged)";
	case EROFS:
		return " (binfmt_misc is read-only here; in a container, start it with --privileged)";
	case ENODEV:
		return " (this kernel has no binfmt_misc; load it with 'modprobe binfmt_misc')";
	default:
		return "";
	}
}

bool binfmt_refuses_all(int err)
{
	return err == -EROFS || err == -EACCES || err == -EPERM;
}

const char *register_error_hint(int err, unsigned flags, const struct qus_host *h)
{
	if (err < 0)
		err = -err;
	if (err != EINVAL)
		return binfmt_hint(err);
	/* Kernels before 4.8 know no F: create_entry() stops at the letter, EINVAL. */
	if ((flags & QUS_FLAG_F) && !host_kernel_at_least(h, 4, 8))
		return " (flag F needs Linux 4.8 or later; register with --no-persistent)";
	return "";
}

/*
 * Whether this process runs in a container: it is the init of a PID
 * namespace (podman and docker start the entrypoint as PID 1), or podman's
 * marker file is there.  Not /.dockerenv: machine images built from docker
 * images keep it.  A heuristic; it only decides a warning.
 */
static bool in_container(void)
{
	return getpid() == 1 || access("/run/.containerenv", F_OK) == 0;
}

static bool kernel_drops_entries_on_umount(struct qus_ctx *ctx)
{
	struct qus_host h = ctx->host;

	if (!h.kernel_major && host_detect(&h) < 0)
		return false;
	return host_kernel_at_least(&h, 6, 7);
}

int cli_binfmt_open(struct qus_ctx *ctx, enum binfmt_access access)
{
	const char *dir = ctx->binfmt_dir;
	int fd, r;

	fd = binfmt_open(dir);
	if (fd < 0) {
		if (fd == -ENOENT)
			warn("%s does not exist (the kernel has no binfmt_misc; load it with "
			     "'modprobe binfmt_misc', or give the mount point with --binfmt-dir)",
			     dir);
		else
			warn_err(fd, NULL, "cannot open %s", dir);
		return -1;
	}
	r = binfmt_is_mounted(fd);
	if (r == 1)
		return fd;
	if (r < 0) {
		warn_err(r, NULL, "cannot examine %s", dir);
		close(fd);
		return -1;
	}
	if (access == BINFMT_READ) {
		close(fd);
		return -ENODEV;
	}
	/* Mount only on an empty directory: never hide files under a mount. */
	r = binfmt_dir_is_empty(fd);
	close(fd);
	if (r <= 0) {
		if (r < 0)
			warn_err(r, NULL, "cannot read %s", dir);
		else
			warn("%s is not a binfmt_misc mount and is not empty; refusing to mount "
			     "over it (give the mount point with --binfmt-dir)",
			     dir);
		return -1;
	}
	r = binfmt_mount(dir);
	if (r < 0) {
		warn_err(r, binfmt_hint(r), "cannot mount binfmt_misc on %s", dir);
		return -1;
	}
	warn("binfmt_misc was not mounted; mounted it on %s", dir);
	/*
	 * Since Linux 6.7 the entries live as long as a mount of binfmt_misc
	 * does.  A container's mounts go when it exits: what the register image
	 * registers on a host without binfmt_misc mounted is gone right after.
	 */
	if (in_container() && kernel_drops_entries_on_umount(ctx))
		warn("warning: entries last only while binfmt_misc is mounted somewhere, and this "
		     "mount ends with this container; mount binfmt_misc on the host first "
		     "(mount -t binfmt_misc binfmt_misc %s)",
		     BINFMT_DEFAULT_DIR);
	fd = binfmt_open(dir);
	if (fd < 0) {
		warn_err(fd, NULL, "cannot open %s", dir);
		return -1;
	}
	return fd;
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
	o->qemu_suffix = QEMU_DEFAULT_SUFFIX;
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
}
