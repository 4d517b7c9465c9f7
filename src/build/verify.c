/* SPDX-License-Identifier: MIT */
/*
 * qus-build verify PROVENANCE FILE...: rebuild what a provenance
 * (provenance.c) describes from the packages and the static qus it names,
 * and compare every digest.  The output is bit-reproducible, so anyone
 * holding the same packages gets the same digests; a digest that differs
 * is named, one line each: an emulator taken from a package (the
 * provenance's byproducts), a release file or an image (its subjects).
 *
 * PROVENANCE is the in-toto statement as qus-build wrote it (releases/,
 * or the layer of an image's referrer: `oras pull`), or as cosign
 * attested it: `cosign verify-attestation` prints DSSE envelopes whose
 * payload is the statement, with the signed image as its one subject.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <json-c/json.h>
#include <limits.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "build.h"
#include "config.h"
#include "digest.h"
#include "pkg.h"
#include "provenance.h"
#include "sbom.h"
#include "util.h"

/* A name and a digest: a dependency, a subject, a byproduct, or what the rebuild made. */
struct named {
	const char *name;
	const char *sha256;
	const char *uri;  /* dependencies: the purl */
	const char *arch; /* qus: its host */
	const char *file; /* the file given for it */
};

struct list {
	struct named *v;
	size_t n, cap;
};

static int list_add(struct list *l, struct named e)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 64;
		struct named *v = realloc(l->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = e;
	return 0;
}

static const char *str_at(json_object *o, const char *a, const char *b)
{
	json_object *v;

	if (!json_object_object_get_ex(o, a, &v))
		return NULL;
	if (b && !json_object_object_get_ex(v, b, &v))
		return NULL;
	return json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

static json_object *member(json_object *o, const char *key)
{
	json_object *v;

	return o && json_object_object_get_ex(o, key, &v) ? v : NULL;
}

/*
 * The statement in @text: the first JSON document, and if it is a DSSE
 * envelope (cosign's output), the statement in its payload.
 */
static json_object *statement(const char *text, size_t len)
{
	json_tokener *tok = json_tokener_new();
	json_object *root = tok ? json_tokener_parse_ex(tok, text, (int)len) : NULL;
	const char *payload = str_at(root, "payload", NULL);

	json_tokener_free(tok);
	if (payload) {
		size_t plen = strlen(payload);
		_cleanup_free_ unsigned char *raw = malloc(plen + 4);
		int n = raw ? EVP_DecodeBlock(raw, (const unsigned char *)payload, (int)plen) : -1;

		/* EVP_DecodeBlock counts the padding's bytes too. */
		while (n > 0 && plen > 0 && payload[--plen] == '=')
			n--;
		json_object_put(root);
		if (n < 0)
			return NULL;
		raw[n] = '\0';
		root = json_tokener_parse((const char *)raw);
	}
	return root;
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)flag;
	(void)f;
	return remove(path) < 0 ? -1 : 0;
}

/* Room for the names and digests of what a rebuild of 11 hosts and 3 versions makes. */
#define KEEP_MAX (1 << 15)

/* What the rebuild in @dir made: release files, images (tags, platforms), emulators. */
static int rebuilt(const char *dir, struct list *out, struct list *emus, char **keep, size_t *nkeep)
{
	char path[4096], line[512];
	FILE *f;
	int r = 0;

	snprintf(path, sizeof(path), "%s/releases/SHA256SUMS", dir);
	f = fopen(path, "re");
	while (f && *nkeep + 2 < KEEP_MAX && fgets(line, sizeof(line), f)) {
		char *sp = strchr(line, ' ');

		if (!sp || sp - line != SHA256_HEX_LEN || !sp[1])
			continue;
		*sp = '\0';
		sp[2 + strcspn(sp + 2, "\n")] = '\0';
		keep[(*nkeep)++] = strdup(line);
		keep[(*nkeep)++] = strdup(sp + 2);
		r = list_add(out, (struct named){ .sha256 = keep[*nkeep - 2],
						  .name = keep[*nkeep - 1] });
	}
	if (f)
		fclose(f);
	snprintf(path, sizeof(path), "%s/oci/index.json", dir);
	{
		json_object *idx = json_object_from_file(path), *m = member(idx, "manifests");

		for (size_t i = 0; r == 0 && m && i < json_object_array_length(m); i++) {
			json_object *d = json_object_array_get_idx(m, i);
			const char *tag =
				str_at(d, "annotations", "org.opencontainers.image.ref.name");
			const char *dg = str_at(d, "digest", NULL);
			json_object *sub;

			if (!tag || !dg || strlen(dg) != 7 + SHA256_HEX_LEN ||
			    *nkeep + 2 >= KEEP_MAX)
				continue;
			keep[(*nkeep)++] = strdup(tag);
			keep[(*nkeep)++] = strdup(dg + 7);
			r = list_add(out, (struct named){ .name = keep[*nkeep - 2],
							  .sha256 = keep[*nkeep - 1] });
			/* An index: each platform's manifest, by its digest. */
			snprintf(path, sizeof(path), "%s/oci/blobs/sha256/%s", dir, dg + 7);
			sub = strstr(str_at(d, "mediaType", NULL) ? str_at(d, "mediaType", NULL)
								  : "",
				     "index")
				      ? json_object_from_file(path)
				      : NULL;
			for (size_t k = 0; r == 0 && sub &&
					   k < json_object_array_length(member(sub, "manifests"));
			     k++) {
				const char *pd = str_at(
					json_object_array_get_idx(member(sub, "manifests"), k),
					"digest", NULL);

				if (!pd || strlen(pd) != 7 + SHA256_HEX_LEN ||
				    *nkeep + 1 >= KEEP_MAX)
					continue;
				keep[(*nkeep)++] = strdup(pd + 7);
				r = list_add(out, (struct named){ .name = "",
								  .sha256 = keep[*nkeep - 1] });
			}
			json_object_put(sub);
		}
		json_object_put(idx);
	}
	/* The emulators extract took, as its package.json files record them. */
	{
		struct build_opts o = { .out = dir, .quiet = true };
		struct host_dir hosts[BUILD_MAX_HOSTS];
		int n = build_hosts_load(&o, hosts);

		for (int h = 0; r == 0 && h < n; h++)
			for (size_t e = 0; r == 0 && e < hosts[h].nemu && *nkeep + 2 < KEEP_MAX;
			     e++) {
				snprintf(path, sizeof(path), "extract/%s/%s/%s", hosts[h].tag,
					 hosts[h].arch, hosts[h].emu_file[e]);
				keep[(*nkeep)++] = strdup(path);
				keep[(*nkeep)++] = strdup(hosts[h].emu_sha256[e]);
				r = list_add(emus, (struct named){ .name = keep[*nkeep - 2],
								   .sha256 = keep[*nkeep - 1] });
			}
		if (n > 0)
			build_hosts_free(hosts, n);
	}
	return r;
}

static const struct named *find_name(const struct list *l, const char *name)
{
	for (size_t i = 0; name && i < l->n; i++)
		if (!strcmp(l->v[i].name, name))
			return &l->v[i];
	return NULL;
}

static const struct named *find_sha(const struct list *l, const char *sha)
{
	for (size_t i = 0; sha && i < l->n; i++)
		if (!strcmp(l->v[i].sha256, sha))
			return &l->v[i];
	return NULL;
}

/* The purl of the package @path, as the provenance writes it; "" if it is not one. */
static void purl_of(const char *path, char *out, size_t size)
{
	struct pkg_info info;
	struct pkg_error err;
	struct host_dir h;
	struct host_source src = { 0 };

	out[0] = '\0';
	if (pkg_read(path, NULL, &info, &err) < 0)
		return;
	memset(&h, 0, sizeof(h));
	snprintf(h.arch, sizeof(h.arch), "%s", info.arch);
	h.platform = platform_by_debian(info.arch);
	src.name = info.name;
	src.version = info.version;
	src.format = pkg_is_rpm(path) ? "rpm" : "deb";
	sbom_purl(&h, &src, out, size);
}

struct verify_state {
	struct list deps, given;
	char *pkgs[BUILD_MAX_HOSTS * 2];
	const char *pkg_names[BUILD_MAX_HOSTS * 2]; /* each as the provenance names it */
	int npkgs;
	unsigned bad;
	char links[4096]; /* a directory of links to the packages under those names */
	char paths[BUILD_MAX_HOSTS * 2][4096 + 256];
};

/* $TMPDIR, else /tmp: where the rebuild goes. */
static const char *tmp_dir(void)
{
	const char *t = getenv("TMPDIR");

	return t && t[0] == '/' && strlen(t) < 4000 ? t : "/tmp";
}

/*
 * The images name the package file they came from (their source
 * annotation), so the rebuild reads each package under the name the
 * provenance records: a link to it in a directory of its own.
 */
static int name_packages(struct verify_state *v)
{
	snprintf(v->links, sizeof(v->links), "%s/qus-build-verify-pkgs.XXXXXX", tmp_dir());
	if (!mkdtemp(v->links)) {
		v->links[0] = '\0';
		return -errno;
	}
	for (int i = 0; i < v->npkgs; i++) {
		_cleanup_free_ char *abs = realpath(v->pkgs[i], NULL);
		const char *name = v->pkg_names[i];

		if (!abs)
			return -errno;
		if (!name || !name[0] || strchr(name, '/') || name[0] == '.' || strlen(name) > 255)
			continue; /* not a file name: the file as it is */
		snprintf(v->paths[i], sizeof(v->paths[0]), "%s/%s", v->links, name);
		if (symlink(abs, v->paths[i]) < 0)
			return -errno;
		v->pkgs[i] = v->paths[i];
	}
	return 0;
}

/* Each file given: a dependency the provenance names (by SHA-256, else by purl: differs). */
static int match_files(struct verify_state *v, char **files, int nfiles, struct build_opts *o,
		       char (*qus)[4200])
{
	for (int i = 0; i < nfiles; i++) {
		_cleanup_free_ uint8_t *data = NULL;
		char hex[SHA256_HEX_LEN + 1], purl[640];
		const struct named *d = NULL;
		size_t size = 0;
		int r = read_whole(AT_FDCWD, files[i], &data, &size);

		if (r == 0)
			r = sha256_hex(data, size, hex);
		if (r < 0) {
			msg("verify: %s: %s", files[i], strerror(-r));
			return -1;
		}
		for (size_t k = 0; k < v->deps.n && !d; k++)
			if (!strcmp(v->deps.v[k].sha256, hex) && !v->deps.v[k].file)
				d = &v->deps.v[k];
		if (!d) {
			purl_of(files[i], purl, sizeof(purl));
			for (size_t k = 0; purl[0] && k < v->deps.n && !d; k++)
				if (v->deps.v[k].uri && !strcmp(v->deps.v[k].uri, purl))
					d = &v->deps.v[k];
			if (!d) {
				msg("verify: %s: not a package or qus the provenance names (SHA-256 "
				    "%s); give the files it lists in resolvedDependencies",
				    files[i], hex);
				return -1;
			}
			msg("verify: %s: SHA-256 %s, but the provenance's %s has %s", files[i], hex,
			    d->name, d->sha256);
			v->bad++;
		}
		v->deps.v[d - v->deps.v].file = files[i];
		if (d->arch) {
			if (o->nqus == ARRAY_SIZE(o->qus))
				return -1;
			snprintf(qus[o->nqus], sizeof(qus[0]), "%s=%s", d->arch, files[i]);
			o->qus[o->nqus] = qus[o->nqus];
			o->nqus++;
		} else if (v->npkgs < (int)ARRAY_SIZE(v->pkgs)) {
			v->pkg_names[v->npkgs] = d->name;
			v->pkgs[v->npkgs++] = files[i];
		}
	}
	for (size_t k = 0; k < v->deps.n; k++)
		if (!v->deps.v[k].file) {
			msg("verify: the provenance names %s%s%s (SHA-256 %s), which was not given: "
			    "give it too%s",
			    v->deps.v[k].name, v->deps.v[k].arch ? " for " : "",
			    v->deps.v[k].arch ? v->deps.v[k].arch : "", v->deps.v[k].sha256,
			    v->deps.v[k].arch ? " (the register image's /usr/bin/qus is it)" : "");
			return -1;
		}
	return 0;
}

/* Every byproduct and subject of @st against the rebuild: one line per digest that differs. */
static unsigned compare(json_object *st, const struct list *made, const struct list *emus,
			unsigned *checked)
{
	json_object *bp = member(member(member(st, "predicate"), "runDetails"), "byproducts");
	json_object *subj = member(st, "subject");
	unsigned bad = 0;

	for (size_t i = 0; bp && i < json_object_array_length(bp); i++) {
		json_object *e = json_object_array_get_idx(bp, i);
		const char *name = str_at(e, "name", NULL), *want = str_at(e, "digest", "sha256");
		const struct named *got = find_name(emus, name);

		(*checked)++;
		if (!got) {
			msg("verify: %s: not made by the rebuild", name ? name : "(no name)");
			bad++;
		} else if (!want || strcmp(got->sha256, want)) {
			msg("verify: %s differs: the rebuild's SHA-256 is %s, the provenance says "
			    "%s",
			    name, got->sha256, want ? want : "nothing");
			bad++;
		}
	}
	for (size_t i = 0; subj && i < json_object_array_length(subj); i++) {
		json_object *e = json_object_array_get_idx(subj, i);
		const char *name = str_at(e, "name", NULL), *want = str_at(e, "digest", "sha256");
		const struct named *byname = find_name(made, name);

		(*checked)++;
		if (byname && want && !strcmp(byname->sha256, want))
			continue;
		if (!byname && find_sha(made, want))
			continue;
		bad++;
		if (byname)
			msg("verify: %s differs: the rebuild's SHA-256 is %s, the provenance says %s",
			    name, byname->sha256, want ? want : "nothing");
		else
			msg("verify: %s (SHA-256 %s): no release file or image of the rebuild has "
			    "that digest",
			    name ? name : "(no name)", want ? want : "none");
	}
	return bad;
}

int cmd_verify(struct build_opts *o, bool keep_out, char **args, int nargs)
{
	_cleanup_free_ uint8_t *text = NULL;
	_cleanup_free_ struct verify_state *vp = calloc(1, sizeof(*vp));
	struct verify_state *v = vp;
	struct list made = { 0 }, emus = { 0 };
	char tmp[4200], qus[16][4200];
	_cleanup_free_ char **keep = calloc(KEEP_MAX, sizeof(*keep));
	size_t len = 0, nkeep = 0;
	json_object *st = NULL, *deps, *sde;
	const char *ver;
	unsigned checked = 0;
	int status = EXIT_FAIL, r;

	if (nargs < 2)
		build_die_usage("verify wants a provenance and the packages it names");
	if (!keep || !v)
		return EXIT_FAIL;
	r = read_whole(AT_FDCWD, args[0], &text, &len);
	if (r < 0) {
		msg("verify: %s: %s", args[0], strerror(-r));
		return EXIT_FAIL;
	}
	text[len] = '\0';
	st = statement((const char *)text, len);
	deps = member(member(member(st, "predicate"), "buildDefinition"), "resolvedDependencies");
	if (!st || !str_at(st, "predicateType", NULL) ||
	    strcmp(str_at(st, "predicateType", NULL), PROVENANCE_PREDICATE) ||
	    !str_at(member(st, "predicate"), "buildDefinition", "buildType") ||
	    strcmp(str_at(member(st, "predicate"), "buildDefinition", "buildType"),
		   PROVENANCE_BUILD_TYPE) ||
	    !json_object_is_type(deps, json_type_array)) {
		msg("verify: %s: not a provenance of qus-build (an in-toto statement, or cosign's "
		    "DSSE envelope of one, with predicate %s and buildType %s)",
		    args[0], PROVENANCE_PREDICATE, PROVENANCE_BUILD_TYPE);
		goto out;
	}
	ver = str_at(
		member(member(member(member(st, "predicate"), "runDetails"), "builder"), "version"),
		"qus-build", NULL);
	if (ver && strcmp(ver, QUS_VERSION))
		msg("verify: %s was made by qus-build %s, this is %s: digests may differ", args[0],
		    ver, QUS_VERSION);
	for (size_t i = 0; i < json_object_array_length(deps); i++) {
		json_object *d = json_object_array_get_idx(deps, i);
		const char *sha = str_at(d, "digest", "sha256");

		if (!sha || strlen(sha) != SHA256_HEX_LEN)
			continue;
		if (list_add(&v->deps, (struct named){ .name = str_at(d, "name", NULL)
								       ? str_at(d, "name", NULL)
								       : "?",
						       .sha256 = sha,
						       .uri = str_at(d, "uri", NULL),
						       .arch = str_at(d, "annotations", "arch") }) <
		    0)
			goto out;
	}
	o->nqus = 0;
	if (match_files(v, args + 1, nargs - 1, o, qus) < 0)
		goto out;
	r = name_packages(v);
	if (r < 0) {
		msg("verify: cannot link the packages under their names in %s: %s", tmp_dir(),
		    strerror(-r));
		goto out;
	}
	/* The time the provenance records, else each package's own (they carry it). */
	sde = member(
		member(member(member(st, "predicate"), "buildDefinition"), "externalParameters"),
		"SOURCE_DATE_EPOCH");
	if (sde && json_object_is_type(sde, json_type_string))
		setenv("SOURCE_DATE_EPOCH", json_object_get_string(sde), 1);
	else
		unsetenv("SOURCE_DATE_EPOCH");
	if (!keep_out) {
		snprintf(tmp, sizeof(tmp), "%s/qus-build-verify.XXXXXX", tmp_dir());
		if (!mkdtemp(tmp)) {
			msg("verify: cannot create %s: %s", tmp, strerror(errno));
			goto out;
		}
		o->out = tmp;
	}
	o->quiet = true;
	{
		int groups = 0;

		r = stage_extract(o, v->pkgs, v->npkgs, &groups);
		if (r == EXIT_OK && !build_interrupted())
			r = stage_tarballs(o);
		if (r == EXIT_OK && o->nqus && !build_interrupted())
			r = stage_images(o);
	}
	if (r != EXIT_OK || build_interrupted()) {
		msg("verify: the rebuild failed (said above)");
		goto out;
	}
	if (rebuilt(o->out, &made, &emus, keep, &nkeep) < 0)
		goto out;
	v->bad += compare(st, &made, &emus, &checked);
	if (v->bad) {
		msg("verify: %u of %u digests differ: %s is not what these files build", v->bad,
		    checked, args[0]);
	} else {
		msg("verify: all %u digests match: %s is what these files build%s%s", checked,
		    args[0], keep_out ? ", in " : "", keep_out ? o->out : "");
		status = EXIT_OK;
	}
out:
	if (v && v->links[0])
		nftw(v->links, remove_one, 16, FTW_DEPTH | FTW_PHYS);
	if (!keep_out && o->out == tmp)
		nftw(tmp, remove_one, 16, FTW_DEPTH | FTW_PHYS);
	for (size_t i = 0; i < nkeep; i++)
		free(keep[i]);
	free(made.v);
	free(emus.v);
	free(v->deps.v);
	json_object_put(st);
	return status;
}
