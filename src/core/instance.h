/* SPDX-License-Identifier: MIT */
/*
 * Whose binfmt_misc this process sees, and how long entries written to it
 * last.  Since Linux 6.7 every user namespace may mount binfmt_misc and get
 * an instance of its own; an exec uses the instance of the nearest user
 * namespace (itself or an ancestor) that has one, and an instance lives as
 * long as a mount of it does.  So the same `qus register` reaches the whole
 * machine from the initial user namespace, every container of a user's
 * rootless podman or rootless Docker from the user namespace the engine
 * runs them in (whose mounts its pause process, or rootlesskit, keeps), and
 * nothing beyond a container from inside a rootless one.
 */
#ifndef QUS_INSTANCE_H
#define QUS_INSTANCE_H

#include <stdbool.h>

enum instance_kind {
	INSTANCE_HOST,	    /* the initial user namespace's: the whole machine */
	INSTANCE_PODMAN,    /* rootless podman's user namespace, kept by its pause process */
	INSTANCE_DOCKER,    /* rootless dockerd's, kept by rootlesskit */
	INSTANCE_CONTAINER, /* a container's user namespace: gone when its mount goes */
	INSTANCE_NAMESPACE, /* another user namespace (unshare, qus run): while it is mounted */
};

/* Which engine made the container this process runs in, as far as it says. */
enum instance_engine { ENGINE_UNKNOWN, ENGINE_PODMAN, ENGINE_DOCKER };

struct instance_info {
	enum instance_kind kind;
	enum instance_engine engine; /* CONTAINER only */
	unsigned long owner_uid;     /* outside, the uid of this namespace's root (not HOST) */
	long pause_pid;		     /* PODMAN: the process that keeps the mount; else -1 */
	long rootlesskit_pid;	     /* DOCKER: rootlesskit's child, dockerd's parent; -1 unknown */
	long dockerd_pid;	     /* DOCKER: -1 unknown */
};

/* Whether this process is in the initial user namespace (uid_map 0 0 4294967295). */
bool instance_userns_is_initial(void);

/* Whether process @pid is (false if it cannot be told). */
bool instance_pid_in_initial(long pid);

/*
 * Whose user namespace this is: the uid outside that its root is
 * (uid_map's line for 0), or this process's own uid where there is none.
 */
unsigned long instance_owner_uid(void);

/*
 * Whether this process runs in a container: it is the init of a PID
 * namespace (podman and docker start the entrypoint as PID 1), or podman's
 * marker file is there.  Not /.dockerenv alone: machine images built from
 * docker images keep it.  A heuristic; it only decides what qus says.
 */
bool instance_in_container(void);

/*
 * In a container, the engine that made it: podman's /run/.containerenv,
 * Docker's /.dockerenv.
 */
enum instance_engine instance_container_engine(void);

/*
 * The pause process of the rootless podman of uid @uid (its pid file under
 * the runtime directory), if it runs; else -1.
 */
long instance_podman_pause(unsigned long uid);

/*
 * The rootless dockerd of uid @uid, if it runs: returns the process whose
 * namespaces it runs in, rootlesskit's child (from its state directory),
 * or dockerd itself where that is not found (dockerd-rootless.sh given
 * another --state-dir); -1 if neither runs.  *@dockerd: dockerd's pid, -1
 * unknown.
 */
long instance_docker_keeper(unsigned long uid, long *dockerd);

/*
 * The process whose end ends the instance @in describes (podman's pause
 * process, rootlesskit's child or else dockerd), or -1 where none does.
 */
long instance_kept_by(const struct instance_info *in);

/* Where this process's registrations go (see above).  Never fails: HOST when unsure. */
void instance_describe(struct instance_info *out);

#endif
