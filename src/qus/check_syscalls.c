/* SPDX-License-Identifier: MIT */
/*
 * qus check --syscalls.  For each target, the entry the kernel would use is
 * looked at as `qus check` does (no entry, disabled, emulator missing: it
 * cannot be checked), then its system call probe runs through the kernel
 * and each call's answer is read against the host kernel's own
 * (src/core/sysprobe.c).  Targets whose emulators say the same are shown
 * together: one QEMU package gives one block for most of its targets.
 */
#include "check_syscalls.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "binfmt.h"
#include "binfmt_access.h"
#include "diag.h"
#include "emulator.h"
#include "handler.h"
#include "json.h"
#include "syscalls.h"
#include "sysprobe.h"
#include "util.h"

#define SYSCALLS_SCHEMA 1

/* Where the text output wraps its lists of calls. */
#define WIDTH 100

enum row_result { ROW_OK, ROW_FAILED, ROW_NATIVE };

struct row {
	const struct qus_target *t;
	enum native_kind native;
	bool has_entry;
	struct binfmt_entry e;
	char qemu_version[QUS_QEMU_VERSION_MAX]; /* "" when unknown */
	enum row_result result;
	char reason[QUS_REGISTER_MAX + 128];
	struct sysprobe_report report;
	bool refused; /* the kernel refused the probe: nothing here runs @t's programs */
	bool shown;   /* printed already, in another row's group */
};

static const char *const result_words[] = {
	[ROW_OK] = "ok",
	[ROW_FAILED] = "failed",
	[ROW_NATIVE] = "native",
};

static const char *const state_words[] = {
	[SYSPROBE_IMPLEMENTED] = "implemented",
	[SYSPROBE_MISSING] = "missing",
	[SYSPROBE_UNKNOWN] = "unknown",
	[SYSPROBE_NONE] = "none",
};

/* How a run of the probe ended, in words: "killed by signal 11 (Segmentation fault)". */
static void ended(char *out, size_t size, int status, bool timed_out)
{
	if (timed_out)
		snprintf(out, size, "did not finish in time");
	else if (WIFSIGNALED(status))
		snprintf(out, size, "killed by signal %d (%s)", WTERMSIG(status),
			 strsignal(WTERMSIG(status)));
	else
		snprintf(out, size, "exit status %d", WEXITSTATUS(status));
}

/* Why a call could not be told, in words; "" if it could. */
static void call_reason(const struct sysprobe_call *c, char *out, size_t size)
{
	char how[96];

	out[0] = '\0';
	switch (c->why) {
	case SYSPROBE_WHY_NONE:
		break;
	case SYSPROBE_WHY_STOPPED:
		if (c->timed_out) {
			snprintf(out, size, "the probe hung in it");
		} else if (WIFSIGNALED(c->status)) {
			snprintf(out, size, "the probe was killed by signal %d (%s) in it",
				 WTERMSIG(c->status), strsignal(WTERMSIG(c->status)));
		} else {
			ended(how, sizeof(how), c->status, false);
			snprintf(out, size, "the probe stopped in it (%s)", how);
		}
		break;
	case SYSPROBE_WHY_HOST_LACKS:
		snprintf(out, size, "this kernel lacks it too");
		break;
	case SYSPROBE_WHY_HOST_HAS_NONE:
		snprintf(out, size, "this kernel's architecture has no such call");
		break;
	case SYSPROBE_WHY_HOST_NOT_ASKED:
		snprintf(out, size, "this kernel could not be asked");
		break;
	}
}

static void check_target(struct qus_ctx *ctx, const struct binfmt_entry *entries, size_t count,
			 bool mounted, bool enabled, const struct sysprobe_host *host,
			 int timeout_ms, struct row *r)
{
	const struct binfmt_entry *e = entries ? handler_or_idle(entries, count, r->t) : NULL;
	bool exists = false;
	struct stat sb;
	char how[96];
	int err;

	r->result = ROW_FAILED;
	r->native = host_runs_natively(&ctx->host, r->t);
	if (e) {
		r->has_entry = true;
		r->e = *e;
		exists = stat(e->interpreter, &sb) == 0;
		if (exists)
			(void)emulator_version(e->interpreter, r->t, r->qemu_version,
					       sizeof(r->qemu_version));
	}
	if (r->native != NATIVE_NO) {
		r->result = ROW_NATIVE;
		snprintf(r->reason, sizeof(r->reason),
			 "this kernel runs its programs itself: no emulator to ask");
		return;
	}
	/*
	 * What stops the kernel from running it at all, as qus check says it.
	 * Where binfmt_misc is not mounted (a container, the register image)
	 * the entries cannot be seen, but the kernel uses them all the same:
	 * the probe is the one to ask.
	 */
	if (mounted && !e) {
		snprintf(r->reason, sizeof(r->reason), "no entry (qus register %s)", r->t->name);
		return;
	}
	if (mounted && (!enabled || !e->enabled)) {
		snprintf(r->reason, sizeof(r->reason), "%s is disabled",
			 enabled ? "the entry" : "binfmt_misc");
		return;
	}
	/* With F the kernel holds the emulator open even if the file is gone. */
	if (mounted && !exists && !(e->flags & QUS_FLAG_F)) {
		snprintf(r->reason, sizeof(r->reason), "emulator %s is missing", e->interpreter);
		return;
	}
	err = sysprobe_run(r->t, host, timeout_ms, &r->report);
	if (err == -EPROTO) {
		snprintf(r->reason, sizeof(r->reason), "the probe wrote records of other calls");
		return;
	}
	if (err < 0) {
		snprintf(r->reason, sizeof(r->reason), "cannot run the probe: %s", strerror(-err));
		return;
	}
	if (!r->report.ran) {
		char *nl = strchr(r->report.errors, '\n'), refused[96];

		/* Only the first line of what the emulator said. */
		if (nl)
			*nl = '\0';
		/* probe_exec's child says why fexecve failed, and exits 127. */
		snprintf(refused, sizeof(refused), "exec: %s", strerror(ENOEXEC));
		r->refused = !r->report.timed_out && WIFEXITED(r->report.status) &&
			     WEXITSTATUS(r->report.status) == 127 &&
			     !strcmp(r->report.errors, refused);
		if (r->refused) {
			snprintf(r->reason, sizeof(r->reason),
				 "no entry here takes its programs (%s)", refused);
			return;
		}
		ended(how, sizeof(how), r->report.status, r->report.timed_out);
		snprintf(r->reason, sizeof(r->reason), "the probe did not run: %s%s%s", how,
			 r->report.errors[0] ? ": " : "", r->report.errors);
		return;
	}
	r->result = ROW_OK;
}

/* --json: everything, for programs (schema in qus(1)). */
static void print_json(const struct qus_ctx *ctx, const struct sysprobe_host *host,
		       const struct row *rows, size_t n)
{
	struct json_writer w;
	char reason[128];

	jw_init(&w, stdout);
	jw_begin_object(&w, NULL);
	jw_uint(&w, "schema", SYSCALLS_SCHEMA);
	jw_string(&w, "kernel", ctx->host.release);
	jw_begin_object(&w, "host");
	jw_string(&w, "abi", host->abi ? qus_sys_abis[host->abi->sys_abi].name : NULL);
	jw_bool(&w, "asked", host->abi && !host->err);
	jw_end_object(&w);
	jw_begin_array(&w, "calls");
	for (size_t i = 0; i < qus_nsyscalls; i++) {
		const struct qus_syscall *c = &qus_syscalls[i];
		bool has = host->abi && !host->err && host->has[i];

		jw_begin_object(&w, NULL);
		jw_string(&w, "name", c->name);
		jw_string(&w, "since", c->since);
		if (c->generic)
			jw_uint(&w, "generic_number", c->generic);
		else
			jw_null(&w, "generic_number");
		jw_begin_array(&w, "args");
		for (size_t k = 0; k < c->nargs; k++)
			jw_int(&w, NULL, c->args[k]);
		jw_end_array(&w);
		jw_string(&w, "breaks", c->breaks);
		if (has)
			jw_uint(&w, "host_number",
				(unsigned long long)syscall_number(c, host->abi->sys_abi));
		else
			jw_null(&w, "host_number");
		if (has && host->answers[i].failed)
			jw_uint(&w, "host_errno", (unsigned long long)host->answers[i].value);
		else
			jw_null(&w, "host_errno");
		jw_end_object(&w);
	}
	jw_end_array(&w);
	jw_begin_array(&w, "targets");
	for (size_t i = 0; i < n; i++) {
		const struct row *r = &rows[i];

		jw_begin_object(&w, NULL);
		jw_string(&w, "name", r->t->name);
		jw_string(&w, "abi", qus_sys_abis[r->t->sys_abi].name);
		jw_string(&w, "entry", r->has_entry ? r->e.name : NULL);
		jw_string(&w, "interpreter", r->has_entry ? r->e.interpreter : NULL);
		jw_string(&w, "qemu_version", r->qemu_version[0] ? r->qemu_version : NULL);
		jw_string(&w, "result", result_words[r->result]);
		jw_string(&w, "reason", r->result == ROW_OK ? NULL : r->reason);
		jw_uint(&w, "runs", r->report.runs);
		for (int want = SYSPROBE_MISSING; want <= SYSPROBE_UNKNOWN; want++) {
			jw_begin_array(&w, want == SYSPROBE_MISSING ? "missing" : "unknown");
			for (size_t k = 0; r->result == ROW_OK && k < qus_nsyscalls; k++)
				if ((int)r->report.calls[k].state == want)
					jw_string(&w, NULL, qus_syscalls[k].name);
			jw_end_array(&w);
		}
		jw_begin_array(&w, "calls");
		for (size_t k = 0; r->result == ROW_OK && k < qus_nsyscalls; k++) {
			const struct sysprobe_call *c = &r->report.calls[k];

			jw_begin_object(&w, NULL);
			jw_string(&w, "name", qus_syscalls[k].name);
			if (c->number >= 0)
				jw_uint(&w, "number", (unsigned long long)c->number);
			else
				jw_null(&w, "number");
			jw_string(&w, "state", state_words[c->state]);
			if (c->answered && c->answer.failed)
				jw_uint(&w, "errno", (unsigned long long)c->answer.value);
			else
				jw_null(&w, "errno");
			if (c->answered && !c->answer.failed)
				jw_int(&w, "value", c->answer.value);
			else
				jw_null(&w, "value");
			call_reason(c, reason, sizeof(reason));
			jw_string(&w, "reason", reason[0] ? reason : NULL);
			jw_end_object(&w);
		}
		jw_end_array(&w);
		jw_end_object(&w);
	}
	jw_end_array(&w);
	jw_end_object(&w);
	jw_finish(&w);
}

/* Whether two checked rows say the same: one QEMU release, the same answers. */
static bool same_answers(const struct row *a, const struct row *b)
{
	char ra[128], rb[128];

	if (strcmp(a->qemu_version, b->qemu_version))
		return false;
	for (size_t k = 0; k < qus_nsyscalls; k++) {
		const struct sysprobe_call *x = &a->report.calls[k], *y = &b->report.calls[k];

		if (x->state != y->state)
			return false;
		call_reason(x, ra, sizeof(ra));
		call_reason(y, rb, sizeof(rb));
		if (strcmp(ra, rb))
			return false;
	}
	return true;
}

/* A line of words, wrapped at WIDTH, continuation lines indented. */
struct wrap {
	size_t col, indent;
	bool first;
};

/* Start the line with @lead, as it is; continuation lines get @indent spaces. */
static void wrap_begin(struct wrap *w, const char *lead, size_t indent)
{
	fputs(lead, stdout);
	w->col = strlen(lead);
	w->indent = indent;
	w->first = true;
}

static void wrap_word(struct wrap *w, const char *word)
{
	size_t len = strlen(word);

	if (!w->first && w->col + 1 + len > WIDTH) {
		printf("\n%*s", (int)w->indent, "");
		w->col = w->indent;
	} else if (!w->first) {
		putchar(' ');
		w->col++;
	}
	fputs(word, stdout);
	w->col += len;
	w->first = false;
}

/* The words of @text, each wrapped as one. */
static void wrap_text(struct wrap *w, const char *text)
{
	while (*text) {
		char word[128];
		size_t len = strcspn(text, " ");

		snprintf(word, sizeof(word), "%.*s", (int)len, text);
		wrap_word(w, word);
		text += len;
		text += strspn(text, " ");
	}
}

/* Whether call @k of @r is in @state and, for @why not NULL, could not be told for it. */
static bool call_is(const struct row *r, size_t k, enum sysprobe_state state, const char *why)
{
	char reason[128];

	if (r->report.calls[k].state != state)
		return false;
	call_reason(&r->report.calls[k], reason, sizeof(reason));
	return !why || !strcmp(reason, why);
}

/* One line: the calls of @r in @state (unknown ones: with reason @why). */
static void print_calls(const struct row *r, enum sysprobe_state state, const char *why)
{
	char lead[160];
	size_t count = 0;
	struct wrap w;

	for (size_t k = 0; k < qus_nsyscalls; k++)
		count += call_is(r, k, state, why);
	if (!count)
		return;
	if (state == SYSPROBE_MISSING)
		snprintf(lead, sizeof(lead), "  missing (%zu):", count);
	else
		snprintf(lead, sizeof(lead), "  could not tell, %s (%zu):", why, count);
	wrap_begin(&w, lead, 4);
	w.first = false; /* a space after the lead */
	for (size_t k = 0; k < qus_nsyscalls; k++)
		if (call_is(r, k, state, why))
			wrap_word(&w, qus_syscalls[k].name);
	putchar('\n');
}

/* The targets that say what rows[first] says, their QEMU release, and what they lack. */
static void print_group(struct row *rows, size_t n, size_t first)
{
	const struct row *r = &rows[first];
	char lead[QUS_QEMU_VERSION_MAX + 32], reasons[QUS_SYSCALLS_MAX][128];
	size_t nreasons = 0, members = 0, implemented = 0, asked = 0;
	struct wrap w;

	if (r->qemu_version[0])
		snprintf(lead, sizeof(lead), "QEMU %.*s:", (int)strcspn(r->qemu_version, " "),
			 r->qemu_version);
	else
		snprintf(lead, sizeof(lead), "QEMU (release unknown):");
	wrap_begin(&w, lead, 2);
	w.first = false;
	for (size_t i = first; i < n; i++) {
		if (rows[i].result != ROW_OK || rows[i].shown || !same_answers(r, &rows[i]))
			continue;
		rows[i].shown = true;
		members++;
		wrap_word(&w, rows[i].t->name);
	}
	for (size_t k = 0; k < qus_nsyscalls; k++) {
		if (r->report.calls[k].state == SYSPROBE_NONE)
			continue;
		asked++;
		implemented += r->report.calls[k].state == SYSPROBE_IMPLEMENTED;
	}
	printf("\n  %zu of %zu calls implemented%s\n", implemented, asked,
	       members > 1 ? " (each)" : "");
	print_calls(r, SYSPROBE_MISSING, NULL);
	/* The calls that could not be told, one line per reason. */
	for (size_t k = 0; k < qus_nsyscalls; k++) {
		char reason[128];
		bool seen = false;

		if (r->report.calls[k].state != SYSPROBE_UNKNOWN)
			continue;
		call_reason(&r->report.calls[k], reason, sizeof(reason));
		for (size_t j = 0; j < nreasons && !seen; j++)
			seen = !strcmp(reasons[j], reason);
		if (seen)
			continue;
		snprintf(reasons[nreasons++], sizeof(reasons[0]), "%s", reason);
		print_calls(r, SYSPROBE_UNKNOWN, reason);
	}
}

/* Whether call @k is missing for a target of @rows. */
static bool missing_anywhere(const struct row *rows, size_t n, size_t k)
{
	for (size_t i = 0; i < n; i++)
		if (rows[i].result == ROW_OK && rows[i].report.calls[k].state == SYSPROBE_MISSING)
			return true;
	return false;
}

/* What the missing calls break: each consequence once, after the calls it follows from. */
static void print_breaks(const struct row *rows, size_t n)
{
	bool said = false;

	for (size_t k = 0; k < qus_nsyscalls; k++) {
		const char *b = qus_syscalls[k].breaks;
		char lead[256];
		bool seen = false;
		size_t len;
		struct wrap w;

		if (!b || !missing_anywhere(rows, n, k))
			continue;
		/* Said with an earlier call of the same consequence? */
		for (size_t j = 0; j < k && !seen; j++)
			seen = qus_syscalls[j].breaks && !strcmp(qus_syscalls[j].breaks, b) &&
			       missing_anywhere(rows, n, j);
		if (seen)
			continue;
		if (!said)
			printf("What a missing call breaks:\n");
		said = true;
		len = (size_t)snprintf(lead, sizeof(lead), "  %s", qus_syscalls[k].name);
		for (size_t j = k + 1; j < qus_nsyscalls && len < sizeof(lead); j++)
			if (qus_syscalls[j].breaks && !strcmp(qus_syscalls[j].breaks, b) &&
			    missing_anywhere(rows, n, j))
				len += (size_t)snprintf(lead + len, sizeof(lead) - len, ", %s",
							qus_syscalls[j].name);
		if (len < sizeof(lead))
			snprintf(lead + len, sizeof(lead) - len, ":");
		wrap_begin(&w, lead, 4);
		w.first = false;
		wrap_text(&w, b);
		putchar('\n');
	}
}

static void print_human(struct row *rows, size_t n)
{
	size_t ok = 0, failed = 0;

	for (size_t i = 0; i < n; i++) {
		if (rows[i].result == ROW_OK && !rows[i].shown)
			print_group(rows, n, i);
		ok += rows[i].result == ROW_OK;
		failed += rows[i].result == ROW_FAILED;
	}
	for (size_t i = 0; i < n; i++)
		if (rows[i].result != ROW_OK)
			printf("%s: %s: %s\n", rows[i].t->name,
			       rows[i].result == ROW_NATIVE ? "native" : "not checked",
			       rows[i].reason);
	print_breaks(rows, n);
	printf("qus: %zu target%s checked, %zu could not be checked\n", ok, ok == 1 ? "" : "s",
	       failed);
}

int check_syscalls(struct qus_ctx *ctx, const struct target_set *set, bool json, int timeout_ms)
{
	struct binfmt_entry *entries = NULL;
	struct sysprobe_host host;
	struct row *rows;
	size_t count = 0, n = 0;
	bool mounted = false, enabled = false;
	int fd, status = EXIT_OK;

	fd = cli_binfmt_open(ctx, BINFMT_READ);
	if (fd >= 0) {
		mounted = true;
		(void)binfmt_read_all(fd, &enabled, &entries, &count);
		close(fd);
	}
	rows = calloc(QUS_NTARGETS, sizeof(*rows));
	if (!rows)
		die_errno(EXIT_FAIL, "check");
	/* The host's answers, once: every target's ENOSYS is read against them. */
	sysprobe_ask_host(&host);
	for (size_t i = 0; i < QUS_NTARGETS; i++) {
		const struct qus_target *t = &qus_targets[i];

		if (!set->want[i])
			continue;
		/*
		 * Not named: every target with an entry, the native ones left
		 * out; where the entries cannot be seen, every target whose
		 * probe the kernel runs.
		 */
		if (!set->explicit &&
		    (host_runs_natively(&ctx->host, t) != NATIVE_NO ||
		     (mounted && (!entries || !handler_or_idle(entries, count, t)))))
			continue;
		rows[n].t = t;
		check_target(ctx, entries, count, mounted, enabled, &host, timeout_ms, &rows[n]);
		if (!set->explicit && !mounted && rows[n].refused) {
			memset(&rows[n], 0, sizeof(rows[n]));
			continue;
		}
		if (rows[n].result == ROW_FAILED)
			status = EXIT_FAIL;
		n++;
	}
	if (!n && !set->explicit) {
		if (mounted)
			warn("check --syscalls: no foreign target has an entry here (qus register)");
		else
			warn("check --syscalls: binfmt_misc is not mounted here, and the kernel runs "
			     "no foreign target's programs (qus register)");
		status = EXIT_FAIL;
	}
	if (json)
		print_json(ctx, &host, rows, n);
	else if (n)
		print_human(rows, n);
	free(entries);
	free(rows);
	return status;
}
