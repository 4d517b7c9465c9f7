/* SPDX-License-Identifier: MIT */
/*
 * qus-build extract: package(s) -> OUT/extract/<arch>/qemu-*-static and
 * package.json.  Written into a temporary directory that is renamed into
 * place only when the whole package was read and accepted.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "build.h"
#include "config.h"
#include "digest.h"
#include "elfident.h"
#include "emulator.h"
#include "json.h"
#include "links.h"
#include "pkg.h"
#include "util.h"

/* ---- extract ------------------------------------------------------------ */

struct emu_record {
	char file[64];			 /* qemu-T-static, whatever the package called it */
	char member[256];		 /* where it was in the package */
	const struct qus_target *target; /* its emulator's first target (i386 for i486) */
	size_t size;
	char sha256[SHA256_HEX_LEN + 1];
	int pkg; /* the package of the group that held it */
	/* QEMU's own version text in the file ("7.2.22 (Debian 1:7.2+dfsg-...)"), or "" */
	char qemu_version[QUS_QEMU_VERSION_MAX];
};

struct extract_ctx {
	const struct build_opts *o;
	const struct pkg_info *info; /* the package being read (control data first) */
	const char *pkg_path;
	int pkg;    /* its index in the group */
	int dir;    /* the temporary directory, opened at the first emulator */
	int parent; /* OUT/extract/<tag> */
	char tmpname[64];
	const struct qus_target *host;
	struct emu_record emus[QUS_NTARGETS];
	unsigned count;
	char emu_pkg[64]; /* the package the first emulator came from */
	struct tree tree; /* every member of the group but directories, by path */
	struct pkg_error *err;
	char skipped[PKG_SKIPPED_MAX][64]; /* of every package in the group */
	unsigned nskipped;
};

static int refuse_member(struct pkg_error *err, const char *member, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int refuse_member(struct pkg_error *err, const char *member, const char *fmt, ...)
{
	va_list ap;

	snprintf(err->member, sizeof(err->member), "%s", member);
	va_start(ap, fmt);
	vsnprintf(err->what, sizeof(err->what), fmt, ap);
	va_end(ap);
	return -EBADMSG;
}

/* Why an emulator's bytes were refused, with what to do where it is known. */
static int refuse_emulator(struct extract_ctx *x, const struct pkg_member *m, int r)
{
	const char *name = strrchr(m->path, '/') + 1;

	if (r != -ELIBBAD)
		return refuse_member(x->err, m->path,
				     "not an executable of the package's architecture");
	/* Debian's qemu-user was the dynamically linked build until QEMU 9.1. */
	if (!pkg_emulator_target(name, false))
		return refuse_member(x->err, m->path,
				     "not static: it names a dynamic loader (a dynamically linked "
				     "build, as Debian's qemu-user before QEMU 9.1; give "
				     "qemu-user-static instead)");
	return refuse_member(x->err, m->path, "not static: it names a dynamic loader");
}

/* An emulator's bytes: checked, written as qemu-T-static, recorded. */
static int take_emulator(struct extract_ctx *x, const struct pkg_member *m)
{
	struct emu_record *rec = &x->emus[x->count];
	int r;

	if (x->dir < 0) {
		snprintf(x->tmpname, sizeof(x->tmpname), ".%s.%ld.tmp", x->info->arch,
			 (long)getpid());
		x->dir = open_subdir(x->parent, x->tmpname);
		if (x->dir < 0)
			return x->dir;
	}
	r = elf_check_static(m->data, m->size, x->host);
	if (r < 0)
		return refuse_emulator(x, m, r);
	snprintf(rec->file, sizeof(rec->file), "qemu-%s-static", m->target->emulator);
	/* One emulator per target, whichever package and name (qemu-T, qemu-T-static) holds it. */
	for (unsigned i = 0; i < x->count; i++)
		if (!strcmp(x->emus[i].file, rec->file))
			return refuse_member(x->err, m->path,
					     "a second emulator for %s (the first: %s)",
					     m->target->name, x->emus[i].member);
	snprintf(rec->member, sizeof(rec->member), "%s", m->path);
	rec->target = m->target;
	rec->size = m->size;
	rec->pkg = x->pkg;
	r = write_file_atomic(x->dir, rec->file, (const char *)m->data, m->size, 0755);
	if (r == 0)
		r = sha256_hex(m->data, m->size, rec->sha256);
	if (r < 0)
		return r;
	/* What the SBOM says of it: the release QEMU itself prints (none found: left out). */
	{
		_cleanup_close_ int fd =
			openat(x->dir, rec->file, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

		if (fd < 0 || emulator_version_fd(fd, m->target, rec->qemu_version,
						  sizeof(rec->qemu_version)) < 0)
			rec->qemu_version[0] = '\0';
	}
	if (x->count++ == 0)
		snprintf(x->emu_pkg, sizeof(x->emu_pkg), "%s", x->info->name);
	progress(x->o, "extract", x->count, x->count, rec->file);
	return 0;
}

/* Every member but directories: recorded by path; an emulator's bytes taken. */
static int take_member(const struct pkg_member *m, void *arg)
{
	static const enum tree_kind kinds[] = {
		[PKG_EMULATOR] = TREE_EMULATOR,
		[PKG_LINK] = TREE_LINK,
		[PKG_FILE] = TREE_FILE,
	};
	struct extract_ctx *x = arg;
	int r;

	if (build_interrupted())
		return -EINTR;
	r = tree_add(&x->tree, m->path, kinds[m->kind], m->link, m->target, x->pkg);
	if (r == -EEXIST)
		return refuse_member(x->err, m->path,
				     "a second member of that name in the packages given");
	if (r < 0 || m->kind != PKG_EMULATOR)
		return r;
	return take_emulator(x, m);
}

/*
 * Links named as emulators (usr/bin/qemu-T-static, qemu-T), resolved
 * within the packages given: each must end at that target's emulator.
 * A package of such links alone is a transitional one (QEMU 10.0's
 * qemu-user-static): said in one line, naming what it depends on.
 */
static int check_emulator_links(struct extract_ctx *x, const struct pkg_info *infos)
{
	char dest[4096];

	for (size_t i = 0; i < x->tree.n; i++) {
		const struct tree_node *n = &x->tree.v[i], *d;
		const char *name = strrchr(n->path, '/'), *base;
		const struct qus_target *t;
		int r;

		if (n->kind != TREE_LINK || !name || strncmp(n->path, "usr/bin/", 8) ||
		    strchr(n->path + 8, '/') || !(t = pkg_emulator_target(name + 1, true)))
			continue;
		r = tree_resolve(&x->tree, n->path, dest, sizeof(dest));
		if (r == -EXDEV)
			return refuse_member(x->err, n->path,
					     "a link that leaves the package (-> %s)", n->link);
		if (r == -ELOOP)
			return refuse_member(x->err, n->path,
					     "a loop of links, or more than %d in a row",
					     TREE_MAX_HOPS);
		if (r < 0)
			return refuse_member(x->err, n->path, "%s", strerror(-r));
		x->pkg = n->pkg; /* the package said to be refused, if it is */
		d = tree_find(&x->tree, dest);
		/* qemu-T-static -> qemu-T, and neither qemu-T nor any emulator here. */
		base = strrchr(dest, '/') ? strrchr(dest, '/') + 1 : dest;
		if (!d && x->count == 0 && pkg_emulator_target(base, true) == t)
			return refuse_member(
				x->err, "",
				"it holds links (%s -> %s), not emulators: a transitional "
				"package; give the package(s) it points into too (%s%s)",
				n->path, n->link, infos[n->pkg].depends[0] ? "Depends: " : "",
				infos[n->pkg].depends[0] ? infos[n->pkg].depends : "qemu-user");
		if (!d)
			return refuse_member(x->err, n->path,
					     "a link to %s, which is in none of the packages given",
					     dest);
		if (d->kind != TREE_EMULATOR)
			return refuse_member(
				x->err, n->path,
				"a link to %s, which is not an emulator (usr/bin/qemu-T)", dest);
		if (strcmp(d->target->emulator, t->emulator))
			return refuse_member(x->err, n->path,
					     "a link to %s, the emulator of another target (%s)",
					     dest, d->target->name);
	}
	return 0;
}

static int file_sha256(const char *path, char out[SHA256_HEX_LEN + 1])
{
	_cleanup_free_ uint8_t *data = NULL;
	size_t size = 0;
	int r = read_whole(AT_FDCWD, path, &data, &size);

	return r < 0 ? r : sha256_hex(data, size, out);
}

typedef char sha256_text[SHA256_HEX_LEN + 1];

/*
 * Where a package came from, when its downloader said so: tools/qus-fetch
 * writes PACKAGE.origin beside each file, {"suite", "url", "sha256"} (the
 * suite asked for, the archive's URL of the file and the SHA-256 its
 * Packages index gives).  A .deb itself does not name its suite.  Taken
 * only if that SHA-256 is the file's own; otherwise it describes another
 * file and is said to be ignored.
 */
struct origin {
	char suite[64];
	char url[1024];
};

static void origin_read(const char *path, const char *sha256, struct origin *org)
{
	_cleanup_free_ uint8_t *text = NULL;
	char name[4096];
	size_t size = 0;
	json_object *root, *v;

	memset(org, 0, sizeof(*org));
	if (snprintf(name, sizeof(name), "%s.origin", path) >= (int)sizeof(name) ||
	    read_whole(AT_FDCWD, name, &text, &size) < 0)
		return;
	text[size] = '\0';
	root = size < (64u << 10) ? json_tokener_parse((const char *)text) : NULL;
	if (!root || !json_object_object_get_ex(root, "sha256", &v) ||
	    !json_object_is_type(v, json_type_string) ||
	    strcmp(json_object_get_string(v), sha256)) {
		msg("%s: not the origin of %s (no SHA-256 of it); ignored, its suite is not "
		    "recorded",
		    name, path);
		json_object_put(root);
		return;
	}
	if (json_object_object_get_ex(root, "suite", &v) &&
	    json_object_is_type(v, json_type_string))
		snprintf(org->suite, sizeof(org->suite), "%s", json_object_get_string(v));
	if (json_object_object_get_ex(root, "url", &v) && json_object_is_type(v, json_type_string))
		snprintf(org->url, sizeof(org->url), "%s", json_object_get_string(v));
	json_object_put(root);
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

static int write_manifest(struct extract_ctx *x, char *const *paths, sha256_text *hex,
			  const struct origin *orgs, const struct pkg_info *infos, int n)
{
	char tag[129];
	struct json_doc d;
	int r;

	if (pkg_tag_version(x->info->version, tag, sizeof(tag)) < 0)
		return refuse_member(x->err, "control", "a Version that makes no image tag");
	r = jw_doc_begin(&d);
	if (r < 0)
		return r;
	jw_begin_object(&d.w, NULL);
	jw_uint(&d.w, "schema", PACKAGE_JSON_SCHEMA);
	jw_string(&d.w, "qus_build", QUS_VERSION);
	jw_string(&d.w, "package", x->emu_pkg);
	jw_string(&d.w, "version", x->info->version);
	jw_string(&d.w, "tag", tag);
	jw_string(&d.w, "arch", x->info->arch);
	jw_string(&d.w, "host", x->host->name);
	jw_uint(&d.w, "date", (unsigned long long)source_date(x->info->date));
	jw_string(&d.w, "date_from", source_date_set() ? "SOURCE_DATE_EPOCH" : "package");
	jw_string(&d.w, "source", base_name(paths[0]));
	jw_string(&d.w, "source_sha256", hex[0]);
	jw_begin_array(&d.w, "sources");
	for (int i = 0; i < n; i++) {
		jw_begin_object(&d.w, NULL);
		jw_string(&d.w, "file", base_name(paths[i]));
		jw_string(&d.w, "sha256", hex[i]);
		jw_string(&d.w, "package", infos[i].name);
		jw_string(&d.w, "version", infos[i].version);
		jw_string(&d.w, "format", pkg_is_rpm(paths[i]) ? "rpm" : "deb");
		if (orgs[i].suite[0])
			jw_string(&d.w, "suite", orgs[i].suite);
		if (orgs[i].url[0])
			jw_string(&d.w, "url", orgs[i].url);
		jw_end_object(&d.w);
	}
	jw_end_array(&d.w);
	jw_begin_array(&d.w, "emulators");
	for (unsigned i = 0; i < x->count; i++) {
		jw_begin_object(&d.w, NULL);
		jw_string(&d.w, "file", x->emus[i].file);
		jw_string(&d.w, "target", x->emus[i].target->name);
		jw_uint(&d.w, "size", x->emus[i].size);
		jw_string(&d.w, "sha256", x->emus[i].sha256);
		jw_string(&d.w, "member", x->emus[i].member);
		jw_uint(&d.w, "from", (unsigned long long)x->emus[i].pkg);
		if (x->emus[i].qemu_version[0])
			jw_string(&d.w, "qemu_version", x->emus[i].qemu_version);
		jw_end_object(&d.w);
	}
	jw_end_array(&d.w);
	jw_begin_array(&d.w, "skipped");
	for (unsigned i = 0; i < x->nskipped; i++)
		jw_string(&d.w, NULL, x->skipped[i]);
	jw_end_array(&d.w);
	jw_end_object(&d.w);
	return jw_doc_write(&d, x->dir, "package.json");
}

/* Say why @path was refused, from what the reader left in @err. */
static void report(const char *path, int r, const struct pkg_error *err)
{
	if (r == -EBADMSG || err->what[0])
		msg("%s: refused%s%s: %s", path, err->member[0] ? ": member " : "", err->member,
		    err->what);
	else
		msg("%s: %s", path, strerror(-r));
}

static int cmp_hex(const void *a, const void *b)
{
	return strcmp(a, b);
}

/*
 * Whether @dir (an extract/<tag>/<arch>) holds what these packages give:
 * its package.json, written by this qus-build, names exactly their
 * SHA-256 digests and the same time, and each emulator it lists is there
 * with its size.  Digests decide, never time stamps of files.
 */
static bool up_to_date(int parent, const char *arch, sha256_text *hex, const struct origin *orgs,
		       int n, time_t date)
{
	_cleanup_close_ int dir =
		openat(parent, arch, O_PATH | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	_cleanup_free_ sha256_text *want = calloc((size_t)n, sizeof(*want));
	_cleanup_free_ sha256_text *have = calloc((size_t)n, sizeof(*have));
	char buf[1 << 16];
	json_object *root = NULL, *v, *srcs, *emus;
	bool same = false;
	long len;

	if (dir < 0 || !want || !have ||
	    (len = read_small_file_at(dir, "package.json", buf, sizeof(buf))) < 0 ||
	    strlen(buf) != (size_t)len || !(root = json_tokener_parse(buf)))
		goto out;
	if (!json_object_object_get_ex(root, "schema", &v) ||
	    json_object_get_int(v) != PACKAGE_JSON_SCHEMA ||
	    !json_object_object_get_ex(root, "qus_build", &v) ||
	    strcmp(json_object_get_string(v), QUS_VERSION) ||
	    !json_object_object_get_ex(root, "date", &v) || json_object_get_int64(v) != date ||
	    !json_object_object_get_ex(root, "date_from", &v) ||
	    strcmp(json_object_get_string(v),
		   source_date_set() ? "SOURCE_DATE_EPOCH" : "package") ||
	    !json_object_object_get_ex(root, "sources", &srcs) ||
	    !json_object_is_type(srcs, json_type_array) ||
	    json_object_array_length(srcs) != (size_t)n ||
	    !json_object_object_get_ex(root, "emulators", &emus) ||
	    !json_object_is_type(emus, json_type_array))
		goto out;
	for (int i = 0; i < n; i++) {
		json_object *src = json_object_array_get_idx(srcs, (size_t)i), *sha;

		if (!json_object_object_get_ex(src, "sha256", &sha) ||
		    json_object_get_string_len(sha) != SHA256_HEX_LEN)
			goto out;
		memcpy(have[i], json_object_get_string(sha), sizeof(have[i]));
		memcpy(want[i], hex[i], sizeof(want[i]));
		/* Where a package came from is recorded too: an origin found since counts. */
		for (int k = 0; k < n; k++) {
			const char *suite = "", *url = "";

			if (strcmp(hex[k], have[i]))
				continue;
			if (json_object_object_get_ex(src, "suite", &v))
				suite = json_object_get_string(v);
			if (json_object_object_get_ex(src, "url", &v))
				url = json_object_get_string(v);
			if (strcmp(suite, orgs[k].suite) || strcmp(url, orgs[k].url))
				goto out;
		}
	}
	qsort(have, (size_t)n, sizeof(*have), cmp_hex);
	qsort(want, (size_t)n, sizeof(*want), cmp_hex);
	if (memcmp(have, want, (size_t)n * sizeof(*have)))
		goto out;
	for (size_t i = 0; i < json_object_array_length(emus); i++) {
		json_object *e = json_object_array_get_idx(emus, i), *f, *size;
		struct stat st;

		if (!json_object_object_get_ex(e, "file", &f) ||
		    !pkg_emulator_target(json_object_get_string(f), false) ||
		    !json_object_object_get_ex(e, "size", &size) ||
		    fstatat(dir, json_object_get_string(f), &st, AT_SYMLINK_NOFOLLOW) < 0 ||
		    !S_ISREG(st.st_mode) || st.st_size != json_object_get_int64(size))
			goto out;
	}
	same = true;
out:
	json_object_put(root);
	return same;
}

/* Say once which of the table's emulators the packages lack (Fedora's per-target RPMs). */
static void say_missing(const struct extract_ctx *x, const struct pkg_info *info)
{
	char missing[QUS_NTARGETS * 16] = "";
	size_t len = 0;

	for (size_t i = 0; i < QUS_NTARGETS; i++) {
		const struct qus_target *t = &qus_targets[i];
		bool have = false;

		if (arch_index(t) != (size_t)(arch_find(t->emulator) - qus_targets))
			continue; /* i486: qemu-i386's */
		for (unsigned e = 0; e < x->count && !have; e++)
			have = x->emus[e].target == t;
		if (!have && len + strlen(t->name) + 2 < sizeof(missing))
			len += (size_t)snprintf(missing + len, sizeof(missing) - len, " %s",
						t->name);
	}
	if (len)
		msg("%s %s (%s): no emulator for%s", info->name, info->version, info->arch,
		    missing);
}

/*
 * The packages of one architecture and version into OUT/extract/<tag>/<arch>
 * (Debian's one package, the transitional qemu-user-static with the
 * qemu-user it points into, or Fedora's per-target RPMs): written into a
 * temporary directory that is renamed into place only when every package
 * was read and accepted, and its links resolved within them.
 */
static int extract_group(const struct build_opts *o, int extract_dir, char *const *paths, int n)
{
	struct pkg_info *infos = calloc((size_t)n, sizeof(*infos));
	sha256_text *hex = calloc((size_t)n, sizeof(*hex));
	struct origin *orgs = calloc((size_t)n, sizeof(*orgs));
	struct pkg_error err = { "", "" };
	struct extract_ctx x = { .o = o, .dir = -1, .parent = -1, .err = &err };
	const char *failed = paths[0];
	char tag[129] = "", dir[200];
	int r = infos && hex && orgs ? 0 : -ENOMEM;

	/* The group's version and architecture (its packages share them): extract/<tag>/<arch>. */
	if (r == 0)
		r = pkg_read(paths[0], NULL, &infos[0], &err);
	if (r == 0 && pkg_tag_version(infos[0].version, tag, sizeof(tag)) < 0)
		r = refuse_member(&err, "control", "a Version that makes no image tag");
	if (r == 0 && !(x.host = arch_find(infos[0].arch)))
		r = refuse_member(&err, "control", "an architecture qus does not know");
	if (r == 0) {
		x.parent = open_subdir(extract_dir, tag);
		if (x.parent < 0)
			r = x.parent;
	}
	/* The packages' digests: recorded, and compared with what is there. */
	for (int i = 0; i < n && r == 0; i++) {
		r = file_sha256(paths[i], hex[i]);
		if (r == 0)
			origin_read(paths[i], hex[i], &orgs[i]);
	}
	if (r == 0 &&
	    up_to_date(x.parent, infos[0].arch, hex, orgs, n, source_date(infos[0].date))) {
		if (!o->quiet)
			msg("%s%s: extract/%s/%s is up to date (the same packages)", paths[0],
			    n > 1 ? " and the others of its architecture and version" : "", tag,
			    infos[0].arch);
		close(x.parent);
		free(infos);
		free(hex);
		free(orgs);
		return 0;
	}
	for (int i = 0; i < n && r == 0; i++) {
		const struct pkg_read_opts ro = { take_member, &x, o->max_unpacked };

		failed = paths[i];
		x.info = &infos[i];
		x.pkg = i;
		r = pkg_read(paths[i], &ro, &infos[i], &err);
		for (unsigned k = 0;
		     r == 0 && k < infos[i].nskipped && x.nskipped < PKG_SKIPPED_MAX; k++)
			memcpy(x.skipped[x.nskipped++], infos[i].skipped[k], sizeof(x.skipped[0]));
	}
	if (r == 0) {
		r = check_emulator_links(&x, infos);
		if (r < 0)
			failed = paths[x.pkg];
	}
	if (r == 0 && x.count == 0)
		r = refuse_member(&err, "", "no emulator (usr/bin/qemu-T or qemu-T-static) in it");
	if (r == 0) {
		x.info = &infos[0];
		failed = paths[0];
		r = write_manifest(&x, paths, hex, orgs, infos, n);
	}
	if (r == 0 && build_interrupted())
		r = -EINTR;
	if (r == 0) {
		r = build_swap_dir(x.parent, x.tmpname, infos[0].arch);
		if (r == 0)
			x.tmpname[0] = '\0';
	}
	if (x.dir >= 0)
		close(x.dir);
	if (r < 0) {
		if (x.tmpname[0])
			build_remove_dir(x.parent, x.tmpname);
		if (!build_interrupted())
			report(failed, r, &err);
	} else if (!o->quiet) {
		snprintf(dir, sizeof(dir), "extract/%s/%s", tag, infos[0].arch);
		msg("%s%s: %s %s (%s), %u emulators -> %s", paths[0],
		    n > 1 ? " and the others of its architecture and version" : "", x.emu_pkg,
		    infos[0].version, infos[0].arch, x.count, dir);
		for (unsigned i = 0; i < x.nskipped; i++)
			msg("%s left out: its target is not one of the 34 qus registers",
			    x.skipped[i]);
		say_missing(&x, &infos[0]);
	}
	if (x.parent >= 0)
		close(x.parent);
	/* A version directory made for a package that was refused goes again. */
	if (r < 0 && tag[0])
		unlinkat(extract_dir, tag, AT_REMOVEDIR);
	tree_free(&x.tree);
	free(infos);
	free(hex);
	free(orgs);
	return r;
}

/* Whether packages @a and @b go into one extract directory: one architecture, one version. */
static bool same_group(const struct pkg_info *a, const struct pkg_info *b)
{
	char ta[129], tb[129];

	return !strcmp(a->arch, b->arch) && pkg_tag_version(a->version, ta, sizeof(ta)) == 0 &&
	       pkg_tag_version(b->version, tb, sizeof(tb)) == 0 && !strcmp(ta, tb);
}

int stage_extract(const struct build_opts *o, char **pkgs, int n, int *done_groups)
{
	int dir = open_out_dir(o->out), ex, status = EXIT_OK;
	struct pkg_info *infos = calloc((size_t)n, sizeof(*infos));
	char **group = calloc((size_t)n, sizeof(*group));
	bool *done = calloc((size_t)n, sizeof(*done));

	if (dir < 0 || !infos || !group || !done) {
		msg("cannot create %s: %s", o->out, strerror(dir < 0 ? -dir : ENOMEM));
		status = EXIT_FAIL;
		goto out;
	}
	ex = open_subdir(dir, "extract");
	close(dir);
	if (ex < 0) {
		msg("cannot create %s/extract: %s", o->out, strerror(-ex));
		status = EXIT_FAIL;
		goto out;
	}
	/* First the headers only, to group the packages by architecture and version. */
	for (int i = 0; i < n; i++) {
		struct pkg_error err;
		int r = pkg_read(pkgs[i], NULL, &infos[i], &err);

		if (r < 0) {
			report(pkgs[i], r, &err);
			done[i] = true;
			status = EXIT_FAIL;
		}
	}
	for (int i = 0; i < n; i++) {
		int m = 0;

		if (done[i])
			continue;
		if (build_interrupted()) {
			status = EXIT_FAIL;
			break;
		}
		for (int j = i; j < n; j++)
			if (!done[j] && same_group(&infos[j], &infos[i])) {
				group[m++] = pkgs[j];
				done[j] = true;
			}
		if (extract_group(o, ex, group, m) < 0)
			status = EXIT_FAIL;
		else
			(*done_groups)++;
	}
	close(ex);
out:
	free(infos);
	free(group);
	free(done);
	return status;
}
