/* SPDX-License-Identifier: MIT */
/*
 * automountd DIR FSTYPE SOURCE TIMEOUT: what systemd's automount unit does
 * for one directory (proc-sys-fs-binfmt_misc.automount on most systemd
 * hosts), for tests/system/automount.sh, which runs it in a virtual machine
 * whose kernel has autofs.
 *
 * DIR becomes an autofs direct mount, "systemd-1" as its source, as in a
 * systemd host's /proc/self/mountinfo.  The first process that walks into DIR
 * waits while this daemon mounts FSTYPE SOURCE on it; once nothing has used
 * that mount for TIMEOUT seconds (systemd's TimeoutIdleSec=; 0: never), the
 * daemon unmounts it again and the next use mounts it anew.  That unmount is
 * what drops every binfmt_misc entry since Linux 6.7, when the mount was the
 * last one of its superblock.
 *
 * The command returns once DIR is armed (0), or says why it could not be
 * (1; 2 for usage), leaving the daemon behind; it logs to stderr and stops
 * when the kernel closes its pipe (DIR unmounted, or made catatonic).
 *
 * The interface: the kernel's Documentation/filesystems/autofs.rst and
 * autofs-mount-control.rst, <linux/auto_fs.h>, <linux/auto_dev-ioctl.h>.
 * A test helper, not part of qus.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/auto_dev-ioctl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

struct automount {
	const char *dir, *fstype, *source;
	unsigned long timeout;
	int control; /* /dev/autofs */
	dev_t devid; /* the autofs mount's own device */
};

static void note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void note(const char *fmt, ...)
{
	char line[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	/* One write a line: the daemon shares the console with the test. */
	dprintf(STDERR_FILENO, "automountd: %s\n", line);
}

static void request_init(struct autofs_dev_ioctl *req, int ioctlfd)
{
	memset(req, 0, sizeof(*req));
	req->ver_major = AUTOFS_DEV_IOCTL_VERSION_MAJOR;
	req->ver_minor = AUTOFS_DEV_IOCTL_VERSION_MINOR;
	req->size = sizeof(*req);
	req->ioctlfd = ioctlfd;
}

/*
 * A file descriptor for the autofs mount's ioctls.  Once FSTYPE is mounted
 * on DIR, open(DIR) reaches that mount, not the autofs one under it: the
 * control device finds the autofs mount by path and device number instead.
 * Like systemd, one descriptor for each use, closed straight after, so that
 * none is left holding the autofs mount between requests.
 */
static int open_mount(const struct automount *am)
{
	size_t len = strlen(am->dir) + 1;
	struct autofs_dev_ioctl *req = malloc(sizeof(*req) + len);
	int fd = -1;

	if (!req)
		return -1;
	request_init(req, -1);
	req->size = sizeof(*req) + len;
	req->openmount.devid = (__u32)am->devid;
	memcpy(req->path, am->dir, len);
	if (ioctl(am->control, AUTOFS_DEV_IOCTL_OPENMOUNT, req) == 0)
		fd = req->ioctlfd;
	free(req);
	return fd;
}

/* Answer the kernel's request TOKEN: 0 done, else -errno (the waiter's error). */
static void answer(const struct automount *am, __u32 token, int status)
{
	unsigned long cmd = AUTOFS_DEV_IOCTL_READY;
	struct autofs_dev_ioctl req;
	int fd = open_mount(am);

	if (fd < 0) {
		note("%s: cannot open the autofs mount: %s", am->dir, strerror(errno));
		return;
	}
	request_init(&req, fd);
	if (status == 0) {
		req.ready.token = token;
	} else {
		/* Negative: systemd's automount.c warns that a positive one froze the kernel. */
		cmd = AUTOFS_DEV_IOCTL_FAIL;
		req.fail.token = token;
		req.fail.status = status;
	}
	if (ioctl(am->control, cmd, &req) < 0)
		note("%s: cannot answer request %u: %s", am->dir, token, strerror(errno));
	close(fd);
}

/*
 * Every second, ask the kernel to expire what has been idle for the timeout.
 * For a direct mount the kernel then sends an expire packet to the pipe and
 * holds this ioctl until the main loop has unmounted and answered, so it
 * runs in a thread of its own (systemd's expire_thread does the same).
 * EAGAIN: nothing to expire.
 */
static void *expire_loop(void *arg)
{
	const struct automount *am = arg;
	struct autofs_dev_ioctl req;
	int fd;

	for (;;) {
		sleep(1);
		fd = open_mount(am);
		if (fd < 0)
			return NULL; /* DIR is no longer an autofs mount */
		do {
			request_init(&req, fd);
			req.expire.how = AUTOFS_EXP_NORMAL;
		} while (ioctl(am->control, AUTOFS_DEV_IOCTL_EXPIRE, &req) == 0);
		if (errno != EAGAIN)
			note("%s: expire: %s", am->dir, strerror(errno));
		close(fd);
	}
}

/* Mount autofs on DIR; the kernel writes its requests into PIPE_WR.  0 or -errno. */
static int arm(struct automount *am, int pipe_wr)
{
	struct autofs_dev_ioctl req;
	char options[128];
	struct stat st;
	int fd, err;

	am->control = open("/dev/autofs", O_RDONLY | O_CLOEXEC);
	if (am->control < 0) {
		err = errno;
		note("cannot open /dev/autofs: %s (is autofs loaded?)", strerror(err));
		return -err;
	}
	/*
	 * pgrp: the processes the kernel never makes wait (its "oz mode"): ours,
	 * so that the daemon's own mount and unmount of DIR do not trigger it.
	 * systemd gives its own, PID 1's.
	 */
	snprintf(options, sizeof(options), "fd=%d,pgrp=%d,minproto=5,maxproto=5,direct", pipe_wr,
		 (int)getpgrp());
	if (mount("systemd-1", am->dir, "autofs", 0, options) < 0) {
		err = errno;
		note("cannot mount autofs on %s: %s", am->dir, strerror(err));
		return -err;
	}
	if (stat(am->dir, &st) < 0) {
		err = errno;
		note("%s: %s", am->dir, strerror(err));
		return -err;
	}
	am->devid = st.st_dev;
	fd = open_mount(am);
	if (fd < 0) {
		err = errno;
		note("%s: cannot open the autofs mount: %s", am->dir, strerror(err));
		return -err;
	}
	request_init(&req, fd);
	req.timeout.timeout = am->timeout;
	err = ioctl(am->control, AUTOFS_DEV_IOCTL_TIMEOUT, &req) < 0 ? errno : 0;
	if (err)
		note("%s: cannot set the timeout: %s", am->dir, strerror(err));
	close(fd);
	return -err;
}

/* What systemd does on a mount request: mount the unit, or fail the waiter. */
static int mount_request(const struct automount *am, pid_t pid)
{
	if (mount(am->source, am->dir, am->fstype, 0, NULL) < 0) {
		int err = errno;

		note("%s: cannot mount %s: %s", am->dir, am->fstype, strerror(err));
		return -err;
	}
	note("%s: mounted %s (for pid %d)", am->dir, am->fstype, (int)pid);
	return 0;
}

/* ...and on an expire request: unmount, as stopping the .mount unit does. */
static int expire_request(const struct automount *am)
{
	if (umount2(am->dir, 0) < 0) {
		int err = errno;

		note("%s: cannot unmount %s: %s", am->dir, am->fstype, strerror(err));
		return -err;
	}
	note("%s: expired, unmounted %s", am->dir, am->fstype);
	return 0;
}

static void serve(const struct automount *am, int pipe_rd)
{
	union autofs_v5_packet_union pkt;
	ssize_t n;

	/* The kernel's pipe is a packet pipe: one read, one request. */
	while ((n = read(pipe_rd, &pkt, sizeof(pkt))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			note("%s: reading requests: %s", am->dir, strerror(errno));
			return;
		}
		if ((size_t)n < sizeof(pkt.v5_packet) - sizeof(pkt.v5_packet.name)) {
			note("%s: short request (%zd bytes)", am->dir, n);
			continue;
		}
		switch (pkt.hdr.type) {
		case autofs_ptype_missing_direct:
			answer(am, pkt.v5_packet.wait_queue_token,
			       mount_request(am, (pid_t)pkt.v5_packet.pid));
			break;
		case autofs_ptype_expire_direct:
			answer(am, pkt.v5_packet.wait_queue_token, expire_request(am));
			break;
		default:
			note("%s: unexpected request type %d", am->dir, pkt.hdr.type);
			answer(am, pkt.v5_packet.wait_queue_token, -EINVAL);
		}
	}
	note("%s: the kernel closed the pipe; stopping", am->dir);
}

int main(int argc, char **argv)
{
	struct automount am = { 0 };
	int ready[2], requests[2], err = 0;
	pthread_t expirer;
	char *end;
	pid_t pid;

	if (argc != 5) {
		fprintf(stderr, "usage: automountd DIR FSTYPE SOURCE TIMEOUT_SECONDS\n");
		return 2;
	}
	am.dir = argv[1];
	am.fstype = argv[2];
	am.source = argv[3];
	errno = 0;
	am.timeout = strtoul(argv[4], &end, 10);
	if (errno || end == argv[4] || *end || argv[4][0] == '-') {
		fprintf(stderr, "automountd: '%s' is not a number of seconds\n", argv[4]);
		return 2;
	}
	if (pipe2(ready, O_CLOEXEC) < 0 || pipe2(requests, O_CLOEXEC) < 0) {
		perror("automountd: pipe");
		return 1;
	}
	pid = fork();
	if (pid < 0) {
		perror("automountd: fork");
		return 1;
	}
	if (pid > 0) {
		/* The caller goes on once DIR is armed: the child's errno, or EOF. */
		close(ready[1]);
		if (read(ready[0], &err, sizeof(err)) != (ssize_t)sizeof(err))
			err = EIO;
		return err ? 1 : 0;
	}
	close(ready[0]);
	/* A process group of our own: the one the kernel lets through (see arm). */
	if (setsid() < 0)
		err = errno;
	else
		err = -arm(&am, requests[1]);
	/* The kernel holds its own reference to the pipe's write end. */
	close(requests[1]);
	if (!err && am.timeout > 0 && (err = pthread_create(&expirer, NULL, expire_loop, &am)))
		note("cannot start the expire thread: %s", strerror(err));
	if (write(ready[1], &err, sizeof(err)) != (ssize_t)sizeof(err) || err)
		return 1;
	close(ready[1]);
	note("%s: autofs armed for %s %s, timeout %lus", am.dir, am.fstype, am.source, am.timeout);
	serve(&am, requests[0]);
	return 0;
}
