/* SPDX-License-Identifier: MIT */
/*
 * Entry files as the kernel shows them (<binfmt_misc>/NAME: enabled,
 * interpreter, flags, offset, magic, mask): parsing never crashes, and an
 * entry read from one compares equal to itself.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "entry.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct binfmt_entry e;
	char *text = malloc(size + 1);

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0'; /* the file's text, read whole */
	if (entry_parse_status("qemu-fuzz", text, &e) == 0 && !entry_same(&e, &e))
		abort();
	free(text);
	return 0;
}
