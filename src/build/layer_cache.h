/* SPDX-License-Identifier: MIT */
/*
 * Which image layers qus-build made before, so that a rebuild compresses
 * only what is new (OUT/.cache/layers.json).  A layer is a tar of one file,
 * gzip-compressed: its bytes follow from the file's content, its name in the
 * image and its time, nothing else.  So the key is the file's SHA-256 (for
 * an emulator, the one extract recorded), that name and that time; the
 * value is the layer's blob digest and size and its diff_id.  A hit counts
 * only if the blob is in the layout under its digest with that size (the
 * layout is content-addressed: the name is the check).  Time stamps of
 * files are never looked at.
 */
#ifndef QUS_LAYER_CACHE_H
#define QUS_LAYER_CACHE_H

#include <stddef.h>
#include <time.h>

#include "oci.h"

struct layer_cache_entry {
	char key[SHA256_HEX_LEN + 96];
	struct oci_layer layer;
};

struct layer_cache {
	struct layer_cache_entry *v;
	size_t n, cap;
};

/* The key of a layer of a file with content @sha256, named @in_img, at time @mtime. */
void layer_cache_key(const char *sha256, const char *in_img, time_t mtime, char *out, size_t size);

/* Read OUT/.cache/layers.json; a missing or unreadable cache is an empty one.  0 or -ENOMEM. */
int layer_cache_load(const char *out_dir, struct layer_cache *c);

/* The layer of @key if @l holds its blob (name and size), else NULL. */
const struct oci_layer *layer_cache_find(const struct layer_cache *c, const char *key,
					 const struct oci_layout *l);

/* Remember @layer under @key (replacing an older entry).  0 or -ENOMEM. */
int layer_cache_put(struct layer_cache *c, const char *key, const struct oci_layer *layer);

/*
 * Write the cache back (through a temporary file), with the entries in
 * @c; an unchanged file is left alone.  0 or -errno.
 */
int layer_cache_save(const char *out_dir, const struct layer_cache *c);

void layer_cache_free(struct layer_cache *c);

#endif
