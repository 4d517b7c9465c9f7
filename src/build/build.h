/* SPDX-License-Identifier: MIT */
/*
 * What the stages of qus-build share: options, messages and progress, the
 * output directory, and the extracted packages (OUT/extract/<arch>).
 */
#ifndef QUS_BUILD_H
#define QUS_BUILD_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdnoreturn.h>
#include <time.h>

#include "arch.h"
#include "exit_status.h"

struct build_opts {
	const char *out;
	bool quiet;
	const char *qus[16]; /* --qus ARCH=FILE: the static qus of each host */
	unsigned nqus;
	unsigned long long max_unpacked; /* --max-unpacked */
};

/* "qus-build: <message>" on stderr. */
void msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
noreturn void build_die_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* "\rqus-build: STAGE I/N WHAT" on a terminal only, unless quiet. */
void progress(const struct build_opts *o, const char *stage, unsigned i, unsigned n,
	      const char *what);

/* mkdir -p of the output directory the user named; an O_PATH fd or -errno. */
int open_out_dir(const char *path);
/*
 * A whole file below @dir into a new buffer (not through a link, unless
 * @dir is AT_FDCWD: a path the user named).  0 or -errno.
 */
int read_whole(int dir, const char *name, uint8_t **data, size_t *size);

/* SOURCE_DATE_EPOCH if set, else @fallback. */
time_t source_date(time_t fallback);
/* Whether SOURCE_DATE_EPOCH is set (to a number source_date takes). */
bool source_date_set(void);

/*
 * extract's package.json: 2 adds, per package, its name, version, format
 * and origin (suite, URL), and per emulator its member, package and QEMU
 * version, which the SBOM and the provenance state.
 */
#define PACKAGE_JSON_SCHEMA 2

/*
 * SIGINT, SIGTERM and SIGHUP only set a flag: every stage stops between two
 * files, removes what it was writing and leaves its output as it was
 * (build_interrupted() says which signal; main() then dies of it).
 */
void build_catch_signals(void);
int build_interrupted(void);

/* Remove the directory @name below @parent, which holds plain files only (ours). */
void build_remove_dir(int parent, const char *name);

/*
 * Put the finished directory @tmp in the place of @final (both below
 * @parent) in one step, then remove what was there.  0 or -errno.
 */
int build_swap_dir(int parent, const char *tmp, const char *final);

/*
 * Run @fn(i, ctx) for i in [0, @n) on every core; returns when all are done
 * (or, after a signal, when the items already started are).
 */
void parallel_for(size_t n, void (*fn)(size_t i, void *ctx), void *ctx);

/* One extracted package: OUT/extract/<arch>/ and its package.json. */
struct host_dir {
	char arch[32]; /* Debian's name */
	char host[32]; /* qus's target name (uname -m style) */
	char tag[129]; /* the version as an image tag */
	char version[128];
	char source[256];
	time_t date;
	/* Its emulators: names qus-build gave, checked again, so no file can pick a path. */
	const char *emu_file[QUS_NTARGETS];
	const struct qus_target *emu_target[QUS_NTARGETS];
	const char *emu_sha256[QUS_NTARGETS]; /* as extract recorded it: the content's identity */
	/* What the documents state of each (schema 2; "" and 0 when an older extract lacks it). */
	const char *emu_member[QUS_NTARGETS];	    /* its path in the package */
	const char *emu_qemu_version[QUS_NTARGETS]; /* "7.2.22 (Debian 1:7.2+dfsg-...)" */
	unsigned emu_from[QUS_NTARGETS];	    /* its package: an index into src[] */
	/* The packages read (the transitional qemu-user-static and its qemu-user: two). */
	struct host_source {
		const char *file, *sha256, *name, *version, *format, *suite, *url;
	} src[4];
	unsigned nsrc;
	bool date_from_env; /* date is SOURCE_DATE_EPOCH's, not the package's */
	/* The machine by all its names (Debian's arch); its uname -m prefixes release files and
	 * tags. */
	const struct qus_platform *platform;
	size_t nemu;
	json_object *root;
	int fd;
};

/*
 * Parse an extracted package's package.json into @h (zeroed by the caller;
 * h->root is set even on failure, for build_hosts_free).  Everything that
 * later names a file or a tag is checked: the host is a table target's name,
 * the tag is the one the version gives, the emulators are the table's file
 * names, each once.  0, or -EBADMSG.
 */
int host_dir_parse(const char *json, struct host_dir *h);

/* Versions times hosts: 3 QEMU versions of 11 hosts, and room to spare. */
#define BUILD_MAX_HOSTS 64
/*
 * Load every OUT/extract/<tag>/<arch> (a version of a host), sorted by tag,
 * then architecture.  Returns the count (>0), or -1 after saying why.
 * build_hosts_free() releases them.
 */
int build_hosts_load(const struct build_opts *o, struct host_dir *hosts);
/* Whether hosts[@h] is the newest version of its architecture among the @n. */
bool build_host_is_newest(const struct host_dir *hosts, int n, int h);
/* The index of the newest version among the @n (the first of equals). */
int build_newest_version(const struct host_dir *hosts, int n);
void build_hosts_free(struct host_dir *hosts, int n);

/*
 * Every package into OUT/extract, grouped by architecture and version.
 * EXIT_OK, or EXIT_FAIL if a group was refused (said); *@done_groups
 * counts the groups extracted (or found up to date), which the later
 * stages go on with.
 */
int stage_extract(const struct build_opts *o, char **pkgs, int n, int *done_groups);
int stage_tarballs(const struct build_opts *o);
int stage_images(const struct build_opts *o);
/*
 * qus-build verify: rebuild from @args[1..] what the provenance @args[0]
 * describes (into o->out if @keep_out, else a temporary directory) and
 * compare every digest.  EXIT_OK all match, EXIT_FAIL one differs (each
 * said) or the rebuild failed.
 */
int cmd_verify(struct build_opts *o, bool keep_out, char **args, int nargs);

#endif
