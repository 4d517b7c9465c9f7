/* SPDX-License-Identifier: MIT */
#include "layer_cache.h"

#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "build.h"
#include "json.h"
#include "util.h"

#define CACHE_DIR  ".cache"
#define CACHE_FILE "layers.json"
/* More than every layer of 3 versions of 11 hosts; a bigger file is not ours. */
#define CACHE_MAX (8u << 20)

void layer_cache_key(const char *sha256, const char *in_img, time_t mtime, char *out, size_t size)
{
	snprintf(out, size, "%s %s %lld", sha256, in_img, (long long)mtime);
}

/* "sha256:" and 64 lowercase hex digits. */
static bool is_digest(const char *s)
{
	return !strncmp(s, "sha256:", 7) && strlen(s + 7) == SHA256_HEX_LEN &&
	       strspn(s + 7, "0123456789abcdef") == SHA256_HEX_LEN;
}

static const char *str_of(json_object *o, const char *key)
{
	json_object *v;

	return json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_string)
		       ? json_object_get_string(v)
		       : NULL;
}

int layer_cache_load(const char *out_dir, struct layer_cache *c)
{
	char path[4096];
	_cleanup_free_ uint8_t *text = NULL;
	json_object *root, *layers;
	size_t size = 0;
	int r = 0;

	memset(c, 0, sizeof(*c));
	snprintf(path, sizeof(path), "%s/" CACHE_DIR "/" CACHE_FILE, out_dir);
	if (read_whole(AT_FDCWD, path, &text, &size) < 0 || size > CACHE_MAX)
		return 0;
	text[size] = '\0';
	root = json_tokener_parse((const char *)text);
	if (!root)
		return 0;
	if (json_object_object_get_ex(root, "layers", &layers) &&
	    json_object_is_type(layers, json_type_array))
		for (size_t i = 0; r == 0 && i < json_object_array_length(layers); i++) {
			json_object *e = json_object_array_get_idx(layers, i), *sz;
			const char *key = str_of(e, "key"), *digest = str_of(e, "digest");
			const char *diff = str_of(e, "diff_id");
			struct oci_layer l;

			/* Anything not as we write it is left out: the layer is made again. */
			if (!key || !digest || !diff || !is_digest(digest) || !is_digest(diff) ||
			    strlen(key) >= sizeof(c->v[0].key) ||
			    !json_object_object_get_ex(e, "size", &sz) ||
			    !json_object_is_type(sz, json_type_int) ||
			    json_object_get_int64(sz) <= 0)
				continue;
			memset(&l, 0, sizeof(l));
			snprintf(l.blob.digest, sizeof(l.blob.digest), "%s", digest);
			snprintf(l.diff_id, sizeof(l.diff_id), "%s", diff);
			l.blob.size = (size_t)json_object_get_int64(sz);
			r = layer_cache_put(c, key, &l);
		}
	json_object_put(root);
	return r;
}

const struct oci_layer *layer_cache_find(const struct layer_cache *c, const char *key,
					 const struct oci_layout *l)
{
	struct stat st;

	for (size_t i = 0; i < c->n; i++) {
		const struct oci_layer *layer = &c->v[i].layer;

		if (strcmp(c->v[i].key, key))
			continue;
		/* The layout is content-addressed: the blob under its digest is this layer. */
		if (fstatat(l->blobs, layer->blob.digest + 7, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    S_ISREG(st.st_mode) && (size_t)st.st_size == layer->blob.size)
			return layer;
		return NULL;
	}
	return NULL;
}

int layer_cache_put(struct layer_cache *c, const char *key, const struct oci_layer *layer)
{
	struct layer_cache_entry *e = NULL;

	for (size_t i = 0; i < c->n && !e; i++)
		if (!strcmp(c->v[i].key, key))
			e = &c->v[i];
	if (!e) {
		if (c->n == c->cap) {
			size_t cap = c->cap ? 2 * c->cap : 128;
			struct layer_cache_entry *v = realloc(c->v, cap * sizeof(*v));

			if (!v)
				return -ENOMEM;
			c->v = v;
			c->cap = cap;
		}
		e = &c->v[c->n++];
		snprintf(e->key, sizeof(e->key), "%s", key);
	}
	e->layer = *layer;
	return 0;
}

static int cmp_entry(const void *a, const void *b)
{
	return strcmp(((const struct layer_cache_entry *)a)->key,
		      ((const struct layer_cache_entry *)b)->key);
}

int layer_cache_save(const char *out_dir, const struct layer_cache *c)
{
	_cleanup_close_ int out = open_out_dir(out_dir), dir = -1;
	struct layer_cache_entry *v;
	struct json_doc d;
	int r;

	if (out < 0)
		return out;
	dir = open_subdir(out, CACHE_DIR);
	if (dir < 0)
		return dir;
	/* Sorted: the same layers, the same file. */
	v = malloc((c->n ? c->n : 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	memcpy(v, c->v, c->n * sizeof(*v));
	qsort(v, c->n, sizeof(*v), cmp_entry);
	r = jw_doc_begin(&d);
	if (r == 0) {
		jw_begin_object(&d.w, NULL);
		jw_uint(&d.w, "schema", 1);
		jw_begin_array(&d.w, "layers");
		for (size_t i = 0; i < c->n; i++) {
			jw_begin_object(&d.w, NULL);
			jw_string(&d.w, "key", v[i].key);
			jw_string(&d.w, "digest", v[i].layer.blob.digest);
			jw_uint(&d.w, "size", v[i].layer.blob.size);
			jw_string(&d.w, "diff_id", v[i].layer.diff_id);
			jw_end_object(&d.w);
		}
		jw_end_array(&d.w);
		jw_end_object(&d.w);
		r = jw_doc_write(&d, dir, CACHE_FILE);
	}
	free(v);
	return r;
}

void layer_cache_free(struct layer_cache *c)
{
	free(c->v);
	memset(c, 0, sizeof(*c));
}
