/* SPDX-License-Identifier: MIT */
/*
 * qus run: a command (and everything it starts) with the emulators
 * registered in a binfmt_misc instance of its own, for an ordinary user,
 * with the host's binfmt_misc untouched.  Linux >= 6.7 gives each user
 * namespace that mounts binfmt_misc its own instance (commit 21ca59b365c0,
 * "binfmt_misc: enable sandboxed mounts"); the kernel looks entries up in
 * the nearest user namespace that has one.
 *
 * qus itself becomes the command (exec), so the command's exit status and
 * the signals sent to it need no relaying.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "binfmt.h"
#include "binfmt_access.h"
#include "commands.h"
#include "diag.h"
#include "elfident.h"
#include "options.h"
#include "paths.h"
#include "registration.h"
#include "rootfs.h"
#include "userns.h"
#include "util.h"

const char usage_run[] =
	"Usage: qus run [OPTIONS] [--] COMMAND [ARG...]\n"
	"\n"
	"Run COMMAND in new user and mount namespaces with a binfmt_misc instance of\n"
	"its own, where every foreign target with an installed emulator (or each\n"
	"--arch TARGET) is registered.  COMMAND and every program it starts run foreign\n"
	"executables through QEMU; the host's binfmt_misc is not touched.  No root\n"
	"needed: Linux >= 6.7 and user namespaces.  You are root inside; with ranges in\n"
	"/etc/subuid and /etc/subgid (and newuidmap/newgidmap, package uidmap) other\n"
	"users exist too.\n"
	"\n"
	"Options:\n"
	"  -a, --arch TARGET[,...]  register only these targets (repeatable)\n"
	"      --rootfs DIR         run COMMAND with DIR as its root directory, with the\n"
	"                           host's /proc, /sys, /dev and resolv.conf and a new /tmp\n"
	"      --qemu-path DIR      where the emulators are (default /usr/bin): for each\n"
	"                           target qemu-T-static there, or else qemu-T\n"
	"      --qemu-suffix SUFFIX exactly qemu-T<SUFFIX>, no search ('' for qemu-T)\n"
	"      --flags LETTERS      entry flags (default: POF; F opens the emulators now,\n"
	"                           so DIR needs no copy of them)\n"
	"      --[no-]persistent, --[no-]preserve-argv0, --[no-]open-binary,\n"
	"      --[no-]credential, --include-native, --host TARGET\n"
	"                           as for `qus register` (see qus register --help),\n"
	"                           in the private binfmt_misc\n"
	"  -q, --quiet              no notes (e.g. about the id mapping)\n"
	"      --binfmt-dir DIR     refused: the private binfmt_misc is always mounted\n"
	"                           on /proc/sys/fs/binfmt_misc\n"
	"  -h, --help               show this help\n"
	"  -V, --version            show the version and exit\n"
	"\n"
	"Where a private binfmt_misc cannot be had (Linux < 6.7, user namespaces\n"
	"disabled), a foreign COMMAND runs through its emulator directly, with a warning:\n"
	"the programs it starts are then not emulated.\n"
	"\n"
	"Exit status: that of COMMAND; 125 qus failed, 126 COMMAND cannot be executed,\n"
	"127 COMMAND not found, 2 usage error.\n";

struct run_request {
	struct entry_choice what;
	const char *rootfs;
	bool quiet;
	char *const *command;
};

/*
 * One map (uid or gid): root keeps every id it has (so files keep their
 * owners); an ordinary user gets its subordinate ranges if the helpers can
 * write them, else just itself.
 */
static void plan_map(unsigned long self, bool root, const char *own_map, const char *subids,
		     const char *user, bool helpers, struct idmap *m)
{
	char text[8192];

	if (root) {
		if (read_small_file_at(AT_FDCWD, own_map, text, sizeof(text)) < 0 ||
		    idmap_identity(text, m) < 0)
			idmap_single(self, SINGLE_HELPER_FAILED, m);
	} else if (read_small_file_at(AT_FDCWD, subids, text, sizeof(text)) < 0 ||
		   idmap_subids(text, user, self, m) == 0) {
		idmap_single(self, SINGLE_NO_RANGES, m);
	} else if (!helpers) {
		idmap_single(self, SINGLE_NO_HELPER, m);
	}
}

static void plan_ids(struct userns_request *req)
{
	/* Fixed places, not $PATH: the helpers are setuid root. */
	static const char *const helper_dirs = "/usr/bin:/usr/sbin:/bin:/sbin";
	static char uhelper[PATH_MAX], ghelper[PATH_MAX];
	uid_t uid = geteuid();
	bool root = uid == 0, helpers = false;
	const struct passwd *pw = NULL;

	memset(req, 0, sizeof(*req));
	req->self_uid = uid;
	req->self_gid = getegid();
	if (!root) {
		pw = getpwuid(uid);
		helpers = find_program("newuidmap", helper_dirs, uhelper, sizeof(uhelper)) == 0 &&
			  find_program("newgidmap", helper_dirs, ghelper, sizeof(ghelper)) == 0;
		req->newuidmap = uhelper;
		req->newgidmap = ghelper;
	}
	plan_map(req->self_uid, root, "/proc/self/uid_map", "/etc/subuid", pw ? pw->pw_name : NULL,
		 helpers, &req->uid);
	plan_map(req->self_gid, root, "/proc/self/gid_map", "/etc/subgid", pw ? pw->pw_name : NULL,
		 helpers, &req->gid);
}

/* Say what a single-id mapping will not allow; root maps identically and needs no note. */
static void note_ids(const struct userns_request *req)
{
	static const char *const why[] = {
		[SINGLE_NO_RANGES] = "you have no subordinate ids in /etc/subuid and /etc/subgid",
		[SINGLE_NO_HELPER] = "newuidmap/newgidmap are not installed (package uidmap)",
		[SINGLE_HELPER_FAILED] = "newuidmap/newgidmap refused your subordinate ids",
	};
	enum idmap_single_reason r =
		req->uid.why_single ? req->uid.why_single : req->gid.why_single;

	if (!r || req->self_uid == 0)
		return;
	warn("note: %s, so only root (you) exists inside: giving files to other users and "
	     "switching users fail (package managers' sandbox users, e.g. apt's _apt); "
	     "see 'Identity' in qus(1)",
	     why[r]);
}

/*
 * Without a private binfmt_misc: run a foreign COMMAND through its
 * emulator, found with the same table as `qus detect`.  QEMU's -0 keeps
 * argv[0] (busybox, for one, picks its applet by it).
 */
static noreturn void run_direct(struct qus_ctx *ctx, const struct run_request *rq, const char *why)
{
	char path[PATH_MAX], *emulator;
	struct binfmt_entry e;
	uint8_t hdr[QUS_HEADER_SIZE];
	const struct qus_target *t = NULL;
	const char *cmd = rq->command[0];
	size_t argc = 0;
	char **argv;
	int r;

	if (rq->rootfs)
		die(EXIT_RUN_FAIL, "run: %s; --rootfs needs it", why);
	r = find_program(cmd, getenv("PATH"), path, sizeof(path));
	if (r < 0)
		die(r == -EACCES ? EXIT_CANNOT_EXEC : EXIT_NOT_FOUND, "run: %s: %s", cmd,
		    r == -ENOENT ? "command not found" : strerror(-r));
	if (elf_read_header(AT_FDCWD, path, hdr) > 0)
		t = elf_identify(hdr);
	if (!t || host_runs_natively(&ctx->host, t) != NATIVE_NO ||
	    !rq->what.targets.want[t - qus_targets])
		die(EXIT_RUN_FAIL,
		    "run: %s; %s is not a foreign program, so nothing could emulate the "
		    "programs it starts (as root, 'qus register' makes them run everywhere)",
		    why, cmd);
	/* The entry qus would register names the emulator: one place makes that path. */
	if (plan_entry(t, rq->what.qemu_dir, rq->what.qemu_suffix, 0, &e) < 0)
		die(EXIT_RUN_FAIL, "run: the emulator path in %s is too long", rq->what.qemu_dir);
	emulator = e.interpreter;
	if (access(emulator, X_OK) < 0) {
		int err = errno;

		if (err == ENOENT && !rq->what.qemu_suffix)
			die(EXIT_RUN_FAIL,
			    "run: %s; and no emulator of %s is in %s: neither qemu-%s-static nor "
			    "qemu-%s exists (install qemu-user-static or qemu-user, or point "
			    "--qemu-path at the emulators)",
			    why, cmd, rq->what.qemu_dir, t->emulator, t->emulator);
		errno = err;
		die_errno(EXIT_RUN_FAIL,
			  "run: %s; and %s, the emulator of %s, cannot be run (install "
			  "qemu-user-static or qemu-user, or point --qemu-path at the emulators)",
			  why, emulator, cmd);
	}
	warn("run: %s; running %s through %s directly: programs it starts are not emulated", why,
	     cmd, emulator);
	while (rq->command[argc])
		argc++;
	argv = calloc(argc + 4, sizeof(*argv));
	if (!argv)
		die_errno(EXIT_RUN_FAIL, "run");
	argv[0] = emulator;
	argv[1] = (char *)(uintptr_t) "-0";
	argv[2] = (char *)(uintptr_t)cmd;
	argv[3] = path;
	for (size_t i = 1; i < argc; i++)
		argv[3 + i] = rq->command[i];
	execv(emulator, argv);
	die_errno(EXIT_CANNOT_EXEC, "run: cannot execute %s", emulator);
}

/* In the new namespaces: a private binfmt_misc with the emulators in it. */
static int register_private(struct qus_ctx *ctx, const struct run_request *rq, int *err)
{
	struct reg_request req;
	unsigned registered = 0;

	*err = binfmt_mount(BINFMT_DEFAULT_DIR);
	if (*err < 0)
		return -1;
	memset(&req, 0, sizeof(req));
	req.what = rq->what;
	req.quiet = true;
	req.skip_absent = true;
	ctx->binfmt_dir = BINFMT_DEFAULT_DIR;
	if (register_entries(ctx, &req, &registered) != EXIT_OK && rq->what.targets.explicit)
		die(EXIT_RUN_FAIL,
		    "run: the targets named with --arch could not all be registered");
	if (!registered)
		die(EXIT_RUN_FAIL,
		    "run: no emulator found in %s (install qemu-user-static or qemu-user, or "
		    "point --qemu-path at the emulators)",
		    rq->what.qemu_dir);
	return 0;
}

static void enter_rootfs(const struct run_request *rq, const char *real_root, const char *cwd)
{
	struct rootfs_report rep;
	char inner[PATH_MAX];
	int r;

	if (rootfs_inner_path(real_root, cwd, inner, sizeof(inner)) < 0)
		strcpy(inner, "/");
	r = rootfs_enter(real_root, inner, &rep);
	if (r < 0) {
		char link[PATH_MAX], path[2 * PATH_MAX + 2];
		ssize_t n;

		/*
		 * A mount point that is a link (debootstrap makes proc -> /proc
		 * when it believes it runs in a docker container): a mount in the
		 * tree never follows a link out of it, so say what to do.
		 */
		snprintf(path, sizeof(path), "%s/%s", real_root, rep.failed_path);
		n = readlink(path, link, sizeof(link) - 1);
		if (n > 0) {
			link[n] = '\0';
			die(EXIT_RUN_FAIL,
			    "run: %s/%s is a symbolic link (to %s), and a mount point in the tree must "
			    "be a directory: replace it (rm %s/%s && mkdir %s/%s)",
			    rq->rootfs, rep.failed_path, link, rq->rootfs, rep.failed_path,
			    rq->rootfs, rep.failed_path);
		}
		die(EXIT_RUN_FAIL, "run: cannot set up %s in %s: %s", rep.failed_path, rq->rootfs,
		    strerror(-r));
	}
	for (size_t i = 0; i < rep.nskipped && !rq->quiet; i++)
		warn("note: %s/%s not set up: %s", rq->rootfs, rep.skipped[i].path,
		     strerror(-rep.skipped[i].err));
}

/* Become COMMAND, or say precisely why not. */
static noreturn void exec_command(const struct run_request *rq)
{
	const char *where = rq->rootfs ? " inside the --rootfs tree" : "";
	char path[PATH_MAX];
	int err, r;

	execvp(rq->command[0], rq->command);
	err = errno;
	/*
	 * Ask the lookup itself: execvp says EACCES for a name found nowhere
	 * if a PATH directory is unreadable, and ENOENT for a file that exists
	 * when its interpreter (emulator, dynamic loader, #! line) does not.
	 */
	r = find_program(rq->command[0], getenv("PATH"), path, sizeof(path));
	if (r == -ENOENT)
		die(EXIT_NOT_FOUND, "run: %s: command not found%s", rq->command[0], where);
	if (r == 0 && err == ENOENT)
		die(EXIT_CANNOT_EXEC,
		    "run: cannot execute %s: the program it needs to start (its emulator, "
		    "dynamic loader or #! interpreter) does not exist%s",
		    path, where);
	errno = err;
	die_errno(EXIT_CANNOT_EXEC, "run: cannot execute %s", rq->command[0]);
}

static noreturn void run(struct qus_ctx *ctx, const struct run_request *rq)
{
	char why[256], real_root[PATH_MAX], cwd[PATH_MAX];
	struct userns_request ids;
	enum userns_stage stage;
	int r, err;

	/* Resolved before the namespaces change anything, to fail early and plainly. */
	if (rq->rootfs && !realpath(rq->rootfs, real_root))
		die_errno(EXIT_RUN_FAIL, "run: --rootfs %s", rq->rootfs);
	if (!getcwd(cwd, sizeof(cwd)))
		strcpy(cwd, "/");
	if (!host_kernel_at_least(&ctx->host, 6, 7)) {
		snprintf(why, sizeof(why),
			 "a private binfmt_misc needs Linux 6.7 or newer, and this is %s",
			 ctx->host.release);
		run_direct(ctx, rq, why);
	}
	plan_ids(&ids);
	r = userns_enter(&ids, &stage);
	if (r < 0 && stage == USERNS_UNSHARE) {
		snprintf(
			why, sizeof(why), "cannot create a user namespace: %s%s", strerror(-r),
			r == -EPERM || r == -ENOSPC
				? " (user namespaces are disabled or limited here: "
				  "sysctl user.max_user_namespaces, kernel.unprivileged_userns_clone)"
				: "");
		run_direct(ctx, rq, why);
	}
	if (r < 0)
		die(EXIT_RUN_FAIL, "run: cannot set up the user namespace (%s): %s",
		    stage == USERNS_MAP ? "id maps" : "private mounts", strerror(-r));
	if (!rq->quiet)
		note_ids(&ids);
	if (register_private(ctx, rq, &err) < 0) {
		snprintf(why, sizeof(why), "cannot mount a private binfmt_misc on %s: %s",
			 BINFMT_DEFAULT_DIR, strerror(-err));
		run_direct(ctx, rq, why);
	}
	if (rq->rootfs && !(rq->what.flags & QUS_FLAG_F) && !rq->quiet)
		warn("note: without flag F the kernel opens each emulator inside %s at every exec, so "
		     "the tree needs its own copy in %s",
		     rq->rootfs, rq->what.qemu_dir);
	if (rq->rootfs)
		enter_rootfs(rq, real_root, cwd);
	exec_command(rq);
}

/* --arch a,b --arch c: the names, split at commas, into @names. */
static int add_arch_names(char *arg, char **names, int count, int max)
{
	for (char *save = NULL, *n = strtok_r(arg, ",", &save); n; n = strtok_r(NULL, ",", &save)) {
		if (count == max)
			die_usage("run: too many --arch names");
		names[count++] = n;
	}
	return count;
}

/*
 * Rootless podman and buildah under qus run would see uid 0 and take it for
 * real root: root's storage, /run, lock files and cgroups, which the user
 * may not use.  Their own user namespace is the one to register in.
 */
static void refuse_container_engines(const char *command)
{
	const char *base = strrchr(command, '/') ? strrchr(command, '/') + 1 : command;

	if (strcmp(base, "podman") && strcmp(base, "buildah"))
		return;
	die(EXIT_RUN_FAIL,
	    "run: %s under qus run would take uid 0 for root and want root's storage and "
	    "cgroups; register for your rootless podman instead, once: 'qus register --podman', "
	    "then run podman as usual (buildah: 'podman unshare buildah ...')",
	    base);
}

int cmd_run(struct qus_ctx *ctx, int argc, char **argv)
{
	enum { OPT_ROOTFS = 0x1300 };
	static const struct option longopts[] = {
		COMMON_LONGOPTS,
		ENTRY_LONGOPTS,
		{ "arch", required_argument, NULL, 'a' },
		{ "rootfs", required_argument, NULL, OPT_ROOTFS },
		{ "quiet", no_argument, NULL, 'q' },
		{ 0 },
	};
	char *names[2 * QUS_NTARGETS];
	struct run_request rq;
	struct entry_opts eo;
	int c, nnames = 0;

	memset(&rq, 0, sizeof(rq));
	entry_opts_init(&eo);
	/* '+': options end at COMMAND, whose own options are its business. */
	while ((c = getopt_long(argc, argv, "+:a:hqV", longopts, NULL)) != -1) {
		if (entry_option(ctx, &eo, c, optarg))
			continue;
		switch (c) {
		case 'a':
			nnames = add_arch_names(optarg, names, nnames, (int)ARRAY_SIZE(names));
			break;
		case OPT_ROOTFS:
			rq.rootfs = optarg;
			break;
		case 'q':
			rq.quiet = true;
			break;
		default:
			common_option(ctx, c, argv, "run", usage_run);
		}
	}
	if (optind == argc)
		die_usage("run: name the command to run (qus run [OPTIONS] -- COMMAND [ARG...])");
	if (strcmp(ctx->binfmt_dir, BINFMT_DEFAULT_DIR) != 0)
		die_usage("run: --binfmt-dir does not apply: the private binfmt_misc is always "
			  "mounted on " BINFMT_DEFAULT_DIR);
	entry_opts_finish(ctx, &eo, names, nnames, &rq.what);
	rq.command = argv + optind;
	refuse_container_engines(rq.command[0]);
	run(ctx, &rq);
}
