/* SPDX-License-Identifier: MIT */
#include "registration.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "binfmt.h"
#include "automount.h"
#include "binfmt_access.h"
#include "diag.h"
#include "emulator.h"
#include "guard.h"
#include "handler.h"
#include "instance.h"
#include "util.h"

struct reg_tally {
	unsigned done[BINFMT_NOUTCOMES]; /* by enum binfmt_outcome */
	unsigned failed, missing, absent;
	char skipped[QUS_NTARGETS * 16];
	char others[QUS_NTARGETS * 16]; /* left to another emulator */
	struct guard_natives natives;	/* read once for all targets */
	/* The entries before this run, in the kernel's order: who runs what. */
	struct binfmt_entry *entries;
	size_t nentries;
};

static const char *const outcome_words[] = {
	[BINFMT_ADDED] = "registered",
	[BINFMT_REPLACED] = "replaced with",
	[BINFMT_UNCHANGED] = "unchanged,",
	[BINFMT_ENABLED] = "re-enabled,",
};

static FILE *out_of(const struct reg_request *req)
{
	return req->out ? req->out : stdout;
}

static void print_result(const struct reg_request *req, const struct binfmt_entry *e,
			 const char *what)
{
	char flags[5];

	if (req->quiet)
		return;
	if (req->changes_only && !strcmp(what, outcome_words[BINFMT_UNCHANGED]))
		return;
	flags_format(e->flags, flags);
	fprintf(out_of(req), "%s: %s %s (flags: %s)\n", e->name, what, e->interpreter,
		flags[0] ? flags : "none");
}

static void refuse_guard(enum guard_verdict v, const struct binfmt_entry *e, const char *what)
{
	switch (v) {
	case GUARD_MATCHES_INTERPRETER:
		warn("%s: refused: its magic matches the interpreter %s itself; the kernel would "
		     "hand the emulator to itself until exec fails with 'Too many levels of "
		     "symbolic links'",
		     e->name, what);
		break;
	case GUARD_MATCHES_NATIVE_FILE:
		warn("%s: refused: its magic matches %s, a native program of this host; "
		     "registering it would make every program on the machine fail with 'Too "
		     "many levels of symbolic links'",
		     e->name, what);
		break;
	case GUARD_MATCHES_HOST_ARCH:
		warn("%s: refused: its magic matches every %s program, the host's own "
		     "architecture; registering it would send every native program to the "
		     "emulator",
		     e->name, what);
		break;
	case GUARD_OK:
		break;
	}
}

/* Flag F needs the emulator now: say which names were looked for, and the fix. */
static void report_missing(const struct reg_request *req, const struct qus_target *tg,
			   const struct binfmt_entry *e)
{
	char plain[QUS_NAME_MAX + 1], with_static[QUS_NAME_MAX + 1];

	if (req->what.qemu_suffix) {
		warn("%s: interpreter %s does not exist (install qemu-user-static or qemu-user, or "
		     "point --qemu-path and --qemu-suffix at the emulators)",
		     e->name, e->interpreter);
		return;
	}
	plan_emulator_name(tg, EMULATOR_SUFFIX_STATIC, with_static, sizeof(with_static));
	plan_emulator_name(tg, EMULATOR_SUFFIX_PLAIN, plain, sizeof(plain));
	warn("%s: no emulator in %s: neither %s nor %s exists (install qemu-user-static or "
	     "qemu-user, or point --qemu-path at the emulators)",
	     e->name, req->what.qemu_dir, with_static, plain);
}

/*
 * Checks that need no kernel: returns 0 if @e may be registered, 1 to leave
 * it out silently (skip_absent), -1 after printing why not.  Counts
 * interpreters that are missing but not needed now.
 */
static int check_entry(struct qus_ctx *ctx, const struct reg_request *req,
		       const struct qus_target *tg, const struct binfmt_entry *e,
		       struct reg_tally *t)
{
	enum entry_problem p = entry_validate(e);
	enum guard_verdict v;
	char what[4096];
	uint8_t page[4096] = { 0 };
	bool have_page = false;
	struct stat st;

	if (p != ENTRY_OK) {
		warn("%s: cannot register: %s", e->name, entry_problem_str(p));
		return -1;
	}
	if (stat(e->interpreter, &st) < 0) {
		/*
		 * Without F the kernel opens the interpreter at each exec, in the
		 * exec'ing process's mount namespace: the register image registers
		 * emulators that exist only in the containers that run later.
		 */
		if (req->skip_absent && !req->what.targets.explicit) {
			t->absent++;
			return 1;
		}
		if (!(e->flags & QUS_FLAG_F)) {
			t->missing++;
		} else {
			report_missing(req, tg, e);
			return -1;
		}
	} else if (!S_ISREG(st.st_mode) || access(e->interpreter, X_OK) < 0) {
		warn("%s: interpreter %s is not an executable file", e->name, e->interpreter);
		return -1;
	} else {
		/* One read for the guard and the loader check (program headers come first). */
		_cleanup_close_ int fd = open(e->interpreter, O_RDONLY | O_CLOEXEC | O_NOCTTY);
		long n = fd >= 0 ? read_full(fd, page, sizeof(page)) : -1;

		if (n > 0)
			have_page = true;
		/* Fine on the host; its loader and libraries are missing in most containers. */
		if (n > 0 && elf_needs_loader(page, (size_t)n) && !req->quiet)
			warn("%s: note: interpreter %s is dynamically linked: foreign programs in "
			     "containers or chroots without its libraries will not start (Debian 12's "
			     "qemu-user is; install qemu-user-static, or a qemu-user of QEMU 9.1.1 or "
			     "later, whose emulators are static)",
			     e->name, e->interpreter);
	}
	v = guard_entry(e, have_page ? page : NULL, &t->natives, &ctx->host, what, sizeof(what));
	if (v != GUARD_OK) {
		refuse_guard(v, e, what);
		return -1;
	}
	if (e->flags & QUS_FLAG_C) {
		int r = guard_credential(e->interpreter, what, sizeof(what));

		if (r == -EPERM) {
			warn("%s: refused the credential flag: %s; setuid programs would run that "
			     "file with their privileges (fix the ownership or drop --credential)",
			     e->name, what);
			return -1;
		}
		if (r < 0) {
			warn_err(r, NULL, "%s: cannot verify %s for the credential flag", e->name,
				 e->interpreter);
			return -1;
		}
	}
	return 0;
}

static void report_kernel_error(struct qus_ctx *ctx, const struct binfmt_entry *e, int err,
				enum binfmt_outcome out)
{
	char buf[QUS_REGISTER_MAX + 1];
	const char *previous =
		out == BINFMT_FAILED_LOST
			? "; its previous entry was removed and could not be put back"
			: "";

	if (binfmt_refuses_all(err)) {
		warn_err(err, register_error_hint(err, e->flags, &ctx->host),
			 "cannot register in %s", ctx->binfmt_dir);
		return;
	}
	if (err != -EINVAL) {
		warn("%s: cannot register in %s: %s%s%s", e->name, ctx->binfmt_dir, strerror(-err),
		     register_error_hint(err, e->flags, &ctx->host), previous);
		return;
	}
	/* EINVAL: name the kernel's reason if qus knows it, else show the string. */
	if (entry_format_register(e, buf, sizeof(buf)) < 0)
		buf[0] = '\0';
	warn("%s: kernel %s rejected the entry%s%s: %s", e->name, ctx->host.release,
	     register_error_hint(err, e->flags, &ctx->host), previous, buf);
}

static void note_skip(const struct reg_request *req, struct reg_tally *t, struct qus_ctx *ctx,
		      const struct qus_target *tg, enum plan_decision d)
{
	if (!req->what.targets.explicit || req->changes_only) {
		size_t n = strlen(t->skipped);

		snprintf(t->skipped + n, sizeof(t->skipped) - n, "%s%s", n ? " " : "", tg->name);
		return;
	}
	if (d == PLAN_SKIP_HOST)
		fprintf(out_of(req), "qemu-%s: skipped: %s is this host's own architecture\n",
			tg->name, tg->name);
	else
		fprintf(out_of(req),
			"qemu-%s: skipped: this %s host runs %s programs natively "
			"(--include-native registers it anyway)\n",
			tg->name, ctx->host.machine, tg->name);
}

/*
 * Another emulator runs @tg's programs now (handler.h): registering QEMU
 * would put it in front and take them away.  Returns true if @tg is left
 * to it (said in one line, not a failure), false to go on (no other
 * emulator, or --take-over: then *@over names the one taken over).
 */
static bool leave_to_other(const struct reg_request *req, struct reg_tally *t,
			   const struct qus_target *tg, const struct binfmt_entry **over)
{
	const struct binfmt_entry *h = handler_other(t->entries, t->nentries, tg);
	size_t n = strlen(t->others);

	*over = NULL;
	if (!h)
		return false;
	if (req->what.take_over) {
		*over = h;
		return false;
	}
	snprintf(t->others + n, sizeof(t->others) - n, "%s%s", n ? " " : "", tg->name);
	if (!req->quiet && !req->changes_only)
		fprintf(out_of(req),
			"qemu-%s: skipped: %s (%s) runs %s programs; they are left to it "
			"(--take-over registers QEMU in front of it)\n",
			tg->name, h->name, h->interpreter, tg->name);
	return true;
}

/* Entries in place after the run: written, or found as asked. */
static unsigned ok_count(const struct reg_tally *t)
{
	return t->done[BINFMT_ADDED] + t->done[BINFMT_REPLACED] + t->done[BINFMT_UNCHANGED] +
	       t->done[BINFMT_ENABLED];
}

static void summarize(const struct reg_request *req, const struct reg_tally *t)
{
	FILE *out = out_of(req);
	unsigned ok = ok_count(t);

	if (req->changes_only && !t->failed &&
	    t->done[BINFMT_ADDED] + t->done[BINFMT_REPLACED] + t->done[BINFMT_ENABLED] == 0)
		return;
	if (t->missing && !req->quiet && !req->changes_only)
		warn("note: %u interpreter%s not in %s; without flag F %s must exist where "
		     "the foreign programs run (e.g. inside each container)",
		     t->missing, t->missing == 1 ? " is" : "s are", req->what.qemu_dir,
		     t->missing == 1 ? "it" : "they");
	if (req->quiet && !t->failed)
		return;
	if (req->dry_run) {
		fprintf(out, "qus: dry run: %u %s would be registered", ok,
			ok == 1 ? "entry" : "entries");
	} else {
		fprintf(out,
			"qus: %u registered (%u added, %u replaced, %u unchanged, %u re-enabled)",
			ok, t->done[BINFMT_ADDED], t->done[BINFMT_REPLACED],
			t->done[BINFMT_UNCHANGED], t->done[BINFMT_ENABLED]);
	}
	if (t->skipped[0])
		fprintf(out, ", skipped as native: %s", t->skipped);
	if (t->others[0])
		fprintf(out, ", left to other emulators: %s", t->others);
	fprintf(out, ", %u failed\n", t->failed);
}

/*
 * binfmt_apply with SIGINT, SIGTERM and SIGHUP held back: a replacement
 * removes the old entry before it writes the new one, and a signal in
 * between would leave neither.  One that arrives meanwhile is delivered
 * right after, with the entry whole.
 */
static int apply_whole(int fd, const struct binfmt_entry *e, bool replace, enum binfmt_outcome *out)
{
	sigset_t hold, old;
	int r;

	sigemptyset(&hold);
	sigaddset(&hold, SIGINT);
	sigaddset(&hold, SIGTERM);
	sigaddset(&hold, SIGHUP);
	sigprocmask(SIG_BLOCK, &hold, &old);
	r = binfmt_apply(fd, e, replace, out);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return r;
}

/* For a container's message: the command that registers for its engine. */
static const char *engine_command(enum instance_engine e)
{
	switch (e) {
	case ENGINE_PODMAN:
		return "'qus register --podman'";
	case ENGINE_DOCKER:
		return "'qus register --docker'";
	case ENGINE_UNKNOWN:
		break;
	}
	return "'qus register --docker' (or --podman)";
}

/*
 * Registered outside the initial user namespace: say, in one line, whose
 * binfmt_misc took the entries and how long they last.
 */
static void say_where(const struct qus_ctx *ctx)
{
	struct instance_info in;

	instance_describe(&in);
	switch (in.kind) {
	case INSTANCE_HOST:
		break;
	case INSTANCE_PODMAN:
		warn("note: registered for the rootless podman of uid %lu, in its user "
		     "namespace's own binfmt_misc: every container and build of that podman uses "
		     "it, the host's is unchanged; it lasts while podman's pause process (%ld) "
		     "does (not after 'podman system migrate', a reboot, or a logout without "
		     "lingering): then run 'qus register --podman' again",
		     in.owner_uid, in.pause_pid);
		break;
	case INSTANCE_DOCKER:
		warn("note: registered for the rootless Docker of uid %lu, in its user namespace's "
		     "own binfmt_misc: every container and build of that dockerd uses it, the "
		     "host's is unchanged; it lasts while rootlesskit (%ld, dockerd %ld) does (not "
		     "after 'systemctl --user restart docker', a reboot, or a logout without "
		     "lingering): then run 'qus register --docker' again",
		     in.owner_uid, instance_kept_by(&in), in.dockerd_pid);
		break;
	case INSTANCE_CONTAINER:
		/*
		 * The instance is the user namespace's, which rootless podman and
		 * rootless Docker share with all their containers: if the engine's
		 * own namespace holds a mount of it too (qus register --podman or
		 * --docker), entries outlive the container; else they go with its
		 * mount.
		 */
		warn("warning: this container runs in a user namespace of its own (rootless "
		     "%s): the entries went into that namespace's binfmt_misc, not the host's, "
		     "which is unchanged, and they vanish when this container exits (unless %s "
		     "gave the engine's namespace one); run %s as uid %lu on the host instead (or, "
		     "as root, register on the host)",
		     in.engine == ENGINE_PODMAN	  ? "podman"
		     : in.engine == ENGINE_DOCKER ? "Docker"
						  : "podman or Docker",
		     engine_command(in.engine), engine_command(in.engine), in.owner_uid);
		break;
	case INSTANCE_NAMESPACE:
		/*
		 * A namespace the caller made (unshare -Ur, qus run, the tests'):
		 * they chose it; qus status says whose instance it is.  Joined with
		 * --userns: the mount is in that process's mount namespace.
		 */
		if (ctx->joined > 0)
			warn("note: registered in the user namespace of process %ld (uid %lu's), in "
			     "its own binfmt_misc: every process in it and below it uses it, the "
			     "host's is unchanged; it lasts while a mount of it does (this one: until "
			     "the last process in process %ld's mount namespace ends)",
			     ctx->joined, in.owner_uid, ctx->joined);
		break;
	}
}

int register_entries(struct qus_ctx *ctx, const struct reg_request *req, unsigned *registered)
{
	struct reg_tally t;
	int fd = -1;
	bool refused_all = false;

	memset(&t, 0, sizeof(t));
	guard_load_natives(&t.natives);
	if (!ctx->host.target && !req->what.include_native && !req->changes_only)
		warn("note: this host's architecture '%s' is not in the table; no target is "
		     "skipped as native",
		     ctx->host.machine);
	if (!req->dry_run) {
		bool enabled = true;

		fd = cli_binfmt_open(ctx, BINFMT_WRITE);
		if (fd < 0)
			return EXIT_FAIL;
		/* Registered but never used: say so rather than leave users puzzled. */
		if (binfmt_read_status(fd, &enabled) == 0 && !enabled && !req->changes_only)
			warn("note: binfmt_misc is disabled as a whole, so no entry is used; enable "
			     "it with 'echo 1 > %s/status'",
			     ctx->binfmt_dir);
	}
	read_entries_quietly(ctx, fd, &t.entries, &t.nentries);
	for (size_t i = 0; i < QUS_NTARGETS; i++) {
		const struct qus_target *tg = &qus_targets[i];
		const struct binfmt_entry *over;
		enum plan_decision d;
		enum binfmt_outcome out;
		struct binfmt_entry e;
		int r;

		if (!req->what.targets.want[i])
			continue;
		d = plan_decide(&ctx->host, tg, req->what.include_native,
				req->what.targets.explicit);
		if (d != PLAN_REGISTER) {
			note_skip(req, &t, ctx, tg, d);
			continue;
		}
		if (leave_to_other(req, &t, tg, &over))
			continue;
		if (plan_entry(tg, req->what.qemu_dir, req->what.qemu_suffix, req->what.flags, &e) <
		    0) {
			warn("qemu-%s: the interpreter path in %s is too long (at most %d bytes)",
			     tg->name, req->what.qemu_dir, QUS_REGISTER_MAX - 1);
			t.failed++;
			continue;
		}
		r = check_entry(ctx, req, tg, &e, &t);
		if (r != 0) {
			t.failed += r < 0;
			continue;
		}
		if (req->dry_run) {
			char buf[QUS_REGISTER_MAX + 1];

			if (entry_format_register(&e, buf, sizeof(buf)) < 0) {
				t.failed++;
				continue;
			}
			fprintf(out_of(req), "%s\n", buf);
			t.done[BINFMT_ADDED]++;
			continue;
		}
		if (refused_all) {
			t.failed++; /* said once already */
			continue;
		}
		/* Taking over: anew, so that it is the newest entry, tried first. */
		r = apply_whole(fd, &e, req->replace || over, &out);
		if (r < 0) {
			report_kernel_error(ctx, &e, r, out);
			refused_all = binfmt_refuses_all(r);
			t.failed++;
			continue;
		}
		t.done[out]++;
		print_result(req, &e, outcome_words[out]);
		if (over && !req->quiet)
			warn("%s: in front of %s (%s), which no longer runs %s programs (--take-over)",
			     e.name, over->name, over->interpreter, tg->name);
	}
	if (fd >= 0)
		close(fd);
	free(t.entries);
	/* Before the summary: the binfmt interface shows the last line as the result. */
	if (!req->dry_run && !req->quiet && !req->changes_only && fd >= 0 && ok_count(&t))
		say_where(ctx);
	if (!req->dry_run && fd >= 0 && ok_count(&t))
		automount_keep(ctx, req->quiet);
	summarize(req, &t);
	if (registered)
		*registered = ok_count(&t);
	return t.failed ? EXIT_FAIL : EXIT_OK;
}
