/* SPDX-License-Identifier: MIT */
#include "joining.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "diag.h"
#include "instance.h"
#include "paths.h"
#include "userns.h"
#include "util.h"

static const char *const join_words[] = {
	[JOIN_USERNS] = "--userns",
	[JOIN_PODMAN] = "--podman",
	[JOIN_DOCKER] = "--docker",
};

bool join_option(struct join_request *j, int c, const char *arg, const char *cmd)
{
	enum join_how how = c == OPT_USERNS   ? JOIN_USERNS
			    : c == OPT_PODMAN ? JOIN_PODMAN
			    : c == OPT_DOCKER ? JOIN_DOCKER
					      : JOIN_NONE;
	unsigned long pid;

	if (how == JOIN_NONE)
		return false;
	if (j->how != JOIN_NONE && j->how != how)
		die_usage("%s: %s and %s exclude each other (one user namespace at a time)", cmd,
			  join_words[j->how], join_words[how]);
	j->how = how;
	if (how == JOIN_USERNS) {
		/* The kernel's limit for pid_max (PID_MAX_LIMIT, 2^22). */
		if (parse_uint(arg, 4194304, &pid) < 0 || pid == 0)
			die_usage("%s: --userns needs a process id, not '%s'", cmd, arg);
		j->pid = (long)pid;
	}
	return true;
}

/* The user's runtime directory, as the engines find it: for messages. */
static const char *runtime_dir(unsigned long uid, char *buf, size_t size)
{
	const char *run = getenv("XDG_RUNTIME_DIR");

	if (run && *run)
		return run;
	snprintf(buf, size, "/run/user/%lu", uid);
	return buf;
}

/* `podman unshare true`: starts podman's pause process if it is not running. */
static void start_podman(const char *cmd)
{
	char path[4096];
	int status;
	pid_t child;

	if (find_program("podman", getenv("PATH"), path, sizeof(path)) < 0)
		die(EXIT_FAIL, "%s --podman: podman is not installed (apt-get install podman)",
		    cmd);
	fflush(NULL);
	child = fork();
	if (child < 0)
		die_errno(EXIT_FAIL, "%s --podman: cannot run podman", cmd);
	if (child == 0) {
		execl(path, "podman", "unshare", "true", (char *)NULL);
		_exit(127);
	}
	while (waitpid(child, &status, 0) < 0)
		if (errno != EINTR)
			die_errno(EXIT_FAIL, "%s --podman: cannot wait for podman", cmd);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		die(EXIT_FAIL,
		    "%s --podman: 'podman unshare true' failed (exit status %d), so podman has no "
		    "user namespace to register in; see its message above",
		    cmd, WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
}

/* The process whose namespaces --podman or --docker means, or exit saying why there is none. */
static long engine_process(const struct join_request *j, const char *cmd, bool start)
{
	/* The user's, also from inside one of its namespaces (podman unshare qus ...). */
	unsigned long uid = instance_owner_uid();
	char buf[64];
	const char *run = runtime_dir(uid, buf, sizeof(buf));
	long pid, dockerd;

	if (j->how == JOIN_DOCKER) {
		pid = instance_docker_keeper(uid, &dockerd);
		if (pid < 0)
			die(EXIT_FAIL,
			    "%s --docker: no rootless dockerd runs for uid %lu (neither %s/%s nor "
			    "%s/%s names a running process); start it ('systemctl --user start "
			    "docker', or dockerd-rootless.sh), then run this again",
			    cmd, uid, run, DOCKER_ROOTLESSKIT_CHILD, run, DOCKER_PID_FILE);
		return pid;
	}
	pid = instance_podman_pause(uid);
	if (pid > 0 || !start) {
		if (pid < 0)
			die(EXIT_FAIL,
			    "%s --podman: rootless podman's pause process does not run (no %s/%s), "
			    "so nothing is registered for it ('qus register --podman' starts it)",
			    cmd, run, PODMAN_PAUSE_PID);
		return pid;
	}
	start_podman(cmd);
	pid = instance_podman_pause(uid);
	if (pid < 0)
		die(EXIT_FAIL,
		    "%s --podman: podman's pause process is not where podman 4 keeps it (%s/%s); "
		    "run 'podman unshare qus %s' instead",
		    cmd, run, PODMAN_PAUSE_PID, cmd);
	return pid;
}

void join_or_die(struct qus_ctx *ctx, const struct join_request *j, const char *cmd, bool start)
{
	const char *how = join_words[j->how];
	struct userns_join_info info;
	long pid;
	int r;

	if (j->how == JOIN_NONE)
		return;
	if ((j->how == JOIN_PODMAN || j->how == JOIN_DOCKER) && getuid() == 0 &&
	    instance_userns_is_initial())
		die_usage("%s %s is for a user's rootless %s; as root, 'qus %s' works on the whole "
			  "machine, root's %s included",
			  cmd, how, j->how == JOIN_PODMAN ? "podman" : "Docker", cmd,
			  j->how == JOIN_PODMAN ? "podman" : "Docker");
	pid = j->how == JOIN_USERNS ? j->pid : engine_process(j, cmd, start);
	if (instance_userns_is_initial() && instance_pid_in_initial(pid))
		die(EXIT_FAIL,
		    "%s %s: process %ld runs in the initial user namespace, the host's; give one "
		    "in a user namespace below it (rootless podman's pause process, rootless "
		    "dockerd), or, as root, run 'qus %s'",
		    cmd, how, pid, cmd);
	r = userns_join(pid, &info);
	if (r == -ESRCH)
		die(EXIT_FAIL, "%s %s: no process %ld", cmd, how, pid);
	if (r < 0 && info.stage == USERNS_JOIN_OPEN && info.proc_uid >= 0 &&
	    info.proc_uid != (long)geteuid())
		die(EXIT_FAIL,
		    "%s %s: process %ld is not yours (uid %ld's); give one in a user namespace "
		    "you own (rootless podman's pause process, rootless dockerd)",
		    cmd, how, pid, info.proc_uid);
	if (r < 0 && info.stage == USERNS_JOIN_USER && info.owner_uid >= 0 &&
	    info.owner_uid != (long)geteuid())
		die(EXIT_FAIL,
		    "%s %s: the user namespace of process %ld is not yours (uid %ld made it); "
		    "only its owner, or root, may join it",
		    cmd, how, pid, info.owner_uid);
	if (r < 0)
		die(EXIT_FAIL, "%s %s: cannot join the %s namespace of process %ld: %s", cmd, how,
		    info.stage == USERNS_JOIN_MOUNT ? "mount" : "user", pid, strerror(-r));
	ctx->joined = pid;
}
