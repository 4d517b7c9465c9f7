/* SPDX-License-Identifier: MIT */
/* The documents: purls, serial numbers, and an SBOM and a provenance read back. */
#include "unit.h"

#include <json-c/json.h>
#include <string.h>

#include "provenance.h"
#include "sbom.h"

/* A host as extract's package.json gives it: one package, one emulator. */
static void host(struct host_dir *h, const char *version)
{
	memset(h, 0, sizeof(*h));
	strcpy(h->arch, "amd64");
	strcpy(h->tag, "7.2-7");
	h->platform = platform_by_debian("amd64");
	h->src[0] = (struct host_source){
		"q.deb",
		"c3e3ba2bd87f8c5b9a5da5ef21b5a3b82d7c63b89dd448d9ddaa4eabc5b6e402",
		"qemu-user-static",
		version,
		"deb",
		"bookworm",
		""
	};
	h->nsrc = 1;
	h->nemu = 1;
	h->emu_file[0] = "qemu-aarch64-static";
	h->emu_target[0] = arch_find("aarch64");
	h->emu_sha256[0] = "4f55e2e88dc05dc0f619562d5795b8eb25ed2ad2547504fb4835207a6911c350";
	h->emu_member[0] = "usr/bin/qemu-aarch64-static";
	h->emu_qemu_version[0] = "7.2.22 (Debian 1:7.2+dfsg-7+deb12u18+b3)";
	h->date = 1700000000;
	h->date_from_env = true;
}

static void test_purl(void **state)
{
	struct host_dir h;
	char out[640];

	(void)state;
	host(&h, "1:7.2+dfsg-7+deb12u18+b3");
	sbom_purl(&h, &h.src[0], out, sizeof(out));
	assert_string_equal(
		out, "pkg:deb/debian/qemu-user-static@1%3A7.2%2Bdfsg-7%2Bdeb12u18%2Bb3?arch=amd64");
	host(&h, "1:8.2.2+ds-0ubuntu1");
	sbom_purl(&h, &h.src[0], out, sizeof(out));
	assert_string_equal(out,
			    "pkg:deb/ubuntu/qemu-user-static@1%3A8.2.2%2Bds-0ubuntu1?arch=amd64");
	h.src[0].format = "rpm";
	h.src[0].version = "7.2.0-5.fc38";
	sbom_purl(&h, &h.src[0], out, sizeof(out));
	assert_string_equal(out, "pkg:rpm/qemu-user-static@7.2.0-5.fc38?arch=x86_64");
}

static void test_uuid(void **state)
{
	char u[46];

	(void)state;
	/* As Python gives it: uuid.uuid5(uuid.NAMESPACE_URL, "http://python.org"). */
	assert_int_equal(sbom_uuid("http://python.org", u), 0);
	assert_string_equal(u, "urn:uuid:50960143-e2b7-5b7a-9ca7-05375f51d5c1");
}

static void test_documents(void **state)
{
	struct host_dir h;
	struct doc_item it = { .name = "/usr/bin/qemu-aarch64-static", .host = &h, .emu = 0 };
	struct sbom_subject s = { .type = "container",
				  .name = "qemu-aarch64-static",
				  .version = "1:7.2",
				  .sha256 = "ab",
				  .created = 1700000000,
				  .items = &it,
				  .nitems = 1 };
	struct prov_subject subj = { "aarch64", "ab" };
	struct provenance p = { .subjects = &subj, .nsubjects = 1, .hosts = &h, .nhosts = 1 };
	char *a, *b;
	size_t alen, blen;
	json_object *doc, *v;

	(void)state;
	host(&h, "1:7.2+dfsg-7+deb12u18+b3");
	it.sha256 = h.emu_sha256[0];
	assert_int_equal(sbom_build(&s, &a, &alen), 0);
	assert_int_equal(sbom_build(&s, &b, &blen), 0);
	assert_true(alen == blen && !memcmp(a, b, alen)); /* no clock, no randomness */
	doc = json_tokener_parse(a);
	assert_non_null(doc);
	assert_true(json_object_object_get_ex(doc, "serialNumber", &v));
	assert_int_equal(strncmp(json_object_get_string(v), "urn:uuid:", 9), 0);
	v = json_object_array_get_idx(json_object_object_get(doc, "components"), 0);
	assert_string_equal(
		json_object_get_string(json_object_object_get(v, "purl")),
		"pkg:deb/debian/qemu-user-static@1%3A7.2%2Bdfsg-7%2Bdeb12u18%2Bb3?arch=amd64");
	v = json_object_array_get_idx(json_object_object_get(v, "components"), 0);
	assert_string_equal(json_object_get_string(json_object_object_get(v, "version")), "7.2.22");
	json_object_put(doc);
	free(a);
	free(b);
	assert_int_equal(provenance_build(&p, &a, &alen), 0);
	doc = json_tokener_parse(a);
	assert_non_null(doc);
	assert_string_equal(json_object_get_string(json_object_object_get(doc, "predicateType")),
			    PROVENANCE_PREDICATE);
	v = json_object_object_get(json_object_object_get(doc, "predicate"), "buildDefinition");
	assert_string_equal(
		json_object_get_string(json_object_object_get(
			json_object_object_get(v, "externalParameters"), "SOURCE_DATE_EPOCH")),
		"1700000000");
	v = json_object_array_get_idx(json_object_object_get(v, "resolvedDependencies"), 0);
	assert_string_equal(json_object_get_string(json_object_object_get(
				    json_object_object_get(v, "annotations"), "suite")),
			    "bookworm");
	json_object_put(doc);
	free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_purl),
		cmocka_unit_test(test_uuid),
		cmocka_unit_test(test_documents),
	};
	return qus_run_tests("sbom", tests, ARRAY_SIZE(tests));
}
