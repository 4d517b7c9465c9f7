/* SPDX-License-Identifier: MIT */
#include "exporting.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "diag.h"
#include "export.h"
#include "util.h"

int export_entries(struct qus_ctx *ctx, const struct export_request *req)
{
	enum export_format fmt = (enum export_format)req->format;
	unsigned written = 0, failed = 0;
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
	for (size_t i = 0; i < QUS_NTARGETS; i++) {
		const struct qus_target *t = &qus_targets[i];
		char name[QUS_NAME_MAX + 8], text[2 * QUS_REGISTER_MAX];
		struct binfmt_entry e;
		long len;
		int r;

		if (!req->what.targets.want[i] ||
		    plan_decide(&ctx->host, t, req->what.include_native,
				req->what.targets.explicit) != PLAN_REGISTER)
			continue;
		if (plan_entry(t, req->what.qemu_dir, req->what.qemu_suffix, req->what.flags, &e) <
			    0 ||
		    entry_validate(&e) != ENTRY_OK) {
			warn("qemu-%s: cannot export: %s", t->name,
			     entry_problem_str(entry_validate(&e)));
			failed++;
			continue;
		}
		if (export_file_name(fmt, &e, name, sizeof(name)) < 0 ||
		    (len = export_render(fmt, &e, text, sizeof(text))) < 0) {
			warn("%s: cannot render the configuration", e.name);
			failed++;
			continue;
		}
		r = write_file_atomic(dirfd, name, text, (size_t)len, 0644);
		if (r < 0) {
			warn_err(r, NULL, "cannot write %s/%s", req->dir, name);
			failed++;
			continue;
		}
		written++;
		if (!req->quiet)
			printf("%s/%s\n", req->dir, name);
	}
	if (!req->quiet || failed)
		printf("qus: %u files written to %s, %u failed\n", written, req->dir, failed);
	return failed ? EXIT_FAIL : EXIT_OK;
}
