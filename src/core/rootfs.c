/* SPDX-License-Identifier: MIT */
#include "rootfs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util.h"

/* openat2(2)'s argument and flags (linux/openat2.h, which musl does not ship). */
struct open_how_v0 {
	uint64_t flags, mode, resolve;
};
#define RESOLVE_NO_MAGICLINKS_ 0x02
#define RESOLVE_IN_ROOT_       0x10

enum mount_point { MP_DIR, MP_FILE };

struct rootfs_mount {
	const char *target; /* inside the root */
	const char *source; /* a host path to bind, or the file system type's name */
	const char *fstype; /* NULL: bind @source */
	unsigned long flags;
	const char *data;
	enum mount_point kind;
	bool optional; /* skip, with a note, what cannot be set up */
	bool read_only;
};

/*
 * In table order.  /proc, /sys and /dev are the host's, bound recursively:
 * a new proc or sysfs would need new PID and network namespaces, and a PID
 * namespace would make the command PID 1, which ignores SIGTERM and SIGINT
 * unless it handles them.  The host's /proc already carries the private
 * binfmt_misc mounted over /proc/sys/fs/binfmt_misc.  resolv.conf is bound
 * read-only: a program inside must not rewrite the host's.
 */
static const struct rootfs_mount rootfs_mounts[] = {
	{ "proc", "/proc", NULL, MS_BIND | MS_REC, NULL, MP_DIR, false, false },
	{ "sys", "/sys", NULL, MS_BIND | MS_REC, NULL, MP_DIR, false, false },
	{ "dev", "/dev", NULL, MS_BIND | MS_REC, NULL, MP_DIR, false, false },
	{ "tmp", "tmpfs", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777", MP_DIR, false, false },
	{ "etc/resolv.conf", "/etc/resolv.conf", NULL, MS_BIND, NULL, MP_FILE, true, true },
};

/* Open @path below @root as if @root were "/", following links inside it only. */
static int open_in_root(int root, const char *path, int flags)
{
	struct open_how_v0 how = {
		.flags = (uint64_t)(flags | O_CLOEXEC),
		.resolve = RESOLVE_IN_ROOT_ | RESOLVE_NO_MAGICLINKS_,
	};
	long fd = syscall(SYS_openat2, root, path, &how, sizeof(how));

	return fd < 0 ? -errno : (int)fd;
}

/* Create the missing mount point @m->target: an empty directory or file. */
static int create_mount_point(int root, const struct rootfs_mount *m)
{
	char parent[64];
	const char *slash = strrchr(m->target, '/'), *base = slash ? slash + 1 : m->target;
	_cleanup_close_ int dir = -1;
	int fd;

	snprintf(parent, sizeof(parent), "%.*s", slash ? (int)(slash - m->target) : 1,
		 slash ? m->target : ".");
	dir = open_in_root(root, parent, O_PATH | O_DIRECTORY);
	if (dir < 0)
		return dir;
	if (m->kind == MP_DIR)
		return mkdirat(dir, base, 0755) < 0 && errno != EEXIST ? -errno : 0;
	/* O_EXCL|O_NOFOLLOW: a dangling link stays as it is (EEXIST). */
	fd = openat(dir, base, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

static int open_mount_point(int root, const struct rootfs_mount *m)
{
	struct stat st;
	int fd = open_in_root(root, m->target, O_PATH);

	if (fd == -ENOENT) {
		int r = create_mount_point(root, m);

		if (r < 0)
			return r;
		fd = open_in_root(root, m->target, O_PATH);
	}
	if (fd < 0)
		return fd;
	if (fstat(fd, &st) < 0 || (m->kind == MP_DIR) != !!S_ISDIR(st.st_mode)) {
		close(fd);
		return m->kind == MP_DIR ? -ENOTDIR : -EISDIR;
	}
	return fd;
}

/*
 * A read-only bind is a bind, then a remount.  In a user namespace the
 * remount must keep the flags the source mount has (nosuid, nodev, noexec
 * are locked), or the kernel refuses it.
 */
static int remount_read_only(const char *source, const char *target)
{
	unsigned long flags = MS_BIND | MS_REMOUNT | MS_RDONLY;
	struct statvfs sv;

	if (statvfs(source, &sv) < 0)
		return -errno;
	if (sv.f_flag & ST_NOSUID)
		flags |= MS_NOSUID;
	if (sv.f_flag & ST_NODEV)
		flags |= MS_NODEV;
	if (sv.f_flag & ST_NOEXEC)
		flags |= MS_NOEXEC;
	return mount("none", target, "none", flags, NULL) < 0 ? -errno : 0;
}

static int mount_one(int root, const struct rootfs_mount *m)
{
	char target[64];
	_cleanup_close_ int fd = -1, top = -1;

	if (m->optional && !m->fstype && access(m->source, F_OK) < 0)
		return -errno;
	fd = open_mount_point(root, m);
	if (fd < 0)
		return fd;
	/* The mount goes onto what fd names, found inside the root, never a host path. */
	snprintf(target, sizeof(target), "/proc/self/fd/%d", fd);
	if (mount(m->source, target, m->fstype ? m->fstype : "none", m->flags, m->data) < 0)
		return -errno;
	if (!m->read_only)
		return 0;
	/* fd still names what is under the new mount: the remount needs the mount itself. */
	top = open_in_root(root, m->target, O_PATH);
	if (top < 0)
		return top;
	snprintf(target, sizeof(target), "/proc/self/fd/%d", top);
	return remount_read_only(m->source, target);
}

/*
 * pivot_root rather than chroot: a chrooted process may not create user
 * namespaces (so nested `qus run` or rootless podman inside would fail),
 * and the old root is detached, not merely out of reach.
 */
static int change_root(int root)
{
	if (fchdir(root) < 0)
		return -errno;
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		return -errno;
	/* The old root is now stacked on the new one: detach it. */
	if (umount2(".", MNT_DETACH) < 0)
		return -errno;
	return chdir("/") < 0 ? -errno : 0;
}

int rootfs_enter(const char *dir, const char *cwd, struct rootfs_report *report)
{
	_cleanup_close_ int root = -1;
	char real[4096];
	int r;

	memset(report, 0, sizeof(*report));
	report->failed_path = dir;
	if (!realpath(dir, real))
		return -errno;
	/* pivot_root needs a mount point: bind the directory onto itself. */
	if (mount(real, real, "none", MS_BIND | MS_REC, NULL) < 0)
		return -errno;
	/* Opened after the bind, so the mounts below go into the new mount. */
	root = open(real, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		return -errno;
	for (size_t i = 0; i < ARRAY_SIZE(rootfs_mounts); i++) {
		const struct rootfs_mount *m = &rootfs_mounts[i];

		r = mount_one(root, m);
		if (r == 0)
			continue;
		if (!m->optional) {
			report->failed_path = m->target;
			return r;
		}
		if (report->nskipped < ROOTFS_MAX_SKIPPED) {
			report->skipped[report->nskipped].path = m->target;
			report->skipped[report->nskipped].err = r;
			report->nskipped++;
		}
	}
	report->failed_path = "/";
	r = change_root(root);
	if (r < 0)
		return r;
	report->failed_path = NULL;
	if (chdir(cwd) < 0 && chdir("/") < 0)
		return -errno;
	return 0;
}

int rootfs_inner_path(const char *root, const char *cwd, char *out, size_t size)
{
	size_t n = strlen(root);
	const char *rest;

	while (n > 0 && root[n - 1] == '/')
		n--; /* "/" itself, or a trailing slash */
	if (strncmp(cwd, root, n) != 0 || (cwd[n] != '/' && cwd[n] != '\0'))
		rest = "/";
	else
		rest = cwd[n] ? cwd + n : "/";
	if (strlen(rest) >= size)
		return -ENAMETOOLONG;
	strcpy(out, rest);
	return 0;
}
