/* SPDX-License-Identifier: MIT */
/*
 * qus-build: the release pipeline of the seeds (seed 002) in one program,
 * without a container engine.  Stages, each usable alone so that a pipeline
 * can stop, inspect and resume:
 *
 *   extract   package(s) -> OUT/extract/<arch>/qemu-*-static + package.json
 *   tarballs  OUT/extract -> OUT/releases: emulators, tar.gz, SHA256SUMS
 *
 * With packages and no stage name, both run.  Everything written goes
 * through a temporary name and a rename, under names qus-build makes from
 * the target table, never from paths inside a package.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <json-c/json.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdnoreturn.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "digest.h"
#include "elfident.h"
#include "json.h"
#include "pkg.h"
#include "tarball.h"
#include "util.h"

enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2 };

static const char usage[] =
	"Usage: qus-build [OPTIONS] PACKAGE...            extract, then tarballs\n"
	"       qus-build extract [OPTIONS] PACKAGE...\n"
	"       qus-build tarballs [OPTIONS]\n"
	"\n"
	"Turn the distribution's qemu-user-static package (Debian .deb) into release\n"
	"files: each emulator, qemu-T-static.tar.gz, HOST_qemu-T-static.tar.gz, and\n"
	"SHA256SUMS, byte for byte the same on every run for the same input.\n"
	"\n"
	"Options:\n"
	"  -o, --out DIR            output directory (default dist)\n"
	"  -q, --quiet              no progress\n"
	"  -h, --help               show this help\n"
	"  -V, --version            show the version\n"
	"\n"
	"Time stamps are SOURCE_DATE_EPOCH if set, else the package's build time.\n"
	"Exit status: 0 done, 1 a package was refused or a file could not be\n"
	"written (nothing is left under a final name), 2 usage error.\n";

struct opts {
	const char *out;
	bool quiet;
};

static void msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void msg(const char *fmt, ...)
{
	va_list ap;

	fputs("qus-build: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static noreturn void die_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static noreturn void die_usage(const char *fmt, ...)
{
	va_list ap;

	fputs("qus-build: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\nTry 'qus-build --help' for more information.\n", stderr);
	exit(EXIT_USAGE);
}

/* Progress on a terminal only: "\r" lines that CI logs need not carry. */
static void progress(const struct opts *o, const char *stage, unsigned i, unsigned n,
		     const char *what)
{
	if (o->quiet || !isatty(STDERR_FILENO))
		return;
	fprintf(stderr, "\rqus-build: %s %u/%u %-40.40s", stage, i, n, what);
	if (i == n)
		fputc('\n', stderr);
}

/* mkdir -p of the output directory the user named (links in it are followed). */
static int open_out_dir(const char *path)
{
	char prefix[PATH_MAX];
	int fd;

	if (strlen(path) >= sizeof(prefix))
		return -ENAMETOOLONG;
	for (size_t i = 1; path[i]; i++) {
		if (path[i] != '/')
			continue;
		memcpy(prefix, path, i);
		prefix[i] = '\0';
		if (mkdir(prefix, 0755) < 0 && errno != EEXIST)
			return -errno;
	}
	if (mkdir(path, 0755) < 0 && errno != EEXIST)
		return -errno;
	fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

/* A directory qus-build owns below @at: created if missing, never through a link. */
static int open_subdir(int at, const char *name)
{
	int fd;

	if (mkdirat(at, name, 0755) < 0 && errno != EEXIST)
		return -errno;
	fd = openat(at, name, O_PATH | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	return fd < 0 ? -errno : fd;
}

/* ---- extract ------------------------------------------------------------ */

struct emu_record {
	char file[64];
	const struct qus_target *target;
	size_t size;
	char sha256[SHA256_HEX_LEN + 1];
};

struct extract_ctx {
	const struct opts *o;
	const struct pkg_info *info; /* filled before the first member arrives */
	int dir;		     /* the temporary directory, opened at the first member */
	int parent;		     /* OUT/extract */
	char tmpname[64];
	const struct qus_target *host;
	struct emu_record emus[QUS_NTARGETS];
	unsigned count;
	struct pkg_error *err;
};

static int refuse_member(struct pkg_error *err, const char *member, const char *what)
{
	snprintf(err->member, sizeof(err->member), "%s", member);
	snprintf(err->what, sizeof(err->what), "%s", what);
	return -EBADMSG;
}

static int take_emulator(const struct pkg_member *m, void *arg)
{
	struct extract_ctx *x = arg;
	struct emu_record *rec = &x->emus[x->count];
	int r;

	if (x->dir < 0) {
		/* The control data came first: now the architecture is known. */
		x->host = arch_find(x->info->arch);
		if (!x->host)
			return refuse_member(x->err, "control",
					     "an architecture qus does not know");
		snprintf(x->tmpname, sizeof(x->tmpname), ".%s.%ld.tmp", x->info->arch,
			 (long)getpid());
		x->dir = open_subdir(x->parent, x->tmpname);
		if (x->dir < 0)
			return x->dir;
	}
	r = elf_check_static(m->data, m->size, x->host);
	if (r < 0)
		return refuse_member(x->err, m->path,
				     r == -ELIBBAD
					     ? "not static: it names a dynamic loader"
					     : "not an executable of the package's architecture");
	snprintf(rec->file, sizeof(rec->file), "qemu-%s-static", m->target->emulator);
	rec->target = m->target;
	rec->size = m->size;
	r = write_file_atomic(x->dir, rec->file, (const char *)m->data, m->size, 0755);
	if (r == 0)
		r = sha256_hex(m->data, m->size, rec->sha256);
	if (r < 0)
		return r;
	x->count++;
	progress(x->o, "extract", x->count, x->count, rec->file);
	return 0;
}

static time_t source_date(time_t fallback)
{
	const char *s = getenv("SOURCE_DATE_EPOCH");
	unsigned long v;

	if (s && parse_uint(s, 0xffffffffffful, &v) == 0)
		return (time_t)v;
	return fallback;
}

static int file_sha256(const char *path, char out[SHA256_HEX_LEN + 1])
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	_cleanup_free_ uint8_t *data = NULL;
	struct stat st;
	long n;

	if (fd < 0 || fstat(fd, &st) < 0)
		return -errno;
	data = malloc((size_t)st.st_size + 1);
	if (!data)
		return -ENOMEM;
	n = read_full(fd, data, (size_t)st.st_size);
	if (n != st.st_size)
		return n < 0 ? (int)n : -EIO;
	return sha256_hex(data, (size_t)n, out);
}

static int write_manifest(struct extract_ctx *x, const char *path)
{
	char tag[129], hex[SHA256_HEX_LEN + 1];
	const char *base = strrchr(path, '/');
	_cleanup_free_ char *text = NULL;
	struct json_writer w;
	size_t len = 0;
	FILE *mem;
	int r;

	if (pkg_tag_version(x->info->version, tag, sizeof(tag)) < 0)
		return refuse_member(x->err, "control", "a Version that makes no image tag");
	r = file_sha256(path, hex);
	if (r < 0)
		return r;
	mem = open_memstream(&text, &len);
	if (!mem)
		return -ENOMEM;
	jw_init(&w, mem);
	jw_begin_object(&w, NULL);
	jw_uint(&w, "schema", 1);
	jw_string(&w, "package", x->info->name);
	jw_string(&w, "version", x->info->version);
	jw_string(&w, "tag", tag);
	jw_string(&w, "arch", x->info->arch);
	jw_string(&w, "host", x->host->name);
	jw_uint(&w, "date", (unsigned long long)source_date(x->info->date));
	jw_string(&w, "source", base ? base + 1 : path);
	jw_string(&w, "source_sha256", hex);
	jw_begin_array(&w, "emulators");
	for (unsigned i = 0; i < x->count; i++) {
		jw_begin_object(&w, NULL);
		jw_string(&w, "file", x->emus[i].file);
		jw_string(&w, "target", x->emus[i].target->name);
		jw_uint(&w, "size", x->emus[i].size);
		jw_string(&w, "sha256", x->emus[i].sha256);
		jw_end_object(&w);
	}
	jw_end_array(&w);
	jw_begin_array(&w, "skipped");
	for (unsigned i = 0; i < x->info->nskipped; i++)
		jw_string(&w, NULL, x->info->skipped[i]);
	jw_end_array(&w);
	jw_end_object(&w);
	jw_finish(&w);
	if (fclose(mem) != 0)
		return -ENOMEM;
	return write_file_atomic(x->dir, "package.json", text, len, 0644);
}

/* Remove a directory of plain files (ours: the temporary or the replaced one). */
static void remove_dir(int parent, const char *name)
{
	int fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *e;

	if (!d) {
		if (fd >= 0)
			close(fd);
		return;
	}
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			unlinkat(dirfd(d), e->d_name, 0);
	closedir(d);
	unlinkat(parent, name, AT_REMOVEDIR);
}

/*
 * One package into OUT/extract/<arch>: written into a temporary directory,
 * renamed into place only when the whole package was read and accepted.
 */
static int extract_one(const struct opts *o, int extract_dir, const char *path)
{
	struct pkg_info info;
	struct pkg_error err;
	struct extract_ctx x = {
		.o = o, .info = &info, .dir = -1, .parent = extract_dir, .err = &err
	};
	char old[80];
	int r;

	r = pkg_read_deb(path, &info, take_emulator, &x, &err);
	if (r == 0 && x.count == 0)
		r = refuse_member(&err, "data.tar", "no emulator (usr/bin/qemu-*-static) in it");
	if (r == 0)
		r = write_manifest(&x, path);
	if (r == 0) {
		/* Swap the new directory in; the old one, if any, goes. */
		snprintf(old, sizeof(old), ".%s.%ld.old", info.arch, (long)getpid());
		if (renameat(extract_dir, info.arch, extract_dir, old) < 0 && errno != ENOENT)
			r = -errno;
		if (r == 0 && renameat(extract_dir, x.tmpname, extract_dir, info.arch) < 0)
			r = -errno;
		remove_dir(extract_dir, old);
	}
	if (x.dir >= 0)
		close(x.dir);
	if (r < 0) {
		if (x.tmpname[0])
			remove_dir(extract_dir, x.tmpname);
		if (r == -EBADMSG || err.what[0])
			msg("%s: refused%s%s: %s", path, err.member[0] ? ": member " : "",
			    err.member, err.what);
		else
			msg("%s: %s", path, strerror(-r));
		return r;
	}
	if (!o->quiet)
		msg("%s: %s %s (%s), %u emulators -> extract/%s", path, info.name, info.version,
		    info.arch, x.count, info.arch);
	for (unsigned i = 0; i < info.nskipped && !o->quiet; i++)
		msg("%s: %s left out: its target is not one of the 34 qus registers", path,
		    info.skipped[i]);
	return 0;
}

static int stage_extract(const struct opts *o, char **pkgs, int n)
{
	int dir = open_out_dir(o->out), ex, status = EXIT_OK;

	if (dir < 0) {
		msg("cannot create %s: %s", o->out, strerror(-dir));
		return EXIT_FAIL;
	}
	ex = open_subdir(dir, "extract");
	close(dir);
	if (ex < 0) {
		msg("cannot create %s/extract: %s", o->out, strerror(-ex));
		return EXIT_FAIL;
	}
	for (int i = 0; i < n; i++)
		if (extract_one(o, ex, pkgs[i]) < 0)
			status = EXIT_FAIL;
	close(ex);
	return status;
}

/* ---- tarballs ------------------------------------------------------------ */

/* A release file and its checksum. */
struct output {
	char name[160];
	char sha256[SHA256_HEX_LEN + 1];
};

/*
 * One emulator of one host: its release files.  The plain and the
 * host-prefixed tarball hold the same bytes (the seeds say so too), so the
 * emulator is compressed once.
 */
struct job {
	int src_dir;   /* OUT/extract/<arch> */
	char src[64];  /* qemu-T-static */
	char host[32]; /* uname -m name, the prefix */
	bool primary;  /* also the unprefixed files */
	time_t mtime;
	struct output out[3];
	unsigned nout;
	int err;
};

struct job_queue {
	struct job *jobs;
	size_t count;
	atomic_size_t next, done;
	int out; /* OUT/releases */
	const struct opts *o;
};

static int read_whole(int dir, const char *name, uint8_t **data, size_t *size)
{
	_cleanup_close_ int fd = openat(dir, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	struct stat st;
	long n;

	if (fd < 0 || fstat(fd, &st) < 0)
		return -errno;
	*data = malloc((size_t)st.st_size + 1);
	if (!*data)
		return -ENOMEM;
	n = read_full(fd, *data, (size_t)st.st_size);
	if (n != st.st_size) {
		free(*data);
		return n < 0 ? (int)n : -EIO;
	}
	*size = (size_t)n;
	return 0;
}

static int emit(const struct job_queue *q, struct job *j, const char *name, const uint8_t *data,
		size_t size, mode_t mode)
{
	struct output *o = &j->out[j->nout];
	int r;

	snprintf(o->name, sizeof(o->name), "%s", name);
	r = sha256_hex(data, size, o->sha256);
	if (r == 0)
		r = write_file_atomic(q->out, name, (const char *)data, size, mode);
	if (r == 0)
		j->nout++;
	return r;
}

static int run_job(const struct job_queue *q, struct job *j)
{
	_cleanup_free_ uint8_t *data = NULL;
	struct buffer tgz;
	char name[160];
	size_t size = 0;
	int r = read_whole(j->src_dir, j->src, &data, &size);

	if (r < 0)
		return r;
	if (j->primary && (r = emit(q, j, j->src, data, size, 0755)) < 0)
		return r;
	r = tarball_gz(j->src, 0755, j->mtime, data, size, &tgz);
	if (r < 0)
		return r;
	if (j->primary) {
		snprintf(name, sizeof(name), "%s.tar.gz", j->src);
		r = emit(q, j, name, tgz.data, tgz.len, 0644);
	}
	if (r == 0) {
		snprintf(name, sizeof(name), "%s_%s.tar.gz", j->host, j->src);
		r = emit(q, j, name, tgz.data, tgz.len, 0644);
	}
	buffer_free(&tgz);
	return r;
}

/* Workers take jobs in order; gzip of a 14 MB emulator takes about half a second. */
static void *worker(void *arg)
{
	struct job_queue *q = arg;
	size_t i;

	while ((i = atomic_fetch_add(&q->next, 1)) < q->count) {
		q->jobs[i].err = run_job(q, &q->jobs[i]);
		progress(q->o, "tarballs", (unsigned)atomic_fetch_add(&q->done, 1) + 1,
			 (unsigned)q->count, q->jobs[i].src);
	}
	return NULL;
}

static int cmp_output(const void *a, const void *b)
{
	return strcmp((*(const struct output *const *)a)->name,
		      (*(const struct output *const *)b)->name);
}

/* SHA256SUMS of every release file, sorted by name, in sha256sum's format. */
static int write_sums(int out, struct job *jobs, size_t n)
{
	_cleanup_free_ const struct output **all = calloc(3 * n + 1, sizeof(*all));
	_cleanup_free_ char *text = NULL;
	size_t len = 0, count = 0;
	FILE *mem;

	if (!all)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		for (unsigned k = 0; k < jobs[i].nout; k++)
			all[count++] = &jobs[i].out[k];
	qsort(all, count, sizeof(*all), cmp_output);
	mem = open_memstream(&text, &len);
	if (!mem)
		return -ENOMEM;
	for (size_t i = 0; i < count; i++)
		fprintf(mem, "%s  %s\n", all[i]->sha256, all[i]->name);
	if (fclose(mem) != 0)
		return -ENOMEM;
	return write_file_atomic(out, "SHA256SUMS", text, len, 0644);
}

struct host_dir {
	char arch[32];
	char host[32];
	time_t date;
	json_object *emulators;
	json_object *root;
	int fd;
};

static int load_host(int ex, const char *arch, struct host_dir *h)
{
	char buf[1 << 16];
	long n;

	memset(h, 0, sizeof(*h));
	snprintf(h->arch, sizeof(h->arch), "%s", arch);
	h->fd = openat(ex, arch, O_PATH | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (h->fd < 0)
		return -errno;
	n = read_small_file_at(h->fd, "package.json", buf, sizeof(buf));
	if (n < 0)
		return (int)n;
	h->root = json_tokener_parse(buf);
	if (!h->root || !json_object_object_get_ex(h->root, "emulators", &h->emulators) ||
	    !json_object_is_type(h->emulators, json_type_array))
		return -EBADMSG;
	{
		json_object *v;

		if (!json_object_object_get_ex(h->root, "host", &v))
			return -EBADMSG;
		snprintf(h->host, sizeof(h->host), "%s", json_object_get_string(v));
		if (!json_object_object_get_ex(h->root, "date", &v))
			return -EBADMSG;
		h->date = (time_t)json_object_get_int64(v);
	}
	return 0;
}

static int stage_tarballs(const struct opts *o)
{
	char path[PATH_MAX];
	struct host_dir hosts[16];
	size_t nhosts = 0, primary = 0, njobs = 0;
	struct job_queue q;
	pthread_t threads[64];
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	int ex, out, status = EXIT_OK;
	struct dirent **names;
	int n;

	snprintf(path, sizeof(path), "%s/extract", o->out);
	ex = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (ex < 0) {
		msg("%s: %s (run qus-build extract first)", path, strerror(errno));
		return EXIT_FAIL;
	}
	n = scandirat(ex, ".", &names, NULL, alphasort);
	for (int i = 0; i < n; i++) {
		if (names[i]->d_name[0] != '.' && nhosts < ARRAY_SIZE(hosts)) {
			int r = load_host(ex, names[i]->d_name, &hosts[nhosts]);

			if (r < 0) {
				msg("%s/%s/package.json: %s", path, names[i]->d_name, strerror(-r));
				status = EXIT_FAIL;
			} else {
				/* The unprefixed files are for x86_64 hosts, as in the seeds. */
				if (!strcmp(hosts[nhosts].host, "x86_64"))
					primary = nhosts;
				nhosts++;
			}
		}
		free(names[i]);
	}
	free(n >= 0 ? names : NULL);
	if (nhosts == 0 || status != EXIT_OK) {
		if (nhosts == 0)
			msg("%s holds no extracted package (run qus-build extract first)", path);
		close(ex);
		return EXIT_FAIL;
	}
	snprintf(path, sizeof(path), "%s/releases", o->out);
	out = open_out_dir(path);
	if (out < 0) {
		msg("cannot create %s: %s", path, strerror(-out));
		close(ex);
		return EXIT_FAIL;
	}
	memset(&q, 0, sizeof(q));
	q.jobs = calloc(nhosts * QUS_NTARGETS, sizeof(*q.jobs));
	q.out = out;
	q.o = o;
	for (size_t h = 0; q.jobs && h < nhosts; h++) {
		size_t ne = json_object_array_length(hosts[h].emulators);

		for (size_t e = 0; e < ne && e < QUS_NTARGETS; e++) {
			json_object *rec = json_object_array_get_idx(hosts[h].emulators, e), *f;
			struct job *j = &q.jobs[njobs];
			const char *file;

			if (!json_object_object_get_ex(rec, "file", &f))
				continue;
			file = json_object_get_string(f);
			/* Only names qus-build itself gave: nothing from a file can pick a path. */
			if (!pkg_emulator_target(file))
				continue;
			j->src_dir = hosts[h].fd;
			j->mtime = hosts[h].date;
			j->primary = h == primary;
			snprintf(j->src, sizeof(j->src), "%s", file);
			snprintf(j->host, sizeof(j->host), "%s", hosts[h].host);
			njobs++;
		}
	}
	q.count = njobs;
	if (ncpu < 1)
		ncpu = 1;
	if (ncpu > (long)ARRAY_SIZE(threads))
		ncpu = ARRAY_SIZE(threads);
	for (long t = 0; t < ncpu; t++)
		if (pthread_create(&threads[t], NULL, worker, &q) != 0)
			ncpu = t;
	if (ncpu == 0)
		worker(&q);
	for (long t = 0; t < ncpu; t++)
		pthread_join(threads[t], NULL);
	for (size_t i = 0; i < njobs; i++)
		if (q.jobs[i].err < 0) {
			msg("%s: release files of %s: %s", path, q.jobs[i].src,
			    strerror(-q.jobs[i].err));
			status = EXIT_FAIL;
		}
	if (status == EXIT_OK) {
		int r = write_sums(out, q.jobs, njobs);

		if (r < 0) {
			msg("%s/SHA256SUMS: %s", path, strerror(-r));
			status = EXIT_FAIL;
		} else if (!o->quiet) {
			msg("release files of %zu emulators and SHA256SUMS in %s", njobs, path);
		}
	}
	for (size_t h = 0; h < nhosts; h++) {
		close(hosts[h].fd);
		json_object_put(hosts[h].root);
	}
	free(q.jobs);
	close(out);
	close(ex);
	return status;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "out", required_argument, NULL, 'o' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ 0 },
	};
	struct opts o = { .out = "dist" };
	const char *stage = NULL;
	int c, status;

	if (argc > 1 && (!strcmp(argv[1], "extract") || !strcmp(argv[1], "tarballs"))) {
		stage = argv[1];
		argv++;
		argc--;
	}
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:qhV", longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			o.out = optarg;
			break;
		case 'q':
			o.quiet = true;
			break;
		case 'h':
			fputs(usage, stdout);
			return EXIT_OK;
		case 'V':
			printf("qus-build %s\n", QUS_VERSION);
			return EXIT_OK;
		case ':':
			die_usage("option '%s' needs a value", argv[optind - 1]);
		default:
			die_usage("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (stage && !strcmp(stage, "tarballs")) {
		if (optind != argc)
			die_usage("tarballs takes no packages (it reads %s/extract)", o.out);
		return stage_tarballs(&o);
	}
	if (optind == argc)
		die_usage("name the package(s) to read, e.g. qemu-user-static_*.deb");
	status = stage_extract(&o, argv + optind, argc - optind);
	if (status != EXIT_OK || stage)
		return status;
	return stage_tarballs(&o);
}
