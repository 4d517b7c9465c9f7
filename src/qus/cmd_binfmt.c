/* SPDX-License-Identifier: MIT */
/*
 * qus binfmt: the interface of tonistiigi/binfmt, Docker's installer, so
 * that docker/setup-qemu-action (`image:` set to qus's image) drives qus.
 * The action runs, each in a container of its own: `IMAGE --version`,
 * `IMAGE --uninstall qemu-*` (with reset: true), `IMAGE --install
 * PLATFORMS`, then `IMAGE` alone, whose standard output it parses as one
 * JSON object and whose "supported" list becomes its output.  A step fails
 * when the exit status is not 0 and standard error is not empty.
 *
 * Same command lines, qus's rules: a failure is exit status 1 with its
 * reason on standard error (tonistiigi/binfmt exits 0 whatever happens),
 * an identical entry is left alone and a different one replaced (it says
 * "already registered"), --uninstall never removes another program's
 * entry (it removes whatever '*' matches), and "supported" is what qus's
 * probe programs prove runs.  Standard output carries the JSON document
 * only; results go to standard error, as tonistiigi/binfmt's log does.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "binfmt.h"
#include "binfmt_access.h"
#include "commands.h"
#include "cpulevel.h"
#include "diag.h"
#include "elfident.h"
#include "json.h"
#include "options.h"
#include "paths.h"
#include "probe.h"
#include "registration.h"
#include "removal.h"
#include "util.h"

const char usage_binfmt[] =
	"Usage: qus binfmt [--install all|PLATFORM,...] [--uninstall NAME,...]\n"
	"       qus --install ... | --uninstall ...   (options alone: the same)\n"
	"\n"
	"tonistiigi/binfmt's interface, which docker/setup-qemu-action drives: remove\n"
	"the entries --uninstall names, register those --install names, then print one\n"
	"JSON object on standard output, {\"supported\": [...], \"emulators\": [...]}.\n"
	"Results, notes and errors go to standard error.  The register image runs\n"
	"`qus binfmt` when it is given no arguments.\n"
	"\n"
	"Options:\n"
	"      --install all|LIST    register every foreign target whose emulator is\n"
	"                            installed, or those of the comma-separated LIST\n"
	"                            (arm64, linux/arm/v7, riscv64, 386, ...), with\n"
	"                            flags CF (P too if QEMU_PRESERVE_ARGV0 is set)\n"
	"      --uninstall LIST      remove the qemu-* entries that the comma-separated\n"
	"                            platforms or shell patterns (qemu-*) name; other\n"
	"                            programs' entries are never removed\n"
	"      --mount DIR           binfmt_misc mount point (as --binfmt-dir)\n"
	"      --binfmt-dir DIR      binfmt_misc mount (default /proc/sys/fs/binfmt_misc)\n"
	"  -h, --help                show this help\n"
	"  -V, --version             show the version and exit\n"
	"Go's forms work too: -install LIST, --install=LIST.\n"
	"\n"
	"\"supported\": the OCI platforms that run here: the host's own (on amd64 with\n"
	"the CPU's microarchitecture levels, linux/amd64/v2 to v4), the 32-bit modes\n"
	"its kernel runs, and each platform whose probe program runs through an entry\n"
	"with flag F (which containers without the emulator need).  \"emulators\": the\n"
	"names of the enabled entries.  Emulators are looked for in /usr/bin\n"
	"(QEMU_BINARY_PATH): qemu-TARGET-static, else qemu-TARGET.  Flag F needs\n"
	"Linux 4.8.\n"
	"\n"
	"Exit status: 0 done, 1 something failed (said on standard error; the JSON is\n"
	"printed all the same), 2 usage error (nothing changed, nothing printed).\n";

/* Time limit of one probe: an emulator starts in tens of milliseconds. */
#define STATUS_PROBE_TIMEOUT_MS 5000

/* What the line asks for, checked whole before anything changes. */
struct binfmt_request {
	bool install;
	struct target_set targets; /* --install */
	char **patterns;	   /* --uninstall, as shell patterns */
	size_t npatterns;
};

/* "linux/amd64/v3" -> "linux/amd64": a variant qus's names do not carry. */
static const struct qus_target *find_platform(const char *name)
{
	const struct qus_target *t = arch_find(name);
	const char *slash = strrchr(name, '/');
	char base[64];

	if (t || !slash || strncmp(name, "linux/", 6) || slash == name + 5)
		return t;
	if ((size_t)(slash - name) >= sizeof(base))
		return NULL;
	memcpy(base, name, (size_t)(slash - name));
	base[slash - name] = '\0';
	return arch_find(base);
}

/* The next comma-separated item of *@list into @out; false at the end. */
static bool next_item(const char **list, char *out, size_t size)
{
	size_t n = strcspn(*list, ",");

	if (!**list)
		return false;
	snprintf(out, size, "%.*s", (int)(n < size ? n : size - 1), *list);
	*list += n + ((*list)[n] == ',');
	return true;
}

static void parse_install(const char *list, struct target_set *set)
{
	char item[128];
	size_t named = 0;

	memset(set, 0, sizeof(*set));
	set->explicit = true;
	while (next_item(&list, item, sizeof(item))) {
		const struct qus_target *t;

		if (!item[0])
			continue; /* "arm64,,riscv64": the action drops empty items too */
		named++;
		if (!ascii_strcasecmp(item, "all")) {
			set->explicit = false;
			continue;
		}
		t = find_platform(item);
		if (!t)
			die_usage("binfmt: --install: unknown platform '%s' (give 'all' or names "
				  "such as arm64, linux/arm/v7, riscv64; 'qus targets' lists them)",
				  item);
		set->want[arch_index(t)] = true;
	}
	if (!named)
		die_usage("binfmt: --install needs 'all' or a comma-separated list of platforms");
	if (!set->explicit)
		for (size_t i = 0; i < QUS_NTARGETS; i++)
			set->want[i] = true;
}

/* A platform names its qemu-<target> entry; anything else is a shell pattern. */
static void parse_uninstall(const char *list, struct binfmt_request *rq)
{
	char item[128];
	size_t n = 1;

	for (const char *p = list; *p; p++)
		n += *p == ',';
	rq->patterns = calloc(n, sizeof(char *));
	if (!rq->patterns)
		die(EXIT_FAIL, "out of memory");
	while (next_item(&list, item, sizeof(item))) {
		const struct qus_target *t = strpbrk(item, "*?[") ? NULL : find_platform(item);
		char name[QUS_NAME_MAX + 1];

		if (!item[0])
			continue;
		if (t)
			plan_entry_name(t, name, sizeof(name));
		rq->patterns[rq->npatterns] = strdup(t ? name : item);
		if (!rq->patterns[rq->npatterns])
			die(EXIT_FAIL, "out of memory");
		rq->npatterns++;
	}
	if (!rq->npatterns)
		die_usage("binfmt: --uninstall needs a comma-separated list of names or patterns");
}

static void free_request(struct binfmt_request *rq)
{
	for (size_t i = 0; i < rq->npatterns; i++)
		free(rq->patterns[i]);
	free(rq->patterns);
}

/* --install: tonistiigi/binfmt's flags, CF (+P), with qus's checks and replacement. */
static int install(struct qus_ctx *ctx, const struct binfmt_request *rq)
{
	const char *dir = getenv("QEMU_BINARY_PATH");
	const char *argv0 = getenv("QEMU_PRESERVE_ARGV0");
	struct reg_request req = {
		.what = {
			.targets = rq->targets,
			.qemu_dir = dir && *dir ? dir : QEMU_DEFAULT_DIR,
			.qemu_suffix = NULL, /* qemu-T-static, else tonistiigi/binfmt's qemu-T */
			.flags = flags_normalize(QUS_FLAG_C | QUS_FLAG_F |
						 (argv0 && *argv0 ? QUS_FLAG_P : 0)),
		},
		/* "all": what is installed, as tonistiigi/binfmt's --install all. */
		.skip_absent = true,
		.out = stderr,
	};
	unsigned registered = 0;
	int status = register_entries(ctx, &req, &registered);

	if (status == EXIT_OK && !rq->targets.explicit && registered == 0) {
		warn("--install all: no emulator in %s (neither qemu-TARGET-static nor "
		     "qemu-TARGET); use the image with emulators, or set QEMU_BINARY_PATH",
		     req.what.qemu_dir);
		status = EXIT_FAIL;
	}
	return status;
}

/* Every entry of binfmt_misc, read once. */
struct entries {
	struct binfmt_entry *e;
	size_t n;
	bool enabled; /* binfmt_misc as a whole */
};

static int read_entries(struct qus_ctx *ctx, struct entries *es)
{
	int fd = cli_binfmt_open(ctx, BINFMT_READ_MOUNT), r;

	if (fd < 0)
		return -1; /* reported */
	r = binfmt_read_all(fd, &es->enabled, &es->e, &es->n);
	close(fd);
	if (r == -ENOMEM)
		die(EXIT_FAIL, "out of memory");
	if (r < 0) {
		warn_err(r, NULL, "cannot read %s", ctx->binfmt_dir);
		return -1;
	}
	return 0;
}

/*
 * Whether the kernel hands @t's programs to an emulator that every
 * container can use: some enabled entry takes its probe, and every one that
 * does has flag F.  Without F the kernel opens the interpreter path inside
 * each container, which BuildKit's check (a chroot holding only the test
 * program) and FROM-scratch images do not have.
 */
static bool emulated_everywhere(const struct entries *es, const struct qus_target *t)
{
	uint8_t elf[PROBE_ELF_MAX] = { 0 };
	bool taken = false;

	if (!es->enabled || probe_build(t, elf, sizeof(elf)) < 0)
		return false;
	for (size_t i = 0; i < es->n; i++) {
		const struct binfmt_entry *e = &es->e[i];

		if (!e->enabled || !e->is_magic || !pattern_match(&e->pattern, elf))
			continue;
		if (!(e->flags & QUS_FLAG_F))
			return false;
		taken = true;
	}
	return taken;
}

static void add_platforms(struct json_writer *w, const struct qus_target *t)
{
	const char *list = t->platforms;
	char p[64];

	while (next_word(&list, p, sizeof(p)))
		jw_string(w, NULL, p);
}

/*
 * "supported", in the target table's order after the host's own:
 * BuildKit's list (archutil.SupportedPlatforms) derived the same way, by
 * running a program of each platform.
 */
static void write_supported(struct qus_ctx *ctx, struct json_writer *w, const struct entries *es)
{
	const struct qus_target *host = ctx->host.target;

	jw_begin_array(w, "supported");
	if (host) {
		add_platforms(w, host);
		/* The levels this CPU runs, as BuildKit lists them: v2, v3, v4. */
		if (!strcmp(host->name, "x86_64"))
			for (unsigned l = 2; l <= x86_64_level(); l++) {
				char p[32];

				snprintf(p, sizeof(p), "linux/amd64/v%u", l);
				jw_string(w, NULL, p);
			}
	}
	for (size_t i = 0; i < QUS_NTARGETS; i++) {
		const struct qus_target *t = &qus_targets[i];
		struct probe_result res;

		if (t == host || !t->platforms[0])
			continue;
		switch (host_runs_natively(&ctx->host, t)) {
		case NATIVE_COMPAT:
			add_platforms(w, t);
			continue;
		case NATIVE_HOST:
			continue;
		case NATIVE_NO:
			break;
		}
		/* Without a probe program nothing proves it. */
		if (!probe_code_for(t) || !emulated_everywhere(es, t))
			continue;
		if (probe_run(t, STATUS_PROBE_TIMEOUT_MS, &res) == 0 && res.ok)
			add_platforms(w, t);
	}
	jw_end_array(w);
}

/* The status document, tonistiigi/binfmt's keys in its order. */
static int print_status(struct qus_ctx *ctx)
{
	struct entries es = { .enabled = true };
	struct json_writer w;
	int status = read_entries(ctx, &es) < 0 ? EXIT_FAIL : EXIT_OK;

	jw_init(&w, stdout);
	jw_begin_object(&w, NULL);
	write_supported(ctx, &w, &es);
	/* By name, as tonistiigi/binfmt lists the directory (Go's os.ReadDir sorts). */
	binfmt_sort_by_name(es.e, es.n);
	jw_begin_array(&w, "emulators");
	for (size_t i = 0; i < es.n; i++)
		if (es.e[i].enabled)
			jw_string(&w, NULL, es.e[i].name);
	jw_end_array(&w);
	jw_end_object(&w);
	jw_finish(&w);
	free(es.e);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		warn("cannot write the status to standard output");
		status = EXIT_FAIL;
	}
	return status;
}

int cmd_binfmt(struct qus_ctx *ctx, int argc, char **argv)
{
	enum { OPT_INSTALL = 0x1400, OPT_UNINSTALL, OPT_MOUNT };
	static const struct option longopts[] = {
		COMMON_LONGOPTS,
		{ "install", required_argument, NULL, OPT_INSTALL },
		{ "uninstall", required_argument, NULL, OPT_UNINSTALL },
		{ "mount", required_argument, NULL, OPT_MOUNT },
		{ 0 },
	};
	struct binfmt_request rq = { .install = false };
	const char *install_list = NULL, *uninstall_list = NULL;
	int c, status = EXIT_OK, r;

	/* _only: Go's flag package, which tonistiigi/binfmt uses, takes -install too. */
	while ((c = getopt_long_only(argc, argv, ":hV", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_INSTALL:
			install_list = optarg;
			break;
		case OPT_UNINSTALL:
			uninstall_list = optarg;
			break;
		case OPT_MOUNT:
			ctx->binfmt_dir = optarg;
			break;
		default:
			common_option(ctx, c, argv, "binfmt", usage_binfmt);
		}
	}
	if (optind < argc)
		die_usage("binfmt: unexpected argument '%s' (--install and --uninstall take one "
			  "comma-separated list)",
			  argv[optind]);
	if (install_list) {
		parse_install(install_list, &rq.targets);
		rq.install = true;
	}
	if (uninstall_list)
		parse_uninstall(uninstall_list, &rq);
	/* tonistiigi/binfmt's order: uninstall, install, status. */
	if (rq.npatterns) {
		r = remove_matching(ctx, rq.patterns, rq.npatterns, stderr);
		if (r != EXIT_OK)
			status = EXIT_FAIL;
	}
	if (rq.install && install(ctx, &rq) != EXIT_OK)
		status = EXIT_FAIL;
	if (print_status(ctx) != EXIT_OK)
		status = EXIT_FAIL;
	free_request(&rq);
	return status;
}
