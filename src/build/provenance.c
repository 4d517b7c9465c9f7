/* SPDX-License-Identifier: MIT */
#include "provenance.h"

#include <stdio.h>
#include <string.h>

#include "config.h"
#include "json.h"
#include "sbom.h"

static void digest(struct json_writer *w, const char *sha256)
{
	jw_begin_object(w, "digest");
	jw_string(w, "sha256", sha256);
	jw_end_object(w);
}

/*
 * The time came from SOURCE_DATE_EPOCH, the same for every extract: then a
 * rebuild needs it.  Otherwise each package's own build time decided,
 * which the packages carry themselves.
 */
static bool env_date(const struct provenance *p, time_t *date)
{
	for (int h = 0; h < p->nhosts; h++)
		if (!p->hosts[h].date_from_env || p->hosts[h].date != p->hosts[0].date)
			return false;
	*date = p->hosts[0].date;
	return p->nhosts > 0;
}

int provenance_build(const struct provenance *p, char **text, size_t *len)
{
	char purl[640], buf[32];
	struct json_doc d;
	time_t date;
	int r = jw_doc_begin(&d);

	if (r < 0)
		return r;
	jw_begin_object(&d.w, NULL);
	jw_string(&d.w, "_type", PROVENANCE_STATEMENT);
	jw_begin_array(&d.w, "subject");
	for (size_t i = 0; i < p->nsubjects; i++) {
		jw_begin_object(&d.w, NULL);
		jw_string(&d.w, "name", p->subjects[i].name);
		digest(&d.w, p->subjects[i].sha256);
		jw_end_object(&d.w);
	}
	jw_end_array(&d.w);
	jw_string(&d.w, "predicateType", PROVENANCE_PREDICATE);
	jw_begin_object(&d.w, "predicate");
	jw_begin_object(&d.w, "buildDefinition");
	jw_string(&d.w, "buildType", PROVENANCE_BUILD_TYPE);
	jw_begin_object(&d.w, "externalParameters");
	jw_begin_array(&d.w, "packages");
	for (int h = 0; h < p->nhosts; h++)
		for (unsigned s = 0; s < p->hosts[h].nsrc; s++)
			jw_string(&d.w, NULL, p->hosts[h].src[s].file);
	jw_end_array(&d.w);
	if (p->nqus) {
		jw_begin_array(&d.w, "qus");
		for (size_t q = 0; q < p->nqus; q++)
			jw_string(&d.w, NULL, p->qus[q].arch);
		jw_end_array(&d.w);
	}
	if (env_date(p, &date)) {
		snprintf(buf, sizeof(buf), "%lld", (long long)date);
		jw_string(&d.w, "SOURCE_DATE_EPOCH", buf);
	}
	jw_end_object(&d.w);
	jw_begin_array(&d.w, "resolvedDependencies");
	for (int h = 0; h < p->nhosts; h++)
		for (unsigned s = 0; s < p->hosts[h].nsrc; s++) {
			const struct host_source *src = &p->hosts[h].src[s];

			sbom_purl(&p->hosts[h], src, purl, sizeof(purl));
			jw_begin_object(&d.w, NULL);
			jw_string(&d.w, "uri", purl);
			digest(&d.w, src->sha256);
			jw_string(&d.w, "name", src->file);
			if (src->url[0])
				jw_string(&d.w, "downloadLocation", src->url);
			jw_string(&d.w, "mediaType",
				  strcmp(src->format, "rpm")
					  ? "application/vnd.debian.binary-package"
					  : "application/x-rpm");
			if (src->suite[0]) {
				jw_begin_object(&d.w, "annotations");
				jw_string(&d.w, "suite", src->suite);
				jw_end_object(&d.w);
			}
			jw_end_object(&d.w);
		}
	for (size_t q = 0; q < p->nqus; q++) {
		jw_begin_object(&d.w, NULL);
		digest(&d.w, p->qus[q].sha256);
		jw_string(&d.w, "name", "qus");
		jw_begin_object(&d.w, "annotations");
		jw_string(&d.w, "arch", p->qus[q].arch);
		jw_end_object(&d.w);
		jw_end_object(&d.w);
	}
	jw_end_array(&d.w);
	jw_end_object(&d.w);
	jw_begin_object(&d.w, "runDetails");
	jw_begin_object(&d.w, "builder");
	jw_string(&d.w, "id", PROVENANCE_BUILDER);
	jw_begin_object(&d.w, "version");
	jw_string(&d.w, "qus-build", QUS_VERSION);
	jw_end_object(&d.w);
	jw_end_object(&d.w);
	jw_begin_array(&d.w, "byproducts");
	for (int h = 0; h < p->nhosts; h++)
		for (size_t e = 0; e < p->hosts[h].nemu; e++) {
			char name[256];

			snprintf(name, sizeof(name), "extract/%s/%s/%s", p->hosts[h].tag,
				 p->hosts[h].arch, p->hosts[h].emu_file[e]);
			jw_begin_object(&d.w, NULL);
			jw_string(&d.w, "name", name);
			digest(&d.w, p->hosts[h].emu_sha256[e]);
			jw_end_object(&d.w);
		}
	jw_end_array(&d.w);
	jw_end_object(&d.w);
	jw_end_object(&d.w);
	jw_end_object(&d.w);
	r = jw_doc_end(&d);
	if (r < 0)
		return r;
	*text = d.text;
	*len = d.len;
	return 0;
}
