/* SPDX-License-Identifier: MIT */
#include "probe.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "paths.h"
#include "util.h"

/*
 * Where the probe is loaded: above vm.mmap_min_addr and the usual low
 * limits of every architecture, aligned for 64 KiB pages.
 */
#define PROBE_BASE  0x400000u
#define PROBE_ALIGN 0x10000u

static void put(uint8_t *p, uint64_t v, size_t n, uint8_t data)
{
	for (size_t i = 0; i < n; i++) {
		size_t shift = 8 * (data == ELFDATA2LSB ? i : n - 1 - i);

		p[i] = (uint8_t)(v >> shift);
	}
}

long probe_build(const struct qus_target *t, uint8_t *buf, size_t size)
{
	bool is64 = t->elf_class == ELFCLASS64;
	/* Field widths of the two ELF classes (System V ABI, ELF header and program header). */
	size_t ehsize = is64 ? 64 : 52, phsize = is64 ? 56 : 32, word = is64 ? 8 : 4;
	size_t code = ehsize + phsize, total = code + t->probe_len;
	uint8_t d = t->elf_data, *ph = buf + ehsize;

	if (!t->probe)
		return -ENOTSUP;
	if (total > size)
		return -ENOSPC;
	memset(buf, 0, total);
	memcpy(buf, ELFMAG, SELFMAG);
	buf[EI_CLASS] = t->elf_class;
	buf[EI_DATA] = d;
	buf[EI_VERSION] = EV_CURRENT;
	put(buf + 16, ET_EXEC, 2, d);
	put(buf + 18, t->machine, 2, d);
	put(buf + 20, EV_CURRENT, 4, d);
	put(buf + 24, PROBE_BASE + code, word, d);	/* e_entry */
	put(buf + 24 + word, ehsize, word, d);		/* e_phoff */
	put(buf + 24 + 3 * word, t->probe_flags, 4, d); /* e_flags */
	put(buf + 28 + 3 * word, ehsize, 2, d);		/* e_ehsize */
	put(buf + 30 + 3 * word, phsize, 2, d);		/* e_phentsize */
	put(buf + 32 + 3 * word, 1, 2, d);		/* e_phnum */

	put(ph, PT_LOAD, 4, d);
	if (is64) {
		put(ph + 4, PF_R | PF_X, 4, d);
		put(ph + 8, 0, 8, d);		 /* p_offset */
		put(ph + 16, PROBE_BASE, 8, d);	 /* p_vaddr */
		put(ph + 24, PROBE_BASE, 8, d);	 /* p_paddr */
		put(ph + 32, total, 8, d);	 /* p_filesz */
		put(ph + 40, total, 8, d);	 /* p_memsz */
		put(ph + 48, PROBE_ALIGN, 8, d); /* p_align */
	} else {
		put(ph + 4, 0, 4, d);		 /* p_offset */
		put(ph + 8, PROBE_BASE, 4, d);	 /* p_vaddr */
		put(ph + 12, PROBE_BASE, 4, d);	 /* p_paddr */
		put(ph + 16, total, 4, d);	 /* p_filesz */
		put(ph + 20, total, 4, d);	 /* p_memsz */
		put(ph + 24, PF_R | PF_X, 4, d); /* p_flags */
		put(ph + 28, PROBE_ALIGN, 4, d); /* p_align */
	}
	memcpy(buf + code, t->probe, t->probe_len);
	return (long)total;
}

static int write_all(const char *path, const char *text)
{
	_cleanup_close_ int fd = open(path, O_WRONLY | O_CLOEXEC);
	size_t len = strlen(text);

	if (fd < 0 || write(fd, text, len) != (ssize_t)len)
		return -1;
	return 0;
}

/*
 * The steps the kernel requires, in order: a user namespace (with this
 * process as its root, which needs setgroups denied before gid_map), a
 * mount namespace whose mounts do not propagate back, then a fresh
 * binfmt_misc, which in a new user namespace is a new, empty instance.
 */
static int enter_empty_binfmt(void)
{
	char map[64];
	uid_t uid = getuid();
	gid_t gid = getgid();

	if (unshare(CLONE_NEWUSER | CLONE_NEWNS) < 0)
		return -1;
	snprintf(map, sizeof(map), "0 %u 1\n", (unsigned)uid);
	if (write_all("/proc/self/setgroups", "deny") < 0 ||
	    write_all("/proc/self/uid_map", map) < 0)
		return -1;
	snprintf(map, sizeof(map), "0 %u 1\n", (unsigned)gid);
	if (write_all("/proc/self/gid_map", map) < 0)
		return -1;
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return -1;
	return mount("binfmt_misc", BINFMT_DEFAULT_DIR, "binfmt_misc", MS_NOSUID | MS_NODEV, NULL);
}

/* In the namespace: run one probe from a memfd; 1 if it exited 0. */
static int run_one(const struct qus_target *t)
{
	uint8_t elf[PROBE_ELF_MAX];
	long len = probe_build(t, elf, sizeof(elf));
	char name[] = "qus-probe";
	char *const argv[] = { name, NULL }, *const envp[] = { NULL };
	int status, fd;
	pid_t pid;

	if (len < 0)
		return 0;
	fd = (int)syscall(SYS_memfd_create, "qus-probe", MFD_CLOEXEC);
	if (fd < 0)
		return 0;
	if (write(fd, elf, (size_t)len) != len) {
		close(fd);
		return 0;
	}
	pid = fork();
	if (pid == 0) {
		fexecve(fd, argv, envp);
		_exit(127);
	}
	close(fd);
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		return 0;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

#define UNDECIDED 0xff

int probe_run_native(const struct qus_target *const *targets, size_t count)
{
	int status;
	pid_t pid;

	if (count > 7)
		return -EINVAL;
	/* A child does the work: namespaces are per process, and ours must not change. */
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		unsigned mask = 0;

		if (enter_empty_binfmt() < 0)
			_exit(UNDECIDED);
		for (size_t i = 0; i < count; i++)
			if (run_one(targets[i]))
				mask |= 1u << i;
		_exit((int)mask);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	if (!WIFEXITED(status))
		return -ECHILD;
	if (WEXITSTATUS(status) == UNDECIDED)
		return -EOPNOTSUPP;
	return WEXITSTATUS(status);
}
