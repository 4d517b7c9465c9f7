/* SPDX-License-Identifier: MIT */
/*
 * qus-build tarballs: OUT/extract -> OUT/releases: each emulator,
 * qemu-T-static.tar.gz, HOST_qemu-T-static.tar.gz and SHA256SUMS.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "build.h"
#include "digest.h"
#include "tarball.h"
#include "util.h"

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
	atomic_size_t done;
	int out; /* OUT/releases */
	const struct build_opts *o;
};

/* Write a release file; @same: an earlier output with these very bytes (its digest holds). */
static int emit(const struct job_queue *q, struct job *j, const char *name, const uint8_t *data,
		size_t size, mode_t mode, const struct output *same)
{
	struct output *o = &j->out[j->nout];
	int r = 0;

	snprintf(o->name, sizeof(o->name), "%s", name);
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
	if (j->primary && (r = emit(q, j, j->src, data, size, 0755, NULL)) < 0)
		return r;
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

	q->jobs[i].err = run_job(q, &q->jobs[i]);
	progress(q->o, "tarballs", (unsigned)atomic_fetch_add(&q->done, 1) + 1, (unsigned)q->count,
		 q->jobs[i].src);
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

int stage_tarballs(const struct build_opts *o)
{
	char path[PATH_MAX], tmpname[64];
	struct host_dir hosts[BUILD_MAX_HOSTS];
	bool newest[BUILD_MAX_HOSTS];
	size_t njobs = 0;
	int primary = -1;
	struct job_queue q = { 0 };
	int dir, out, r, status = EXIT_FAIL, nhosts = build_hosts_load(o, hosts);

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
			snprintf(j->src, sizeof(j->src), "%s", hosts[h].emu_file[e]);
			snprintf(j->host, sizeof(j->host), "%s", hosts[h].host);
		}
	}
	q.count = njobs;
	parallel_for(njobs, worker, &q);
	if (build_interrupted())
		goto out;
	for (size_t i = 0; i < njobs; i++)
		if (q.jobs[i].err < 0) {
			report_failures(path, &q);
			goto out;
		}
	r = write_sums(out, q.jobs, njobs);
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
		msg("release files of %zu emulators and SHA256SUMS in %s", njobs, path);
out:
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
