/* SPDX-License-Identifier: MIT */
/*
 * qus check: does each target really run?  An entry in binfmt_misc proves
 * nothing by itself (the emulator may be missing, broken, or the flags
 * wrong), so each target's probe program is executed through the kernel, as
 * any program would be, and its output compared with what it must print.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "binfmt.h"
#include "binfmt_access.h"
#include "check_syscalls.h"
#include "commands.h"
#include "diag.h"
#include "emulator.h"
#include "handler.h"
#include "json.h"
#include "options.h"
#include "probe.h"
#include "util.h"

const char usage_check[] =
	"Usage: qus check [OPTIONS] [TARGET...]\n"
	"\n"
	"Prove that each target (every one, or the TARGETs named) runs: execute its\n"
	"tiny probe program through the kernel, as any program is executed, and compare\n"
	"what it prints.  Shows per target whether it runs natively, the entry the\n"
	"kernel uses for it, flags, interpreter, that file's QEMU version (read from it,\n"
	"not run) and the result; the file the kernel really started is seen at the\n"
	"probe's exec, and named where it is not that entry's QEMU (another emulator,\n"
	"or the kernel itself).  A failure says why (no entry, entry disabled, emulator\n"
	"missing, probe failed, wrong output).  Targets without a probe program are\n"
	"shown as untested.\n"
	"\n"
	"With --syscalls, which system calls each emulator lacks: a probe per target\n"
	"makes each call of qus's list (every call from Linux 5.1 on, and statx,\n"
	"getrandom, memfd_create, copy_file_range, rseq, membarrier, name_to_handle_at)\n"
	"with arguments that change nothing; an emulator that lacks one answers ENOSYS.\n"
	"A call is missing only if this kernel has it (qus asks it too), else qus could\n"
	"not tell.  Without TARGETs: every foreign target with an entry.\n"
	"\n"
	"Options:\n"
	"  -j, --json               machine-readable output (schema in qus(1))\n"
	"      --syscalls           which system calls each emulator lacks\n"
	"      --timeout SECONDS    time limit per probe (default 10; --syscalls: per call)\n"
	"      --binfmt-dir DIR     binfmt_misc mount to read entries from\n"
	"  -h, --help               show this help\n"
	"  -V, --version            show the version and exit\n"
	"\n"
	"Exit status: 0 every target checked runs, 1 a target failed, 2 usage error.\n"
	"With --syscalls: 0 every target's probe ran (missing calls are not failures),\n"
	"1 a target could not be checked, 2 usage error.\n";

#define CHECK_SCHEMA 1

enum check_result { CHECK_OK, CHECK_FAILED, CHECK_UNTESTED };

struct check_row {
	const struct qus_target *t;
	enum native_kind native;
	bool has_entry;
	struct binfmt_entry e;
	const struct binfmt_entry *used; /* e as it is in the entries read, or NULL */
	bool interpreter_exists;
	char qemu_version[QUS_QEMU_VERSION_MAX]; /* "" when unknown */
	enum check_result result;
	char reason[QUS_REGISTER_MAX + 128]; /* may quote the interpreter */
	struct probe_result probe;
	bool probed;
	/* What the kernel started for the probe (probe.started), and whose it is. */
	const struct binfmt_entry *ran_by; /* the entry whose interpreter it was */
	bool ran_natively;		   /* the probe itself: the kernel ran it */
	/* Other entries that take the target's programs, not used (the first few). */
	const struct binfmt_entry *shadowed[8];
	size_t nshadowed;
};

struct check_env {
	struct binfmt_entry *entries; /* every entry, read once */
	size_t count;
	bool mounted, enabled;
	int timeout_ms;
};

static void read_entries(struct qus_ctx *ctx, struct check_env *env)
{
	int fd = cli_binfmt_open(ctx, BINFMT_READ);

	if (fd < 0)
		return; /* not mounted (-ENODEV), or reported */
	env->mounted = true;
	(void)binfmt_read_all(fd, &env->enabled, &env->entries, &env->count);
	close(fd);
}

/* The entries that take @t's programs but are not the one used. */
static void list_shadowed(const struct check_env *env, const struct binfmt_entry *used,
			  struct check_row *r)
{
	for (size_t i = 0; i < env->count && r->nshadowed < ARRAY_SIZE(r->shadowed); i++)
		if (&env->entries[i] != used && entry_takes(&env->entries[i], r->t))
			r->shadowed[r->nshadowed++] = &env->entries[i];
}

/*
 * Whose file the kernel started: the probe itself (native), or the
 * interpreter of an entry.  With F the link names the file as it was
 * opened at registration; " (deleted)" if it was removed since.
 */
static void match_started(const struct check_env *env, struct check_row *r)
{
	const char *started = r->probe.started;
	size_t len = strlen(started);
	static const char deleted[] = " (deleted)";

	if (!len)
		return;
	if (!strncmp(started, PROBE_MEMFD_NAME, strlen(PROBE_MEMFD_NAME))) {
		r->ran_natively = true;
		return;
	}
	if (len > strlen(deleted) && !strcmp(started + len - strlen(deleted), deleted))
		len -= strlen(deleted);
	/* The entry used first: it is the one the kernel chose if it names the file. */
	if (r->used && strlen(r->used->interpreter) == len &&
	    !strncmp(r->used->interpreter, started, len)) {
		r->ran_by = r->used;
		return;
	}
	for (size_t i = 0; i < env->count; i++)
		if (strlen(env->entries[i].interpreter) == len &&
		    !strncmp(env->entries[i].interpreter, started, len)) {
			r->ran_by = &env->entries[i];
			return;
		}
}

/* For an ok result: who ran it, where that is not simply the target's QEMU entry. */
static void say_who_ran(struct check_row *r)
{
	size_t n = strlen(r->reason);
	const char *sep = n ? "; " : "";

	if (r->ran_natively && r->native == NATIVE_NO)
		snprintf(r->reason + n, sizeof(r->reason) - n,
			 "%sthe kernel ran it itself, no entry did", sep);
	else if (r->ran_by && r->ran_by != r->used)
		snprintf(r->reason + n, sizeof(r->reason) - n, "%sstarted %s, %s's interpreter",
			 sep, r->probe.started, r->ran_by->name);
	else if (r->probe.started[0] && !r->ran_natively && !r->ran_by)
		snprintf(r->reason + n, sizeof(r->reason) - n,
			 "%sstarted %s, no entry's interpreter", sep, r->probe.started);
	else if (r->ran_by && !entry_is_qemu(r->ran_by))
		snprintf(r->reason + n, sizeof(r->reason) - n, "%srun by %s, not QEMU", sep,
			 r->ran_by->name);
	else if (!r->nshadowed)
		return;
	for (size_t i = 0; i < r->nshadowed; i++) {
		n = strlen(r->reason);
		snprintf(r->reason + n, sizeof(r->reason) - n, "%s%s",
			 i   ? ", "
			 : n ? "; shadowed: "
			     : "shadowed: ",
			 r->shadowed[i]->name);
	}
}

/* Why the probe run did not give the token, in words. */
static void explain_probe(struct check_row *r)
{
	const struct probe_result *p = &r->probe;
	char *nl;

	/* Only the first line of what the emulator said. */
	nl = strchr(p->errors, '\n');
	if (nl)
		*nl = '\0';
	if (p->timed_out)
		snprintf(r->reason, sizeof(r->reason), "probe did not finish in time");
	else if (WIFSIGNALED(p->status))
		snprintf(r->reason, sizeof(r->reason), "probe killed by signal %d%s%s",
			 WTERMSIG(p->status), p->errors[0] ? ": " : "", p->errors);
	else if (WEXITSTATUS(p->status) != 0)
		snprintf(r->reason, sizeof(r->reason), "probe failed with exit status %d%s%s",
			 WEXITSTATUS(p->status), p->errors[0] ? ": " : "", p->errors);
	else
		snprintf(r->reason, sizeof(r->reason), "wrong output: \"%.*s\"",
			 (int)strcspn(p->output, "\n"), p->output);
}

static void check_target(struct qus_ctx *ctx, const struct check_env *env, struct check_row *r)
{
	const struct binfmt_entry *e = handler_or_idle(env->entries, env->count, r->t);
	struct stat sb;
	int err;

	r->native = host_runs_natively(&ctx->host, r->t);
	if (e) {
		r->has_entry = true;
		r->e = *e;
		r->used = e;
		r->interpreter_exists = stat(e->interpreter, &sb) == 0;
		/* Read, not run: the file may be missing, not QEMU, or QEMU of another layout. */
		if (r->interpreter_exists)
			(void)emulator_version(e->interpreter, r->t, r->qemu_version,
					       sizeof(r->qemu_version));
	}
	r->result = CHECK_FAILED;
	if (!probe_code_for(r->t)) {
		r->result = CHECK_UNTESTED;
		snprintf(r->reason, sizeof(r->reason), "no probe program for this target");
		return;
	}
	if (r->native == NATIVE_NO) {
		/* What stops the kernel from running it at all, before trying. */
		if (!env->mounted) {
			snprintf(r->reason, sizeof(r->reason), "binfmt_misc is not mounted");
			return;
		}
		if (!e) {
			snprintf(r->reason, sizeof(r->reason), "no entry (qus register %s)",
				 r->t->name);
			return;
		}
		if (!env->enabled || !e->enabled) {
			snprintf(r->reason, sizeof(r->reason), "%s is disabled",
				 env->enabled ? "the entry" : "binfmt_misc");
			return;
		}
		/* With F the kernel holds the emulator open even if the file is gone. */
		if (!r->interpreter_exists && !(e->flags & QUS_FLAG_F)) {
			snprintf(r->reason, sizeof(r->reason), "emulator %s is missing",
				 e->interpreter);
			return;
		}
	}
	if (e && e->enabled)
		list_shadowed(env, e, r);
	err = probe_run_seen(r->t, env->timeout_ms, &r->probe);
	if (err < 0) {
		snprintf(r->reason, sizeof(r->reason), "cannot run the probe: %s", strerror(-err));
		return;
	}
	r->probed = true;
	match_started(env, r);
	if (r->probe.ok) {
		char token[PROBE_TOKEN_MAX];
		size_t extra;

		r->result = CHECK_OK;
		probe_token(r->t, token);
		extra = probe_output_extra(r->probe.output, token);
		/* Ran as it should; the emulator's own lines are worth a word (first line only). */
		if (extra)
			snprintf(r->reason, sizeof(r->reason), "the emulator also wrote \"%.*s\"",
				 (int)strcspn(r->probe.output, "\n"), r->probe.output);
		say_who_ran(r);
		return;
	}
	explain_probe(r);
}

static const char *native_word(enum native_kind k)
{
	return k == NATIVE_HOST ? "host" : k == NATIVE_COMPAT ? "compat" : "no";
}

static const char *const result_words[] = {
	[CHECK_OK] = "ok",
	[CHECK_FAILED] = "failed",
	[CHECK_UNTESTED] = "untested",
};

/*
 * "ran_by": what the kernel started for the probe, seen at its exec: the
 * entry whose interpreter it was (null: none of them, or the kernel
 * itself), its file, and whether that is QEMU.  null where it could not be
 * seen.  "shadowed": entries that take the target but are not used.
 */
static void print_json_ran(struct json_writer *w, const struct check_row *r)
{
	if (!r->probed || !r->probe.started[0]) {
		jw_null(w, "ran_by");
	} else {
		jw_begin_object(w, "ran_by");
		jw_string(w, "entry", r->ran_by ? r->ran_by->name : NULL);
		jw_string(w, "file", r->probe.started);
		jw_bool(w, "native", r->ran_natively);
		jw_bool(w, "qemu", r->ran_by && entry_is_qemu(r->ran_by));
		jw_end_object(w);
	}
	jw_begin_array(w, "shadowed");
	for (size_t i = 0; i < r->nshadowed; i++)
		jw_string(w, NULL, r->shadowed[i]->name);
	jw_end_array(w);
}

static void print_json(const struct qus_ctx *ctx, const struct check_row *rows, size_t n)
{
	struct json_writer w;

	jw_init(&w, stdout);
	jw_begin_object(&w, NULL);
	jw_uint(&w, "schema", CHECK_SCHEMA);
	jw_string(&w, "kernel", ctx->host.release);
	jw_begin_array(&w, "targets");
	for (size_t i = 0; i < n; i++) {
		const struct check_row *r = &rows[i];
		char flags[5];

		jw_begin_object(&w, NULL);
		jw_string(&w, "name", r->t->name);
		jw_string(&w, "native", native_word(r->native));
		if (r->has_entry) {
			flags_format(flags_normalize(r->e.flags), flags);
			jw_string(&w, "entry", r->e.name);
			jw_bool(&w, "enabled", r->e.enabled);
			jw_string(&w, "flags", flags);
			jw_string(&w, "interpreter", r->e.interpreter);
			jw_bool(&w, "interpreter_exists", r->interpreter_exists);
			jw_string(&w, "qemu_version", r->qemu_version[0] ? r->qemu_version : NULL);
		} else {
			jw_null(&w, "entry");
			jw_null(&w, "enabled");
			jw_null(&w, "flags");
			jw_null(&w, "interpreter");
			jw_null(&w, "interpreter_exists");
			jw_null(&w, "qemu_version");
		}
		jw_string(&w, "result", result_words[r->result]);
		jw_string(&w, "reason", r->reason[0] ? r->reason : NULL);
		jw_string(&w, "output", r->probed ? r->probe.output : NULL);
		print_json_ran(&w, r);
		jw_end_object(&w);
	}
	jw_end_array(&w);
	jw_end_object(&w);
	jw_finish(&w);
}

static void print_human(const struct check_row *rows, size_t n)
{
	unsigned count[3] = { 0, 0, 0 };

	printf("%-12s %-8s %-5s %-34s %-8s %s\n", "TARGET", "NATIVE", "FLAGS", "INTERPRETER",
	       "QEMU", "RESULT");
	for (size_t i = 0; i < n; i++) {
		const struct check_row *r = &rows[i];
		char flags[5] = "-";
		/* The release alone ("7.2.22"); --json has the whole text. */
		int vlen = (int)strcspn(r->qemu_version, " ");
		/* "failed: why", or "ok (what the emulator also said)". */
		const char *open = !r->reason[0] ? "" : r->result == CHECK_OK ? " (" : ": ";
		const char *close = r->reason[0] && r->result == CHECK_OK ? ")" : "";

		if (r->has_entry)
			flags_format(flags_normalize(r->e.flags), flags);
		printf("%-12s %-8s %-5s %-34s %-8.*s %s%s%s%s\n", r->t->name,
		       native_word(r->native), r->has_entry ? (flags[0] ? flags : "none") : "-",
		       r->native != NATIVE_NO ? "(native)"
		       : r->has_entry	      ? r->e.interpreter
					      : "-",
		       r->native == NATIVE_NO && vlen ? vlen : 1,
		       r->native == NATIVE_NO && vlen ? r->qemu_version : "-",
		       result_words[r->result], open, r->reason, close);
		count[r->result]++;
	}
	printf("qus: %u ok, %u failed, %u untested\n", count[CHECK_OK], count[CHECK_FAILED],
	       count[CHECK_UNTESTED]);
}

int cmd_check(struct qus_ctx *ctx, int argc, char **argv)
{
	enum { OPT_TIMEOUT = 0x1400, OPT_SYSCALLS };
	static const struct option longopts[] = {
		COMMON_LONGOPTS,
		{ "json", no_argument, NULL, 'j' },
		{ "syscalls", no_argument, NULL, OPT_SYSCALLS },
		{ "timeout", required_argument, NULL, OPT_TIMEOUT },
		{ 0 },
	};
	struct check_env env = { .timeout_ms = 10000 };
	struct check_row *rows;
	struct target_set set;
	unsigned long secs;
	bool json = false, syscalls = false;
	size_t n = 0;
	int c, status = EXIT_OK;

	while ((c = getopt_long(argc, argv, ":hjV", longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case OPT_SYSCALLS:
			syscalls = true;
			break;
		case OPT_TIMEOUT:
			if (parse_uint(optarg, 3600, &secs) < 0 || secs == 0)
				die_usage(
					"check: --timeout wants whole seconds, 1 to 3600, not '%s'",
					optarg);
			env.timeout_ms = (int)secs * 1000;
			break;
		default:
			common_option(ctx, c, argv, "check", usage_check);
		}
	}
	parse_targets_or_die(argv + optind, argc - optind, &set);
	if (syscalls)
		return check_syscalls(ctx, &set, json, env.timeout_ms);
	rows = calloc(QUS_NTARGETS, sizeof(*rows));
	if (!rows)
		die_errno(EXIT_FAIL, "check");
	read_entries(ctx, &env);
	for (size_t i = 0; i < QUS_NTARGETS; i++) {
		if (!set.want[i])
			continue;
		rows[n].t = &qus_targets[i];
		check_target(ctx, &env, &rows[n]);
		if (rows[n].result == CHECK_FAILED)
			status = EXIT_FAIL;
		n++;
	}
	if (json)
		print_json(ctx, rows, n);
	else
		print_human(rows, n);
	free(env.entries);
	free(rows);
	return status;
}
