/* SPDX-License-Identifier: MIT */
/*
 * Writing an OCI image layout (image-spec v1.0: image-layout.md,
 * manifest.md, config.md, image-index.md): content-addressed blobs under
 * blobs/sha256, the documents that describe them, and index.json naming
 * each tag with org.opencontainers.image.ref.name.  Every document is
 * produced by the escaping JSON writer with keys in a fixed order, so the
 * same content always has the same digest.
 */
#ifndef QUS_OCI_H
#define QUS_OCI_H

#include <stddef.h>
#include <time.h>

#include "digest.h"

#define OCI_MEDIA_INDEX	   "application/vnd.oci.image.index.v1+json"
#define OCI_MEDIA_MANIFEST "application/vnd.oci.image.manifest.v1+json"
#define OCI_MEDIA_CONFIG   "application/vnd.oci.image.config.v1+json"
#define OCI_MEDIA_LAYER	   "application/vnd.oci.image.layer.v1.tar+gzip"
#define OCI_MEDIA_EMPTY	   "application/vnd.oci.empty.v1+json"

/* A blob in the layout: "sha256:<hex>" and its size. */
struct oci_blob {
	char digest[8 + SHA256_HEX_LEN];
	size_t size;
};

struct oci_layout {
	int blobs; /* blobs/sha256 */
	int root;
};

/* Create (or reuse) the layout at @dir: oci-layout and blobs/sha256.  0 or -errno. */
int oci_open(const char *dir, struct oci_layout *l);
void oci_close(struct oci_layout *l);

/* Store @data as a blob (written once: an existing blob of that digest is kept). */
int oci_put(struct oci_layout *l, const void *data, size_t len, struct oci_blob *out);

/* A layer: the gzip blob and the digest of the uncompressed tar (the config's diff_id). */
struct oci_layer {
	struct oci_blob blob;
	char diff_id[8 + SHA256_HEX_LEN];
};

/* What an image says about itself. */
struct oci_image {
	const char *arch;	/* OCI architecture: amd64, arm64, ... */
	const char *variant;	/* e.g. "v7", or NULL */
	const char *entrypoint; /* NULL: none */
	const char *cmd;	/* the one argument when none is given (Cmd); NULL: none */
	time_t created;
	const char *version; /* annotations */
	const char *source;
	const char *title;
	const struct oci_layer *layers;
	size_t nlayers;
};

/* Write the config and manifest of @img; @manifest receives the manifest blob. */
int oci_put_image(struct oci_layout *l, const struct oci_image *img, struct oci_blob *manifest);

/* One platform's manifest, for an image index. */
struct oci_platform_manifest {
	struct oci_blob manifest;
	const char *arch;
	const char *variant;
};

/* Write an image index (a multi-platform image) of @n manifests. */
int oci_put_index(struct oci_layout *l, const struct oci_platform_manifest *m, size_t n,
		  struct oci_blob *index);

/* A tag in index.json: a manifest or an image index; or a referrer, untagged. */
struct oci_ref {
	const char *tag; /* NULL: a referrer (listed so that tools find it, with no name) */
	const char *media_type;
	struct oci_blob blob;
	/* A referrer's: its artifactType and annotations, as in its manifest. */
	const char *artifact_type;
	const char *created;
	const char *predicate_type;
};

/*
 * An OCI 1.1 artifact that refers to @subject (image-spec v1.1 manifest.md,
 * "Guidelines for Artifact Usage"): artifactType @artifact_type, the empty
 * config, one layer holding @doc (of that media type, titled @title), and
 * the annotations created and, for an in-toto statement, its predicate
 * type.  A registry's referrers API, `oras discover` and cosign find it.
 */
struct oci_referrer {
	const char *artifact_type;
	const char *title;
	const char *predicate_type; /* or NULL */
	const char *created;
	struct oci_blob doc;
	const char *subject_media;
	struct oci_blob subject;
};
int oci_put_referrer(struct oci_layout *l, const struct oci_referrer *r, struct oci_blob *manifest);

/* Write index.json naming @refs (sorted by tag by the caller for stable output). */
int oci_write_index_json(struct oci_layout *l, const struct oci_ref *refs, size_t n);

/* RFC 3339 in UTC, as the image-spec wants "created". */
void oci_time(time_t t, char out[32]);

#endif
