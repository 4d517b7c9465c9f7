/* SPDX-License-Identifier: MIT */
/*
 * The brick guard over whole command lines.  Each input is up to four qus
 * command lines (one per text line) of words from a fixed list: register,
 * unregister and the register image's options-only form, with every option,
 * flag, host override, target and emulator location qus takes.  They run
 * in this process (qus_main, with cli_exit turned into a longjmp) on a
 * binfmt_misc instance of the harness's own user namespace, and after each
 * one every entry in that instance is checked: none may match a program of
 * this host (the harness itself, /bin/sh, /usr/bin/env, /bin/true, or any
 * ET_EXEC/ET_DYN header of the host's architecture), nor its own
 * interpreter.  Such an entry makes every exec on a machine fail with ELOOP.
 *
 * Only words from the list reach qus, so no input can reach the commands
 * that write files (export, the script's --systemd/--debian) or run programs:
 * the harness runs as root of its namespace.  Emulator directories: @self,
 * whose qemu-T-static files are headers of T itself (each entry would
 * capture its own interpreter), @nat, whose files are host programs
 * (ordinary), /usr/bin (Debian's emulators) and one that does not exist.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "binfmt.h"
#include "commands.h"
#include "diag.h"
#include "elfident.h"
#include "entry.h"
#include "plan.h"
#include "util.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define BINFMT "/proc/sys/fs/binfmt_misc"

static const char *const fixed_words[] = {
	"register",
	"unregister",
	"-n",
	"--dry-run",
	"-q",
	"--quiet",
	"--replace",
	"-a",
	"--all",
	"-h",
	"-V",
	"--include-native",
	"--persistent",
	"--persistent=yes",
	"--persistent=no",
	"--no-persistent",
	"--preserve-argv0",
	"--preserve-argv0=no",
	"--no-preserve-argv0",
	"--open-binary",
	"--open-binary=no",
	"--no-open-binary",
	"--credential",
	"--credential=yes",
	"--no-credential",
	"--flags=",
	"--flags=F",
	"--flags=OCF",
	"--flags=POCF",
	"--flags=P",
	"--flags=C",
	"--flags=X",
	"--qemu-suffix=-static",
	"--qemu-suffix=",
	"--qemu-suffix=-x",
	"--qemu-path=@self",
	"--qemu-path=@nat",
	"--qemu-path=/usr/bin",
	"--qemu-path=/nonexistent",
	"--qemu-path",
	/* The register image's options (qemu-binfmt-conf.sh and register.sh). */
	"--reset",
	"-p",
	"-c",
	"-g",
	"-i",
	"--ignore-family",
	"yes",
	"no",
	"-Q@self",
	"-Q@nat",
	"-Q/usr/bin",
	"-F-static",
	"-F",
	"-Q",
	"@self",
	"@nat",
	/* Targets beyond the table's names. */
	"ALL",
	"all",
	"amd64",
	"x86-64",
	"i686",
	"arm64",
	"armhf",
	"linux/amd64",
	"linux/arm/v7",
	"ppc64el",
	"bogus",
};

/* The fixed words, every target name and --host with every target name. */
static char *words[512];
static size_t nwords;
static char self_dir[4096], nat_dir[4096];
static uint8_t natives[8][QUS_HEADER_SIZE];
static size_t nnatives;
static jmp_buf on_exit_jmp;

void cli_exit(int status)
{
	longjmp(on_exit_jmp, status + 1);
}

static void fail(const char *what)
{
	fprintf(stderr, "fuzz_commands: %s\n", what);
	abort();
}

static void add_word(const char *w)
{
	if (nwords >= ARRAY_SIZE(words) || !(words[nwords++] = strdup(w)))
		fail("word list");
}

static void write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);

	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		fail(path);
	close(fd);
}

/* Root of a new user and mount namespace, with a binfmt_misc of its own. */
static void enter_private_binfmt(void)
{
	char map[64];
	unsigned uid = getuid(), gid = getgid();

	if (unshare(CLONE_NEWUSER | CLONE_NEWNS) < 0)
		fail("unshare(CLONE_NEWUSER | CLONE_NEWNS) failed; the harness needs user namespaces");
	snprintf(map, sizeof(map), "0 %u 1", uid);
	write_file("/proc/self/uid_map", map);
	write_file("/proc/self/setgroups", "deny");
	snprintf(map, sizeof(map), "0 %u 1", gid);
	write_file("/proc/self/gid_map", map);
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
	    mount("binfmt_misc", BINFMT, "binfmt_misc", 0, NULL) < 0)
		fail("cannot mount a private binfmt_misc (Linux >= 6.7 needed)");
}

static void write_header(const char *path, const uint8_t *hdr)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);

	if (fd < 0 || write(fd, hdr, QUS_HEADER_SIZE) != QUS_HEADER_SIZE)
		fail(path);
	close(fd);
}

/* @self and @nat, with qemu-T-static and qemu-T (empty suffix) for every target. */
static void make_emulator_dirs(const struct qus_target *host)
{
	uint8_t hdr[QUS_HEADER_SIZE];
	char name[128], path[4400];

	const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";

	/* In $TMPDIR: a run that aborts leaves them to whoever made it. */
	snprintf(self_dir, sizeof(self_dir), "%s/fuzz-commands-self-XXXXXX", tmp);
	snprintf(nat_dir, sizeof(nat_dir), "%s/fuzz-commands-nat-XXXXXX", tmp);
	if (!mkdtemp(self_dir) || !mkdtemp(nat_dir))
		fail("mkdtemp");
	for (size_t i = 0; i < QUS_NTARGETS; i++) {
		const struct qus_target *t = &qus_targets[i];
		static const char *const suffixes[] = { "-static", "" };

		for (size_t s = 0; s < ARRAY_SIZE(suffixes); s++) {
			if (plan_emulator_name(t, suffixes[s], name, sizeof(name)) < 0)
				fail("emulator name");
			elf_synth_header(t, 2 /* ET_EXEC */, 0, hdr);
			snprintf(path, sizeof(path), "%s/%s", self_dir, name);
			write_header(path, hdr);
			elf_synth_header(host, 3 /* ET_DYN */, 0, hdr);
			snprintf(path, sizeof(path), "%s/%s", nat_dir, name);
			write_header(path, hdr);
		}
	}
}

static void remove_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	while (d && (de = readdir(d)))
		if (de->d_name[0] != '.')
			unlinkat(dirfd(d), de->d_name, 0);
	if (d)
		closedir(d);
	rmdir(dir);
}

static void cleanup(void)
{
	remove_dir(self_dir);
	remove_dir(nat_dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const char *const native_files[] = { "/proc/self/exe", "/bin/sh", "/usr/bin/env",
						    "/bin/true" };
	struct utsname u;
	const struct qus_target *host;
	char w[128];

	(void)argc;
	(void)argv;
	if (uname(&u) < 0 || !(host = arch_find(u.machine)))
		fail("unknown host architecture");
	enter_private_binfmt();
	make_emulator_dirs(host);
	atexit(cleanup);
	for (size_t i = 0; i < ARRAY_SIZE(native_files); i++)
		if (elf_read_header(AT_FDCWD, native_files[i], natives[nnatives]) > 0)
			nnatives++;
	/* Any program of the host's architecture, executable or shared object, any OS ABI. */
	for (unsigned type = 2; type <= 3; type++)
		for (unsigned osabi = 0; osabi <= 3; osabi += 3)
			elf_synth_header(host, (uint16_t)type, (uint8_t)osabi, natives[nnatives++]);
	for (size_t i = 0; i < ARRAY_SIZE(fixed_words); i++)
		add_word(fixed_words[i]);
	for (size_t i = 0; i < QUS_NTARGETS; i++) {
		add_word(qus_targets[i].name);
		snprintf(w, sizeof(w), "--host=%s", qus_targets[i].name);
		add_word(w);
	}
	return 0;
}

/* The kernel's rule, written out here rather than taken from qus. */
static int matches(const struct binfmt_entry *e, const uint8_t *hdr)
{
	const struct qus_pattern *p = &e->pattern;

	if (!e->is_magic || p->offset + p->len > QUS_HEADER_SIZE)
		return 0;
	for (size_t i = 0; i < p->len; i++)
		if ((hdr[p->offset + i] ^ p->magic[i]) & p->mask[i])
			return 0;
	return 1;
}

static void check_entries(void)
{
	int dir = open(BINFMT, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	char **names = NULL;
	size_t n = 0;
	uint8_t hdr[QUS_HEADER_SIZE];

	if (dir < 0 || binfmt_list(dir, &names, &n) < 0)
		fail("cannot list the private binfmt_misc");
	for (size_t i = 0; i < n; i++) {
		struct binfmt_entry e;

		if (binfmt_read_entry(dir, names[i], &e) < 0)
			continue; /* removed meanwhile */
		for (size_t k = 0; k < nnatives; k++)
			if (matches(&e, natives[k])) {
				fprintf(stderr, "entry %s matches host program %zu\n", e.name, k);
				fail("the brick guard let through an entry matching the host");
			}
		if (elf_read_header(AT_FDCWD, e.interpreter, hdr) > 0 && matches(&e, hdr)) {
			fprintf(stderr, "entry %s matches %s\n", e.name, e.interpreter);
			fail("the brick guard let through an entry matching its own interpreter");
		}
	}
	binfmt_free_names(names, n);
	close(dir);
}

/* The word for @token, with @self/@nat made real paths; NULL if not a listed word. */
static char *word_of(const char *token, size_t len)
{
	static char buf[16][4200];
	static unsigned next;
	char *out = buf[next++ % ARRAY_SIZE(buf)];
	const char *at;

	for (size_t i = 0; i < nwords; i++) {
		if (strlen(words[i]) != len || memcmp(words[i], token, len))
			continue;
		at = strchr(words[i], '@');
		if (!at)
			return words[i];
		snprintf(out, sizeof(buf[0]), "%.*s%s", (int)(at - words[i]), words[i],
			 !strcmp(at, "@self") ? self_dir : nat_dir);
		return out;
	}
	return NULL;
}

/* Close what a command left open (an exit skips its clean-up). */
static void close_new_fds(const bool *was_open)
{
	for (int fd = 3; fd < 1024; fd++)
		if (!was_open[fd] && fcntl(fd, F_GETFD) >= 0)
			close(fd);
}

static void run_line(const char *line, size_t len)
{
	static char qus[] = "qus";
	char *argv[20] = { qus };
	int argc = 1;
	bool was_open[1024];
	const char *p = line, *end = line + len;

	while (p < end && argc < (int)ARRAY_SIZE(argv) - 1) {
		const char *w = p;
		char *word;

		while (p < end && *p != ' ')
			p++;
		if ((word = word_of(w, (size_t)(p - w))))
			argv[argc++] = word;
		while (p < end && *p == ' ')
			p++;
	}
	argv[argc] = NULL;
	if (argc < 2)
		return;
	for (int fd = 0; fd < 1024; fd++)
		was_open[fd] = fcntl(fd, F_GETFD) >= 0;
	if (setjmp(on_exit_jmp) == 0)
		qus_main(argc, argv);
	fflush(stdout);
	close_new_fds(was_open);
	check_entries();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data, *end = text + size;
	int lines = 0;

	while (text < end && lines++ < 4) {
		const char *nl = memchr(text, '\n', (size_t)(end - text));
		size_t len = nl ? (size_t)(nl - text) : (size_t)(end - text);

		run_line(text, len);
		text += len + (nl != NULL);
	}
	/* Every input starts from an empty instance. */
	write_file(BINFMT "/status", "-1");
	return 0;
}
