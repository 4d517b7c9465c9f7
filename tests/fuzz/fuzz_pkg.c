/* SPDX-License-Identifier: MIT */
/*
 * Packages from the internet (qus-build): .deb (ar, control.tar, data.tar
 * with any compression, xz on all cores) and RPM (lead, headers, cpio
 * payload), read from a memory file.  Never crashes; a package that is
 * refused says which rule, and what is accepted hands out only emulators
 * of table targets whose size fits the limits.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "pkg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int take(const struct pkg_member *m, void *ctx)
{
	(void)ctx;
	if (!m->target || m->size > PKG_MEMBER_MAX || !strstr(m->path, "usr/bin/qemu-"))
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Small limits keep each input fast; the rules are the same. */
	const struct pkg_read_opts ro = { take, NULL, 64u << 20 };
	struct pkg_info info;
	struct pkg_error err;
	char path[64];
	int fd = memfd_create("pkg", 0), r;

	if (fd < 0)
		return 0;
	if (write(fd, data, size) == (ssize_t)size) {
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		r = pkg_read(path, &ro, &info, &err);
		if (r == -EBADMSG && !err.what[0])
			abort(); /* refused without a reason */
	}
	close(fd);
	return 0;
}
