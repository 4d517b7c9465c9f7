/* SPDX-License-Identifier: MIT */
/*
 * qus-build tarballs: OUT/extract -> OUT/releases: each emulator,
 * qemu-T-static.tar.gz, HOST_qemu-T-static.tar.gz and SHA256SUMS.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <json-c/json.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "build.h"
#include "config.h"
#include "digest.h"
#include "json.h"
#include "provenance.h"
#include "sbom.h"
#include "tarball.h"
#include "util.h"

/* ---- tarballs ------------------------------------------------------------ */

/* A release file and its checksum. */
struct output {
	char name[160];
	char sha256[SHA256_HEX_LEN + 1];
	unsigned long long size;
};

/*
 * One emulator of one host: its release files.  The plain and the
 * host-prefixed tarball hold the same bytes (the seeds say so too), so the
 * emulator is compressed once.
 */
struct job {
	int src_dir;		   /* OUT/extract/<tag>/<arch> */
	char src[64];		   /* qemu-T-static */
	const char *src_sha256;	   /* its content, as extract recorded it */
	char host[32];		   /* uname -m name, the prefix */
	bool primary;		   /* also the unprefixed files */
	bool reused;		   /* its files are the previous run's, taken over */
	const struct host_dir *hd; /* its extract, and which emulator of it: for the documents */
	int emu;
	time_t mtime;
	struct output out[3];
	unsigned nout;
	int err;
};

struct job_queue {
	struct job *jobs;
	size_t count;
	atomic_size_t done;
	int out; /* the new releases/, a temporary directory until it is complete */
	const struct build_opts *o;
};

/*
 * What the previous run wrote (releases/.qus-build.json): each release
 * file with its digest and size, and what it was made from (the emulator's
 * SHA-256 as extract recorded it, the time in the tar).  A file made from
 * the same emulator at the same time is the same file, so the next run
 * takes it over instead of compressing again, if it is still there with
 * its size.  Digests decide, never time stamps of files.
 */
#define RECORD_FILE ".qus-build.json"

struct record_entry {
	char name[160];
	char sha256[SHA256_HEX_LEN + 1];
	char from[SHA256_HEX_LEN + 1];
	unsigned long long size;
	long long mtime;
};

struct record {
	struct record_entry *v;
	size_t n;
};

static const char *json_str(json_object *o, const char *key)
{
	json_object *v;

	return json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_string)
		       ? json_object_get_string(v)
		       : "";
}

static long long json_int(json_object *o, const char *key)
{
	json_object *v;

	return json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_int)
		       ? (long long)json_object_get_int64(v)
		       : -1;
}

/* The previous run's record, if releases/ has one written by this qus-build. */
static void record_load(int releases, struct record *rec)
{
	_cleanup_free_ uint8_t *text = NULL;
	json_object *root, *files;
	size_t size = 0;

	memset(rec, 0, sizeof(*rec));
	if (releases < 0 || read_whole(releases, RECORD_FILE, &text, &size) < 0)
		return;
	text[size] = '\0';
	root = json_tokener_parse((const char *)text);
	if (!root || strcmp(json_str(root, "qus_build"), QUS_VERSION) ||
	    !json_object_object_get_ex(root, "files", &files) ||
	    !json_object_is_type(files, json_type_array) ||
	    !(rec->v = calloc(json_object_array_length(files) + 1, sizeof(*rec->v)))) {
		json_object_put(root);
		return;
	}
	for (size_t i = 0; i < json_object_array_length(files); i++) {
		json_object *f = json_object_array_get_idx(files, i);
		struct record_entry *e = &rec->v[rec->n];

		if (strlen(json_str(f, "name")) >= sizeof(e->name) ||
		    strlen(json_str(f, "sha256")) != SHA256_HEX_LEN ||
		    strlen(json_str(f, "from")) != SHA256_HEX_LEN || json_int(f, "size") < 0)
			continue;
		strcpy(e->name, json_str(f, "name"));
		strcpy(e->sha256, json_str(f, "sha256"));
		strcpy(e->from, json_str(f, "from"));
		e->size = (unsigned long long)json_int(f, "size");
		e->mtime = json_int(f, "mtime");
		rec->n++;
	}
	json_object_put(root);
}

static const struct record_entry *record_find(const struct record *rec, const char *name)
{
	for (size_t i = 0; i < rec->n; i++)
		if (!strcmp(rec->v[i].name, name))
			return &rec->v[i];
	return NULL;
}

/* The names of the release files of @j, in the order run_job writes them. */
static unsigned job_names(const struct job *j, char names[3][160])
{
	unsigned n = 0;

	if (j->primary) {
		snprintf(names[n++], sizeof(names[0]), "%s", j->src);
		snprintf(names[n++], sizeof(names[0]), "%s.tar.gz", j->src);
	}
	snprintf(names[n++], sizeof(names[0]), "%s_%s.tar.gz", j->host, j->src);
	return n;
}

/*
 * Take @j's files over from the previous releases/ into the new one
 * (hard links: no byte is written), if the record says they were made from
 * the same emulator at the same time and each is there with its size.
 */
static bool take_over(struct job_queue *q, int releases, const struct record *rec, struct job *j)
{
	char names[3][160];
	const struct record_entry *e[3];
	unsigned n = job_names(j, names);
	struct stat st;

	for (unsigned k = 0; k < n; k++) {
		e[k] = record_find(rec, names[k]);
		if (!e[k] || strcmp(e[k]->from, j->src_sha256) ||
		    e[k]->mtime != (long long)j->mtime ||
		    fstatat(releases, names[k], &st, AT_SYMLINK_NOFOLLOW) < 0 ||
		    !S_ISREG(st.st_mode) || (unsigned long long)st.st_size != e[k]->size)
			return false;
	}
	for (unsigned k = 0; k < n; k++) {
		if (linkat(releases, names[k], q->out, names[k], 0) < 0)
			return false; /* made anew, as if nothing were there */
		memcpy(j->out[k].name, names[k], sizeof(j->out[k].name));
		memcpy(j->out[k].sha256, e[k]->sha256, sizeof(j->out[k].sha256));
		j->out[k].size = e[k]->size;
	}
	j->nout = n;
	j->reused = true;
	return true;
}

/* The record of what this run wrote, for the next one. */
static int record_write(int out, const struct job *jobs, size_t n)
{
	struct json_doc d;
	int r = jw_doc_begin(&d);

	if (r < 0)
		return r;
	jw_begin_object(&d.w, NULL);
	jw_uint(&d.w, "schema", 1);
	jw_string(&d.w, "qus_build", QUS_VERSION);
	jw_begin_array(&d.w, "files");
	for (size_t i = 0; i < n; i++)
		for (unsigned k = 0; k < jobs[i].nout; k++) {
			jw_begin_object(&d.w, NULL);
			jw_string(&d.w, "name", jobs[i].out[k].name);
			jw_string(&d.w, "sha256", jobs[i].out[k].sha256);
			jw_uint(&d.w, "size", jobs[i].out[k].size);
			jw_string(&d.w, "from", jobs[i].src_sha256);
			jw_uint(&d.w, "mtime", (unsigned long long)jobs[i].mtime);
			jw_end_object(&d.w);
		}
	jw_end_array(&d.w);
	jw_end_object(&d.w);
	return jw_doc_write(&d, out, RECORD_FILE);
}

/* Write a release file; @same: an earlier output with these very bytes (its digest holds). */
static int emit(const struct job_queue *q, struct job *j, const char *name, const uint8_t *data,
		size_t size, mode_t mode, const struct output *same)
{
	struct output *o = &j->out[j->nout];
	int r = 0;

	snprintf(o->name, sizeof(o->name), "%s", name);
	o->size = size;
	if (same)
		memcpy(o->sha256, same->sha256, sizeof(o->sha256));
	else
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
	/*
	 * The emulator itself: a hard link to extract's file (the same bytes,
	 * written once, never changed in place; its digest is extract's), else
	 * a copy.
	 */
	if (j->primary && linkat(j->src_dir, j->src, q->out, j->src, 0) == 0) {
		struct output *p = &j->out[j->nout++];

		snprintf(p->name, sizeof(p->name), "%s", j->src);
		memcpy(p->sha256, j->src_sha256, sizeof(p->sha256));
		p->size = size;
	} else if (j->primary && (r = emit(q, j, j->src, data, size, 0755, NULL)) < 0) {
		return r;
	}
	r = tarball_gz(j->src, 0755, j->mtime, data, size, &tgz);
	if (r < 0)
		return r;
	if (j->primary) {
		snprintf(name, sizeof(name), "%s.tar.gz", j->src);
		r = emit(q, j, name, tgz.data, tgz.len, 0644, NULL);
	}
	if (r == 0) {
		snprintf(name, sizeof(name), "%s_%s.tar.gz", j->host, j->src);
		r = emit(q, j, name, tgz.data, tgz.len, 0644,
			 j->primary ? &j->out[j->nout - 1] : NULL);
	}
	buffer_free(&tgz);
	return r;
}

/* One job on a worker thread; gzip of a 14 MB emulator takes about half a second. */
static void worker(size_t i, void *arg)
{
	struct job_queue *q = arg;

	if (!q->jobs[i].reused)
		q->jobs[i].err = run_job(q, &q->jobs[i]);
	progress(q->o, "tarballs", (unsigned)atomic_fetch_add(&q->done, 1) + 1, (unsigned)q->count,
		 q->jobs[i].src);
}

static int cmp_output(const void *a, const void *b)
{
	return strcmp((*(const struct output *const *)a)->name,
		      (*(const struct output *const *)b)->name);
}

/*
 * SHA256SUMS of every release file and of the two documents (@docs), sorted
 * by name, in sha256sum's format.  The documents are listed so that one
 * signature over SHA256SUMS covers them too, and sha256sum -c checks them.
 */
static int write_sums(int out, struct job *jobs, size_t n, const struct output *docs, size_t ndocs)
{
	_cleanup_free_ const struct output **all = calloc(3 * n + ndocs + 1, sizeof(*all));
	_cleanup_free_ char *text = NULL;
	size_t len = 0, count = 0;
	FILE *mem;

	if (!all)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		for (unsigned k = 0; k < jobs[i].nout; k++)
			all[count++] = &jobs[i].out[k];
	for (size_t i = 0; i < ndocs; i++)
		all[count++] = &docs[i];
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

/*
 * The SBOM and the provenance of the release files, in @docs[0] and
 * @docs[1] (text, which the caller frees, and its digest).
 */
struct doc_text {
	struct output sum;
	char *text;
	size_t len;
};

static int cmp_subject(const void *a, const void *b)
{
	return strcmp(((const struct prov_subject *)a)->name,
		      ((const struct prov_subject *)b)->name);
}

static int release_docs(const struct host_dir *hosts, int nhosts, int primary,
			const struct job *jobs, size_t n, struct doc_text docs[2])
{
	_cleanup_free_ struct doc_item *items = calloc(3 * n + 1, sizeof(*items));
	_cleanup_free_ struct prov_subject *subj = calloc(3 * n + 1, sizeof(*subj));
	struct sbom_subject s = { .type = "application",
				  .name = "qemu-user-static release files",
				  .version = hosts[primary].version,
				  .created = hosts[primary].date };
	struct provenance p = { .hosts = hosts, .nhosts = nhosts };
	size_t count = 0;
	int r;

	if (!items || !subj)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		for (unsigned k = 0; k < jobs[i].nout; k++) {
			items[count] = (struct doc_item){ .name = jobs[i].out[k].name,
							  .sha256 = jobs[i].out[k].sha256,
							  .host = jobs[i].hd,
							  .emu = jobs[i].emu };
			snprintf(subj[count].name, sizeof(subj[0].name), "%s", jobs[i].out[k].name);
			memcpy(subj[count].sha256, jobs[i].out[k].sha256, sizeof(subj[0].sha256));
			count++;
		}
	qsort(subj, count, sizeof(*subj), cmp_subject);
	s.items = items;
	s.nitems = count;
	p.subjects = subj;
	p.nsubjects = count;
	r = sbom_build(&s, &docs[0].text, &docs[0].len);
	if (r == 0)
		r = provenance_build(&p, &docs[1].text, &docs[1].len);
	for (int i = 0; r == 0 && i < 2; i++) {
		snprintf(docs[i].sum.name, sizeof(docs[i].sum.name), "%s",
			 i ? PROVENANCE_FILE : SBOM_FILE);
		docs[i].sum.size = docs[i].len;
		r = sha256_hex(docs[i].text, docs[i].len, docs[i].sum.sha256);
	}
	return r;
}

/* Whether releases/ holds these very documents. */
static bool docs_same(int releases, const struct doc_text docs[2])
{
	for (int i = 0; i < 2; i++) {
		_cleanup_free_ uint8_t *have = NULL;
		size_t size = 0;

		if (releases < 0 || read_whole(releases, docs[i].sum.name, &have, &size) < 0 ||
		    size != docs[i].len || memcmp(have, docs[i].text, size))
			return false;
	}
	return true;
}

/*
 * Say why the release files could not be written: the first error and how
 * many emulators it hit, in one line (a full disk fails every one of them).
 */
static void report_failures(const char *path, const struct job_queue *q)
{
	size_t failed = 0, first = 0;

	for (size_t i = 0; i < q->count; i++)
		if (q->jobs[i].err < 0 && failed++ == 0)
			first = i;
	msg("%s: cannot write the release files of %s%s: %s; %s is as it was", path,
	    q->jobs[first].src, failed > 1 ? " and others" : "", strerror(-q->jobs[first].err),
	    path);
}

/* Whether the previous release files are exactly the ones these jobs make: none more, none less. */
static bool up_to_date(const struct record *prev, const struct job *jobs, size_t n)
{
	size_t files = 0;

	for (size_t i = 0; i < n; i++)
		files += jobs[i].nout;
	return files == prev->n;
}

int stage_tarballs(const struct build_opts *o)
{
	char path[PATH_MAX], tmpname[64];
	struct host_dir hosts[BUILD_MAX_HOSTS];
	bool newest[BUILD_MAX_HOSTS];
	size_t njobs = 0;
	int primary = -1;
	struct job_queue q = { 0 };
	struct record prev = { 0 };
	struct doc_text docs[2] = { 0 };
	size_t reused = 0;
	int dir, out, r, status = EXIT_FAIL, nhosts = build_hosts_load(o, hosts);
	_cleanup_close_ int releases = -1;

	if (nhosts < 0)
		return EXIT_FAIL;
	/*
	 * The release files are each host's newest version, as a release page
	 * shows the latest release (older versions keep their image tags).  The
	 * unprefixed files are the seeds' host's (x86_64), else the first host's.
	 */
	for (int h = 0; h < nhosts; h++) {
		const struct qus_platform *pf = platform_by_debian(hosts[h].arch);

		newest[h] = build_host_is_newest(hosts, nhosts, h);
		if (newest[h] && primary < 0)
			primary = h;
		if (newest[h] && pf && pf->seeds_unprefixed)
			primary = h;
	}
	/*
	 * Written into a directory of its own, which takes the place of
	 * releases/ when every file and SHA256SUMS are written: an error, a
	 * full disk or a signal leaves the previous release files as they were.
	 */
	snprintf(path, sizeof(path), "%s/releases", o->out);
	snprintf(tmpname, sizeof(tmpname), ".releases.%ld.tmp", (long)getpid());
	dir = open_out_dir(o->out);
	out = dir < 0 ? dir : open_subdir(dir, tmpname);
	if (out < 0) {
		msg("cannot create %s: %s", path, strerror(-out));
		goto out;
	}
	q.jobs = calloc((size_t)nhosts * QUS_NTARGETS, sizeof(*q.jobs));
	if (!q.jobs) {
		msg("%s: %s", path, strerror(ENOMEM));
		goto out;
	}
	q.out = out;
	q.o = o;
	for (int h = 0; h < nhosts; h++) {
		for (size_t e = 0; newest[h] && e < hosts[h].nemu; e++) {
			struct job *j = &q.jobs[njobs++];

			j->src_dir = hosts[h].fd;
			j->mtime = hosts[h].date;
			j->primary = h == primary;
			j->src_sha256 = hosts[h].emu_sha256[e];
			j->hd = &hosts[h];
			j->emu = (int)e;
			snprintf(j->src, sizeof(j->src), "%s", hosts[h].emu_file[e]);
			snprintf(j->host, sizeof(j->host), "%s", hosts[h].platform->uname);
		}
	}
	q.count = njobs;
	/* What the previous run made from the same emulators is taken over. */
	releases = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	record_load(releases, &prev);
	for (size_t i = 0; i < njobs; i++)
		reused += take_over(&q, releases, &prev, &q.jobs[i]);
	if (reused == njobs && up_to_date(&prev, q.jobs, njobs) &&
	    release_docs(hosts, nhosts, primary, q.jobs, njobs, docs) == 0 &&
	    docs_same(releases, docs)) {
		if (!o->quiet)
			msg("%s is up to date (the same emulators)", path);
		status = EXIT_OK;
		goto out;
	}
	parallel_for(njobs, worker, &q);
	if (build_interrupted())
		goto out;
	for (size_t i = 0; i < njobs; i++)
		if (q.jobs[i].err < 0) {
			report_failures(path, &q);
			goto out;
		}
	for (int i = 0; i < 2; i++) {
		free(docs[i].text);
		docs[i].text = NULL;
	}
	r = release_docs(hosts, nhosts, primary, q.jobs, njobs, docs);
	for (int i = 0; r == 0 && i < 2; i++)
		r = write_file_atomic(out, docs[i].sum.name, docs[i].text, docs[i].len, 0644);
	if (r == 0) {
		const struct output sums[2] = { docs[0].sum, docs[1].sum };

		r = write_sums(out, q.jobs, njobs, sums, 2);
	}
	if (r == 0)
		r = record_write(out, q.jobs, njobs);
	if (r < 0) {
		msg("%s: cannot write SHA256SUMS: %s; %s is as it was", path, strerror(-r), path);
		goto out;
	}
	if (build_interrupted())
		goto out;
	r = build_swap_dir(dir, tmpname, "releases");
	if (r < 0) {
		msg("%s: cannot put the new release files in place: %s; %s is as it was", path,
		    strerror(-r), path);
		goto out;
	}
	tmpname[0] = '\0';
	status = EXIT_OK;
	if (!o->quiet)
		msg("release files of %zu emulators (%zu made, %zu taken over) and SHA256SUMS in %s",
		    njobs, njobs - reused, reused, path);
out:
	free(docs[0].text);
	free(docs[1].text);
	free(prev.v);
	if (tmpname[0] && dir >= 0)
		build_remove_dir(dir, tmpname);
	build_hosts_free(hosts, nhosts);
	free(q.jobs);
	if (out >= 0)
		close(out);
	if (dir >= 0)
		close(dir);
	return status;
}
