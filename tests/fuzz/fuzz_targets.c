/* SPDX-License-Identifier: MIT */
/*
 * Target names and aliases from the command line (qus register arm64,
 * --arch linux/arm/v7, ...): never crashes; a refused list names one of
 * its own words; an accepted one selects only table targets.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arch.h"
#include "plan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1), *words[16], *p;
	struct target_set set;
	const char *bad = NULL;
	int n = 0;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	/* Words separated by NUL or newline, as argv would hold them. */
	for (p = text; n < 16 && p <= text + size; p += strlen(p) + 1) {
		char *nl = strchr(p, '\n');

		if (nl)
			*nl = '\0';
		words[n++] = p;
	}
	if (targets_parse(words, n, &set, &bad) < 0) {
		int found = 0;

		for (int i = 0; i < n; i++)
			found |= bad == words[i] || (bad && !strcmp(bad, words[i]));
		if (!found)
			abort();
	}
	free(text);
	return 0;
}
