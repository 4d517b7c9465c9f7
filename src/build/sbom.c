/* SPDX-License-Identifier: MIT */
#include "sbom.h"

#include <errno.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "emulator.h"
#include "json.h"
#include "oci.h"
#include "util.h"

int sbom_uuid(const char *key, char out[46])
{
	/* RFC 9562 5.5: SHA-1 of the namespace (URL's) and the name; version 5, variant 10. */
	static const unsigned char ns[16] = { 0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1,
					      0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8 };
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0;
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	int ok = c && EVP_DigestInit_ex(c, EVP_sha1(), NULL) &&
		 EVP_DigestUpdate(c, ns, sizeof(ns)) && EVP_DigestUpdate(c, key, strlen(key)) &&
		 EVP_DigestFinal_ex(c, md, &len);

	EVP_MD_CTX_free(c);
	if (!ok || len < 16)
		return -EIO;
	md[6] = (unsigned char)((md[6] & 0x0f) | 0x50);
	md[8] = (unsigned char)((md[8] & 0x3f) | 0x80);
	snprintf(out, 46,
		 "urn:uuid:%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 md[0], md[1], md[2], md[3], md[4], md[5], md[6], md[7], md[8], md[9], md[10],
		 md[11], md[12], md[13], md[14], md[15]);
	return 0;
}

/* @s percent-encoded as a purl component wants it (everything but A-Z a-z 0-9 . - _ ~). */
static size_t pct(const char *s, char *out, size_t size)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = 0;

	for (; *s && n + 4 < size; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    strchr(".-_~", c)) {
			out[n++] = (char)c;
		} else {
			out[n++] = '%';
			out[n++] = hex[c >> 4];
			out[n++] = hex[c & 15];
		}
	}
	out[n] = '\0';
	return n;
}

void sbom_purl(const struct host_dir *h, const struct host_source *src, char *out, size_t size)
{
	char name[192], version[384];
	bool rpm = !strcmp(src->format, "rpm");
	/* Ubuntu's packages carry its name in their version (1:8.2.2+ds-0ubuntu1). */
	const char *ns = rpm ? "" : strstr(src->version, "ubuntu") ? "ubuntu/" : "debian/";
	const char *arch = rpm && h->platform && h->platform->rpm ? h->platform->rpm : h->arch;

	pct(src->name, name, sizeof(name));
	pct(src->version, version, sizeof(version));
	snprintf(out, size, "pkg:%s/%s%s@%s?arch=%s", rpm ? "rpm" : "deb", ns, name, version, arch);
}

static void hashes(struct json_writer *w, const char *sha256)
{
	jw_begin_array(w, "hashes");
	jw_begin_object(w, NULL);
	jw_string(w, "alg", "SHA-256");
	jw_string(w, "content", sha256);
	jw_end_object(w);
	jw_end_array(w);
}

static void property(struct json_writer *w, const char *name, const char *value)
{
	jw_begin_object(w, NULL);
	jw_string(w, "name", name);
	jw_string(w, "value", value);
	jw_end_object(w);
}

/* An emulator, or a release file that holds one, as part of its package. */
static void file_component(struct json_writer *w, const char *purl, const struct doc_item *it)
{
	const struct host_dir *h = it->host;
	const char *qv = h->emu_qemu_version[it->emu];
	char ref[768], version[QUS_QEMU_VERSION_MAX];
	size_t vlen = strcspn(qv ? qv : "", " ");

	snprintf(ref, sizeof(ref), "%s#%s", purl, it->name);
	snprintf(version, sizeof(version), "%.*s", (int)vlen, qv ? qv : "");
	jw_begin_object(w, NULL);
	jw_string(w, "type", "file");
	jw_string(w, "bom-ref", ref);
	jw_string(w, "name", it->name);
	if (version[0])
		jw_string(w, "version", version);
	hashes(w, it->sha256);
	jw_begin_array(w, "properties");
	property(w, "qus:target", h->emu_target[it->emu]->name);
	property(w, "qus:emulator", h->emu_file[it->emu]);
	if (h->emu_member[it->emu] && h->emu_member[it->emu][0])
		property(w, "qus:package-member", h->emu_member[it->emu]);
	if (qv && qv[0])
		property(w, "qus:qemu-version", qv);
	jw_end_array(w);
	jw_end_object(w);
}

/* The package of @it: its host's source it came from. */
static const struct host_source *item_source(const struct doc_item *it)
{
	const struct host_dir *h = it->host;

	return h->nsrc ? &h->src[h->emu_from[it->emu] < h->nsrc ? h->emu_from[it->emu] : 0] : NULL;
}

static void package_component(struct json_writer *w, const struct sbom_subject *s, size_t first,
			      const char *purl)
{
	const struct doc_item *it = &s->items[first];
	const struct host_source *src = item_source(it);

	if (!src)
		return;
	jw_begin_object(w, NULL);
	jw_string(w, "type", "application");
	jw_string(w, "bom-ref", purl);
	if (strcmp(src->format, "rpm")) {
		jw_begin_object(w, "supplier");
		jw_string(w, "name", strstr(src->version, "ubuntu") ? "Ubuntu" : "Debian");
		jw_end_object(w);
	}
	jw_string(w, "name", src->name);
	jw_string(w, "version", src->version);
	jw_string(w, "purl", purl);
	hashes(w, src->sha256);
	if (src->url[0]) {
		jw_begin_array(w, "externalReferences");
		jw_begin_object(w, NULL);
		jw_string(w, "type", "distribution");
		jw_string(w, "url", src->url);
		jw_end_object(w);
		jw_end_array(w);
	}
	jw_begin_array(w, "properties");
	property(w, "qus:package-file", src->file);
	property(w, "qus:architecture", it->host->arch);
	if (src->suite[0])
		property(w, "qus:suite", src->suite);
	jw_end_array(w);
	/* Its files: every item of the same package (assembly: the files are part of it). */
	jw_begin_array(w, "components");
	for (size_t i = first; i < s->nitems; i++)
		if (s->items[i].host == it->host && item_source(&s->items[i]) == src)
			file_component(w, purl, &s->items[i]);
	jw_end_array(w);
	jw_end_object(w);
}

static void qus_ref(const struct doc_item *it, char *out, size_t size)
{
	snprintf(out, size, "file:%s?arch=%s", it->name, it->arch ? it->arch : "");
}

/* Whether an earlier item than @i is of the same package (it is listed there). */
static bool seen_before(const struct sbom_subject *s, size_t i)
{
	for (size_t k = 0; k < i; k++)
		if (s->items[k].host && s->items[k].host == s->items[i].host &&
		    item_source(&s->items[k]) == item_source(&s->items[i]))
			return true;
	return false;
}

int sbom_build(const struct sbom_subject *s, char **text, size_t *len)
{
	char serial[46], created[32], purl[640], key[256];
	struct json_doc d;
	int r;

	/* The serial number: the same document, the same number (what it is of decides). */
	snprintf(key, sizeof(key), "qus-build:sbom:%s:%s:%s", s->sha256 ? s->sha256 : "", s->name,
		 s->nitems ? s->items[0].sha256 : "");
	r = sbom_uuid(key, serial);
	if (r < 0)
		return r;
	oci_time(s->created, created);
	r = jw_doc_begin(&d);
	if (r < 0)
		return r;
	jw_begin_object(&d.w, NULL);
	jw_string(&d.w, "$schema", "http://cyclonedx.org/schema/bom-" SBOM_SPEC ".schema.json");
	jw_string(&d.w, "bomFormat", "CycloneDX");
	jw_string(&d.w, "specVersion", SBOM_SPEC);
	jw_string(&d.w, "serialNumber", serial);
	jw_uint(&d.w, "version", 1);
	jw_begin_object(&d.w, "metadata");
	jw_string(&d.w, "timestamp", created);
	jw_begin_object(&d.w, "tools");
	jw_begin_array(&d.w, "components");
	jw_begin_object(&d.w, NULL);
	jw_string(&d.w, "type", "application");
	jw_string(&d.w, "name", "qus-build");
	jw_string(&d.w, "version", QUS_VERSION);
	jw_end_object(&d.w);
	jw_end_array(&d.w);
	jw_end_object(&d.w);
	jw_begin_object(&d.w, "component");
	jw_string(&d.w, "type", s->type);
	jw_string(&d.w, "bom-ref", "subject");
	jw_string(&d.w, "name", s->name);
	if (s->version)
		jw_string(&d.w, "version", s->version);
	if (s->sha256)
		hashes(&d.w, s->sha256);
	jw_end_object(&d.w);
	jw_end_object(&d.w);

	jw_begin_array(&d.w, "components");
	for (size_t i = 0; i < s->nitems; i++) {
		const struct doc_item *it = &s->items[i];

		if (!it->host) {
			char ref[512];

			qus_ref(it, ref, sizeof(ref));
			jw_begin_object(&d.w, NULL);
			jw_string(&d.w, "type", "file");
			jw_string(&d.w, "bom-ref", ref);
			jw_string(&d.w, "name", it->name);
			jw_string(&d.w, "description",
				  "qus, the static binary given to qus-build (--qus)");
			hashes(&d.w, it->sha256);
			jw_begin_array(&d.w, "properties");
			property(&d.w, "qus:architecture", it->arch ? it->arch : "");
			jw_end_array(&d.w);
			jw_end_object(&d.w);
		} else if (item_source(it) && !seen_before(s, i)) {
			sbom_purl(it->host, item_source(it), purl, sizeof(purl));
			package_component(&d.w, s, i, purl);
		}
	}
	jw_end_array(&d.w);

	/* The subject is made of the packages and of qus. */
	jw_begin_array(&d.w, "dependencies");
	jw_begin_object(&d.w, NULL);
	jw_string(&d.w, "ref", "subject");
	jw_begin_array(&d.w, "dependsOn");
	for (size_t i = 0; i < s->nitems; i++) {
		const struct doc_item *it = &s->items[i];

		if (!it->host) {
			qus_ref(it, purl, sizeof(purl));
			jw_string(&d.w, NULL, purl);
		} else if (item_source(it) && !seen_before(s, i)) {
			sbom_purl(it->host, item_source(it), purl, sizeof(purl));
			jw_string(&d.w, NULL, purl);
		}
	}
	jw_end_array(&d.w);
	jw_end_object(&d.w);
	jw_end_array(&d.w);
	jw_end_object(&d.w);
	r = jw_doc_end(&d);
	if (r < 0)
		return r;
	*text = d.text;
	*len = d.len;
	return 0;
}
