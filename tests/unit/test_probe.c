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
	unsigned with_probe = 0;

	(void)state;
	for (size_t i = 0; i < QUS_NTARGETS; i++) {
		const struct qus_target *t = &qus_targets[i];
		long n = probe_build(t, elf, sizeof(elf));

		if (!probe_code_for(t)) {
			assert_int_equal(n, -ENOTSUP);
			/* Every target a host may run natively has a probe to prove it. */
			assert_string_equal(t->native_on, "");
			continue;
		}
		with_probe++;
		assert_true(n > 52 && n <= PROBE_ELF_MAX);
		memset(hdr, 0, sizeof(hdr));
		memcpy(hdr, elf, (size_t)n < sizeof(hdr) ? (size_t)n : sizeof(hdr));
		/* The probe is what the target's binfmt_misc entry matches. */
		assert_ptr_equal(elf_identify(hdr), t);
		assert_int_equal(probe_build(t, elf, 40), -ENOSPC);
	}
	/* At least 20 of the 34 (issue 4); every generated probe names a real target. */
	assert_int_equal(with_probe, probe_codes_count);
	assert_true(with_probe >= 20);
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

/* Run each probe with its emulator directly: it writes its token and exits 0. */
static void test_probes_run_under_qemu(void **state)
{
	char *dir = make_tmpdir(), path[4096], emu[256];
	uint8_t elf[PROBE_ELF_MAX];
	unsigned ran = 0, failed = 0;

	(void)state;
	for (size_t i = 0; i < QUS_NTARGETS; i++) {
		const struct qus_target *t = &qus_targets[i];
		long n = probe_build(t, elf, sizeof(elf));
		char *argv[3], outpath[4200], got[128] = "", token[PROBE_TOKEN_MAX];
		posix_spawn_file_actions_t fa;
		pid_t pid;
		int fd, status;

		if (n < 0)
			continue;
		snprintf(emu, sizeof(emu), "/usr/bin/qemu-%s-static", t->emulator);
		if (access(emu, X_OK) < 0)
			continue;
		snprintf(path, sizeof(path), "%s/probe-%s", dir, t->name);
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
	rmdir(dir);
	free(dir);
	if (ran == 0)
		skip(); /* qemu-user-static is not installed */
	assert_int_equal(ran, probe_codes_count);
	assert_int_equal(failed, 0);
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
		cmocka_unit_test(test_probes_run_under_qemu),
		cmocka_unit_test(test_foreign_probe_is_not_native),
	};
	return qus_run_tests("probe", tests, ARRAY_SIZE(tests));
}
