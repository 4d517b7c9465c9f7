/* SPDX-License-Identifier: MIT */
/*
 * Register strings (the kernel's syntax and systemd's binfmt.d lines):
 * parsing never crashes, and what parses and validates formats back to a
 * string that parses to the same entry (the escaping round-trips).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "entry.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct binfmt_entry a, b;
	char buf[QUS_REGISTER_MAX * 4 + 1];
	long n;

	if (entry_parse_register((const char *)data, size, &a) < 0)
		return 0;
	if (entry_validate(&a) != ENTRY_OK)
		return 0;
	n = entry_format_register(&a, buf, sizeof(buf));
	if (n < 0)
		abort(); /* valid, yet cannot be written */
	if (entry_parse_register(buf, (size_t)n, &b) < 0 || !entry_same(&a, &b))
		abort(); /* the written form means something else */
	return 0;
}
