/* SPDX-License-Identifier: MIT */
#include "export.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

int export_file_name(enum export_format format, const struct binfmt_entry *e, char *out,
		     size_t size)
{
	int n = snprintf(out, size, "%s%s", e->name, format == EXPORT_SYSTEMD ? ".conf" : "");

	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

static long render_debian(const struct binfmt_entry *e, char *buf, size_t size)
{
	char magic[4 * QUS_MAGIC_MAX + 1], mask[4 * QUS_MAGIC_MAX + 1];
	int n;

	if (!e->is_magic)
		return -EINVAL;
	escape_bytes(e->pattern.magic, e->pattern.len, magic);
	escape_bytes(e->pattern.mask, e->pattern.len, mask);
	/*
	 * Field names are update-binfmts(8)'s.  QEMU's script names the
	 * package after the entry, so `update-binfmts --package qemu-CPU
	 * --remove qemu-CPU PATH` undoes an import.
	 */
	n = snprintf(buf, size,
		     "package %s\n"
		     "interpreter %s\n"
		     "magic %s\n"
		     "offset %u\n"
		     "mask %s\n"
		     "credentials %s\n"
		     "preserve %s\n"
		     "fix_binary %s\n",
		     e->name, e->interpreter, magic, e->pattern.offset, mask,
		     e->flags & QUS_FLAG_C ? "yes" : "no", e->flags & QUS_FLAG_P ? "yes" : "no",
		     e->flags & QUS_FLAG_F ? "yes" : "no");
	return n < 0 || (size_t)n >= size ? -ENOSPC : n;
}

long export_render(enum export_format format, const struct binfmt_entry *e, char *buf, size_t size)
{
	long n;

	if (entry_validate(e) != ENTRY_OK)
		return -EINVAL;
	if (format == EXPORT_DEBIAN)
		return render_debian(e, buf, size);
	/* binfmt.d(5): one register line per entry; '#' starts a comment. */
	n = snprintf(buf, size, "# %s, written by qus\n", e->name);
	if (n < 0 || (size_t)n >= size)
		return -ENOSPC;
	{
		long r = entry_format_register(e, buf + n, size - (size_t)n);

		if (r < 0)
			return r;
		n += r;
	}
	if ((size_t)n + 2 > size)
		return -ENOSPC;
	buf[n++] = '\n';
	buf[n] = '\0';
	return n;
}

int write_file_atomic(int dirfd, const char *name, const char *data, size_t len, mode_t mode)
{
	char tmp[NAME_MAX + 1];
	_cleanup_close_ int fd = -1;
	size_t done = 0;
	int r = 0;

	if (strchr(name, '/'))
		return -EINVAL;
	/* A hidden name in the same directory, so rename() stays on one file system. */
	for (unsigned attempt = 0;; attempt++) {
		if (snprintf(tmp, sizeof(tmp), ".%.200s.%ld.%u.tmp", name, (long)getpid(),
			     attempt) >= (int)sizeof(tmp))
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
