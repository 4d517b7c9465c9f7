/* SPDX-License-Identifier: MIT */
/*
 * Probe programs: for each target a few instructions that write
 * "qus-probe TARGET\n" to standard output and exit 0 (the sources in probes/,
 * assembled or, where Debian has no assembler, encoded by hand, by
 * probes/generate.sh into src/core/probe_code.c), wrapped here in a minimal
 * ELF file.  They answer two questions:
 *
 * - Does the kernel run a target's programs by itself?  The only reliable
 *   answer is to execute one where no binfmt_misc entry can take it: inside
 *   a user namespace with its own, empty binfmt_misc instance (Linux >= 6.7).
 * - Does a registration work?  `qus check` executes the probe through the
 *   kernel, so the entry, the emulator and its flags are all exercised.
 */
#ifndef QUS_PROBE_H
#define QUS_PROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arch.h"

/* Largest probe executable: headers plus the longest probe code. */
#define PROBE_ELF_MAX 512

/* One target's probe code (generated: src/core/probe_code.c). */
struct probe_code {
	const char *target; /* qus_target.name */
	uint32_t e_flags;   /* what the ELF header needs (ABI, EABI version, BE8) */
	uint16_t entry;	    /* offset of the first instruction in @code */
	uint16_t len;
	const uint8_t *code;
};
extern const struct probe_code probe_codes[];
extern const size_t probe_codes_count;
/* The system call probes (probes/syscalls/; syscalls.h), in the same file. */
extern const struct probe_code syscall_probe_codes[];
extern const size_t syscall_probe_codes_count;

/* @t's probe code, or NULL if it has none. */
const struct probe_code *probe_code_for(const struct qus_target *t);
/* @t's system call probe code, or NULL if it has none. */
const struct probe_code *probe_syscall_code_for(const struct qus_target *t);

/* What @t's probe writes: "qus-probe <name>\n". */
#define PROBE_TOKEN_MAX 48
void probe_token(const struct qus_target *t, char out[PROBE_TOKEN_MAX]);

/*
 * Whether @output ends with @token as a line of its own (lines before it
 * are the emulator's own messages), and how many bytes come before it.
 */
bool probe_output_ends_with(const char *output, const char *token);
size_t probe_output_extra(const char *output, const char *token);

/*
 * Write @t's probe executable into @buf: one PT_LOAD segment holding the
 * headers and the code.  Returns its size, -ENOTSUP if @t has no probe
 * code, -ENOSPC if @size is too small.
 */
long probe_build(const struct qus_target *t, uint8_t *buf, size_t size);

/*
 * The same for @t's system call probe, its @datalen bytes of @data (the
 * calls to make: syscall_probe_data) right after its code.
 */
long probe_build_syscalls(const struct qus_target *t, const uint8_t *data, size_t datalen,
			  uint8_t *buf, size_t size);

/*
 * Execute the probes of @targets (at most 7) where no emulator can take
 * them.  Returns a bit mask (bit i: targets[i] ran, wrote its token and
 * exited 0), or
 * -EOPNOTSUPP if this kernel or sandbox allows no private binfmt_misc
 * (then nothing was decided), or another -errno.
 */
int probe_run_native(const struct qus_target *const *targets, size_t count);

/* How one probe run ended (probe_run). */
struct probe_result {
	int status;			  /* waitpid status; valid if !timed_out */
	bool timed_out;			  /* killed after the time limit */
	char output[PROBE_TOKEN_MAX * 2]; /* what it wrote to stdout (cut) */
	char errors[256];		  /* and to stderr (cut) */
	bool ok;			  /* exited 0, its token the last line written */
	/*
	 * probe_run_seen() only: the file the kernel started for the probe,
	 * as /proc/PID/exe named it right after the exec (an emulator, or the
	 * probe itself where the kernel ran it: PROBE_MEMFD_NAME); "" where
	 * that could not be seen (ptrace not allowed here).
	 */
	char started[512];
};

/* How /proc/PID/exe names the probe itself (a memfd): the kernel ran it natively. */
#define PROBE_MEMFD_NAME "/memfd:qus-probe"

/*
 * Execute @t's probe here, through whatever binfmt_misc registration this
 * process sees: from a private memfd (no file on disk), with stdout read
 * back, killed after @timeout_ms.  0 with @res filled, or -errno
 * (-ENOTSUP: no probe for @t).
 */
int probe_run(const struct qus_target *t, int timeout_ms, struct probe_result *res);

/*
 * probe_run(), and also see which file the kernel started: the probe stops
 * right after its exec (PTRACE_TRACEME: a stop before the first
 * instruction, then detached), where /proc/PID/exe names the interpreter
 * binfmt_misc chose.  Which entry that was is the caller's to match.
 */
int probe_run_seen(const struct qus_target *t, int timeout_ms, struct probe_result *res);
/* How probe_exec's run ended. */
struct probe_exec {
	int status;	   /* waitpid status; valid if !timed_out */
	bool timed_out;	   /* killed: nothing came for the time limit */
	size_t out_len;	   /* bytes of stdout kept */
	char errors[256];  /* what it wrote to stderr (cut) */
	char started[512]; /* PROBE_SEE_STARTED: as probe_result.started */
};

/* probe_exec's flags: see which file the kernel started (probe_run_seen). */
#define PROBE_SEE_STARTED 1u

/*
 * Execute the executable image @elf (@len bytes) through whatever
 * binfmt_misc registration this process sees: from a private memfd (no
 * file on disk), keeping up to @outsize - 1 bytes of what it writes to
 * stdout in @out (binary; what came before a time limit too; NUL after
 * it), killed after @timeout_ms of silence.  What probe_run and the system
 * call probes share.  0 with @res filled, or -errno.
 */
int probe_exec(const uint8_t *elf, size_t len, int timeout_ms, unsigned flags, uint8_t *out,
	       size_t outsize, struct probe_exec *res);

#endif
