/* SPDX-License-Identifier: MIT */
/*
 * Small helpers every module uses: scope-bound cleanup of fds and heap
 * pointers (the bubblewrap/systemd/crun idiom), fd hand-off, and the
 * one strict number parser of the code base.
 */
#ifndef QUS_UTIL_H
#define QUS_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/types.h>
#include <unistd.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define _cleanup_(f) __attribute__((cleanup(f)))

static inline void freep(void *p)
{
	free(*(void **)p);
}

static inline void closep(const int *fd)
{
	if (*fd >= 0)
		close(*fd);
}

#define _cleanup_free_	_cleanup_(freep)
#define _cleanup_close_ _cleanup_(closep)

/* Hand a cleanup-owned fd to the caller: returns it and disarms the cleanup. */
static inline int steal_fd(int *fd)
{
	int v = *fd;

	*fd = -1;
	return v;
}

/*
 * Parse a decimal unsigned number: digits only (no sign, no spaces, no
 * trailing junk), at most @max.  Returns 0, or -EINVAL / -ERANGE.
 */
int parse_uint(const char *s, unsigned long max, unsigned long *out);

/* "yes" or "no", as QEMU's registration script spells them. Returns 0 or -EINVAL. */
int parse_yes_no(const char *s, bool *out);

/* read() until @size bytes or end of file, retrying EINTR. Returns the count, or -errno. */
long read_full(int fd, void *buf, size_t size);

/* The same with pread() from @offset: the file position is left alone. */
long pread_full(int fd, void *buf, size_t size, uint64_t offset);

/*
 * Copy the next word of the space-separated @*list into @word and advance
 * @*list past it.  False at the end of the list (or for a word longer than
 * @size - 1, which is cut).
 */
bool next_word(const char **list, char *word, size_t size);

/*
 * Read a whole small file below @dirfd into @buf (NUL-terminated).
 * Returns the length, or -errno; -EFBIG if it does not fit.
 */
long read_small_file_at(int dirfd, const char *name, char *buf, size_t size);

/*
 * The file execvp(3) would run for @name: @name itself if it contains a '/',
 * else the first executable regular file in the directories of @path (the
 * PATH variable; NULL means "/usr/local/bin:/usr/bin:/bin"; an empty entry is
 * the working directory).  0, or -ENOENT, -EACCES (found, not executable),
 * -ENAMETOOLONG.
 */
int find_program(const char *name, const char *path, char *out, size_t size);

/*
 * Write @len bytes to @name below @dirfd through a temporary file in the
 * same directory, renamed into place: readers see the old file or the new
 * one, never half of one.  0 or -errno.
 */
int write_file_atomic(int dirfd, const char *name, const char *data, size_t len, mode_t mode);

/*
 * Make @name in @dirfd a symbolic link to @target, atomically: a link
 * under a temporary name renamed over whatever @name was.  0 or -errno.
 */
int symlink_atomic(int dirfd, const char *name, const char *target);

/*
 * The same, unless @name already holds exactly @data with @mode: then
 * nothing is written (a rebuild with nothing new rewrites nothing).  0
 * written, 1 left as it was, or -errno.
 */
int write_file_if_changed(int dirfd, const char *name, const char *data, size_t len, mode_t mode);

/*
 * The directory @name below @at, created (0755) if missing, opened O_PATH,
 * never through a symbolic link.  The fd, or -errno.
 */
int open_subdir(int at, const char *name);

/* strcasecmp that only folds ASCII, so results never depend on the locale. */
int ascii_strcasecmp(const char *a, const char *b);

#endif
