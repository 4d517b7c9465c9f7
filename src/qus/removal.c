/* SPDX-License-Identifier: MIT */
#include "removal.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "binfmt.h"
#include "binfmt_access.h"
#include "diag.h"
#include "util.h"

/*
 * Results go to @out (NULL: quiet), "not registered" only if @absent too;
 * @said: an error of binfmt_misc as a whole was reported already.
 */
static int remove_one(struct qus_ctx *ctx, int fd, const char *name, FILE *out, bool absent,
		      unsigned *n, bool *said)
{
	int r = binfmt_remove(fd, name);

	if (r == -ENOENT) {
		if (out && absent)
			fprintf(out, "%s: not registered\n", name);
		return 0;
	}
	if (r < 0 && binfmt_refuses_all(r)) {
		if (!*said)
			warn_err(r, binfmt_hint(r), "cannot remove entries from %s",
				 ctx->binfmt_dir);
		*said = true;
		return -1;
	}
	if (r < 0) {
		warn_err(r, binfmt_hint(r), "%s: cannot remove from %s", name, ctx->binfmt_dir);
		return -1;
	}
	(*n)++;
	if (out)
		fprintf(out, "%s: removed\n", name);
	return 0;
}

int remove_entries(struct qus_ctx *ctx, const struct target_set *set, bool all,
		   enum removal_say say)
{
	FILE *out = say == REMOVAL_SAY_ERRORS ? NULL : stdout;
	bool absent = say == REMOVAL_SAY_ALL;
	unsigned removed = 0, failed = 0;
	bool said = false;
	/*
	 * Mounted if need be, as for register: in a container the kernel's entries
	 * are there even when this mount namespace has no binfmt_misc mount yet.
	 */
	int fd = cli_binfmt_open(ctx, BINFMT_WRITE);

	if (fd < 0)
		return -1; /* already reported: binfmt_misc cannot be opened at all */
	if (all) {
		char **names = NULL;
		size_t count = 0;
		int r = binfmt_list(fd, &names, &count);

		if (r < 0) {
			warn_err(r, NULL, "cannot list %s", ctx->binfmt_dir);
			close(fd);
			return EXIT_FAIL;
		}
		for (size_t i = 0; i < count; i++)
			if (plan_is_qemu_entry(names[i]) &&
			    remove_one(ctx, fd, names[i], out, absent, &removed, &said))
				failed++;
		binfmt_free_names(names, count);
	} else {
		for (size_t i = 0; i < QUS_NTARGETS; i++) {
			char name[QUS_NAME_MAX + 1];

			if (!set->want[i])
				continue;
			plan_entry_name(&qus_targets[i], name, sizeof(name));
			if (remove_one(ctx, fd, name, out, absent, &removed, &said))
				failed++;
		}
	}
	close(fd);
	if (say == REMOVAL_SAY_ALL || failed || (say == REMOVAL_SAY_CHANGES && removed))
		printf("qus: %u removed, %u failed\n", removed, failed);
	return failed ? EXIT_FAIL : EXIT_OK;
}

int remove_matching(struct qus_ctx *ctx, char *const *patterns, size_t npatterns, FILE *out)
{
	unsigned removed = 0, failed = 0;
	bool said = false;
	char **names = NULL;
	size_t count = 0;
	int fd = cli_binfmt_open(ctx, BINFMT_WRITE), r;

	if (fd < 0)
		return -1;
	/* binfmt_list leaves out register and status, which are not entries. */
	r = binfmt_list(fd, &names, &count);
	if (r < 0) {
		warn_err(r, NULL, "cannot list %s", ctx->binfmt_dir);
		close(fd);
		return EXIT_FAIL;
	}
	for (size_t p = 0; p < npatterns; p++) {
		bool matched = false;

		for (size_t i = 0; i < count; i++) {
			if (!names[i] || fnmatch(patterns[p], names[i], FNM_PERIOD) != 0)
				continue;
			matched = true;
			/* WSLInterop, python3.11, ...: another program's, whatever the pattern. */
			if (!plan_is_qemu_entry(names[i])) {
				fprintf(out,
					"%s: left alone: not a QEMU entry (only qemu-* entries are removed)\n",
					names[i]);
				continue;
			}
			if (remove_one(ctx, fd, names[i], out, true, &removed, &said))
				failed++;
			/* One pattern after another may match it again: it is gone or reported. */
			free(names[i]);
			names[i] = NULL;
		}
		if (!matched)
			fprintf(out, "%s: no entry matches\n", patterns[p]);
	}
	binfmt_free_names(names, count);
	close(fd);
	fprintf(out, "qus: %u removed, %u failed\n", removed, failed);
	return failed ? EXIT_FAIL : EXIT_OK;
}
