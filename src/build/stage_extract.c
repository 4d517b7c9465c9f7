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
#include "digest.h"
#include "elfident.h"
#include "json.h"
#include "pkg.h"
#include "util.h"

/* ---- extract ------------------------------------------------------------ */

struct emu_record {
	char file[64];
	const struct qus_target *target;
	size_t size;
	char sha256[SHA256_HEX_LEN + 1];
};

struct extract_ctx {
	const struct build_opts *o;
	const struct pkg_info *info; /* filled before the first member arrives */
	int dir;		     /* the temporary directory, opened at the first member */
	int parent;		     /* OUT/extract */
	char tmpname[64];
	const struct qus_target *host;
	struct emu_record emus[QUS_NTARGETS];
	unsigned count;
	struct pkg_error *err;
	char skipped[PKG_SKIPPED_MAX][64]; /* of every package in the group */
	unsigned nskipped;
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

	if (build_interrupted())
		return -EINTR;
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
	/* Fedora splits the emulators into packages: each may come only once. */
	for (unsigned i = 0; i < x->count; i++)
		if (!strcmp(x->emus[i].file, rec->file))
			return refuse_member(x->err, m->path,
					     "an emulator another package already holds");
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

static int file_sha256(const char *path, char out[SHA256_HEX_LEN + 1])
{
	_cleanup_free_ uint8_t *data = NULL;
	size_t size = 0;
	int r = read_whole(AT_FDCWD, path, &data, &size);

	return r < 0 ? r : sha256_hex(data, size, out);
}

static int write_manifest(struct extract_ctx *x, char *const *paths, int n)
{
	char tag[129];
	const char *base = strrchr(paths[0], '/');
	_cleanup_free_ char(*hex)[SHA256_HEX_LEN + 1] = calloc((size_t)n, sizeof(*hex));
	struct json_doc d;
	int r = 0;

	if (pkg_tag_version(x->info->version, tag, sizeof(tag)) < 0)
		return refuse_member(x->err, "control", "a Version that makes no image tag");
	if (!hex)
		return -ENOMEM;
	for (int i = 0; i < n && r == 0; i++)
		r = file_sha256(paths[i], hex[i]);
	if (r < 0)
		return r;
	r = jw_doc_begin(&d);
	if (r < 0)
		return r;
	jw_begin_object(&d.w, NULL);
	jw_uint(&d.w, "schema", 1);
	jw_string(&d.w, "package", x->info->name);
	jw_string(&d.w, "version", x->info->version);
	jw_string(&d.w, "tag", tag);
	jw_string(&d.w, "arch", x->info->arch);
	jw_string(&d.w, "host", x->host->name);
	jw_uint(&d.w, "date", (unsigned long long)source_date(x->info->date));
	jw_string(&d.w, "source", base ? base + 1 : paths[0]);
	jw_string(&d.w, "source_sha256", hex[0]);
	jw_begin_array(&d.w, "sources");
	for (int i = 0; i < n; i++) {
		base = strrchr(paths[i], '/');
		jw_begin_object(&d.w, NULL);
		jw_string(&d.w, "file", base ? base + 1 : paths[i]);
		jw_string(&d.w, "sha256", hex[i]);
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

/*
 * The packages of one architecture into OUT/extract/<arch> (Debian's one
 * package, or Fedora's per-target ones): written into a temporary directory
 * that is renamed into place only when every package was read and accepted.
 */
static int extract_group(const struct build_opts *o, int extract_dir, char *const *paths, int n)
{
	struct pkg_info first, info;
	struct pkg_error err;
	struct extract_ctx x = { .o = o, .dir = -1, .parent = extract_dir, .err = &err };
	char tag0[129], tag[129];
	const char *failed = paths[0];
	int r = 0;

	for (int i = 0; i < n && r == 0; i++) {
		failed = paths[i];
		const struct pkg_read_opts ro = { take_emulator, &x, o->max_unpacked };

		x.info = &info;
		r = pkg_read(paths[i], &ro, &info, &err);
		if (r < 0)
			break;
		if (i == 0)
			first = info;
		/* One image holds one version. */
		if (pkg_tag_version(first.version, tag0, sizeof(tag0)) < 0 ||
		    pkg_tag_version(info.version, tag, sizeof(tag)) < 0 || strcmp(tag0, tag))
			r = refuse_member(&err, "", "its version differs from the other packages'");
		for (unsigned k = 0; k < info.nskipped && x.nskipped < PKG_SKIPPED_MAX; k++)
			memcpy(x.skipped[x.nskipped++], info.skipped[k], sizeof(x.skipped[0]));
	}
	if (r == 0 && x.count == 0)
		r = refuse_member(&err, "", "no emulator (usr/bin/qemu-*-static) in it");
	if (r == 0) {
		x.info = &first;
		failed = paths[0];
		r = write_manifest(&x, paths, n);
	}
	if (r == 0 && build_interrupted())
		r = -EINTR;
	if (r == 0) {
		r = build_swap_dir(extract_dir, x.tmpname, first.arch);
		if (r == 0)
			x.tmpname[0] = '\0';
	}
	if (x.dir >= 0)
		close(x.dir);
	if (r < 0) {
		if (x.tmpname[0])
			build_remove_dir(extract_dir, x.tmpname);
		if (!build_interrupted())
			report(failed, r, &err);
		return r;
	}
	if (!o->quiet)
		msg("%s%s: %s %s (%s), %u emulators -> extract/%s", paths[0],
		    n > 1 ? " and the others of its architecture" : "", first.name, first.version,
		    first.arch, x.count, first.arch);
	for (unsigned i = 0; i < x.nskipped && !o->quiet; i++)
		msg("%s left out: its target is not one of the 34 qus registers", x.skipped[i]);
	return 0;
}

int stage_extract(const struct build_opts *o, char **pkgs, int n)
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
	/* First the headers only, to group the packages by architecture. */
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
			if (!done[j] && !strcmp(infos[j].arch, infos[i].arch)) {
				group[m++] = pkgs[j];
				done[j] = true;
			}
		if (extract_group(o, ex, group, m) < 0)
			status = EXIT_FAIL;
	}
	close(ex);
out:
	free(infos);
	free(group);
	free(done);
	return status;
}
