/* SPDX-License-Identifier: MIT */
#include "exporting.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "binfmt_access.h"
#include "diag.h"
#include "export.h"
#include "handler.h"
#include "util.h"

struct export_tally {
	unsigned written, masked, failed, left;
	/* This machine's entries (not with --host): who runs what now. */
	struct binfmt_entry *entries;
	size_t nentries;
};

/*
 * As `qus register` does: a target whose programs another emulator runs on
 * this machine is left to it, unless --take-over; its boot file would put
 * QEMU in front of it at the next boot.
 */
static bool left_to_other(const struct export_request *req, struct export_tally *t,
			  const struct qus_target *tg)
{
	const struct binfmt_entry *h = handler_other(t->entries, t->nentries, tg);

	if (!h || req->what.take_over)
		return false;
	t->left++;
	if (!req->quiet)
		printf("qemu-%s: not exported: %s (%s) runs %s programs on this machine; they are "
		       "left to it (--take-over exports it anyway)\n",
		       tg->name, h->name, h->interpreter, tg->name);
	return true;
}

/*
 * systemd-binfmt: the distribution's file of the same entry name
 * (/usr/lib/binfmt.d/qemu-T.conf) masked by a link to /dev/null here, so
 * that it cannot register the entry again after qus's, in front of other
 * emulators (export.h).
 */
static int write_mask(const struct export_request *req, int dirfd, const struct binfmt_entry *e,
		      struct export_tally *t)
{
	char name[QUS_NAME_MAX + 8];
	int r;

	if (export_mask_name(e, name, sizeof(name)) < 0) {
		warn("%s: the name of its mask is too long", e->name);
		return -1;
	}
	r = symlink_atomic(dirfd, name, "/dev/null");
	if (r < 0) {
		warn_err(r, NULL, "cannot write %s/%s", req->dir, name);
		return -1;
	}
	t->masked++;
	if (!req->quiet)
		printf("%s/%s -> /dev/null\n", req->dir, name);
	return 0;
}

static int export_one(const struct export_request *req, int dirfd, const struct binfmt_entry *e,
		      struct export_tally *t)
{
	enum export_format fmt = (enum export_format)req->format;
	char name[QUS_NAME_MAX + 16], text[2 * QUS_REGISTER_MAX];
	long len;
	int r;

	if (export_file_name(fmt, e, name, sizeof(name)) < 0 ||
	    (len = export_render(fmt, e, text, sizeof(text))) < 0) {
		warn("%s: cannot render the configuration", e->name);
		return -1;
	}
	r = write_file_atomic(dirfd, name, text, (size_t)len, 0644);
	if (r < 0) {
		warn_err(r, NULL, "cannot write %s/%s", req->dir, name);
		return -1;
	}
	t->written++;
	if (!req->quiet)
		printf("%s/%s\n", req->dir, name);
	return fmt == EXPORT_SYSTEMD ? write_mask(req, dirfd, e, t) : 0;
}

int export_entries(struct qus_ctx *ctx, const struct export_request *req)
{
	enum export_format fmt = (enum export_format)req->format;
	struct export_tally t = { 0 };
	_cleanup_close_ int dirfd = open(req->dir, O_PATH | O_DIRECTORY | O_CLOEXEC);

	if (dirfd < 0) {
		warn_err(-errno,
			 errno == ENOENT ? " (create it, or choose another with --exportdir)"
					 : NULL,
			 "cannot open export directory %s", req->dir);
		return EXIT_FAIL;
	}
	if (fmt == EXPORT_DEBIAN && (req->what.flags & QUS_FLAG_O) &&
	    !(req->what.flags & QUS_FLAG_C))
		warn("note: update-binfmts cannot express flag O without credentials; the "
		     "--debian files register without it");
	/* For another machine (--host), this one's emulators say nothing. */
	if (!ctx->host.overridden)
		read_entries_quietly(ctx, -1, &t.entries, &t.nentries);
	for (size_t i = 0; i < QUS_NTARGETS; i++) {
		const struct qus_target *tg = &qus_targets[i];
		struct binfmt_entry e;

		if (!req->what.targets.want[i] ||
		    plan_decide(&ctx->host, tg, req->what.include_native,
				req->what.targets.explicit) != PLAN_REGISTER ||
		    left_to_other(req, &t, tg))
			continue;
		if (plan_entry(tg, req->what.qemu_dir, req->what.qemu_suffix, req->what.flags, &e) <
			    0 ||
		    entry_validate(&e) != ENTRY_OK) {
			warn("qemu-%s: cannot export: %s", tg->name,
			     entry_problem_str(entry_validate(&e)));
			t.failed++;
			continue;
		}
		if (export_one(req, dirfd, &e, &t) < 0)
			t.failed++;
	}
	free(t.entries);
	if (!req->quiet || t.failed) {
		printf("qus: %u files written to %s", t.written, req->dir);
		if (t.masked)
			printf(" (each with a mask of its distribution file)");
		if (t.left)
			printf(", %u left to other emulators", t.left);
		printf(", %u failed\n", t.failed);
	}
	return t.failed ? EXIT_FAIL : EXIT_OK;
}
