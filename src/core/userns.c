/* SPDX-License-Identifier: MIT */
#include "userns.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util.h"

/* What the helper reports back: the kinds it applied, or why it could not. */
struct helper_report {
	struct idmap uid, gid;
	int err; /* 0, or -errno of a map that could not be written at all */
};

static int write_proc(pid_t pid, const char *file, const char *text)
{
	char path[64];
	_cleanup_close_ int fd = -1;
	size_t len = strlen(text);

	snprintf(path, sizeof(path), "/proc/%ld/%s", (long)pid, file);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	/* The kernel takes a map in one write() only. */
	if (write(fd, text, len) != (ssize_t)len)
		return -errno;
	return 0;
}

static int run_helper(const struct idmap *m, const char *helper, pid_t pid)
{
	struct idmap_argv args;
	int status;
	pid_t child;

	if (!helper || idmap_helper_argv(m, helper, pid, &args) < 0)
		return -1;
	child = fork();
	if (child < 0)
		return -1;
	if (child == 0) {
		execv(helper, args.argv);
		_exit(127);
	}
	while (waitpid(child, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

/*
 * One map (uid_map or gid_map) of @pid.  A single-id gid map needs
 * setgroups denied first: otherwise the one group could be dropped with
 * setgroups(2) to escape a negative permission (CVE-2014-8989).
 */
static int apply_map(struct idmap *m, pid_t pid, const char *file, const char *helper,
		     unsigned long self, bool is_gid)
{
	char text[IDMAP_MAX_EXTENTS * 40];

	if (m->kind == IDMAP_SUBIDS) {
		if (run_helper(m, helper, pid) == 0)
			return 0;
		idmap_single(self, SINGLE_HELPER_FAILED, m);
	}
	if (m->kind == IDMAP_IDENTITY) {
		if (idmap_format(m, text, sizeof(text)) == 0 && write_proc(pid, file, text) == 0)
			return 0;
		idmap_single(self, SINGLE_HELPER_FAILED, m);
	}
	if (is_gid) {
		int r = write_proc(pid, "setgroups", "deny");

		if (r < 0)
			return r;
	}
	if (idmap_format(m, text, sizeof(text)) < 0)
		return -ENOSPC;
	return write_proc(pid, file, text);
}

/*
 * A new mount namespace starts as a copy whose mounts may still share
 * propagation with the host's: make them private before mounting anything,
 * or the mounts would appear on the host.  The kernel ignores source and
 * type here; "none" rather than NULL keeps checkers such as valgrind quiet.
 */
static int make_private(void)
{
	return mount("none", "/", "none", MS_REC | MS_PRIVATE, NULL) < 0 ? -errno : 0;
}

/*
 * Returns the helper's exit status rather than calling _exit: it runs on
 * a stack of its own, and returning to clone's wrapper, which ends the
 * process, keeps sanitizers from unwinding into the wrong stack.
 */
static int helper_main(int go, int report, pid_t parent, struct userns_request *req)
{
	struct helper_report rep;
	char c;

	/* Die with the parent: never write maps into a process that is gone. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	/* An ignored SIGCHLD (inherited from the caller) would make waitpid fail. */
	signal(SIGCHLD, SIG_DFL);
	if (getppid() != parent || read(go, &c, 1) != 1)
		return 0; /* the parent did not unshare */
	memset(&rep, 0, sizeof(rep));
	rep.uid = req->uid;
	rep.gid = req->gid;
	rep.err = apply_map(&rep.uid, parent, "uid_map", req->newuidmap, req->self_uid, false);
	if (rep.err == 0)
		rep.err =
			apply_map(&rep.gid, parent, "gid_map", req->newgidmap, req->self_gid, true);
	return write(report, &rep, sizeof(rep)) == (ssize_t)sizeof(rep) ? 0 : 1;
}

struct helper_args {
	int go, go_w, report_r, report;
	pid_t parent;
	struct userns_request *req;
};

static int helper_entry(void *p)
{
	struct helper_args *a = p;

	/* Or a parent that closes its end would never give the helper end of file. */
	close(a->go_w);
	close(a->report_r);
	return helper_main(a->go, a->report, a->parent, a->req);
}

/*
 * The helper's stack.  It shares qus's memory (CLONE_VM): no page tables to
 * copy or tear down, which on a virtual machine is most of what a fork
 * costs (0.6-1 ms measured here, against 0.05 ms).  Sharing is safe because
 * qus only makes system calls (unshare, write, read, wait) while the
 * helper runs, so no library state is used by both at once; the helper's
 * file descriptors and signal dispositions are its own (no CLONE_FILES,
 * CLONE_SIGHAND).  A process with such a sibling may still unshare a user
 * namespace: only threads of its own group forbid that.
 */
static char helper_stack[256 * 1024] __attribute__((aligned(64)));

int userns_enter(struct userns_request *req, enum userns_stage *stage)
{
	_cleanup_close_ int go_r = -1, go_w = -1, rep_r = -1, rep_w = -1;
	struct helper_report rep;
	struct helper_args args;
	int fds[2], status, r = 0;
	pid_t parent = getpid(), helper;
	long n;

	*stage = USERNS_UNSHARE;
	if (pipe2(fds, O_CLOEXEC) < 0)
		return -errno;
	go_r = fds[0];
	go_w = fds[1];
	if (pipe2(fds, O_CLOEXEC) < 0)
		return -errno;
	rep_r = fds[0];
	rep_w = fds[1];
	/* In this frame, which outlives the helper (it is reaped below). */
	args = (struct helper_args){ go_r, go_w, rep_r, rep_w, parent, req };
	helper =
		clone(helper_entry, helper_stack + sizeof(helper_stack), CLONE_VM | SIGCHLD, &args);
	if (helper < 0)
		return -errno;
	close(steal_fd(&go_r));
	close(steal_fd(&rep_w));

	if (unshare(CLONE_NEWUSER | CLONE_NEWNS) < 0) {
		r = -errno;
		close(steal_fd(&go_w)); /* the helper reads end of file and leaves */
		waitpid(helper, &status, 0);
		return r;
	}
	*stage = USERNS_MAP;
	if (write(go_w, "", 1) != 1)
		r = -errno;
	n = r ? 0 : read_full(rep_r, &rep, sizeof(rep));
	while (waitpid(helper, &status, 0) < 0 && errno == EINTR)
		;
	if (r)
		return r;
	if (n != (long)sizeof(rep))
		return n < 0 ? (int)n : -ECHILD;
	req->uid = rep.uid;
	req->gid = rep.gid;
	if (rep.err)
		return rep.err;

	*stage = USERNS_PROPAGATION;
	return make_private();
}

int userns_enter_single(void)
{
	unsigned long uid = geteuid(), gid = getegid(); /* before unshare: after it, 65534 */
	struct idmap m;
	pid_t self = getpid();
	int r;

	if (unshare(CLONE_NEWUSER | CLONE_NEWNS) < 0)
		return -errno;
	/* Its own one id needs no helper: the kernel lets a process write that itself. */
	idmap_single(uid, SINGLE_NOT_NEEDED, &m);
	r = apply_map(&m, self, "uid_map", NULL, uid, false);
	if (r == 0) {
		idmap_single(gid, SINGLE_NOT_NEEDED, &m);
		r = apply_map(&m, self, "gid_map", NULL, gid, true);
	}
	return r < 0 ? r : make_private();
}

/* The owner of a user namespace (linux/nsfs.h, Linux 4.11; musl ships no linux/ headers). */
#define NS_GET_OWNER_UID_ _IO(0xb7, 0x4)

/* Whether two namespace files are the same namespace (the inode of nsfs). */
static bool same_ns(int fd, const char *self)
{
	struct stat a, b;

	return fstat(fd, &a) == 0 && stat(self, &b) == 0 && a.st_dev == b.st_dev &&
	       a.st_ino == b.st_ino;
}

int userns_join(long pid, struct userns_join_info *info)
{
	char path[32], cwd[4096];
	_cleanup_close_ int dir = -1, user = -1, mnt = -1;
	struct stat st;
	uid_t owner;
	bool have_cwd = getcwd(cwd, sizeof(cwd)) != NULL;

	memset(info, 0, sizeof(*info));
	info->proc_uid = info->owner_uid = -1;
	info->stage = USERNS_JOIN_FIND;
	/* One directory for both namespaces: a pid reused meanwhile fails, not misleads. */
	snprintf(path, sizeof(path), "/proc/%ld", pid);
	dir = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dir < 0)
		return errno == ENOENT ? -ESRCH : -errno;
	if (fstat(dir, &st) == 0)
		info->proc_uid = (long)st.st_uid;
	info->stage = USERNS_JOIN_OPEN;
	user = openat(dir, "ns/user", O_RDONLY | O_CLOEXEC);
	if (user < 0)
		return -errno;
	mnt = openat(dir, "ns/mnt", O_RDONLY | O_CLOEXEC);
	if (mnt < 0)
		return -errno;
	if (ioctl(user, NS_GET_OWNER_UID_, &owner) == 0)
		info->owner_uid = (long)owner;
	info->same_userns = same_ns(user, "/proc/self/ns/user");
	/* Re-entering one's own user namespace is an error (EINVAL) to the kernel. */
	info->stage = USERNS_JOIN_USER;
	if (!info->same_userns && setns(user, CLONE_NEWUSER) < 0)
		return -errno;
	info->stage = USERNS_JOIN_MOUNT;
	if (!same_ns(mnt, "/proc/self/ns/mnt") && setns(mnt, CLONE_NEWNS) < 0)
		return -errno;
	/* Joining a mount namespace moves the root and working directory to its root. */
	if (have_cwd && chdir(cwd) < 0 && chdir("/") < 0)
		return -errno;
	return 0;
}
