/* SPDX-License-Identifier: MIT */
#include "build.h"

#include <dirent.h>
#include <stddef.h>
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pkg.h"
#include "util.h"

void msg(const char *fmt, ...)
{
	va_list ap;

	fputs("qus-build: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

noreturn void build_die_usage(const char *fmt, ...)
{
	va_list ap;

	fputs("qus-build: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\nTry 'qus-build --help' for more information.\n", stderr);
	exit(EXIT_USAGE);
}

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	interrupted = sig;
}

void build_catch_signals(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa = { .sa_handler = on_signal, .sa_flags = SA_RESTART };

	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
}

int build_interrupted(void)
{
	return interrupted;
}

void build_remove_dir(int parent, const char *name)
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

int build_swap_dir(int parent, const char *tmp, const char *final)
{
	char old[NAME_MAX + 1];

	/* Exchanged, not removed then renamed: @final never goes missing. */
	if (renameat2(parent, tmp, parent, final, RENAME_EXCHANGE) == 0) {
		build_remove_dir(parent, tmp);
		return 0;
	}
	if (errno == ENOENT) /* no @final yet */
		return renameat(parent, tmp, parent, final) < 0 ? -errno : 0;
	if (errno != EINVAL) /* EINVAL: a file system without exchange (NFS) */
		return -errno;
	/* Then aside and in: @final is missing between the two renames. */
	if (snprintf(old, sizeof(old), "%s.old", tmp) >= (int)sizeof(old))
		return -ENAMETOOLONG;
	if (renameat(parent, final, parent, old) < 0)
		return -errno;
	if (renameat(parent, tmp, parent, final) < 0) {
		int err = errno;

		renameat(parent, old, parent, final);
		return -err;
	}
	build_remove_dir(parent, old);
	return 0;
}

/* Progress on a terminal only: "\r" lines that CI logs need not carry. */
void progress(const struct build_opts *o, const char *stage, unsigned i, unsigned n,
	      const char *what)
{
	if (o->quiet || !isatty(STDERR_FILENO))
		return;
	fprintf(stderr, "\rqus-build: %s %u/%u %-40.40s", stage, i, n, what);
	if (i == n)
		fputc('\n', stderr);
}

/* mkdir -p of the output directory the user named (links in it are followed). */
int open_out_dir(const char *path)
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

time_t source_date(time_t fallback)
{
	const char *s = getenv("SOURCE_DATE_EPOCH");
	unsigned long v;

	if (s && parse_uint(s, 0xffffffffffful, &v) == 0)
		return (time_t)v;
	return fallback;
}

bool source_date_set(void)
{
	const char *s = getenv("SOURCE_DATE_EPOCH");
	unsigned long v;

	return s && parse_uint(s, 0xffffffffffful, &v) == 0;
}

int read_whole(int dir, const char *name, uint8_t **data, size_t *size)
{
	/* Below a directory qus-build owns, never through a link; a path the user gave may be one.
	 */
	_cleanup_close_ int fd =
		openat(dir, name, O_RDONLY | O_CLOEXEC | (dir == AT_FDCWD ? 0 : O_NOFOLLOW));
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

/* 64 lowercase hexadecimal digits. */
static bool is_sha256_hex(const char *s)
{
	return strlen(s) == 64 && strspn(s, "0123456789abcdef") == 64;
}

/* The string member @key of @o, or @dflt. */
static const char *str_or(json_object *o, const char *key, const char *dflt)
{
	json_object *v;

	return json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_string)
		       ? json_object_get_string(v)
		       : dflt;
}

/* What schema 2 adds, for the documents: nothing of it names a file qus-build writes. */
static int host_dir_parse_docs(struct host_dir *h, json_object *emulators)
{
	json_object *srcs, *v;

	if (json_object_object_get_ex(h->root, "sources", &srcs) &&
	    json_object_is_type(srcs, json_type_array))
		for (size_t i = 0;
		     i < json_object_array_length(srcs) && h->nsrc < ARRAY_SIZE(h->src); i++) {
			json_object *s = json_object_array_get_idx(srcs, i);
			struct host_source *d = &h->src[h->nsrc++];

			d->file = str_or(s, "file", "");
			d->sha256 = str_or(s, "sha256", "");
			if (!is_sha256_hex(d->sha256))
				return -EBADMSG;
			d->name = str_or(s, "package", "");
			d->version = str_or(s, "version", "");
			d->format = str_or(s, "format", "deb");
			d->suite = str_or(s, "suite", "");
			d->url = str_or(s, "url", "");
		}
	for (size_t i = 0; i < h->nemu; i++) {
		json_object *e = json_object_array_get_idx(emulators, i);

		h->emu_member[i] = str_or(e, "member", "");
		h->emu_qemu_version[i] = str_or(e, "qemu_version", "");
		h->emu_from[i] = 0;
		if (json_object_object_get_ex(e, "from", &v) &&
		    json_object_is_type(v, json_type_int) && json_object_get_int64(v) >= 0 &&
		    json_object_get_int64(v) < (int64_t)h->nsrc)
			h->emu_from[i] = (unsigned)json_object_get_int64(v);
	}
	h->date_from_env = !strcmp(str_or(h->root, "date_from", ""), "SOURCE_DATE_EPOCH");
	return 0;
}

int host_dir_parse(const char *json, struct host_dir *h)
{
	static const struct {
		const char *key;
		size_t off, size;
	} fields[] = {
		{ "host", offsetof(struct host_dir, host), sizeof(((struct host_dir *)0)->host) },
		{ "tag", offsetof(struct host_dir, tag), sizeof(((struct host_dir *)0)->tag) },
		{ "version", offsetof(struct host_dir, version),
		  sizeof(((struct host_dir *)0)->version) },
		{ "source", offsetof(struct host_dir, source),
		  sizeof(((struct host_dir *)0)->source) },
	};
	const struct qus_target *host;
	json_object *v, *emulators;
	bool seen[QUS_NTARGETS] = { false };
	char tag[sizeof(h->tag)];

	h->root = json_tokener_parse(json);
	if (!h->root || !json_object_object_get_ex(h->root, "emulators", &emulators) ||
	    !json_object_is_type(emulators, json_type_array))
		return -EBADMSG;
	for (size_t i = 0; i < json_object_array_length(emulators); i++) {
		json_object *f, *sha, *e = json_object_array_get_idx(emulators, i);
		const struct qus_target *t;

		if (!json_object_object_get_ex(e, "file", &f) ||
		    !json_object_is_type(f, json_type_string) ||
		    !json_object_object_get_ex(e, "sha256", &sha) ||
		    !json_object_is_type(sha, json_type_string) ||
		    !is_sha256_hex(json_object_get_string(sha)))
			return -EBADMSG;
		h->emu_sha256[h->nemu] = json_object_get_string(sha);
		/* Only the table's names: no file of the package.json's choosing, none twice. */
		t = pkg_emulator_target(json_object_get_string(f), false);
		if (!t || seen[t - qus_targets])
			return -EBADMSG;
		seen[t - qus_targets] = true;
		h->emu_target[h->nemu] = t;
		h->emu_file[h->nemu++] = json_object_get_string(f);
	}
	for (size_t i = 0; i < ARRAY_SIZE(fields); i++) {
		if (!json_object_object_get_ex(h->root, fields[i].key, &v) ||
		    !json_object_is_type(v, json_type_string) ||
		    (size_t)json_object_get_string_len(v) >= fields[i].size)
			return -EBADMSG;
		memcpy((char *)h + fields[i].off, json_object_get_string(v),
		       (size_t)json_object_get_string_len(v) + 1);
	}
	/*
	 * The host names release files and image tags, the tag names images:
	 * only a table target's own name, and the tag the version gives.
	 */
	host = arch_find(h->host);
	if (!host || strcmp(host->name, h->host) ||
	    pkg_tag_version(h->version, tag, sizeof(tag)) < 0 || strcmp(tag, h->tag))
		return -EBADMSG;
	if (!json_object_object_get_ex(h->root, "date", &v) ||
	    !json_object_is_type(v, json_type_int) || json_object_get_int64(v) < 0)
		return -EBADMSG;
	h->date = (time_t)json_object_get_int64(v);
	return host_dir_parse_docs(h, emulators);
}

/* One OUT/extract/<tag>/<arch>: its directory and package.json. */
static int load_host(int tagdir, const char *tag, const char *arch, struct host_dir *h)
{
	char buf[1 << 16];
	long n;
	int r;

	memset(h, 0, sizeof(*h));
	snprintf(h->arch, sizeof(h->arch), "%s", arch);
	h->fd = openat(tagdir, arch, O_PATH | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (h->fd < 0)
		return -errno;
	n = read_small_file_at(h->fd, "package.json", buf, sizeof(buf));
	if (n < 0)
		return (int)n;
	/* A NUL inside would hide the rest from the parser. */
	if (strlen(buf) != (size_t)n)
		return -EBADMSG;
	r = host_dir_parse(buf, h);
	/* The directory is the version's: a package.json moved elsewhere is not trusted. */
	if (r == 0 && strcmp(h->tag, tag))
		r = -EBADMSG;
	/* An architecture the platform table has: it names files and OCI platforms. */
	if (r == 0 && !(h->platform = platform_by_debian(arch)))
		r = -EBADMSG;
	return r;
}

/* Every name in directory @dir but dot files, sorted; NULL-terminated, or NULL if unreadable. */
static char **dir_names(int dir)
{
	struct dirent **names;
	char **out;
	int n = scandirat(dir, ".", &names, NULL, alphasort), k = 0;

	if (n < 0)
		return NULL;
	out = calloc((size_t)n + 1, sizeof(*out));
	for (int i = 0; i < n; i++) {
		if (out && names[i]->d_name[0] != '.')
			out[k++] = strdup(names[i]->d_name);
		free(names[i]);
	}
	free(names);
	return out;
}

static void free_names(char **names)
{
	for (size_t i = 0; names && names[i]; i++)
		free(names[i]);
	free(names);
}

/* The hosts of one version: OUT/extract/<tag>/<arch> for every <arch>. */
static int load_version(int ex, const char *path, const char *tag, struct host_dir *hosts,
			int *count)
{
	int dir = openat(ex, tag, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW), bad = 0;
	char **archs = dir < 0 ? NULL : dir_names(dir);

	/* OUT/extract/<arch>/package.json: what qus-build wrote before it kept versions apart. */
	if (dir >= 0 && faccessat(dir, "package.json", F_OK, AT_SYMLINK_NOFOLLOW) == 0) {
		msg("%s/%s: extracted by an older qus-build (one version per architecture); "
		    "remove %s and run qus-build extract again",
		    path, tag, path);
		free_names(archs);
		close(dir);
		return -1;
	}
	for (size_t i = 0; archs && archs[i]; i++) {
		int r;

		if (*count == BUILD_MAX_HOSTS) {
			msg("%s: more than %d extracted packages; remove some", path,
			    BUILD_MAX_HOSTS);
			bad = 1;
			break;
		}
		r = load_host(dir, tag, archs[i], &hosts[*count]);
		if (r == -EBADMSG) {
			msg("%s/%s/%s/package.json: not as qus-build extract writes it (a host "
			    "and emulators of its table, the tag of the version it is filed under); "
			    "run qus-build extract again",
			    path, tag, archs[i]);
			bad = 1;
		} else if (r < 0) {
			msg("%s/%s/%s/package.json: %s", path, tag, archs[i], strerror(-r));
			bad = 1;
		}
		(*count)++;
	}
	free_names(archs);
	if (dir >= 0)
		close(dir);
	return bad ? -1 : 0;
}

int build_hosts_load(const struct build_opts *o, struct host_dir *hosts)
{
	char path[4096];
	char **tags;
	int ex, count = 0, bad = 0;

	snprintf(path, sizeof(path), "%s/extract", o->out);
	ex = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (ex < 0) {
		msg("%s: %s (run qus-build extract first)", path, strerror(errno));
		return -1;
	}
	tags = dir_names(ex);
	for (size_t i = 0; tags && tags[i] && !bad; i++)
		bad = load_version(ex, path, tags[i], hosts, &count) < 0;
	free_names(tags);
	close(ex);
	if (bad || count == 0) {
		if (!bad)
			msg("%s holds no extracted package (run qus-build extract first)", path);
		build_hosts_free(hosts, count);
		return -1;
	}
	return count;
}

bool build_host_is_newest(const struct host_dir *hosts, int n, int h)
{
	for (int i = 0; i < n; i++)
		if (i != h && !strcmp(hosts[i].arch, hosts[h].arch) &&
		    pkg_version_cmp(hosts[i].version, hosts[h].version) > 0)
			return false;
	return true;
}

int build_newest_version(const struct host_dir *hosts, int n)
{
	int best = 0;

	for (int i = 1; i < n; i++)
		if (pkg_version_cmp(hosts[i].version, hosts[best].version) > 0)
			best = i;
	return best;
}

void build_hosts_free(struct host_dir *hosts, int n)
{
	for (int i = 0; i < n; i++) {
		if (hosts[i].fd >= 0)
			close(hosts[i].fd);
		json_object_put(hosts[i].root);
		hosts[i].fd = -1;
		hosts[i].root = NULL;
	}
}

struct pool {
	size_t n;
	atomic_size_t next;
	void (*fn)(size_t i, void *ctx);
	void *ctx;
};

static void *pool_worker(void *arg)
{
	struct pool *p = arg;
	size_t i;

	while (!build_interrupted() && (i = atomic_fetch_add(&p->next, 1)) < p->n)
		p->fn(i, p->ctx);
	return NULL;
}

void parallel_for(size_t n, void (*fn)(size_t i, void *ctx), void *ctx)
{
	struct pool p = { .n = n, .fn = fn, .ctx = ctx };
	pthread_t threads[64];
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN), started = 0;

	atomic_init(&p.next, 0);
	if (ncpu < 1)
		ncpu = 1;
	if (ncpu > (long)(sizeof(threads) / sizeof(threads[0])))
		ncpu = (long)(sizeof(threads) / sizeof(threads[0]));
	while (started < ncpu && pthread_create(&threads[started], NULL, pool_worker, &p) == 0)
		started++;
	if (started == 0)
		pool_worker(&p);
	for (long t = 0; t < started; t++)
		pthread_join(threads[t], NULL);
}
