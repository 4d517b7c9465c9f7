/* SPDX-License-Identifier: MIT */
#include "probe.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "binfmt.h"
#include "elfident.h"
#include "paths.h"
#include "userns.h"
#include "util.h"

/*
 * Where the probe is loaded: above vm.mmap_min_addr and the usual low
 * limits of every architecture, aligned for 64 KiB pages.
 */
#define PROBE_BASE  0x400000u
#define PROBE_ALIGN 0x10000u

/* A native probe is a few instructions; anything slower is not native. */
#define PROBE_NATIVE_TIMEOUT_MS 5000

static void put(uint8_t *p, uint64_t v, size_t n, uint8_t data)
{
	for (size_t i = 0; i < n; i++) {
		size_t shift = 8 * (data == ELFDATA2LSB ? i : n - 1 - i);

		p[i] = (uint8_t)(v >> shift);
	}
}

const struct probe_code *probe_code_for(const struct qus_target *t)
{
	for (size_t i = 0; i < probe_codes_count; i++)
		if (!strcmp(probe_codes[i].target, t->name))
			return &probe_codes[i];
	return NULL;
}

void probe_token(const struct qus_target *t, char out[PROBE_TOKEN_MAX])
{
	snprintf(out, PROBE_TOKEN_MAX, "qus-probe %s\n", t->name);
}

/*
 * The probe writes its token and nothing else, but the emulator may write
 * lines of its own before it starts the program: QEMU 11.1's qemu-ppc*
 * prints "Could not resolve /dev/fd/3" on stdout when the program has no
 * path (a memfd), then runs it.  Those lines are the emulator's, not a
 * wrong result; the token must still be the whole last line.
 */
bool probe_output_ends_with(const char *output, const char *token)
{
	size_t n = strlen(output), k = strlen(token);

	if (n < k || strcmp(output + n - k, token))
		return false;
	return n == k || output[n - k - 1] == '\n';
}

size_t probe_output_extra(const char *output, const char *token)
{
	return probe_output_ends_with(output, token) ? strlen(output) - strlen(token) : 0;
}

const struct probe_code *probe_syscall_code_for(const struct qus_target *t)
{
	for (size_t i = 0; i < syscall_probe_codes_count; i++)
		if (!strcmp(syscall_probe_codes[i].target, t->name))
			return &syscall_probe_codes[i];
	return NULL;
}

/* The executable of @t around @pc's code, with @datalen bytes of @data right after it. */
static long build_image(const struct qus_target *t, const struct probe_code *pc,
			const uint8_t *data, size_t datalen, uint8_t *buf, size_t size)
{
	bool is64 = t->elf_class == ELFCLASS64;
	/* Field widths of the two ELF classes (System V ABI, ELF header and program header). */
	size_t ehsize = is64 ? 64 : 52, phsize = is64 ? 56 : 32, word = is64 ? 8 : 4;
	size_t code = ehsize + phsize, total;
	uint8_t d = t->elf_data, *ph = buf + ehsize;

	if (!pc)
		return -ENOTSUP;
	total = code + pc->len + datalen;
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
	put(buf + 24, PROBE_BASE + code + pc->entry, word, d); /* e_entry */
	put(buf + 24 + word, ehsize, word, d);		       /* e_phoff */
	put(buf + 24 + 3 * word, pc->e_flags, 4, d);	       /* e_flags */
	put(buf + 28 + 3 * word, ehsize, 2, d);		       /* e_ehsize */
	put(buf + 30 + 3 * word, phsize, 2, d);		       /* e_phentsize */
	put(buf + 32 + 3 * word, 1, 2, d);		       /* e_phnum */

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
	memcpy(buf + code, pc->code, pc->len);
	if (datalen)
		memcpy(buf + code + pc->len, data, datalen);
	return (long)total;
}

long probe_build(const struct qus_target *t, uint8_t *buf, size_t size)
{
	return build_image(t, probe_code_for(t), NULL, 0, buf, size);
}

long probe_build_syscalls(const struct qus_target *t, const uint8_t *data, size_t datalen,
			  uint8_t *buf, size_t size)
{
	return build_image(t, probe_syscall_code_for(t), data, datalen, buf, size);
}

/*
 * Where no entry can take a program: a user namespace of our own (which
 * gets its own binfmt_misc instance when it mounts one, Linux 6.7), with a
 * fresh, empty binfmt_misc mounted.
 */
static int enter_empty_binfmt(void)
{
	int r = userns_enter_single();

	return r < 0 ? r : binfmt_mount(BINFMT_DEFAULT_DIR);
}

/*
 * Read what @fds[0] (stdout) and @fds[1] (stderr) carry until both close
 * (true) or nothing comes for @timeout_ms (false); either way what came is
 * kept, NUL-terminated, and how many bytes of stdout goes to @outlen (if
 * not NULL).
 */
static bool read_outputs(const int fds[2], char *out, size_t outsize, char *err, size_t errsize,
			 int timeout_ms, size_t *outlen)
{
	struct pollfd p[2] = { { fds[0], POLLIN, 0 }, { fds[1], POLLIN, 0 } };
	size_t got[2] = { 0, 0 }, size[2] = { outsize - 1, errsize - 1 };
	char *buf[2] = { out, err };
	int open_fds = 2;
	bool closed = true;

	while (open_fds > 0) {
		int r = poll(p, 2, timeout_ms);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			closed = false;
			break;
		}
		for (int i = 0; i < 2; i++) {
			char sink[256];
			ssize_t n;

			if (p[i].fd < 0 || !p[i].revents)
				continue;
			/* Past the buffer, read into a sink so that the probe never blocks. */
			if (got[i] < size[i])
				n = read(p[i].fd, buf[i] + got[i], size[i] - got[i]);
			else
				n = read(p[i].fd, sink, sizeof(sink));
			if (n > 0 && got[i] < size[i])
				got[i] += (size_t)n;
			if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN)) {
				p[i].fd = -1;
				open_fds--;
			}
		}
	}
	out[got[0]] = '\0';
	err[got[1]] = '\0';
	if (outlen)
		*outlen = got[0];
	return closed;
}

/*
 * A traced probe stops at the end of its exec, before its first
 * instruction: see what the kernel started, then let it go.  Returns
 * false if it did not stop but ended (the exec failed): *@status is set.
 */
static bool see_started(pid_t pid, char *started, size_t size, int *status)
{
	char link[64];
	ssize_t n;

	while (waitpid(pid, status, 0) < 0)
		if (errno != EINTR)
			return true; /* nothing to see; the caller waits again */
	if (!WIFSTOPPED(*status))
		return false;
	snprintf(link, sizeof(link), "/proc/%ld/exe", (long)pid);
	n = readlink(link, started, size - 1);
	started[n > 0 ? n : 0] = '\0';
	ptrace(PTRACE_DETACH, pid, NULL, NULL);
	return true;
}

/*
 * A memfd holding @elf, or -errno.  Not close-on-exec: an entry without
 * flag O hands the emulator the path /dev/fd/N, which must still be open
 * in the probe's process.  Never inlined: GCC (-Os, -Wclobbered) takes a
 * descriptor made in the caller's frame before vfork() for one vfork() may
 * clobber.
 */
__attribute__((noinline)) static int image_fd(const uint8_t *elf, size_t len)
{
	int fd = (int)syscall(SYS_memfd_create, "qus-probe", 0);

	if (fd < 0)
		return -errno;
	if (write(fd, elf, len) != (ssize_t)len) {
		close(fd);
		return -EIO;
	}
	return fd;
}

int probe_exec(const uint8_t *elf, size_t len, int timeout_ms, unsigned flags, uint8_t *out,
	       size_t outsize, struct probe_exec *res)
{
	char name[] = "qus-probe";
	char *const argv[] = { name, NULL }, *const envp[] = { NULL };
	_cleanup_close_ const int fd = image_fd(elf, len);
	const bool see = flags & PROBE_SEE_STARTED;
	/* Set by the child, which shares this memory until it executes (vfork). */
	volatile bool traced = false;
	bool reaped = false;
	int opipe[2], epipe[2], fds[2];
	pid_t pid;

	memset(res, 0, sizeof(*res));
	if (fd < 0)
		return fd;
	if (outsize < 2)
		return -EINVAL;
	if (pipe2(opipe, O_CLOEXEC) < 0)
		return -errno;
	if (pipe2(epipe, O_CLOEXEC) < 0) {
		close(opipe[0]);
		close(opipe[1]);
		return -errno;
	}
	/*
	 * vfork: the child only moves descriptors and executes, so it needs no
	 * copy of qus's memory; on a virtual machine copying the page tables
	 * is most of what a fork costs (0.6-1 ms measured here).
	 */
	pid = vfork();
	if (pid == 0) {
		char line[128] = "exec: ";

		dup2(opipe[1], STDOUT_FILENO);
		dup2(epipe[1], STDERR_FILENO);
		/* Refused where ptrace is not allowed (Yama scope 3, seccomp): then unseen. */
		if (see)
			traced = ptrace(PTRACE_TRACEME, 0, NULL, NULL) == 0;
		fexecve(fd, argv, envp);
		strncat(line, strerror(errno), sizeof(line) - sizeof("exec: "));
		if (write(STDERR_FILENO, line, strlen(line)) < 0) {
			/* Nothing left to say it with: the exit status does. */
		}
		_exit(127);
	}
	close(opipe[1]);
	close(epipe[1]);
	if (pid > 0 && traced)
		reaped = !see_started(pid, res->started, sizeof(res->started), &res->status);
	fds[0] = opipe[0];
	fds[1] = epipe[0];
	/* One byte is read_outputs' terminator. */
	if (pid > 0 && !read_outputs(fds, (char *)out, outsize, res->errors, sizeof(res->errors),
				     timeout_ms, &res->out_len)) {
		kill(pid, SIGKILL);
		res->timed_out = true;
	}
	close(opipe[0]);
	close(epipe[0]);
	if (pid < 0)
		return -errno;
	while (!reaped && waitpid(pid, &res->status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return 0;
}

static int run_probe(const struct qus_target *t, int timeout_ms, unsigned flags,
		     struct probe_result *res)
{
	uint8_t elf[PROBE_ELF_MAX];
	long len = probe_build(t, elf, sizeof(elf));
	char token[PROBE_TOKEN_MAX];
	struct probe_exec x;
	int r;

	memset(res, 0, sizeof(*res));
	if (len < 0)
		return (int)len;
	r = probe_exec(elf, (size_t)len, timeout_ms, flags, (uint8_t *)res->output,
		       sizeof(res->output), &x);
	if (r < 0)
		return r;
	res->status = x.status;
	res->timed_out = x.timed_out;
	memcpy(res->errors, x.errors, sizeof(res->errors));
	memcpy(res->started, x.started, sizeof(res->started));
	probe_token(t, token);
	res->ok = !res->timed_out && WIFEXITED(res->status) && WEXITSTATUS(res->status) == 0 &&
		  probe_output_ends_with(res->output, token);
	return 0;
}

int probe_run(const struct qus_target *t, int timeout_ms, struct probe_result *res)
{
	return run_probe(t, timeout_ms, 0, res);
}

int probe_run_seen(const struct qus_target *t, int timeout_ms, struct probe_result *res)
{
	return run_probe(t, timeout_ms, PROBE_SEE_STARTED, res);
}

/* In the namespace: run one probe; 1 if it ran as it should. */
static int run_one(const struct qus_target *t)
{
	struct probe_result res;

	return probe_run(t, PROBE_NATIVE_TIMEOUT_MS, &res) == 0 && res.ok;
}

#define UNDECIDED 0xff

/*
 * Whether an entry of the binfmt_misc mounted here could take one of the
 * probes of @targets: 0 none can (binfmt_misc disabled, or no enabled entry
 * matches them), 1 one can or qus cannot tell (not mounted here: in a
 * container the instance may hold entries all the same).  A probe none can
 * take runs without a namespace of its own: a user namespace, a mount and
 * a process fewer (about 1 ms of the 2.5 a registration of every target
 * spent on probes).  An entry registered between this look and the exec is
 * a race qus accepts: its target would count as native for this one run.
 */
static int entries_could_take(const struct qus_target *const *targets, size_t count)
{
	_cleanup_close_ int fd = binfmt_open(BINFMT_DEFAULT_DIR);
	uint8_t elf[7][PROBE_ELF_MAX] = { { 0 } };
	char **names = NULL;
	size_t n = 0;
	bool enabled;
	int could = 0;

	if (count > ARRAY_SIZE(elf))
		return 1;
	for (size_t j = 0; j < count; j++)
		if (probe_build(targets[j], elf[j], sizeof(elf[j])) < 0)
			return 1;
	if (fd < 0 || binfmt_is_mounted(fd) != 1 || binfmt_read_status(fd, &enabled) < 0)
		return 1;
	if (!enabled)
		return 0;
	if (binfmt_list(fd, &names, &n) < 0)
		return 1;
	for (size_t i = 0; i < n && !could; i++) {
		struct binfmt_entry e;

		/* Unreadable, or an extension: qus does not reason about those. */
		if (binfmt_read_entry(fd, names[i], &e) < 0 || (e.enabled && !e.is_magic)) {
			could = 1;
			continue;
		}
		for (size_t j = 0; j < count && e.enabled && !could; j++)
			could = pattern_match(&e.pattern, elf[j]);
	}
	binfmt_free_names(names, n);
	return could;
}

int probe_run_native(const struct qus_target *const *targets, size_t count)
{
	int status;
	pid_t pid;

	if (count > 7)
		return -EINVAL;
	if (!entries_could_take(targets, count)) {
		unsigned mask = 0;

		for (size_t i = 0; i < count; i++)
			if (run_one(targets[i]))
				mask |= 1u << i;
		return (int)mask;
	}
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
