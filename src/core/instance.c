/* SPDX-License-Identifier: MIT */
#include "instance.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "paths.h"
#include "util.h"

/* Whether @uid_map is the initial namespace's: all 2^32 - 1 ids onto themselves. */
static int map_is_initial(const char *uid_map)
{
	char buf[256];
	unsigned long inside, outside, count;

	if (read_small_file_at(AT_FDCWD, uid_map, buf, sizeof(buf)) < 0 ||
	    sscanf(buf, "%lu %lu %lu", &inside, &outside, &count) != 3)
		return -1;
	return inside == 0 && outside == 0 && count == 4294967295ul;
}

bool instance_userns_is_initial(void)
{
	return map_is_initial("/proc/self/uid_map") != 0;
}

bool instance_pid_in_initial(long pid)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%ld/uid_map", pid);
	return map_is_initial(path) == 1;
}

bool instance_in_container(void)
{
	return getpid() == 1 || access(PODMAN_CONTAINERENV, F_OK) == 0;
}

enum instance_engine instance_container_engine(void)
{
	if (access(PODMAN_CONTAINERENV, F_OK) == 0)
		return ENGINE_PODMAN;
	if (access(DOCKER_DOCKERENV, F_OK) == 0)
		return ENGINE_DOCKER;
	return ENGINE_UNKNOWN;
}

unsigned long instance_owner_uid(void)
{
	char buf[256];
	unsigned long inside, outside, count;

	/* The initial namespace's line "0 0 4294967295" names no owner: the caller is. */
	if (read_small_file_at(AT_FDCWD, "/proc/self/uid_map", buf, sizeof(buf)) < 0 ||
	    sscanf(buf, "%lu %lu %lu", &inside, &outside, &count) != 3 || inside != 0 ||
	    count == 4294967295ul)
		return (unsigned long)getuid();
	return outside;
}

/*
 * The process named by the pid file @name under uid @uid's runtime
 * directory ($XDG_RUNTIME_DIR, where the engines write them; else
 * /run/user/UID), if it runs: else -1.
 */
static long pid_from_file(unsigned long uid, const char *name)
{
	char path[4096], buf[32], proc[32];
	const char *run = getenv("XDG_RUNTIME_DIR");
	unsigned long pid;

	if (run && *run)
		snprintf(path, sizeof(path), "%s/%s", run, name);
	else
		snprintf(path, sizeof(path), "/run/user/%lu/%s", uid, name);
	if (read_small_file_at(AT_FDCWD, path, buf, sizeof(buf)) < 0 ||
	    parse_uint(strtok(buf, "\n"), 4194304, &pid) < 0 || pid == 0)
		return -1;
	snprintf(proc, sizeof(proc), "/proc/%lu", pid);
	return access(proc, F_OK) == 0 ? (long)pid : -1;
}

long instance_podman_pause(unsigned long uid)
{
	return pid_from_file(uid, PODMAN_PAUSE_PID);
}

long instance_docker_keeper(unsigned long uid, long *dockerd)
{
	long child = pid_from_file(uid, DOCKER_ROOTLESSKIT_CHILD);

	*dockerd = pid_from_file(uid, DOCKER_PID_FILE);
	return child > 0 ? child : *dockerd;
}

/* Whether process @pid is in this process's mount namespace. */
static bool shares_mounts(long pid)
{
	char self[64], other[64], link[64];
	ssize_t n;

	if (pid <= 0)
		return false;
	n = readlink("/proc/self/ns/mnt", self, sizeof(self) - 1);
	if (n <= 0)
		return false;
	self[n] = '\0';
	snprintf(link, sizeof(link), "/proc/%ld/ns/mnt", pid);
	n = readlink(link, other, sizeof(other) - 1);
	if (n <= 0)
		return false;
	other[n] = '\0';
	return strcmp(self, other) == 0;
}

void instance_describe(struct instance_info *out)
{
	long keeper;

	memset(out, 0, sizeof(*out));
	out->pause_pid = out->rootlesskit_pid = out->dockerd_pid = -1;
	if (instance_userns_is_initial()) {
		out->kind = INSTANCE_HOST;
		return;
	}
	out->owner_uid = instance_owner_uid();
	/*
	 * The engines' own namespaces, by their mount namespace: a container
	 * of rootless podman or Docker shares the engine's user namespace but
	 * has a mount namespace of its own.
	 */
	keeper = instance_podman_pause(out->owner_uid);
	if (shares_mounts(keeper)) {
		out->kind = INSTANCE_PODMAN;
		out->pause_pid = keeper;
		return;
	}
	keeper = instance_docker_keeper(out->owner_uid, &out->dockerd_pid);
	if (shares_mounts(keeper)) {
		out->kind = INSTANCE_DOCKER;
		out->rootlesskit_pid = keeper != out->dockerd_pid ? keeper : -1;
		return;
	}
	out->dockerd_pid = -1;
	if (instance_in_container()) {
		out->kind = INSTANCE_CONTAINER;
		out->engine = instance_container_engine();
	} else {
		out->kind = INSTANCE_NAMESPACE;
	}
}

long instance_kept_by(const struct instance_info *in)
{
	if (in->kind == INSTANCE_PODMAN)
		return in->pause_pid;
	if (in->kind == INSTANCE_DOCKER)
		return in->rootlesskit_pid > 0 ? in->rootlesskit_pid : in->dockerd_pid;
	return -1;
}
