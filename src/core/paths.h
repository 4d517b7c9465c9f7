/* SPDX-License-Identifier: MIT */
/* Every well-known path qus uses, in one place. */
#ifndef QUS_PATHS_H
#define QUS_PATHS_H

/* Where systemd, Debian and QEMU's script mount binfmt_misc. */
#define BINFMT_DEFAULT_DIR "/proc/sys/fs/binfmt_misc"
#define BINFMT_REGISTER	   "register"
#define BINFMT_STATUS	   "status"

/*
 * A second mount of binfmt_misc that qus keeps when the first is an
 * automount that expires (automount.c): one superblock per user namespace,
 * so this one keeps the entries alive.  /run: gone at reboot, as they are.
 */
#define BINFMT_KEEP_PARENT "/run/qus"
#define BINFMT_KEEP_DIR	   BINFMT_KEEP_PARENT "/binfmt_misc"

/*
 * Where the emulators are.  The commands look for qemu-T-static, then
 * qemu-T there (emulator.c); the options-only mode keeps the seeds'
 * register.sh exactly: --qemu-path /usr/bin --qemu-suffix -static.
 */
#define QEMU_DEFAULT_DIR    "/usr/bin"
#define QEMU_DEFAULT_SUFFIX "-static"

/* Default export directories of QEMU's qemu-binfmt-conf.sh. */
#define EXPORT_SYSTEMD_DIR "/etc/binfmt.d"
#define EXPORT_DEBIAN_DIR  "/usr/share/binfmts"

/*
 * Rootless container engines, under the user's runtime directory
 * ($XDG_RUNTIME_DIR, else /run/user/UID): podman's pause process, which
 * keeps its user and mount namespaces (podman 4: the engine's tmp_dir,
 * RUNTIME/libpod/tmp); the process of rootless dockerd's rootlesskit that
 * dockerd runs in (dockerd-rootless.sh's --state-dir), and dockerd's own
 * pid file, in the same namespaces, wherever the state directory is.
 */
#define PODMAN_PAUSE_PID	 "libpod/tmp/pause.pid"
#define DOCKER_ROOTLESSKIT_CHILD "dockerd-rootless/child_pid"
#define DOCKER_PID_FILE		 "docker.pid"
/* What each engine puts in its containers. */
#define PODMAN_CONTAINERENV "/run/.containerenv"
#define DOCKER_DOCKERENV    "/.dockerenv"

/* Native programs the brick guard checks an entry against (guard.c). */
#define SELF_EXE "/proc/self/exe"
#define HOST_SH	 "/bin/sh"
#define HOST_ENV "/usr/bin/env"

#endif
