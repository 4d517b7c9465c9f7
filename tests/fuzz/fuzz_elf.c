/* SPDX-License-Identifier: MIT */
/*
 * ELF identification of untrusted files (qus detect, qus run's fallback,
 * qus-build's checks): never crashes, and a file identified as a target is
 * matched by that target's own binfmt_misc pattern.  The emulator version
 * reader (qus status and check read it from any interpreter file) gets the
 * same bytes as a file: never reads out of bounds, and a version it returns
 * is one line of printable text that starts with a digit.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "elfident.h"
#include "emulator.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_version(const uint8_t *data, size_t size, const struct qus_target *t)
{
	_cleanup_close_ int fd = memfd_create("fuzz-emulator", MFD_CLOEXEC);
	char v[QUS_QEMU_VERSION_MAX];
	size_t len;

	if (fd < 0 || (size && write(fd, data, size) != (ssize_t)size))
		abort();
	if (emulator_version_fd(fd, t, v, sizeof(v)) != 0)
		return;
	len = strlen(v);
	if (len == 0 || len >= sizeof(v) || v[0] < '0' || v[0] > '9')
		abort();
	for (size_t i = 0; i < len; i++)
		if (v[i] < 0x20 || v[i] > 0x7e)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t hdr[QUS_HEADER_SIZE] = { 0 };
	const struct qus_target *t;

	memcpy(hdr, data, size < sizeof(hdr) ? size : sizeof(hdr));
	t = elf_identify(hdr);
	if (t) {
		struct qus_pattern p;

		elf_target_pattern(t, &p);
		if (!pattern_match(&p, hdr))
			abort(); /* identified as t, but t's entry would not take it */
		(void)elf_check_static(data, size, t);
	}
	check_version(data, size, t ? t : &qus_targets[0]);
	return 0;
}
