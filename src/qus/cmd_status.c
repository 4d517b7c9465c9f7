/* SPDX-License-Identifier: MIT */
/* qus status: every binfmt_misc entry, for people or (--json) for programs. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "binfmt.h"
#include "binfmt_access.h"
#include "commands.h"
#include "diag.h"
#include "automount.h"
#include "instance.h"
#include "joining.h"
#include "paths.h"
#include "emulator.h"
#include "handler.h"
#include "json.h"
#include "options.h"
#include "util.h"

const char usage_status[] =
	"Usage: qus status [OPTIONS] [TARGET...]\n"
	"\n"
	"Show the binfmt_misc entries: name, target, enabled, disabled or shadowed (an\n"
	"entry tried before it takes all its programs), flags, the QEMU version of the\n"
	"interpreter (read from the file, not run) and the interpreter (and whether\n"
	"that file exists); then, for each target whose programs another emulator runs\n"
	"or whose entries shadow one another, which entry the kernel uses.  With\n"
	"TARGETs, only their entries; the exit status then says whether each has an\n"
	"enabled entry.\n"
	"\n"
	"Options:\n"
	"  -j, --json               machine-readable output (schema in qus(1))\n"
	"      --docker             show what this user's rootless Docker uses: the\n"
	"                           binfmt_misc of the user namespace dockerd runs in\n"
	"      --podman             the same for this user's rootless podman\n"
	"      --userns PID         the same for the user namespace of process PID\n"
	"      --binfmt-dir DIR     binfmt_misc mount (default /proc/sys/fs/binfmt_misc)\n"
	"  -h, --help               show this help\n"
	"  -V, --version            show the version and exit\n"
	"\n"
	"Exit status: 0 shown (and every TARGET registered and enabled), 1 a TARGET\n"
	"has no enabled entry or binfmt_misc cannot be read, 2 usage error.\n";

/* Version of the JSON document; bumped only on incompatible changes. */
#define STATUS_SCHEMA 1

struct status_row {
	struct binfmt_entry e;
	const struct qus_target *target;
	bool interpreter_exists;
	char qemu_version[QUS_QEMU_VERSION_MAX]; /* "" when unknown */
	unsigned order;				 /* in the kernel's order: 0 is tried first */
	uint64_t runs;	   /* bit i: qus_targets[i]'s programs go to this entry */
	uint64_t shadowed; /* bit i: it takes them, but an entry tried first does */
	bool shown;	   /* not filtered out by the TARGETs given */
};

struct status {
	bool mounted;
	bool enabled;
	bool own; /* this user namespace's instance (not an ancestor's) */
	struct instance_info in;
	struct automount_state am;
	bool am_expires;	 /* the automount's expiry would take the entries */
	struct status_row *rows; /* every entry, by name */
	size_t count;
	/* For each target, the row whose entry runs its programs, or NULL. */
	const struct status_row *handler[QUS_NTARGETS];
};

static const char *const instance_words[] = {
	[INSTANCE_HOST] = "initial",	       [INSTANCE_PODMAN] = "rootless podman",
	[INSTANCE_DOCKER] = "rootless docker", [INSTANCE_CONTAINER] = "container",
	[INSTANCE_NAMESPACE] = "other",
};

static int cmp_rows(const void *a, const void *b)
{
	return strcmp(((const struct status_row *)a)->e.name,
		      ((const struct status_row *)b)->e.name);
}

/*
 * Who runs each target's programs: the first entry in the kernel's order
 * that takes them (handler.h); every other that takes them is shadowed
 * for that target.  Then the rows are sorted by name, for people.
 */
static void find_handlers(struct status *st)
{
	qsort(st->rows, st->count, sizeof(*st->rows), cmp_rows);
	for (size_t t = 0; t < QUS_NTARGETS; t++) {
		struct status_row *first = NULL;

		for (size_t i = 0; i < st->count; i++) {
			struct status_row *r = &st->rows[i];

			if (!entry_takes(&r->e, &qus_targets[t]))
				continue;
			r->shadowed |= 1ull << t;
			if (!first || r->order < first->order)
				first = r;
		}
		if (first) {
			first->shadowed &= ~(1ull << t);
			first->runs |= 1ull << t;
		}
		st->handler[t] = first;
	}
}

static int collect(struct qus_ctx *ctx, struct status *st, const struct target_set *filter)
{
	char **names = NULL;
	size_t count = 0;
	int fd, r;

	memset(st, 0, sizeof(*st));
	fd = cli_binfmt_open(ctx, BINFMT_READ);
	if (fd == -ENODEV)
		return 0;
	if (fd < 0)
		return -1;
	st->mounted = true;
	st->own = binfmt_is_ours(fd) != 0;
	instance_describe(&st->in);
	if (automount_look(ctx, &st->am) == 0)
		st->am_expires = automount_expires(ctx, &st->am);
	r = binfmt_read_status(fd, &st->enabled);
	if (r == 0)
		r = binfmt_list(fd, &names, &count);
	if (r < 0) {
		warn_err(r, NULL, "cannot read %s", ctx->binfmt_dir);
		close(fd);
		return -1;
	}
	st->rows = calloc(count ? count : 1, sizeof(*st->rows));
	if (!st->rows) {
		binfmt_free_names(names, count);
		close(fd);
		warn("out of memory");
		return -1;
	}
	for (size_t i = 0; i < count; i++) {
		struct status_row *row = &st->rows[st->count];
		struct stat sb;

		r = binfmt_read_entry(fd, names[i], &row->e);
		if (r == -ENOENT)
			continue; /* removed while we looked */
		if (r < 0) {
			warn_err(r, NULL, "cannot read entry %s/%s", ctx->binfmt_dir, names[i]);
			continue;
		}
		row->target = target_of_entry(&row->e);
		row->order = (unsigned)st->count;
		row->shown =
			!filter->explicit || (row->target && filter->want[arch_index(row->target)]);
		row->interpreter_exists = stat(row->e.interpreter, &sb) == 0;
		/* Only an entry of a target names the literal to look for ("qemu-T version"). */
		if (row->interpreter_exists && row->target)
			(void)emulator_version(row->e.interpreter, row->target, row->qemu_version,
					       sizeof(row->qemu_version));
		st->count++;
	}
	binfmt_free_names(names, count);
	close(fd);
	find_handlers(st);
	return 0;
}

/* For each target some entry takes: the entry the kernel uses, and those it shadows. */
static void print_json_targets(struct json_writer *w, const struct status *st,
			       const struct target_set *filter)
{
	jw_begin_array(w, "targets");
	for (size_t t = 0; t < QUS_NTARGETS; t++) {
		const struct status_row *h = st->handler[t];

		if (!h || (filter->explicit && !filter->want[t]))
			continue;
		jw_begin_object(w, NULL);
		jw_string(w, "name", qus_targets[t].name);
		jw_string(w, "entry", h->e.name);
		jw_string(w, "interpreter", h->e.interpreter);
		jw_bool(w, "qemu", entry_is_qemu(&h->e));
		jw_begin_array(w, "shadowed");
		for (size_t i = 0; i < st->count; i++)
			if (st->rows[i].shadowed & 1ull << t)
				jw_string(w, NULL, st->rows[i].e.name);
		jw_end_array(w);
		jw_end_object(w);
	}
	jw_end_array(w);
}

/* A process id, or null where there is none (-1). */
static void json_pid(struct json_writer *w, const char *key, long pid)
{
	if (pid > 0)
		jw_uint(w, key, (unsigned long long)pid);
	else
		jw_null(w, key);
}

static void print_json(struct qus_ctx *ctx, const struct status *st,
		       const struct target_set *filter)
{
	struct json_writer w;

	jw_init(&w, stdout);
	jw_begin_object(&w, NULL);
	jw_uint(&w, "schema", STATUS_SCHEMA);
	jw_string(&w, "binfmt_dir", ctx->binfmt_dir);
	jw_bool(&w, "mounted", st->mounted);
	jw_bool(&w, "enabled", st->mounted && st->enabled);
	jw_begin_object(&w, "instance");
	jw_string(&w, "user_namespace", instance_words[st->in.kind]);
	jw_bool(&w, "own", st->mounted && st->own);
	if (st->in.kind == INSTANCE_HOST)
		jw_null(&w, "owner_uid");
	else
		jw_uint(&w, "owner_uid", st->in.owner_uid);
	json_pid(&w, "pause_pid", st->in.pause_pid);
	json_pid(&w, "rootlesskit_pid", st->in.rootlesskit_pid);
	json_pid(&w, "dockerd_pid", st->in.dockerd_pid);
	json_pid(&w, "kept_by", instance_kept_by(&st->in));
	jw_string(&w, "engine",
		  st->in.kind != INSTANCE_CONTAINER ? NULL
		  : st->in.engine == ENGINE_PODMAN  ? "podman"
		  : st->in.engine == ENGINE_DOCKER  ? "docker"
						    : NULL);
	jw_end_object(&w);
	if (st->mounted && st->am.at.autofs) {
		jw_begin_object(&w, "automount");
		if (st->am.at.autofs_timeout >= 0)
			jw_uint(&w, "timeout", (unsigned long long)st->am.at.autofs_timeout);
		else
			jw_null(&w, "timeout");
		jw_bool(&w, "expiry_drops_entries", st->am_expires);
		jw_string(&w, "kept_on", st->am.kept ? BINFMT_KEEP_DIR : NULL);
		jw_end_object(&w);
	} else {
		jw_null(&w, "automount");
	}
	jw_begin_object(&w, "host");
	jw_string(&w, "machine", ctx->host.machine);
	jw_string(&w, "target", ctx->host.target ? ctx->host.target->name : NULL);
	jw_string(&w, "kernel", ctx->host.release);
	jw_end_object(&w);
	jw_begin_array(&w, "entries");
	for (size_t i = 0; i < st->count; i++) {
		const struct status_row *r = &st->rows[i];
		const struct binfmt_entry *e = &r->e;
		char flags[5], hex[2 * QUS_MAGIC_MAX + 1];

		if (!r->shown)
			continue;
		flags_format(flags_normalize(e->flags), flags);
		jw_begin_object(&w, NULL);
		jw_string(&w, "name", e->name);
		jw_string(&w, "target", r->target ? r->target->name : NULL);
		jw_bool(&w, "qemu", entry_is_qemu(e));
		jw_bool(&w, "enabled", e->enabled);
		jw_string(&w, "interpreter", e->interpreter);
		jw_bool(&w, "interpreter_exists", r->interpreter_exists);
		jw_string(&w, "qemu_version", r->qemu_version[0] ? r->qemu_version : NULL);
		jw_string(&w, "flags", flags);
		jw_bool(&w, "preserve_argv0", e->flags & QUS_FLAG_P);
		jw_bool(&w, "open_binary", e->flags & QUS_FLAG_O);
		jw_bool(&w, "credentials", e->flags & QUS_FLAG_C);
		jw_bool(&w, "fix_binary", e->flags & QUS_FLAG_F);
		jw_string(&w, "type", e->is_magic ? "magic" : "extension");
		if (e->is_magic) {
			jw_uint(&w, "offset", e->pattern.offset);
			hex_format(e->pattern.magic, e->pattern.len, hex);
			jw_string(&w, "magic", hex);
			hex_format(e->pattern.mask, e->pattern.len, hex);
			jw_string(&w, "mask", e->pattern.has_mask ? hex : NULL);
			jw_null(&w, "extension");
		} else {
			jw_null(&w, "offset");
			jw_null(&w, "magic");
			jw_null(&w, "mask");
			jw_string(&w, "extension", e->extension);
		}
		jw_begin_array(&w, "runs");
		for (size_t t = 0; t < QUS_NTARGETS; t++)
			if (r->runs & 1ull << t)
				jw_string(&w, NULL, qus_targets[t].name);
		jw_end_array(&w);
		jw_begin_array(&w, "shadowed_by");
		for (size_t t = 0; t < QUS_NTARGETS; t++) {
			if (!(r->shadowed & 1ull << t))
				continue;
			jw_begin_object(&w, NULL);
			jw_string(&w, "target", qus_targets[t].name);
			jw_string(&w, "entry", st->handler[t]->e.name);
			jw_end_object(&w);
		}
		jw_end_array(&w);
		jw_end_object(&w);
	}
	jw_end_array(&w);
	print_json_targets(&w, st, filter);
	jw_end_object(&w);
	jw_finish(&w);
}

/* In a user namespace: whose instance this is, and how long it lasts. */
static void say_instance(const struct qus_ctx *ctx, const struct status *st)
{
	if (st->in.kind == INSTANCE_HOST)
		return;
	if (!st->own) {
		printf("this is another user namespace's instance (the host's), which this one may "
		       "not change; qus register here mounts this namespace's own over it\n");
		return;
	}
	switch (st->in.kind) {
	case INSTANCE_PODMAN:
		printf("the instance of rootless podman's user namespace (uid %lu's), kept by its "
		       "pause process %ld: every container and build of that podman uses it; it "
		       "lasts until that process ends ('podman system migrate', a reboot, a logout "
		       "without lingering), then: qus register --podman\n",
		       st->in.owner_uid, st->in.pause_pid);
		break;
	case INSTANCE_DOCKER:
		printf("the instance of rootless Docker's user namespace (uid %lu's), kept by "
		       "rootlesskit's process %ld (dockerd %ld): every container and build of that "
		       "dockerd uses it; it lasts until rootlesskit ends ('systemctl --user restart "
		       "docker', a reboot, a logout without lingering), then: qus register --docker\n",
		       st->in.owner_uid, instance_kept_by(&st->in), st->in.dockerd_pid);
		break;
	case INSTANCE_CONTAINER:
		printf("the instance of this container's user namespace (uid %lu's): it ends with "
		       "this container; the host's is another\n",
		       st->in.owner_uid);
		break;
	default:
		printf("the instance of this user namespace (uid %lu's): it lasts while %s is "
		       "mounted\n",
		       st->in.owner_uid, ctx->binfmt_dir);
		break;
	}
}

/* Behind an automount: whether its expiry would take the entries, and what keeps them. */
static void say_automount(const struct qus_ctx *ctx, const struct status *st)
{
	char when[48] = "when idle";

	if (!st->am.at.autofs)
		return;
	if (st->am.at.autofs_timeout > 0)
		snprintf(when, sizeof(when), "after %ld s idle", st->am.at.autofs_timeout);
	if (st->am.at.autofs_timeout == 0)
		printf("%s is an automount that never expires\n", ctx->binfmt_dir);
	else if (st->am.kept)
		printf("%s is an automount that unmounts binfmt_misc %s; the entries outlive it: "
		       "binfmt_misc is also mounted on %s\n",
		       ctx->binfmt_dir, when, BINFMT_KEEP_DIR);
	else if (st->am_expires)
		printf("%s is an automount that unmounts binfmt_misc %s, and the entries with it "
		       "(Linux 6.7 and later): 'qus register' keeps them\n",
		       ctx->binfmt_dir, when);
	else
		printf("%s is an automount that unmounts binfmt_misc %s (this kernel keeps the "
		       "entries)\n",
		       ctx->binfmt_dir, when);
}

/*
 * Who runs what, where it is not simply "qemu-T runs T": a target whose
 * programs another emulator runs, or whose entries shadow one another.
 */
static void say_handlers(const struct status *st, const struct target_set *filter)
{
	for (size_t t = 0; t < QUS_NTARGETS; t++) {
		const struct status_row *h = st->handler[t];
		bool qemu = h && entry_is_qemu(&h->e), shadows = false;
		char line[1024];
		size_t n;

		if (!h || (filter->explicit && !filter->want[t]))
			continue;
		for (size_t i = 0; i < st->count; i++)
			shadows |= (st->rows[i].shadowed >> t) & 1;
		if (qemu && !shadows)
			continue;
		n = (size_t)snprintf(line, sizeof(line), "%s programs run through %s (%s)%s",
				     qus_targets[t].name, h->e.name, h->e.interpreter,
				     qemu ? "" : ", not QEMU");
		for (size_t i = 0, k = 0; i < st->count && n < sizeof(line); i++)
			if (st->rows[i].shadowed & 1ull << t)
				n += (size_t)snprintf(
					line + n, sizeof(line) - n, "%s%s",
					k++ ? ", " : "; shadowed: ", st->rows[i].e.name);
		printf("%s\n", line);
	}
}

static void print_human(struct qus_ctx *ctx, const struct status *st,
			const struct target_set *filter)
{
	unsigned qemu = 0, shown = 0;

	if (!st->mounted) {
		/*
		 * Not "nothing is registered": in a container the kernel's
		 * instance may hold the host's entries, unmounted here.
		 */
		printf("binfmt_misc is not mounted on %s: no entries can be seen here (mount it, "
		       "or run qus register, which does)\n",
		       ctx->binfmt_dir);
		return;
	}
	for (size_t i = 0; i < st->count; i++) {
		qemu += st->rows[i].shown && entry_is_qemu(&st->rows[i].e);
		shown += st->rows[i].shown;
	}
	printf("binfmt_misc on %s: %s, %u entries (%u QEMU)\n", ctx->binfmt_dir,
	       st->enabled ? "enabled" : "DISABLED (no entry is used)", shown, qemu);
	say_instance(ctx, st);
	say_automount(ctx, st);
	if (!shown)
		return;
	printf("%-20s %-12s %-8s %-5s %-8s %s\n", "NAME", "TARGET", "STATE", "FLAGS", "QEMU",
	       "INTERPRETER");
	for (size_t i = 0; i < st->count; i++) {
		const struct status_row *r = &st->rows[i];
		char flags[5];
		const char *missing = "";
		/* The release alone ("7.2.22"); --json has the whole text. */
		int vlen = (int)strcspn(r->qemu_version, " ");

		if (!r->shown)
			continue;
		flags_format(flags_normalize(r->e.flags), flags);
		if (!r->interpreter_exists)
			missing = r->e.flags & QUS_FLAG_F ? " (not on disk; F keeps it open)"
							  : " (missing)";
		printf("%-20s %-12s %-8s %-5s %-8.*s %s%s\n", r->e.name,
		       r->target ? r->target->name : "-",
		       !r->e.enabled		 ? "disabled"
		       : r->shadowed && !r->runs ? "shadowed"
						 : "enabled",
		       flags[0] ? flags : "-", vlen ? vlen : 1, vlen ? r->qemu_version : "-",
		       r->e.interpreter, missing);
	}
	say_handlers(st, filter);
}

/* Each named target must have an enabled entry. */
static int check_wanted(const struct status *st, const struct target_set *filter)
{
	int status = EXIT_OK;

	if (!filter->explicit)
		return EXIT_OK;
	for (size_t i = 0; i < QUS_NTARGETS; i++) {
		bool ok = false;

		if (!filter->want[i])
			continue;
		for (size_t j = 0; j < st->count; j++)
			if (st->rows[j].target == &qus_targets[i] && st->rows[j].e.enabled)
				ok = true;
		if (!ok) {
			warn("%s: no enabled entry", qus_targets[i].name);
			status = EXIT_FAIL;
		}
	}
	return status;
}

int cmd_status(struct qus_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		COMMON_LONGOPTS,
		{ "json", no_argument, NULL, 'j' },
		JOIN_LONGOPTS,
		{ 0 },
	};
	struct join_request join = { JOIN_NONE, 0 };
	struct target_set filter;
	struct status st;
	bool json = false;
	int c, r;

	while ((c = getopt_long(argc, argv, ":hjV", longopts, NULL)) != -1) {
		if (c == 'j')
			json = true;
		else if (!join_option(&join, c, optarg, "status"))
			common_option(ctx, c, argv, "status", usage_status);
	}
	parse_targets_or_die(argv + optind, argc - optind, &filter);
	/* Read-only: podman's pause process is not started for it. */
	join_or_die(ctx, &join, "status", false);
	if (collect(ctx, &st, &filter) < 0)
		return EXIT_FAIL;
	if (json)
		print_json(ctx, &st, &filter);
	else
		print_human(ctx, &st, &filter);
	r = check_wanted(&st, &filter);
	free(st.rows);
	return r;
}
