/* SPDX-License-Identifier: MIT */
/* Probe executables: well-formed, matched by their target's entry, and runnable under QEMU. */
#include "unit.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "elfident.h"
#include "host.h"
#include "probe.h"

extern char **environ;

static void test_build(void **state)
{
	uint8_t elf[PROBE_ELF_MAX], hdr[QUS_HEADER_SIZE];

	(void)state;
	/* Every one of the 34 targets has a probe (issue 20): qus check tests them all. */
	for (size_t i = 0; i < QUS_NTARGETS; i++) {
		const struct qus_target *t = &qus_targets[i];
		long n = probe_build(t, elf, sizeof(elf));

		assert_non_null(probe_code_for(t));
		assert_true(n > 52 && n <= PROBE_ELF_MAX);
		memset(hdr, 0, sizeof(hdr));
		memcpy(hdr, elf, (size_t)n < sizeof(hdr) ? (size_t)n : sizeof(hdr));
		/* The probe is what the target's binfmt_misc entry matches. */
		assert_ptr_equal(elf_identify(hdr), t);
		assert_int_equal(probe_build(t, elf, 40), -ENOSPC);
	}
	/* One probe per target, each naming a real target. */
	assert_int_equal(probe_codes_count, QUS_NTARGETS);
	for (size_t i = 0; i < probe_codes_count; i++)
		assert_non_null(arch_find(probe_codes[i].target));
}

static void test_token(void **state)
{
	char token[PROBE_TOKEN_MAX];

	(void)state;
	probe_token(arch_find("sparc32plus"), token);
	assert_string_equal(token, "qus-probe sparc32plus\n");
	/* Every probe's code carries its own token: the output cannot come from another. */
	for (size_t i = 0; i < probe_codes_count; i++) {
		const struct probe_code *pc = &probe_codes[i];

		probe_token(arch_find(pc->target), token);
		assert_non_null(memmem(pc->code, pc->len, token, strlen(token)));
		assert_true(pc->entry < pc->len);
	}
}

static void test_output_with_emulator_lines(void **state)
{
	const char *token = "qus-probe ppc\n";

	(void)state;
	assert_true(probe_output_ends_with("qus-probe ppc\n", token));
	assert_int_equal(probe_output_extra("qus-probe ppc\n", token), 0);
	/* QEMU 11.1's qemu-ppc warns on stdout first: still the probe's result. */
	assert_true(probe_output_ends_with("Could not resolve /dev/fd/3\nqus-probe ppc\n", token));
	assert_int_equal(probe_output_extra("Could not resolve /dev/fd/3\nqus-probe ppc\n", token),
			 strlen("Could not resolve /dev/fd/3\n"));
	/* The token must be a whole line, the last one, and whole. */
	assert_false(probe_output_ends_with("xqus-probe ppc\n", token));
	assert_false(probe_output_ends_with("qus-probe ppc\nmore\n", token));
	assert_false(probe_output_ends_with("qus-probe ppc", token));
	assert_false(probe_output_ends_with("", token));
	assert_false(probe_output_ends_with("qus-probe ppc64\n", token));
	assert_int_equal(probe_output_extra("qus-probe ppc64\n", token), 0);
}

/*
 * Run each probe with the emulators of @dir (named qemu-EMULATOR@suffix)
 * directly: it writes its token and exits 0.  Returns how many ran.
 */
static unsigned run_probes_under(const char *dir, const char *suffix)
{
	char *tmp = make_tmpdir(), path[4096], emu[4096];
	uint8_t elf[PROBE_ELF_MAX];
	unsigned ran = 0, failed = 0;

	assert_non_null(tmp);
	for (size_t i = 0; i < QUS_NTARGETS; i++) {
		const struct qus_target *t = &qus_targets[i];
		long n = probe_build(t, elf, sizeof(elf));
		char *argv[3], outpath[4200], got[128] = "", token[PROBE_TOKEN_MAX];
		posix_spawn_file_actions_t fa;
		pid_t pid;
		int fd, status;

		if (n < 0)
			continue;
		snprintf(emu, sizeof(emu), "%s/qemu-%s%s", dir, t->emulator, suffix);
		if (access(emu, X_OK) < 0)
			continue;
		snprintf(path, sizeof(path), "%s/probe-%s", tmp, t->name);
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0755);
		assert_true(fd >= 0);
		assert_int_equal(write(fd, elf, (size_t)n), n);
		close(fd);
		argv[0] = emu;
		argv[1] = path;
		argv[2] = NULL;
		snprintf(outpath, sizeof(outpath), "%s.out", path);
		posix_spawn_file_actions_init(&fa);
		posix_spawn_file_actions_addopen(&fa, 1, outpath, O_WRONLY | O_CREAT | O_TRUNC,
						 0600);
		assert_int_equal(posix_spawn(&pid, emu, &fa, NULL, argv, environ), 0);
		posix_spawn_file_actions_destroy(&fa);
		assert_int_equal(waitpid(pid, &status, 0), pid);
		fd = open(outpath, O_RDONLY);
		assert_true(fd >= 0);
		assert_true(read(fd, got, sizeof(got) - 1) >= 0);
		close(fd);
		probe_token(t, token);
		/* Report every failing probe, not only the first. */
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || strcmp(got, token)) {
			print_error("the %s probe under %s: status 0x%x, wrote '%s'\n", t->name,
				    emu, (unsigned)status, got);
			failed++;
		}
		unlink(path);
		unlink(outpath);
		ran++;
	}
	rmdir(tmp);
	free(tmp);
	assert_int_equal(failed, 0);
	return ran;
}

/* Every probe under the installed qemu-user-static (Debian 12: QEMU 7.2). */
static void test_probes_run_under_qemu(void **state)
{
	unsigned ran;

	(void)state;
	ran = run_probes_under("/usr/bin", "-static");
	if (ran == 0)
		skip(); /* qemu-user-static is not installed */
	assert_int_equal(ran, probe_codes_count);
}

/*
 * And under another generation of QEMU: the emulators in $QUS_QEMU11_DIR,
 * named as qemu-user installs them (qemu-TARGET).  tests/run unpacks sid's
 * qemu-user (QEMU 11.1), a fixture of setup.sh, there.  QEMU changes how it
 * loads and runs programs between releases (CPU models chosen from e_flags,
 * the loaders of the small architectures), so a probe proven under one
 * release only is not proven.
 */
static void test_probes_run_under_qemu11(void **state)
{
	const char *dir = getenv("QUS_QEMU11_DIR");

	(void)state;
	if (!dir || !*dir)
		skip(); /* QUS_QEMU11_DIR is not set: tests/run sets it */
	assert_int_equal(run_probes_under(dir, ""), probe_codes_count);
}

/* A program of a foreign architecture never runs in the empty instance. */
static void test_foreign_probe_is_not_native(void **state)
{
	struct qus_host h;
	const struct qus_target *foreign = NULL;
	int r;

	(void)state;
	assert_int_equal(host_detect(&h), 0);
	for (size_t i = 0; i < QUS_NTARGETS && !foreign; i++)
		if (probe_code_for(&qus_targets[i]) &&
		    strcmp(qus_targets[i].family, h.target->family))
			foreign = &qus_targets[i];
	assert_non_null(foreign);
	r = probe_run_native(&foreign, 1);
	if (r == -EOPNOTSUPP)
		skip(); /* no private binfmt_misc (Linux < 6.7): nothing to decide */
	assert_int_equal(r, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_build),
		cmocka_unit_test(test_token),
		cmocka_unit_test(test_output_with_emulator_lines),
		cmocka_unit_test(test_probes_run_under_qemu),
		cmocka_unit_test(test_probes_run_under_qemu11),
		cmocka_unit_test(test_foreign_probe_is_not_native),
	};
	return qus_run_tests("probe", tests, ARRAY_SIZE(tests));
}
