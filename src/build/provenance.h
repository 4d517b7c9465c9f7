/* SPDX-License-Identifier: MIT */
/*
 * How the release files and the images were made: an in-toto Statement
 * (v1) whose predicate is SLSA Provenance v1.  Only the spec's fields, so
 * that `cosign attest --type slsaprovenance1`, which parses the predicate
 * into SLSA's own types, keeps every one of them:
 *
 *   subject            what was made: each release file, or each image
 *                      tag (and each platform's manifest of an index)
 *   buildDefinition    buildType (PROVENANCE_BUILD_TYPE, qus-build(1)),
 *                      externalParameters (the package files, the hosts
 *                      given a qus, SOURCE_DATE_EPOCH when it decided the
 *                      time), resolvedDependencies (each package: purl,
 *                      file name, SHA-256, archive URL and suite when known;
 *                      each qus by its SHA-256 and host)
 *   runDetails         builder (qus-build and its version), byproducts
 *                      (each emulator taken from the packages, by its
 *                      SHA-256: what `qus-build verify` names when a
 *                      rebuild differs)
 *
 * No time and no invocation id: two runs give the same bytes.
 */
#ifndef QUS_PROVENANCE_H
#define QUS_PROVENANCE_H

#include <stddef.h>

#include "build.h"

#define PROVENANCE_MEDIA_TYPE "application/vnd.in-toto+json"
#define PROVENANCE_PREDICATE  "https://slsa.dev/provenance/v1"
#define PROVENANCE_STATEMENT  "https://in-toto.io/Statement/v1"
#define PROVENANCE_FILE	      "provenance.intoto.json"
/* Documented in qus-build(1), PROVENANCE (this project has no web address of its own). */
#define PROVENANCE_BUILD_TYPE "urn:qus:qus-build:build-type:v1"
#define PROVENANCE_BUILDER    "urn:qus:qus-build"

/* A subject: a release file or an image (tag, or tag@platform). */
struct prov_subject {
	char name[200];
	char sha256[65];
};

/* A qus given for the images of a host. */
struct prov_qus {
	const char *arch; /* Debian's name */
	char sha256[65];
};

struct provenance {
	const struct prov_subject *subjects;
	size_t nsubjects;
	const struct host_dir *hosts; /* every extract the build read */
	int nhosts;
	const struct prov_qus *qus; /* images only */
	size_t nqus;
};

/* The statement, in @text (@len bytes, the caller frees it).  0 or -ENOMEM. */
int provenance_build(const struct provenance *p, char **text, size_t *len);

#endif
