/* SPDX-License-Identifier: MIT */
/*
 * Target names and aliases from the command line (qus register arm64,
 * --arch linux/arm/v7, ...): never crashes; a refused list names one of
 * its own words; an accepted one selects only table targets.  And the
 * option values of each word: --flags LETTERS, yes/no, numbers (--timeout,
 * --max-unpacked): what is accepted means what it says.
 */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch.h"
#include "entry.h"
#include "plan.h"
#include "util.h"

static void check_values(const char *w)
{
	static const unsigned long maxes[] = { 0, 5, 9, 10, 255, 3600, 1ul << 30, ULONG_MAX };
	unsigned flags, again;
	char letters[5], dec[32];
	unsigned long v;
	bool yes;

	if (flags_parse(w, &flags) == 0) {
		flags_format(flags, letters);
		if (strspn(w, "POCF") != strlen(w) || flags_parse(letters, &again) < 0 ||
		    flags_normalize(again) != flags_normalize(flags))
			abort();
	}
	if (parse_yes_no(w, &yes) == 0 && strcmp(w, yes ? "yes" : "no"))
		abort();
	for (size_t i = 0; i < ARRAY_SIZE(maxes); i++) {
		if (parse_uint(w, maxes[i], &v) < 0)
			continue;
		snprintf(dec, sizeof(dec), "%lu", v);
		/* At most the maximum, and the very number written (leading zeros aside). */
		if (v > maxes[i] || strcmp(w + strspn(w, "0") - (v == 0 && w[0] == '0'), dec))
			abort();
	}
}

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
		check_values(p);
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
