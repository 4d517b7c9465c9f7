/* SPDX-License-Identifier: MIT */
/*
 * The software bill of materials of an image or of the release files:
 * CycloneDX 1.6 JSON (ECMA-424).  CycloneDX rather than SPDX 2.3 because
 * its schemas and a strict validator ship in the format's own package
 * (@cyclonedx/cyclonedx-library), which the tests run; and because it
 * models what qus-build knows directly: a package (a component with its
 * purl and SHA-256) assembled of files (nested components, each with its
 * SHA-256 and QEMU version), and files that come from no package (qus).
 *
 * Deterministic: no clock (the time is the build's, SOURCE_DATE_EPOCH or
 * the package's), a serial number derived from what is described, keys in
 * a fixed order.
 */
#ifndef QUS_SBOM_H
#define QUS_SBOM_H

#include <stddef.h>
#include <time.h>

#include "build.h"

#define SBOM_MEDIA_TYPE "application/vnd.cyclonedx+json"
#define SBOM_SPEC	"1.6"
#define SBOM_FILE	"sbom.cdx.json"
#define SBOM_PREDICATE	"https://cyclonedx.org/bom"

/* One file a document describes. */
struct doc_item {
	const char *name;	     /* in the image (/usr/bin/qemu-aarch64-static) or releases/ */
	const char *sha256;	     /* its content */
	const struct host_dir *host; /* the extract of its package; NULL: qus */
	int emu;		     /* the emulator of @host it is (or holds) */
	const char *arch;	     /* qus: the host it is for (Debian's name) */
};

/* What the SBOM is of. */
struct sbom_subject {
	const char *type;    /* CycloneDX component type: "container" (image), "application" */
	const char *name;    /* e.g. the image's title */
	const char *version; /* the package version */
	const char *sha256;  /* the manifest's or index's digest; NULL for release files */
	time_t created;
	const struct doc_item *items;
	size_t nitems;
};

/* The document, in @text (@len bytes, the caller frees it).  0 or -ENOMEM. */
int sbom_build(const struct sbom_subject *s, char **text, size_t *len);

/*
 * The package URL of an extracted package (purl-spec: pkg:deb/debian/NAME@VERSION?arch=A,
 * pkg:rpm/NAME@VERSION?arch=A, the version percent-encoded).
 */
void sbom_purl(const struct host_dir *h, const struct host_source *src, char *out, size_t size);

/* A name-based (version 5) UUID of @key in the URL namespace, as "urn:uuid:...". */
int sbom_uuid(const char *key, char out[46]);

#endif
