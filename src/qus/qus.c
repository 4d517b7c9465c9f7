/* SPDX-License-Identifier: MIT */
/*
 * qus: register QEMU user-mode emulators with binfmt_misc.
 *
 * The command table below is the whole dispatcher: `qus COMMAND ...` runs a
 * command; options alone (`qus --reset -p yes`) are the register image's
 * interface, taken from multiarch/qemu-user-static and QEMU's script.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "paths.h"

/* What a command needs before it runs; the dispatcher provides it once. */
enum {
	NEEDS_HOST = 1 << 0, /* uname and the native-target rule */
};

struct command {
	const char *name;
	int (*run)(struct qus_ctx *ctx, int argc, char **argv);
	const char *usage;
	unsigned needs;
};

static const struct command commands[] = {
	{ "register", cmd_register, usage_register, NEEDS_HOST },
	{ "unregister", cmd_unregister, usage_unregister, 0 },
	{ "status", cmd_status, usage_status, NEEDS_HOST },
	{ "detect", cmd_detect, usage_detect, NEEDS_HOST },
	{ "export", cmd_export, usage_export, NEEDS_HOST },
	{ "targets", cmd_targets, usage_targets, NEEDS_HOST },
	{ "run", cmd_run, usage_run, NEEDS_HOST },
	{ "check", cmd_check, usage_check, NEEDS_HOST },
};

const char usage_main[] =
	"Usage: qus COMMAND [OPTIONS] [ARGUMENTS]\n"
	"       qus [--reset] [QEMU-SCRIPT-OPTIONS] [TARGET...]\n"
	"\n"
	"Register QEMU's user-mode emulators with the kernel's binfmt_misc, so that\n"
	"programs and containers of other CPU architectures run transparently.\n"
	"\n"
	"Commands:\n"
	"  register [TARGET...]      register emulators: every target this host does not\n"
	"                            run natively, or those named (root)\n"
	"  unregister TARGET...|--all\n"
	"                            remove QEMU's entries (qemu-*), never others' (root)\n"
	"  status [TARGET...]        show the entries: target, state, flags, interpreter\n"
	"  detect FILE...            print the target of each executable\n"
	"  export --systemd|--debian [TARGET...]\n"
	"                            write configuration that registers at every boot\n"
	"  targets                   list the targets and the aliases qus accepts\n"
	"  run [--rootfs DIR] -- COMMAND [ARG...]\n"
	"                            run COMMAND with the emulators registered in a\n"
	"                            binfmt_misc of its own; no root needed (Linux 6.7)\n"
	"  check [TARGET...]         prove each target runs: execute a tiny program of\n"
	"                            each through the kernel and check what it prints\n"
	"  help [COMMAND]            show the help of a command\n"
	"\n"
	"Options of every command:\n"
	"      --binfmt-dir DIR      binfmt_misc mount (default /proc/sys/fs/binfmt_misc)\n"
	"  -h, --help                show help and exit\n"
	"  -V, --version             show the version and exit\n"
	"\n"
	"Options alone are the interface of the register image (multiarch/qemu-user-\n"
	"static's register.sh and QEMU's qemu-binfmt-conf.sh), with their defaults:\n"
	"no flags unless asked, emulators /usr/bin/qemu-TARGET-static:\n"
	"      --reset               first remove every qemu-* entry, then register\n"
	"  -p, --persistent yes|no   flag F: open the emulator now (Linux >= 4.8)\n"
	"  -c, --credential yes|no   flags OC: setuid programs keep their privileges\n"
	"  -g, --preserve-argv0 yes|no\n"
	"                            flag P: keep argv[0] (Linux >= 5.12)\n"
	"  -i, --ignore-family yes|no\n"
	"                            also register targets the host runs natively\n"
	"  -Q, --qemu-path DIR       where the emulators are (default /usr/bin)\n"
	"  -F, --qemu-suffix SUFFIX  emulator name suffix (default -static)\n"
	"  -s, --systemd TARGET|ALL  write systemd binfmt.d files instead of registering\n"
	"  -d, --debian              write update-binfmts files instead of registering\n"
	"  -e, --exportdir DIR       where --systemd/--debian write (default\n"
	"                            /etc/binfmt.d or /usr/share/binfmts)\n"
	"Example: qus --reset -p yes   (what `docker run --privileged IMAGE --reset\n"
	"-p yes` does with the multiarch/qemu-user-static image)\n"
	"\n"
	"Targets are QEMU's names (aarch64, arm, riscv64, ...) or aliases (arm64, armhf,\n"
	"amd64, ppc64el, linux/arm/v7, ...); see `qus targets`.  The kernel needs\n"
	"binfmt_misc; flag F needs Linux 4.8, flag P's signal to the emulator 5.12.\n"
	"\n"
	"Exit status: 0 success, 1 failure (partial results are reported), 2 usage\n"
	"error.  See qus(1).\n";

static const struct command *find_command(const char *name)
{
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

int dispatch_command(struct qus_ctx *ctx, int argc, char **argv)
{
	const struct command *cmd = find_command(argv[0]);

	if (!cmd)
		return -1;
	if (cmd->needs & NEEDS_HOST) {
		/* Cannot fail in practice; without it nothing is skipped as native. */
		if (host_detect(&ctx->host) < 0)
			warn("cannot tell the host's architecture (uname failed)");
	}
	optind = 0; /* a fresh getopt scan (glibc and musl both reset on 0) */
	return cmd->run(ctx, argc, argv);
}

static int cmd_help(int argc, char **argv)
{
	const struct command *cmd;

	if (argc < 2) {
		fputs(usage_main, stdout);
		return EXIT_OK;
	}
	cmd = find_command(argv[1]);
	if (!cmd)
		die_usage("help: unknown command '%s'", argv[1]);
	fputs(cmd->usage, stdout);
	return EXIT_OK;
}

int qus_main(int argc, char **argv)
{
	struct qus_ctx ctx = { .binfmt_dir = BINFMT_DEFAULT_DIR };
	int r;

	opterr = 0; /* qus reports option errors itself, in its own words */
	if (argc < 2) {
		fputs(usage_main, stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "help"))
		return cmd_help(argc - 1, argv + 1);
	r = dispatch_command(&ctx, argc - 1, argv + 1);
	if (r >= 0)
		return r;
	if (argv[1][0] != '-')
		die_usage("unknown command '%s'", argv[1]);
	/* Options first: the register image's interface (or global options, then a command). */
	optind = 0;
	return cmd_compat(&ctx, argc, argv);
}
