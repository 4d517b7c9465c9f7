/* SPDX-License-Identifier: MIT */
/*
 * Whose binfmt_misc this process sees, and how long entries written to it
 * last.  Since Linux 6.7 every user namespace may mount binfmt_misc and get
 * an instance of its own; an exec uses the instance of the nearest user
 * namespace (itself or an ancestor) that has one, and an instance lives as
 * long as a mount of it does.  So the same `qus register` reaches the whole
 * machine from the initial user namespace, every container of a user's
 * rootless podman from its user namespace (whose mounts its pause process
 * keeps), and nothing beyond a container from inside a rootless one.
 */
#ifndef QUS_INSTANCE_H
#define QUS_INSTANCE_H

#include <stdbool.h>

enum instance_kind {
	INSTANCE_HOST,	    /* the initial user namespace's: the whole machine */
	INSTANCE_PODMAN,    /* rootless podman's user namespace, kept by its pause process */
	INSTANCE_CONTAINER, /* a container's user namespace: gone when its mount goes */
	INSTANCE_NAMESPACE, /* another user namespace (unshare, qus run): while it is mounted */
};

struct instance_info {
	enum instance_kind kind;
	unsigned long owner_uid; /* outside, the uid of this namespace's root (not HOST) */
	long pause_pid;		 /* PODMAN: the process that keeps the mount */
};

/* Whether this process is in the initial user namespace (uid_map 0 0 4294967295). */
bool instance_userns_is_initial(void);

/*
 * Whether this process runs in a container: it is the init of a PID
 * namespace (podman and docker start the entrypoint as PID 1), or podman's
 * marker file is there.  Not /.dockerenv: machine images built from docker
 * images keep it.  A heuristic; it only decides what qus says.
 */
bool instance_in_container(void);

/* Where this process's registrations go (see above).  Never fails: HOST when unsure. */
void instance_describe(struct instance_info *out);

#endif
