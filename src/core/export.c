/* SPDX-License-Identifier: MIT */
#include "export.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

int export_file_name(enum export_format format, const struct binfmt_entry *e, char *out,
		     size_t size)
{
	int n = format == EXPORT_SYSTEMD ? snprintf(out, size, "00-qus-%s.conf", e->name)
					 : snprintf(out, size, "%s", e->name);

	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

int export_mask_name(const struct binfmt_entry *e, char *out, size_t size)
{
	int n = snprintf(out, size, "%s.conf", e->name);

	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

static long render_debian(const struct binfmt_entry *e, char *buf, size_t size)
{
	char magic[4 * QUS_MAGIC_MAX + 1], mask[4 * QUS_MAGIC_MAX + 1];
	int n;

	if (!e->is_magic)
		return -EINVAL;
	escape_bytes(e->pattern.magic, e->pattern.len, magic);
	escape_bytes(e->pattern.mask, e->pattern.len, mask);
	/*
	 * Field names are update-binfmts(8)'s.  QEMU's script names the
	 * package after the entry, so `update-binfmts --package qemu-CPU
	 * --remove qemu-CPU PATH` undoes an import.
	 */
	n = snprintf(buf, size,
		     "package %s\n"
		     "interpreter %s\n"
		     "magic %s\n"
		     "offset %u\n"
		     "mask %s\n"
		     "credentials %s\n"
		     "preserve %s\n"
		     "fix_binary %s\n",
		     e->name, e->interpreter, magic, e->pattern.offset, mask,
		     e->flags & QUS_FLAG_C ? "yes" : "no", e->flags & QUS_FLAG_P ? "yes" : "no",
		     e->flags & QUS_FLAG_F ? "yes" : "no");
	return n < 0 || (size_t)n >= size ? -ENOSPC : n;
}

long export_render(enum export_format format, const struct binfmt_entry *e, char *buf, size_t size)
{
	long n;

	if (entry_validate(e) != ENTRY_OK)
		return -EINVAL;
	if (format == EXPORT_DEBIAN)
		return render_debian(e, buf, size);
	/* binfmt.d(5): one register line per entry; '#' starts a comment. */
	n = snprintf(buf, size, "# %s, written by qus\n", e->name);
	if (n < 0 || (size_t)n >= size)
		return -ENOSPC;
	{
		long r = entry_format_register(e, buf + n, size - (size_t)n);

		if (r < 0)
			return r;
		n += r;
	}
	if ((size_t)n + 2 > size)
		return -ENOSPC;
	buf[n++] = '\n';
	buf[n] = '\0';
	return n;
}
