/* SPDX-License-Identifier: MIT */
#include "oci.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "json.h"
#include "util.h"

int oci_open(const char *dir, struct oci_layout *l)
{
	static const char layout[] = "{\"imageLayoutVersion\":\"1.0.0\"}";
	int blobs, r;

	l->root = l->blobs = -1;
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return -errno;
	l->root = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (l->root < 0)
		return -errno;
	blobs = open_subdir(l->root, "blobs");
	if (blobs < 0)
		return blobs;
	l->blobs = open_subdir(blobs, "sha256");
	close(blobs);
	if (l->blobs < 0)
		return l->blobs;
	/* Left alone when it is there already: a rebuild with nothing new rewrites nothing. */
	r = write_file_if_changed(l->root, "oci-layout", layout, sizeof(layout) - 1, 0644);
	return r < 0 ? r : 0;
}

void oci_close(struct oci_layout *l)
{
	if (l->blobs >= 0)
		close(l->blobs);
	if (l->root >= 0)
		close(l->root);
	l->root = l->blobs = -1;
}

int oci_put(struct oci_layout *l, const void *data, size_t len, struct oci_blob *out)
{
	char hex[SHA256_HEX_LEN + 1];
	struct stat st;
	int r = sha256_hex(data, len, hex);

	if (r < 0)
		return r;
	snprintf(out->digest, sizeof(out->digest), "sha256:%s", hex);
	out->size = len;
	/* Content-addressed: a blob already there under its digest is this blob. */
	if (fstatat(l->blobs, hex, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode) &&
	    (size_t)st.st_size == len)
		return 0;
	return write_file_atomic(l->blobs, hex, data, len, 0644);
}

void oci_time(time_t t, char out[32])
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Finish @d and store it as a blob. */
static int doc_put(struct json_doc *d, struct oci_layout *l, struct oci_blob *out)
{
	int r = jw_doc_end(d);

	if (r < 0)
		return r;
	r = oci_put(l, d->text, d->len, out);
	free(d->text);
	return r;
}

static void descriptor(struct json_writer *w, const char *media, const struct oci_blob *b)
{
	jw_string(w, "mediaType", media);
	jw_string(w, "digest", b->digest);
	jw_uint(w, "size", b->size);
}

static void platform(struct json_writer *w, const char *arch, const char *variant)
{
	jw_begin_object(w, "platform");
	jw_string(w, "architecture", arch);
	jw_string(w, "os", "linux");
	if (variant)
		jw_string(w, "variant", variant);
	jw_end_object(w);
}

int oci_put_image(struct oci_layout *l, const struct oci_image *img, struct oci_blob *manifest)
{
	struct oci_blob config;
	char created[32];
	struct json_doc d;
	int r;

	oci_time(img->created, created);
	/* The config (config.md): platform, entrypoint and cmd, and the layers' diff_ids. */
	r = jw_doc_begin(&d);
	if (r < 0)
		return r;
	jw_begin_object(&d.w, NULL);
	jw_string(&d.w, "created", created);
	jw_string(&d.w, "architecture", img->arch);
	jw_string(&d.w, "os", "linux");
	if (img->variant)
		jw_string(&d.w, "variant", img->variant);
	jw_begin_object(&d.w, "config");
	if (img->entrypoint) {
		jw_begin_array(&d.w, "Entrypoint");
		jw_string(&d.w, NULL, img->entrypoint);
		jw_end_array(&d.w);
	}
	if (img->cmd) {
		jw_begin_array(&d.w, "Cmd");
		jw_string(&d.w, NULL, img->cmd);
		jw_end_array(&d.w);
	}
	jw_end_object(&d.w);
	jw_begin_object(&d.w, "rootfs");
	jw_string(&d.w, "type", "layers");
	jw_begin_array(&d.w, "diff_ids");
	for (size_t i = 0; i < img->nlayers; i++)
		jw_string(&d.w, NULL, img->layers[i].diff_id);
	jw_end_array(&d.w);
	jw_end_object(&d.w);
	jw_end_object(&d.w);
	r = doc_put(&d, l, &config);
	if (r < 0)
		return r;

	/* The manifest (manifest.md): config, layers, annotations. */
	r = jw_doc_begin(&d);
	if (r < 0)
		return r;
	jw_begin_object(&d.w, NULL);
	jw_uint(&d.w, "schemaVersion", 2);
	jw_string(&d.w, "mediaType", OCI_MEDIA_MANIFEST);
	jw_begin_object(&d.w, "config");
	descriptor(&d.w, OCI_MEDIA_CONFIG, &config);
	jw_end_object(&d.w);
	jw_begin_array(&d.w, "layers");
	for (size_t i = 0; i < img->nlayers; i++) {
		jw_begin_object(&d.w, NULL);
		descriptor(&d.w, OCI_MEDIA_LAYER, &img->layers[i].blob);
		jw_end_object(&d.w);
	}
	jw_end_array(&d.w);
	jw_begin_object(&d.w, "annotations");
	jw_string(&d.w, "org.opencontainers.image.created", created);
	if (img->source)
		jw_string(&d.w, "org.opencontainers.image.source", img->source);
	if (img->title)
		jw_string(&d.w, "org.opencontainers.image.title", img->title);
	if (img->version)
		jw_string(&d.w, "org.opencontainers.image.version", img->version);
	jw_end_object(&d.w);
	jw_end_object(&d.w);
	return doc_put(&d, l, manifest);
}

/* An image index (image-index.md) up to its manifests array, which is left open. */
static int index_begin(struct json_doc *d)
{
	int r = jw_doc_begin(d);

	if (r < 0)
		return r;
	jw_begin_object(&d->w, NULL);
	jw_uint(&d->w, "schemaVersion", 2);
	jw_string(&d->w, "mediaType", OCI_MEDIA_INDEX);
	jw_begin_array(&d->w, "manifests");
	return 0;
}

int oci_put_index(struct oci_layout *l, const struct oci_platform_manifest *m, size_t n,
		  struct oci_blob *index)
{
	struct json_doc d;
	int r = index_begin(&d);

	if (r < 0)
		return r;
	for (size_t i = 0; i < n; i++) {
		jw_begin_object(&d.w, NULL);
		descriptor(&d.w, OCI_MEDIA_MANIFEST, &m[i].manifest);
		platform(&d.w, m[i].arch, m[i].variant);
		jw_end_object(&d.w);
	}
	jw_end_array(&d.w);
	jw_end_object(&d.w);
	return doc_put(&d, l, index);
}

/* A referrer's annotations, in its manifest and in index.json alike. */
static void referrer_annotations(struct json_writer *w, const char *created,
				 const char *predicate_type)
{
	jw_begin_object(w, "annotations");
	if (predicate_type)
		jw_string(w, "in-toto.io/predicate-type", predicate_type);
	jw_string(w, "org.opencontainers.image.created", created);
	jw_end_object(w);
}

int oci_put_referrer(struct oci_layout *l, const struct oci_referrer *r, struct oci_blob *manifest)
{
	struct oci_blob empty;
	struct json_doc d;
	int rc = oci_put(l, "{}", 2, &empty);

	if (rc == 0)
		rc = jw_doc_begin(&d);
	if (rc < 0)
		return rc;
	jw_begin_object(&d.w, NULL);
	jw_uint(&d.w, "schemaVersion", 2);
	jw_string(&d.w, "mediaType", OCI_MEDIA_MANIFEST);
	jw_string(&d.w, "artifactType", r->artifact_type);
	/* The empty descriptor (manifest.md): "{}" also inline, as data. */
	jw_begin_object(&d.w, "config");
	descriptor(&d.w, OCI_MEDIA_EMPTY, &empty);
	jw_string(&d.w, "data", "e30=");
	jw_end_object(&d.w);
	jw_begin_array(&d.w, "layers");
	jw_begin_object(&d.w, NULL);
	descriptor(&d.w, r->artifact_type, &r->doc);
	jw_begin_object(&d.w, "annotations");
	jw_string(&d.w, "org.opencontainers.image.title", r->title);
	jw_end_object(&d.w);
	jw_end_object(&d.w);
	jw_end_array(&d.w);
	jw_begin_object(&d.w, "subject");
	descriptor(&d.w, r->subject_media, &r->subject);
	jw_end_object(&d.w);
	referrer_annotations(&d.w, r->created, r->predicate_type);
	jw_end_object(&d.w);
	return doc_put(&d, l, manifest);
}

int oci_write_index_json(struct oci_layout *l, const struct oci_ref *refs, size_t n)
{
	struct json_doc d;
	int r = index_begin(&d);

	if (r < 0)
		return r;
	for (size_t i = 0; i < n; i++) {
		jw_begin_object(&d.w, NULL);
		descriptor(&d.w, refs[i].media_type, &refs[i].blob);
		if (!refs[i].tag) {
			jw_string(&d.w, "artifactType", refs[i].artifact_type);
			referrer_annotations(&d.w, refs[i].created, refs[i].predicate_type);
			jw_end_object(&d.w);
			continue;
		}
		jw_begin_object(&d.w, "annotations");
		jw_string(&d.w, "org.opencontainers.image.ref.name", refs[i].tag);
		jw_end_object(&d.w);
		jw_end_object(&d.w);
	}
	jw_end_array(&d.w);
	jw_end_object(&d.w);
	return jw_doc_write(&d, l->root, "index.json");
}
