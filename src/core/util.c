/* SPDX-License-Identifier: MIT */
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

int parse_uint(const char *s, unsigned long max, unsigned long *out)
{
	unsigned long v = 0;

	if (!s || !*s)
		return -EINVAL;
	for (; *s; s++) {
		unsigned d;

		if (*s < '0' || *s > '9')
			return -EINVAL;
		d = (unsigned)(*s - '0');
		/* d > max first: max - d would wrap around (found by fuzz_targets). */
		if (d > max || v > (max - d) / 10)
			return -ERANGE;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

int parse_yes_no(const char *s, bool *out)
{
	if (!strcmp(s, "yes")) {
		*out = true;
		return 0;
	}
	if (!strcmp(s, "no")) {
		*out = false;
		return 0;
	}
	return -EINVAL;
}

long read_full(int fd, void *buf, size_t size)
{
	size_t len = 0;

	while (len < size) {
		ssize_t n = read(fd, (char *)buf + len, size - len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	return (long)len;
}

long pread_full(int fd, void *buf, size_t size, uint64_t offset)
{
	size_t len = 0;

	if (offset > (uint64_t)INT64_MAX - size)
		return -EOVERFLOW;
	while (len < size) {
		ssize_t n = pread(fd, (char *)buf + len, size - len, (off_t)(offset + len));

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	return (long)len;
}

bool next_word(const char **list, char *word, size_t size)
{
	const char *p = *list + strspn(*list, " ");
	size_t n = strcspn(p, " ");

	if (n == 0 || size == 0)
		return false;
	snprintf(word, size, "%.*s", (int)n, p);
	*list = p + n;
	return true;
}

long read_small_file_at(int dirfd, const char *name, char *buf, size_t size)
{
	_cleanup_close_ int fd = -1;
	long len;
	char extra;

	if (size == 0)
		return -EINVAL;
	fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);
	if (fd < 0)
		return -errno;
	len = read_full(fd, buf, size - 1);
	if (len < 0)
		return len;
	/* A full buffer: anything after it means the file did not fit. */
	if ((size_t)len == size - 1 && read(fd, &extra, 1) > 0)
		return -EFBIG;
	buf[len] = '\0';
	return len;
}

int ascii_strcasecmp(const char *a, const char *b)
{
	for (;; a++, b++) {
		int ca = (unsigned char)*a, cb = (unsigned char)*b;

		if (ca >= 'A' && ca <= 'Z')
			ca += 'a' - 'A';
		if (cb >= 'A' && cb <= 'Z')
			cb += 'a' - 'A';
		if (ca != cb || !ca)
			return ca - cb;
	}
}

/* 0 an executable regular file, -EACCES a file that is not, -ENOENT nothing usable there. */
static int executable_file(const char *file)
{
	struct stat st;

	if (stat(file, &st) < 0)
		return -ENOENT; /* also an unreadable directory on the way, as for a shell */
	if (!S_ISREG(st.st_mode) || access(file, X_OK) < 0)
		return -EACCES;
	return 0;
}

int find_program(const char *name, const char *path, char *out, size_t size)
{
	int found = -ENOENT;

	if (!*name)
		return -ENOENT;
	if (strchr(name, '/')) {
		if ((size_t)snprintf(out, size, "%s", name) >= size)
			return -ENAMETOOLONG;
		return executable_file(out);
	}
	if (!path)
		path = "/usr/local/bin:/usr/bin:/bin";
	for (;;) {
		const char *end = strchr(path, ':');
		size_t len = end ? (size_t)(end - path) : strlen(path);
		int r;

		/* An empty entry means the working directory (POSIX). */
		if ((size_t)snprintf(out, size, "%.*s%s%s", (int)len, path, len ? "/" : "./",
				     name) >= size)
			return -ENAMETOOLONG;
		r = executable_file(out);
		if (r == 0)
			return 0;
		/* Like execvp: a later match wins over an earlier non-executable one. */
		if (r == -EACCES)
			found = -EACCES;
		if (!end)
			return found;
		path = end + 1;
	}
}

/*
 * The temporary name of @name's next version: hidden, in the same
 * directory (so that rename() stays on one file system), this process's
 * and numbered.  -ENAMETOOLONG or 0.
 */
static int temp_name(char tmp[NAME_MAX + 1], const char *name, unsigned attempt)
{
	int n = snprintf(tmp, NAME_MAX + 1, ".%.200s.%ld.%u.tmp", name, (long)getpid(), attempt);

	return n < 0 || n > NAME_MAX ? -ENAMETOOLONG : 0;
}

int write_file_atomic(int dirfd, const char *name, const char *data, size_t len, mode_t mode)
{
	char tmp[NAME_MAX + 1];
	_cleanup_close_ int fd = -1;
	size_t done = 0;
	int r = 0;

	if (strchr(name, '/'))
		return -EINVAL;
	for (unsigned attempt = 0;; attempt++) {
		if (temp_name(tmp, name, attempt) < 0)
			return -ENAMETOOLONG;
		fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);
		if (fd >= 0)
			break;
		if (errno != EEXIST || attempt == 100)
			return -errno;
	}
	while (done < len) {
		ssize_t n = write(fd, data + done, len - done);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			r = -errno;
			goto fail;
		}
		done += (size_t)n;
	}
	/* The mode given to openat() is filtered by the umask; files others read need it exact. */
	if (fchmod(fd, mode) < 0 || fsync(fd) < 0) {
		r = -errno;
		goto fail;
	}
	if (close(steal_fd(&fd)) < 0) {
		r = -errno;
		goto fail;
	}
	if (renameat(dirfd, tmp, dirfd, name) < 0) {
		r = -errno;
		goto fail;
	}
	return 0;
fail:
	unlinkat(dirfd, tmp, 0);
	return r;
}

int symlink_atomic(int dirfd, const char *name, const char *target)
{
	char tmp[NAME_MAX + 1];

	if (strchr(name, '/'))
		return -EINVAL;
	for (unsigned attempt = 0;; attempt++) {
		if (temp_name(tmp, name, attempt) < 0)
			return -ENAMETOOLONG;
		if (symlinkat(target, dirfd, tmp) == 0)
			break;
		if (errno != EEXIST || attempt == 100)
			return -errno;
	}
	if (renameat(dirfd, tmp, dirfd, name) < 0) {
		int r = -errno;

		unlinkat(dirfd, tmp, 0);
		return r;
	}
	return 0;
}

int write_file_if_changed(int dirfd, const char *name, const char *data, size_t len, mode_t mode)
{
	_cleanup_close_ int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	struct stat st;

	if (fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (size_t)st.st_size == len &&
	    (st.st_mode & 07777) == mode) {
		_cleanup_free_ char *old = malloc(len ? len : 1);

		if (old && read_full(fd, old, len) == (long)len && !memcmp(old, data, len))
			return 1;
	}
	return write_file_atomic(dirfd, name, data, len, mode);
}

int open_subdir(int at, const char *name)
{
	int fd;

	if (mkdirat(at, name, 0755) < 0 && errno != EEXIST)
		return -errno;
	fd = openat(at, name, O_PATH | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	return fd < 0 ? -errno : fd;
}
