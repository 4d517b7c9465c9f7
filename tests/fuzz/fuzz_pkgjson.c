/* SPDX-License-Identifier: MIT */
/*
 * package.json of an extracted package (OUT/extract/<tag>/<arch>/package.json),
 * which the tarball and image stages read back: parsing never crashes, and
 * what it accepts cannot name a file or tag outside what qus-build makes:
 * the host is a table target's own name, the tag a valid image tag, every
 * emulator a table file name, none twice.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "build.h"
#include "pkg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool tag_valid(const char *t)
{
	size_t n = strlen(t);

	if (n == 0 || n > 128 || t[0] == '.' || t[0] == '-')
		return false;
	return strspn(t, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") == n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct host_dir h;
	char *text = malloc(size + 1);
	bool seen[QUS_NTARGETS] = { false };

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	memset(&h, 0, sizeof(h));
	if (host_dir_parse(text, &h) == 0) {
		const struct qus_target *host = arch_find(h.host);

		if (!host || strcmp(host->name, h.host) || !tag_valid(h.tag) ||
		    h.nemu > QUS_NTARGETS)
			abort();
		for (size_t i = 0; i < h.nemu; i++) {
			const struct qus_target *t = pkg_emulator_target(h.emu_file[i], false);

			if (!t || t != h.emu_target[i] || strchr(h.emu_file[i], '/') ||
			    seen[t - qus_targets])
				abort();
			seen[t - qus_targets] = true;
		}
	}
	json_object_put(h.root);
	free(text);
	return 0;
}
