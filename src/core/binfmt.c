/* SPDX-License-Identifier: MIT */
#include "binfmt.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "paths.h"
#include "util.h"

#define BINFMTFS_MAGIC 0x42494e4d /* include/uapi/linux/magic.h */

int binfmt_open(const char *path)
{
	int fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

int binfmt_is_mounted(int dirfd)
{
	struct statfs sf;

	if (fstatfs(dirfd, &sf) < 0)
		return -errno;
	return sf.f_type == BINFMTFS_MAGIC;
}

static int open_listing(int dirfd, DIR **out)
{
	int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d;

	if (fd < 0)
		return -errno;
	d = fdopendir(fd);
	if (!d) {
		int r = -errno;

		close(fd);
		return r;
	}
	*out = d;
	return 0;
}

int binfmt_dir_is_empty(int dirfd)
{
	struct dirent *de;
	DIR *d = NULL; /* set by open_listing() when it succeeds */
	int r = open_listing(dirfd, &d);

	if (r < 0)
		return r;
	r = 1;
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) {
			r = 0;
			break;
		}
	closedir(d);
	return r;
}

int binfmt_mount(const char *path)
{
	/* The same options systemd's proc-sys-fs-binfmt_misc.mount uses. */
	if (mount("binfmt_misc", path, "binfmt_misc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		return -errno;
	return 0;
}

int binfmt_is_ours(int dirfd)
{
	struct stat st;

	if (fstatat(dirfd, BINFMT_REGISTER, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return -errno;
	return st.st_uid == 0;
}

int binfmt_read_status(int dirfd, bool *enabled)
{
	char buf[32];
	long n = read_small_file_at(dirfd, BINFMT_STATUS, buf, sizeof(buf));

	if (n < 0)
		return (int)n;
	if (!strcmp(buf, "enabled\n"))
		*enabled = true;
	else if (!strcmp(buf, "disabled\n"))
		*enabled = false;
	else
		return -EINVAL;
	return 0;
}

void binfmt_free_names(char **names, size_t count)
{
	for (size_t i = 0; i < count; i++)
		free(names[i]);
	free(names);
}

int binfmt_list(int dirfd, char ***names, size_t *count)
{
	char **v = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	DIR *d = NULL; /* set by open_listing() when it succeeds */
	int r = open_listing(dirfd, &d);

	if (r < 0)
		return r;
	errno = 0;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' || !strcmp(de->d_name, BINFMT_REGISTER) ||
		    !strcmp(de->d_name, BINFMT_STATUS))
			continue;
		if (n == cap) {
			char **nv;

			cap = cap ? 2 * cap : 64;
			nv = realloc(v, cap * sizeof(*v));
			if (!nv)
				goto oom;
			v = nv;
		}
		v[n] = strdup(de->d_name);
		if (!v[n])
			goto oom;
		n++;
	}
	r = errno ? -errno : 0;
	closedir(d);
	if (r < 0) {
		binfmt_free_names(v, n);
		return r;
	}
	*names = v;
	*count = n;
	return 0;
oom:
	closedir(d);
	binfmt_free_names(v, n);
	return -ENOMEM;
}

/* A name that can only mean an entry file directly below the directory. */
static bool is_entry_name(const char *name)
{
	return name[0] && !strchr(name, '/') && strcmp(name, ".") && strcmp(name, "..") &&
	       strcmp(name, BINFMT_REGISTER) && strcmp(name, BINFMT_STATUS);
}

int binfmt_read_entry(int dirfd, const char *name, struct binfmt_entry *e)
{
	/* An entry file is at most one page (fs/binfmt_misc.c bm_entry_read). */
	char text[4096 + 1];
	long n;

	if (!is_entry_name(name))
		return -EINVAL;
	n = read_small_file_at(dirfd, name, text, sizeof(text));
	if (n < 0)
		return (int)n;
	return entry_parse_status(name, text, e);
}

int binfmt_read_all(int dirfd, bool *enabled, struct binfmt_entry **entries, size_t *count)
{
	char **names = NULL;
	size_t n = 0;
	int r = binfmt_read_status(dirfd, enabled);

	*entries = NULL;
	*count = 0;
	if (r == 0)
		r = binfmt_list(dirfd, &names, &n);
	if (r < 0)
		return r;
	*entries = calloc(n ? n : 1, sizeof(**entries));
	for (size_t i = 0; *entries && i < n; i++)
		if (binfmt_read_entry(dirfd, names[i], &(*entries)[*count]) == 0)
			(*count)++;
	binfmt_free_names(names, n);
	return *entries ? 0 : -ENOMEM;
}

static int cmp_entry_names(const void *a, const void *b)
{
	return strcmp(((const struct binfmt_entry *)a)->name,
		      ((const struct binfmt_entry *)b)->name);
}

void binfmt_sort_by_name(struct binfmt_entry *entries, size_t count)
{
	if (count)
		qsort(entries, count, sizeof(*entries), cmp_entry_names);
}

static int write_once(int dirfd, const char *name, const char *data, size_t len)
{
	_cleanup_close_ int fd = openat(dirfd, name, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
	ssize_t n;

	if (fd < 0)
		return -errno;
	/* binfmt_misc parses each write() as a whole command: never split it. */
	do {
		n = write(fd, data, len);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	if ((size_t)n != len)
		return -EIO;
	return 0;
}

int binfmt_register(int dirfd, const struct binfmt_entry *e)
{
	char buf[QUS_REGISTER_MAX + 1];
	long len = entry_format_register(e, buf, sizeof(buf));

	if (len < 0)
		return (int)len;
	return write_once(dirfd, BINFMT_REGISTER, buf, (size_t)len);
}

int binfmt_remove(int dirfd, const char *name)
{
	if (!is_entry_name(name))
		return -EINVAL;
	return write_once(dirfd, name, "-1", 2);
}

int binfmt_set_enabled(int dirfd, const char *name, bool enabled)
{
	if (!is_entry_name(name))
		return -EINVAL;
	return write_once(dirfd, name, enabled ? "1" : "0", 1);
}

/* An identical entry exists: make sure it is enabled. */
static int keep_existing(int dirfd, const struct binfmt_entry *have, enum binfmt_outcome *outcome)
{
	int r;

	if (have->enabled) {
		*outcome = BINFMT_UNCHANGED;
		return 0;
	}
	r = binfmt_set_enabled(dirfd, have->name, true);
	if (r < 0)
		return r;
	*outcome = BINFMT_ENABLED;
	return 0;
}

/*
 * After a refused replacement: put @previous back (NULL: it could not be
 * parsed).  EEXIST: a concurrent qus registered that name meanwhile.
 */
static enum binfmt_outcome restore(int dirfd, const struct binfmt_entry *previous)
{
	int r;

	if (!previous)
		return BINFMT_FAILED_LOST;
	r = binfmt_register(dirfd, previous);
	if (r == -EEXIST)
		return BINFMT_FAILED;
	if (r < 0 || (!previous->enabled && binfmt_set_enabled(dirfd, previous->name, false) < 0))
		return BINFMT_FAILED_LOST;
	return BINFMT_FAILED;
}

int binfmt_apply(int dirfd, const struct binfmt_entry *want, bool replace,
		 enum binfmt_outcome *outcome)
{
	struct binfmt_entry have;
	int r;

	/*
	 * A concurrent qus may register the same name between our remove and
	 * our register (EEXIST): read again; its entry is either identical
	 * (fine) or replaced once more.  Each retry means another registration
	 * won a window of a few microseconds; eight rounds make a visible
	 * EEXIST need eight such losses in a row.
	 */
	*outcome = BINFMT_FAILED;
	for (int round = 0; round < 8; round++) {
		bool existed, parsed;

		r = binfmt_read_entry(dirfd, want->name, &have);
		if (r < 0 && r != -ENOENT && r != -EINVAL)
			return r;
		parsed = r == 0;
		existed = parsed || r == -EINVAL; /* unparsable: replace it */
		if (parsed && entry_same(&have, want) && !(replace && round == 0))
			return keep_existing(dirfd, &have, outcome);
		if (existed) {
			r = binfmt_remove(dirfd, want->name);
			if (r < 0 && r != -ENOENT)
				return r;
		}
		r = binfmt_register(dirfd, want);
		if (r == 0) {
			*outcome = existed ? BINFMT_REPLACED : BINFMT_ADDED;
			return 0;
		}
		if (r != -EEXIST) {
			if (existed)
				*outcome = restore(dirfd, parsed ? &have : NULL);
			return r;
		}
	}
	return -EEXIST;
}
