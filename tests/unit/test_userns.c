/* SPDX-License-Identifier: MIT */
/*
 * Joining a user namespace and its mount namespace (userns_join), and
 * what instance_describe then says: the engines are found by their pid
 * files under $XDG_RUNTIME_DIR, a process of this test standing in for
 * podman's pause process and for rootless Docker's rootlesskit child.
 * Needs unprivileged user namespaces; skipped where there are none.
 */
#include "unit.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "instance.h"
#include "userns.h"

/* A child in a user and mount namespace of its own, waiting to be killed; -1 if none. */
static pid_t namespaced_child(void)
{
	int fds[2];
	char c = 0;
	pid_t pid;

	if (pipe(fds) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		close(fds[0]);
		c = userns_enter_single() == 0 ? 'y' : 'n';
		if (write(fds[1], &c, 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	close(fds[1]);
	if (pid < 0 || read(fds[0], &c, 1) != 1 || c != 'y') {
		if (pid > 0) {
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
		}
		pid = -1;
	}
	close(fds[0]);
	return pid;
}

static void reap(pid_t pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

static bool same_link(const char *a, const char *b)
{
	char x[64], y[64];
	ssize_t n = readlink(a, x, sizeof(x) - 1), m = readlink(b, y, sizeof(y) - 1);

	if (n <= 0 || m <= 0)
		return false;
	x[n] = y[m] = '\0';
	return strcmp(x, y) == 0;
}

/* Run @fn(@arg) in a forked process (joining changes it for good): its exit status. */
static int in_child(int (*fn)(pid_t), pid_t arg)
{
	int status;
	pid_t pid = fork();

	if (pid == 0)
		_exit(fn(arg));
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static void test_no_process(void **state)
{
	struct userns_join_info info;
	pid_t gone = fork();

	(void)state;
	if (gone == 0)
		_exit(0);
	waitpid(gone, NULL, 0);
	assert_int_equal(userns_join(gone, &info), -ESRCH);
	assert_int_equal(info.stage, USERNS_JOIN_FIND);
}

static int join_self(pid_t self)
{
	struct userns_join_info info;

	if (userns_join(self, &info) != 0 || !info.same_userns)
		return 1;
	return 0;
}

static void test_own_namespace(void **state)
{
	(void)state;
	/* Its own namespaces: nothing to do, and said (no EINVAL from the kernel). */
	assert_int_equal(in_child(join_self, getpid()), 0);
}

static int join_other(pid_t target)
{
	char user[64], mnt[64];
	struct userns_join_info info;
	long uid = (long)geteuid();

	if (userns_join(target, &info) != 0 || info.same_userns)
		return 1;
	snprintf(user, sizeof(user), "/proc/%ld/ns/user", (long)target);
	snprintf(mnt, sizeof(mnt), "/proc/%ld/ns/mnt", (long)target);
	if (!same_link("/proc/self/ns/user", user) || !same_link("/proc/self/ns/mnt", mnt))
		return 2;
	/* Its owner: this test's uid, now root of the namespace joined. */
	if (info.owner_uid != uid || getuid() != 0)
		return 3;
	/* The working directory's path is kept (it exists in the joined namespace too). */
	if (access(".", F_OK) < 0)
		return 4;
	return 0;
}

static void test_join(void **state)
{
	pid_t target = namespaced_child();

	(void)state;
	if (target < 0)
		skip(); /* no unprivileged user namespaces here */
	assert_int_equal(in_child(join_other, target), 0);
	reap(target);
}

static char *runtime;

static void write_pid(const char *rel, long pid)
{
	char path[4096], dir[4200], text[32];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", runtime, rel);
	snprintf(dir, sizeof(dir), "mkdir -p \"$(dirname '%s')\"", path);
	assert_int_equal(system(dir), 0);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	assert_true(fd >= 0);
	snprintf(text, sizeof(text), "%ld\n", pid);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

static long dockerd_stand_in;

static int describe_docker(pid_t target)
{
	struct instance_info in;
	struct userns_join_info info;
	unsigned long uid = (unsigned long)geteuid();

	if (userns_join(target, &info) != 0)
		return 1;
	instance_describe(&in);
	if (in.kind != INSTANCE_DOCKER || in.rootlesskit_pid != target ||
	    in.dockerd_pid != dockerd_stand_in || in.owner_uid != uid || in.pause_pid != -1)
		return 2;
	return 0;
}

static int describe_podman(pid_t target)
{
	struct instance_info in;
	struct userns_join_info info;

	if (userns_join(target, &info) != 0)
		return 1;
	instance_describe(&in);
	return in.kind == INSTANCE_PODMAN && in.pause_pid == target && in.rootlesskit_pid == -1 ? 0
												: 2;
}

static int describe_other(pid_t target)
{
	struct instance_info in;
	struct userns_join_info info;

	if (userns_join(target, &info) != 0)
		return 1;
	instance_describe(&in);
	return in.kind == INSTANCE_NAMESPACE || in.kind == INSTANCE_CONTAINER ? 0 : 2;
}

static void test_engines(void **state)
{
	pid_t target = namespaced_child();
	long found, dockerd;

	(void)state;
	if (target < 0)
		skip();
	runtime = make_tmpdir();
	assert_non_null(runtime);
	setenv("XDG_RUNTIME_DIR", runtime, 1);
	/* Nothing there: no engine, and the namespace is just another one. */
	assert_int_equal(instance_podman_pause(geteuid()), -1);
	assert_int_equal(instance_docker_keeper(geteuid(), &dockerd), -1);
	assert_int_equal(in_child(describe_other, target), 0);

	/* Rootless Docker: rootlesskit's child, and dockerd (here: this test process). */
	dockerd_stand_in = getpid();
	write_pid("dockerd-rootless/child_pid", target);
	write_pid("docker.pid", dockerd_stand_in);
	found = instance_docker_keeper(geteuid(), &dockerd);
	assert_int_equal(found, target);
	assert_int_equal(dockerd, dockerd_stand_in);
	assert_int_equal(in_child(describe_docker, target), 0);
	/* Another --state-dir: dockerd's pid file alone names the namespaces. */
	write_pid("dockerd-rootless/child_pid", 999999999);
	write_pid("docker.pid", target);
	assert_int_equal(instance_docker_keeper(geteuid(), &dockerd), target);
	assert_int_equal(dockerd, target);

	/* Rootless podman's pause process. */
	remove_tmpdir(runtime);
	runtime = make_tmpdir();
	assert_non_null(runtime);
	setenv("XDG_RUNTIME_DIR", runtime, 1);
	write_pid("libpod/tmp/pause.pid", target);
	assert_int_equal(instance_podman_pause(geteuid()), target);
	assert_int_equal(in_child(describe_podman, target), 0);

	unsetenv("XDG_RUNTIME_DIR");
	remove_tmpdir(runtime);
	reap(target);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_process),
		cmocka_unit_test(test_own_namespace),
		cmocka_unit_test(test_join),
		cmocka_unit_test(test_engines),
	};
	return qus_run_tests("userns", tests, ARRAY_SIZE(tests));
}
