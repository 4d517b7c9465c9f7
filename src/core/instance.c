/* SPDX-License-Identifier: MIT */
#include "instance.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

bool instance_userns_is_initial(void)
{
	char buf[256];
	unsigned long inside, outside, count;

	/* The initial namespace maps all 2^32 - 1 ids onto themselves. */
	if (read_small_file_at(AT_FDCWD, "/proc/self/uid_map", buf, sizeof(buf)) < 0 ||
	    sscanf(buf, "%lu %lu %lu", &inside, &outside, &count) != 3)
		return true;
	return inside == 0 && outside == 0 && count == 4294967295ul;
}

bool instance_in_container(void)
{
	return getpid() == 1 || access("/run/.containerenv", F_OK) == 0;
}

/* The uid outside that this namespace's root is: uid_map's line for 0. */
static unsigned long owner_uid(void)
{
	char buf[256];
	unsigned long inside, outside, count;

	if (read_small_file_at(AT_FDCWD, "/proc/self/uid_map", buf, sizeof(buf)) < 0 ||
	    sscanf(buf, "%lu %lu %lu", &inside, &outside, &count) != 3 || inside != 0)
		return (unsigned long)getuid();
	return outside;
}

/*
 * The pause process of the rootless podman of uid @uid, if this process
 * shares its mount namespace: podman keeps its user and mount namespaces
 * alive with it, and `podman unshare` joins them
 * ($XDG_RUNTIME_DIR/libpod/tmp/pause.pid).
 */
static long podman_pause(unsigned long uid)
{
	char path[4096], buf[32], self[64], other[64], link[64];
	const char *run = getenv("XDG_RUNTIME_DIR");
	unsigned long pid;
	ssize_t n;

	if (run && *run)
		snprintf(path, sizeof(path), "%s/libpod/tmp/pause.pid", run);
	else
		snprintf(path, sizeof(path), "/run/user/%lu/libpod/tmp/pause.pid", uid);
	if (read_small_file_at(AT_FDCWD, path, buf, sizeof(buf)) < 0 ||
	    parse_uint(strtok(buf, "\n"), 4194304, &pid) < 0)
		return -1;
	n = readlink("/proc/self/ns/mnt", self, sizeof(self) - 1);
	if (n <= 0)
		return -1;
	self[n] = '\0';
	snprintf(link, sizeof(link), "/proc/%lu/ns/mnt", pid);
	n = readlink(link, other, sizeof(other) - 1);
	if (n <= 0)
		return -1;
	other[n] = '\0';
	return strcmp(self, other) ? -1 : (long)pid;
}

void instance_describe(struct instance_info *out)
{
	memset(out, 0, sizeof(*out));
	out->pause_pid = -1;
	if (instance_userns_is_initial()) {
		out->kind = INSTANCE_HOST;
		return;
	}
	out->owner_uid = owner_uid();
	out->pause_pid = podman_pause(out->owner_uid);
	if (out->pause_pid > 0)
		out->kind = INSTANCE_PODMAN;
	else if (instance_in_container())
		out->kind = INSTANCE_CONTAINER;
	else
		out->kind = INSTANCE_NAMESPACE;
}
