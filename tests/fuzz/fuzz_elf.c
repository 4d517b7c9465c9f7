/* SPDX-License-Identifier: MIT */
/*
 * ELF identification of untrusted files (qus detect, qus run's fallback,
 * qus-build's checks): never crashes, and a file identified as a target is
 * matched by that target's own binfmt_misc pattern.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "elfident.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

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
	return 0;
}
