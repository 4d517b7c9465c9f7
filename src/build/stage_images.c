/* SPDX-License-Identifier: MIT */
/*
 * qus-build images: OUT/extract + a static qus per host -> OUT/oci, an OCI
 * image layout with the seeds' tag set, for every version extracted:
 *
 *   <t>-<version>, <host>-<t>-<version>
 *                 one emulator, /usr/bin/qemu-<t>-static (FROM scratch)
 *   <version>     qus and every emulator, entrypoint qus, so that
 *                 `podman run --rm --privileged IMAGE --reset -p yes` works
 *                 (multiarch's interface) and so do `IMAGE --install all`
 *                 and `IMAGE` alone (tonistiigi/binfmt's: the image's Cmd
 *                 is "binfmt", whose status JSON docker/setup-qemu-action
 *                 reads)
 *
 * and, for each platform's newest version, the tags without a version:
 * <t>, <host>-<t>, latest, and register (/usr/bin/qus only, the
 * entrypoint).  A user pins a version by its tag when a newer QEMU breaks
 * a build; an older version's tags stay as long as its extract does.
 *
 * Each file is its own layer, so images share layers wherever they hold the
 * same file and a registry stores each once.  With packages of several
 * hosts, every tag but the <host>- ones is an image index over the hosts.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "build.h"
#include "elfident.h"
#include "layer_cache.h"
#include "oci.h"
#include "pkg.h"
#include "provenance.h"
#include "sbom.h"
#include "tarball.h"
#include "util.h"

#define QUS_IN_IMAGE "/usr/bin/qus"
/*
 * What the images with qus run when given no arguments: tonistiigi/binfmt's
 * status (`docker run --privileged IMAGE` prints its JSON).  multiarch's
 * image registered every emulator without flags there; see README.md.
 */
#define QUS_DEFAULT_CMD "binfmt"
/* Longest target name (aarch64_be, microblazeel, sparc32plus) and then some. */
#define QUS_NAME_MAX 16

/* One layer to make: a file into usr/bin of its own tar.gz. */
struct layer_job {
	int dir;	    /* where the file is */
	const char *file;   /* its name there */
	const char *in_img; /* its name in the image, below usr/bin/ */
	int rel_dir;	    /* OUT/releases, or -1 */
	char rel[160];	    /* the release tarball of the same file there, or "" */
	time_t mtime;
	char key[SHA256_HEX_LEN + 96]; /* layer_cache_key() */
	bool cached;		       /* the layout holds it already: nothing to make */
	struct oci_layer layer;
	int err;
};

struct layer_queue {
	struct layer_job *jobs;
	size_t count;
	atomic_size_t done;
	struct oci_layout *l;
	const struct build_opts *o;
};

/*
 * The compressed data member of the release tarball of the same file (made
 * by the tarballs stage: tarball_gz), checked against @tar; NULL if there is
 * none or it differs.  Compressing is most of an image layer's cost.
 */
static uint8_t *release_tail(const struct layer_job *j, const struct buffer *tar, size_t size,
			     size_t *off, size_t *len)
{
	uint8_t *gz = NULL;

	if (j->rel_dir < 0 || !j->rel[0] || read_whole(j->rel_dir, j->rel, &gz, len) < 0)
		return NULL;
	if (tar_gz_find_tail(gz, *len, tar, size, off) < 0) {
		free(gz);
		return NULL;
	}
	return gz;
}

static int make_layer(struct oci_layout *l, struct layer_job *j)
{
	_cleanup_free_ uint8_t *data = NULL, *rel = NULL;
	char path[128], hex[SHA256_HEX_LEN + 1];
	struct buffer tar, gz;
	size_t size = 0, off = 0, rel_len = 0;
	int r = read_whole(j->dir, j->file, &data, &size);

	if (r < 0)
		return r;
	snprintf(path, sizeof(path), "usr/bin/%s", j->in_img);
	{
		const struct tar_member m[] = {
			{ "usr/", 0755, NULL, 0 },
			{ "usr/bin/", 0755, NULL, 0 },
			{ path, 0755, data, size },
		};

		r = tar_build(m, ARRAY_SIZE(m), j->mtime, &tar);
	}
	if (r < 0)
		return r;
	/* The diff_id is the digest of the uncompressed tar (config.md, layer DiffID). */
	r = sha256_hex(tar.data, tar.len, hex);
	rel = r == 0 ? release_tail(j, &tar, size, &off, &rel_len) : NULL;
	if (r == 0)
		r = tar_gz_split(&tar, size, rel ? rel + off : NULL, rel ? rel_len - off : 0, &gz);
	buffer_free(&tar);
	if (r < 0)
		return r;
	snprintf(j->layer.diff_id, sizeof(j->layer.diff_id), "sha256:%s", hex);
	r = oci_put(l, gz.data, gz.len, &j->layer.blob);
	buffer_free(&gz);
	return r;
}

static void layer_worker(size_t i, void *arg)
{
	struct layer_queue *q = arg;

	if (!q->jobs[i].cached)
		q->jobs[i].err = make_layer(q->l, &q->jobs[i]);
	progress(q->o, "layers", (unsigned)atomic_fetch_add(&q->done, 1) + 1, (unsigned)q->count,
		 q->jobs[i].in_img);
}

/*
 * The qus for @h: --qus ARCH=FILE, or a --qus FILE that is a program of @h's
 * architecture (whether it is static is checked, and said, later).
 */
static const char *qus_for(const struct build_opts *o, const struct host_dir *h)
{
	size_t alen = strlen(h->arch);

	for (unsigned i = 0; i < o->nqus; i++)
		if (!strncmp(o->qus[i], h->arch, alen) && o->qus[i][alen] == '=')
			return o->qus[i] + alen + 1;
	for (unsigned i = 0; i < o->nqus; i++) {
		uint8_t hdr[QUS_HEADER_SIZE];

		/* Which architecture a program is for is in its header (as for qus detect). */
		if (!strchr(o->qus[i], '=') && elf_read_header(AT_FDCWD, o->qus[i], hdr) > 0 &&
		    elf_identify(hdr) == arch_find(h->host))
			return o->qus[i];
	}
	return NULL;
}

/* What one host contributes: its layers and manifests. */
struct host_images {
	const struct qus_platform *pf;
	bool has_qus;		/* a static qus was given: register, latest, VERSION */
	size_t first_job, nemu; /* its layers in the queue: qus (if has_qus), then the emulators */
	struct oci_blob all, reg, emu[QUS_NTARGETS];
	const struct qus_target *emu_target[QUS_NTARGETS];
	char qus_sha256[SHA256_HEX_LEN + 1];
};

/* One host's manifest within an image: which host, and which of its manifests. */
struct part {
	int h;
	const struct oci_blob *b;
};

/*
 * An image made (a host's manifest, or an index over hosts), once per
 * digest: what its SBOM and provenance referrers are made for.
 */
struct made {
	struct oci_blob blob;
	const char *media;
	struct part *parts;
	int nparts;
};

struct refs {
	struct oci_ref *v;
	size_t n, cap;
	char (*tags)[200];
	struct made *made; /* every image, each digest once */
	size_t nmade, capmade;
	struct prov_subject *subj; /* the provenance's subjects: each tag, each index's platforms */
	size_t nsubj, capsubj;
	char (*created)[32]; /* each image's referrers' time */
};

/* Grow @*v (of @*cap elements of @size bytes) to hold one more than @n.  0 or -ENOMEM. */
static int grow(void *v, size_t *cap, size_t n, size_t size)
{
	void *p;

	if (n < *cap)
		return 0;
	p = realloc(*(void **)v, (*cap ? 2 * *cap : 64) * size);
	if (!p)
		return -ENOMEM;
	*(void **)v = p;
	*cap = *cap ? 2 * *cap : 64;
	return 0;
}

static int add_subject(struct refs *r, const char *name, const struct oci_blob *b)
{
	int rc = grow(&r->subj, &r->capsubj, r->nsubj, sizeof(*r->subj));

	if (rc < 0)
		return rc;
	snprintf(r->subj[r->nsubj].name, sizeof(r->subj[0].name), "%s", name);
	memcpy(r->subj[r->nsubj].sha256, b->digest + 7, SHA256_HEX_LEN + 1);
	r->nsubj++;
	return 0;
}

/* Remember the image @b of @parts, unless its digest is known already. */
static int add_made(struct refs *r, const char *media, const struct oci_blob *b,
		    const struct part *parts, int nparts)
{
	struct made *m;
	int rc;

	for (size_t i = 0; i < r->nmade; i++)
		if (!strcmp(r->made[i].blob.digest, b->digest))
			return 0;
	rc = grow(&r->made, &r->capmade, r->nmade, sizeof(*r->made));
	if (rc < 0)
		return rc;
	m = &r->made[r->nmade];
	m->parts = malloc((size_t)nparts * sizeof(*parts));
	if (!m->parts)
		return -ENOMEM;
	memcpy(m->parts, parts, (size_t)nparts * sizeof(*parts));
	m->nparts = nparts;
	m->blob = *b;
	m->media = media;
	r->nmade++;
	return 0;
}

static int add_ref(struct refs *r, const char *tag, const char *media, const struct oci_blob *b,
		   const struct part *parts, int nparts)
{
	int rc;

	if (r->n == r->cap)
		return -ENOSPC;
	snprintf(r->tags[r->n], sizeof(r->tags[0]), "%s", tag);
	r->v[r->n].tag = r->tags[r->n];
	r->v[r->n].media_type = media;
	r->v[r->n].blob = *b;
	r->n++;
	rc = add_made(r, media, b, parts, nparts);
	return rc < 0 ? rc : add_subject(r, tag, b);
}

static int cmp_ref(const void *a, const void *b)
{
	return strcmp(((const struct oci_ref *)a)->tag, ((const struct oci_ref *)b)->tag);
}

/*
 * A tag that hosts share: an index over the hosts @sel picks that have it
 * (@pick chooses each host's manifest; NULL: the host lacks it), or the one
 * manifest when the build is for one platform only (!@multi).
 */
static int shared_tag(struct oci_layout *l, struct refs *refs, const char *tag,
		      struct host_images *hi, int nhosts, const bool *sel, bool multi,
		      const struct oci_blob *(*pick)(const struct host_images *, const void *),
		      const void *arg)
{
	struct oci_platform_manifest m[BUILD_MAX_HOSTS];
	struct part parts[BUILD_MAX_HOSTS];
	struct oci_blob index;
	char name[256];
	size_t n = 0;
	int r;

	for (int h = 0; h < nhosts; h++) {
		const struct oci_blob *b = sel[h] ? pick(&hi[h], arg) : NULL;

		if (!b)
			continue;
		parts[n] = (struct part){ h, b };
		m[n].manifest = *b;
		m[n].arch = hi[h].pf->oci_arch;
		m[n].variant = hi[h].pf->oci_variant;
		n++;
	}
	if (n == 0)
		return 0;
	if (!multi)
		return add_ref(refs, tag, OCI_MEDIA_MANIFEST, &m[0].manifest, parts, 1);
	r = oci_put_index(l, m, n, &index);
	if (r == 0)
		r = add_ref(refs, tag, OCI_MEDIA_INDEX, &index, parts, (int)n);
	/* Each platform's manifest is an image too: its own documents, a subject of its own. */
	for (size_t i = 0; r == 0 && i < n; i++) {
		snprintf(name, sizeof(name), "%s@linux/%s%s%s", tag, m[i].arch,
			 m[i].variant ? "/" : "", m[i].variant ? m[i].variant : "");
		r = add_made(refs, OCI_MEDIA_MANIFEST, &m[i].manifest, &parts[i], 1);
		if (r == 0)
			r = add_subject(refs, name, &m[i].manifest);
	}
	return r;
}

static const struct oci_blob *pick_all(const struct host_images *h, const void *arg)
{
	(void)arg;
	return h->has_qus ? &h->all : NULL;
}

static const struct oci_blob *pick_reg(const struct host_images *h, const void *arg)
{
	(void)arg;
	return h->has_qus ? &h->reg : NULL;
}

static const struct oci_blob *pick_emu(const struct host_images *h, const void *arg)
{
	for (size_t e = 0; e < h->nemu; e++)
		if (h->emu_target[e] == arg)
			return &h->emu[e];
	return NULL;
}

static int host_manifests(struct oci_layout *l, const struct host_dir *h, struct host_images *hi,
			  const struct layer_job *jobs)
{
	struct oci_layer layers[QUS_NTARGETS + 1];
	struct oci_image img = {
		.arch = hi->pf->oci_arch,
		.variant = hi->pf->oci_variant,
		.created = h->date,
		.version = h->version,
		.source = h->source,
	};
	char title[96];
	size_t q = hi->has_qus ? 1 : 0; /* layers[0] is qus when given, then the emulators */
	int r;

	for (size_t e = 0; e < hi->nemu + q; e++)
		layers[1 - q + e] = jobs[hi->first_job + e].layer;
	img.layers = layers;
	if (hi->has_qus) {
		img.entrypoint = QUS_IN_IMAGE;
		img.cmd = QUS_DEFAULT_CMD;
		img.title = "register";
		img.nlayers = 1;
		r = oci_put_image(l, &img, &hi->reg);
		if (r < 0)
			return r;
		img.title = "qemu-user-static";
		img.nlayers = hi->nemu + 1;
		r = oci_put_image(l, &img, &hi->all);
		if (r < 0)
			return r;
	}
	for (size_t e = 0; e < hi->nemu; e++) {
		snprintf(title, sizeof(title), "%s", jobs[hi->first_job + q + e].in_img);
		img.entrypoint = NULL;
		img.cmd = NULL;
		img.title = title;
		img.layers = &layers[1 + e];
		img.nlayers = 1;
		r = oci_put_image(l, &img, &hi->emu[e]);
		if (r < 0)
			return r;
	}
	return 0;
}

/*
 * The tags of one set of hosts: @suffix "" for the current ones (latest,
 * register, T, HOST-T: each platform's newest version), "-VERSION" for a
 * version's own (VERSION, T-VERSION, HOST-T-VERSION).
 */
static int tags_of(struct oci_layout *l, struct refs *refs, const struct host_dir *hosts,
		   int nhosts, struct host_images *hi, const bool *sel, bool multi, const char *ver)
{
	char tag[sizeof(hosts[0].host) + QUS_NAME_MAX + sizeof(hosts[0].tag) + 3];
	const char *dash = ver ? "-" : "", *v = ver ? ver : "";
	int r;

	r = shared_tag(l, refs, ver ? ver : "latest", hi, nhosts, sel, multi, pick_all, NULL);
	if (r == 0 && !ver)
		r = shared_tag(l, refs, "register", hi, nhosts, sel, multi, pick_reg, NULL);
	for (size_t i = 0; r == 0 && i < QUS_NTARGETS; i++) {
		const struct qus_target *t = &qus_targets[i];

		snprintf(tag, sizeof(tag), "%s%s%s", t->name, dash, v);
		r = shared_tag(l, refs, tag, hi, nhosts, sel, multi, pick_emu, t);
		/* <host>-<t>: one host's image, as the seeds' x86_64-<t>. */
		for (int h = 0; r == 0 && h < nhosts; h++) {
			const struct oci_blob *b = sel[h] ? pick_emu(&hi[h], t) : NULL;

			if (!b)
				continue;
			snprintf(tag, sizeof(tag), "%s-%s%s%s", hosts[h].platform->uname, t->name,
				 dash, v);
			r = add_ref(refs, tag, OCI_MEDIA_MANIFEST, b, &(struct part){ h, b }, 1);
		}
	}
	return r;
}

/* The files of one host's manifest @b: qus, its emulators, or one emulator. */
static size_t part_items(const struct host_dir *hosts, const struct host_images *hi,
			 const struct part *p, struct doc_item *items, char (*names)[64])
{
	const struct host_images *x = &hi[p->h];
	const struct host_dir *h = &hosts[p->h];
	size_t n = 0;

	if (p->b == &x->all || p->b == &x->reg) {
		snprintf(names[n], sizeof(names[0]), "%s", QUS_IN_IMAGE);
		items[n++] = (struct doc_item){
			.name = names[0], .sha256 = x->qus_sha256, .arch = h->arch, .emu = -1
		};
	}
	for (size_t e = 0; e < x->nemu; e++) {
		if (p->b != &x->all && p->b != &x->emu[e])
			continue;
		snprintf(names[n], sizeof(names[0]), "/usr/bin/%s", h->emu_file[e]);
		items[n] = (struct doc_item){
			.name = names[n], .sha256 = h->emu_sha256[e], .host = h, .emu = (int)e
		};
		n++;
	}
	return n;
}

static const char *part_title(const struct host_dir *hosts, const struct host_images *hi,
			      const struct part *p)
{
	const struct host_images *x = &hi[p->h];

	if (p->b == &x->all)
		return "qemu-user-static";
	if (p->b == &x->reg)
		return "register";
	return hosts[p->h].emu_file[p->b - x->emu];
}

static int cmp_subject(const void *a, const void *b)
{
	return strcmp(((const struct prov_subject *)a)->name,
		      ((const struct prov_subject *)b)->name);
}

static int cmp_digest(const void *a, const void *b)
{
	return strcmp(((const struct oci_ref *)a)->blob.digest,
		      ((const struct oci_ref *)b)->blob.digest);
}

/*
 * For every image made, its SBOM and the build's provenance as OCI 1.1
 * referrers (untagged in index.json, with their artifactType, so that
 * oras and skopeo's successors find them), appended to @refs->v after
 * the tags.  Every byte follows from the images: nothing changes when they
 * do not.
 */
static int write_referrers(struct oci_layout *l, const struct host_dir *hosts, int nhosts,
			   const struct host_images *hi, struct refs *refs, size_t *out)
{
	struct prov_qus qus[BUILD_MAX_HOSTS];
	struct provenance p = { .hosts = hosts, .nhosts = nhosts, .qus = qus };
	struct oci_blob prov;
	struct oci_ref *all;
	char *text = NULL;
	size_t len = 0, n = refs->n;
	int r;

	for (int h = 0; h < nhosts; h++) {
		bool seen = false;

		for (size_t q = 0; q < p.nqus && !seen; q++)
			seen = !strcmp(qus[q].arch, hosts[h].arch);
		if (hi[h].has_qus && !seen) {
			qus[p.nqus].arch = hosts[h].arch;
			memcpy(qus[p.nqus++].sha256, hi[h].qus_sha256, sizeof(qus[0].sha256));
		}
	}
	qsort(refs->subj, refs->nsubj, sizeof(*refs->subj), cmp_subject);
	p.subjects = refs->subj;
	p.nsubjects = refs->nsubj;
	r = provenance_build(&p, &text, &len);
	if (r == 0)
		r = oci_put(l, text, len, &prov);
	free(text);
	if (r < 0)
		return r;
	all = realloc(refs->v, (refs->n + 2 * refs->nmade) * sizeof(*refs->v));
	if (!all)
		return -ENOMEM;
	refs->created = calloc(refs->nmade + 1, sizeof(*refs->created));
	if (!refs->created)
		return -ENOMEM;
	refs->v = all;
	for (size_t i = 0; r == 0 && i < refs->nmade; i++) {
		const struct made *m = &refs->made[i];
		const struct host_dir *h0 = &hosts[m->parts[0].h];
		_cleanup_free_ struct doc_item *items =
			calloc((size_t)m->nparts * (QUS_NTARGETS + 1), sizeof(*items));
		_cleanup_free_ char(*names)[64] =
			calloc((size_t)m->nparts * (QUS_NTARGETS + 1), sizeof(*names));
		struct sbom_subject sb = { .type = "container",
					   .name = part_title(hosts, hi, &m->parts[0]),
					   .version = h0->version,
					   .sha256 = m->blob.digest + 7,
					   .created = h0->date };
		struct oci_referrer ref = { .subject_media = m->media, .subject = m->blob };
		struct oci_blob doc = { 0 }, man;

		if (!items || !names)
			return -ENOMEM;
		for (int k = 0; k < m->nparts; k++)
			sb.nitems += part_items(hosts, hi, &m->parts[k], items + sb.nitems,
						names + sb.nitems);
		sb.items = items;
		oci_time(h0->date, refs->created[i]);
		ref.created = refs->created[i];
		r = sbom_build(&sb, &text, &len);
		if (r == 0)
			r = oci_put(l, text, len, &doc);
		free(text);
		text = NULL;
		ref.artifact_type = SBOM_MEDIA_TYPE;
		ref.title = SBOM_FILE;
		ref.doc = doc;
		if (r == 0)
			r = oci_put_referrer(l, &ref, &man);
		if (r == 0)
			all[n++] = (struct oci_ref){ .media_type = OCI_MEDIA_MANIFEST,
						     .blob = man,
						     .artifact_type = SBOM_MEDIA_TYPE,
						     .created = refs->created[i] };
		ref.artifact_type = PROVENANCE_MEDIA_TYPE;
		ref.title = PROVENANCE_FILE;
		ref.predicate_type = PROVENANCE_PREDICATE;
		ref.doc = prov;
		if (r == 0)
			r = oci_put_referrer(l, &ref, &man);
		if (r == 0)
			all[n++] = (struct oci_ref){ .media_type = OCI_MEDIA_MANIFEST,
						     .blob = man,
						     .artifact_type = PROVENANCE_MEDIA_TYPE,
						     .created = refs->created[i],
						     .predicate_type = PROVENANCE_PREDICATE };
	}
	*out = n;
	return r;
}

static int write_tags(struct oci_layout *l, const struct host_dir *hosts, int nhosts,
		      struct host_images *hi, size_t *nreferrers)
{
	struct refs refs = { 0 };
	bool sel[BUILD_MAX_HOSTS], multi = false;
	size_t n = 0;
	int r = 0;

	/* One index per tag as soon as the build has more than one platform. */
	for (int h = 1; h < nhosts; h++)
		multi = multi || strcmp(hosts[h].arch, hosts[0].arch);
	refs.cap = 2 + (size_t)(nhosts + 1) * (1 + (size_t)QUS_NTARGETS * (1 + (size_t)nhosts));
	refs.v = calloc(refs.cap, sizeof(*refs.v));
	refs.tags = calloc(refs.cap, sizeof(*refs.tags));
	if (!refs.v || !refs.tags) {
		r = -ENOMEM;
		goto done;
	}
	/* Each version's own tags (hosts are sorted by version tag: one run per version). */
	for (int h = 0; r == 0 && h < nhosts; h++) {
		if (h > 0 && !strcmp(hosts[h].tag, hosts[h - 1].tag))
			continue;
		for (int k = 0; k < nhosts; k++)
			sel[k] = !strcmp(hosts[k].tag, hosts[h].tag);
		r = tags_of(l, &refs, hosts, nhosts, hi, sel, multi, hosts[h].tag);
	}
	/* The current tags: each platform's newest version. */
	for (int k = 0; k < nhosts; k++)
		sel[k] = build_host_is_newest(hosts, nhosts, k);
	if (r == 0)
		r = tags_of(l, &refs, hosts, nhosts, hi, sel, multi, NULL);
	if (r == 0) {
		qsort(refs.v, refs.n, sizeof(*refs.v), cmp_ref);
		r = write_referrers(l, hosts, nhosts, hi, &refs, &n);
	}
	if (r == 0) {
		/* The tags by name, then the referrers by digest: the same images, the same file.
		 */
		qsort(refs.v + refs.n, n - refs.n, sizeof(*refs.v), cmp_digest);
		*nreferrers = n - refs.n;
		r = oci_write_index_json(l, refs.v, n);
	}
	if (r == 0)
		r = (int)refs.n;
done:
	for (size_t i = 0; i < refs.nmade; i++)
		free(refs.made[i].parts);
	free(refs.made);
	free(refs.subj);
	free(refs.created);
	free(refs.v);
	free(refs.tags);
	return r;
}

/*
 * The qus of each host (hosts without one get their emulators' images
 * only, said) and the layers to make, in the queue: a host's qus, then its
 * emulators.  Returns how many hosts have a qus, or -1 after saying why.
 */
static int plan_layers(const struct build_opts *o, struct host_dir *hosts, int nhosts,
		       struct host_images *hi, struct layer_queue *q, int releases)
{
	int with_qus = 0;
	size_t n = 0;

	for (int h = 0; h < nhosts; h++) {
		const char *qus = qus_for(o, &hosts[h]);
		char sha[SHA256_HEX_LEN + 1];

		hi[h].pf = hosts[h].platform;
		hi[h].first_job = n;
		if (qus) {
			_cleanup_free_ uint8_t *data = NULL;
			size_t size = 0;
			int r = read_whole(AT_FDCWD, qus, &data, &size);

			/* The qus given must be what the image's platform runs, and need nothing.
			 */
			if (r == 0)
				r = elf_check_static(data, size, arch_find(hosts[h].host));
			if (r == 0)
				r = sha256_hex(data, size, sha);
			if (r == 0)
				memcpy(hi[h].qus_sha256, sha, sizeof(sha));
			if (r < 0) {
				msg("images: %s cannot be the %s image's qus: %s", qus,
				    hosts[h].arch,
				    r == -ELIBBAD ? "it is not static (build it with -Dstatic=true)"
				    : r == -ENOEXEC ? "it is not a program of that architecture"
						    : strerror(-r));
				return -1;
			}
			hi[h].has_qus = true;
			with_qus++;
			q->jobs[n] = (struct layer_job){ .dir = AT_FDCWD,
							 .file = qus,
							 .in_img = "qus",
							 .rel_dir = -1,
							 .mtime = hosts[h].date };
			layer_cache_key(sha, "qus", hosts[h].date, q->jobs[n].key,
					sizeof(q->jobs[n].key));
			n++;
		}
		for (size_t e = 0; e < hosts[h].nemu; e++) {
			struct layer_job *j = &q->jobs[n++];

			hi[h].emu_target[hi[h].nemu++] = hosts[h].emu_target[e];
			*j = (struct layer_job){ .dir = hosts[h].fd,
						 .file = hosts[h].emu_file[e],
						 .in_img = hosts[h].emu_file[e],
						 .rel_dir = releases,
						 .mtime = hosts[h].date };
			layer_cache_key(hosts[h].emu_sha256[e], j->in_img, j->mtime, j->key,
					sizeof(j->key));
			/* releases/ holds each host's newest version only. */
			if (build_host_is_newest(hosts, nhosts, h))
				snprintf(j->rel, sizeof(j->rel), "%s_%s.tar.gz",
					 hosts[h].platform->uname, hosts[h].emu_file[e]);
		}
	}
	q->count = n;
	return with_qus;
}

/* Hosts without a qus: said once each; a --qus for an architecture nothing was extracted for, too.
 */
static bool say_missing_qus(const struct build_opts *o, const struct host_dir *hosts, int nhosts,
			    const struct host_images *hi)
{
	bool missing = false;

	for (int h = 0; h < nhosts; h++)
		if (!hi[h].has_qus && (h == 0 || strcmp(hosts[h].arch, hosts[h - 1].arch))) {
			msg("images: no static qus for %s (%s): its register, latest and VERSION "
			    "images are left out; give --qus %s=FILE",
			    hosts[h].arch, hosts[h].platform->uname, hosts[h].arch);
			missing = true;
		}
	for (unsigned i = 0; i < o->nqus; i++) {
		const char *eq = strchr(o->qus[i], '=');
		bool found = !eq;

		for (int h = 0; h < nhosts && !found; h++)
			found = strlen(hosts[h].arch) == (size_t)(eq - o->qus[i]) &&
				!strncmp(hosts[h].arch, o->qus[i], (size_t)(eq - o->qus[i]));
		if (!found)
			msg("images: --qus %s: no package of that architecture was extracted "
			    "(nothing to put it in)",
			    o->qus[i]);
	}
	return missing;
}

int stage_images(const struct build_opts *o)
{
	struct host_dir hosts[BUILD_MAX_HOSTS];
	struct host_images hi[BUILD_MAX_HOSTS];
	struct layer_queue q = { .o = o };
	struct layer_cache cache = { 0 };
	char path[4096];
	struct oci_layout l;
	int nhosts = build_hosts_load(o, hosts), status = EXIT_FAIL, r, with_qus;
	_cleanup_close_ int releases = -1;
	size_t made = 0, referrers = 0;
	bool missing;

	if (nhosts < 0)
		return EXIT_FAIL;
	/* The tarballs stage's output, if there: layers reuse its compressed data. */
	snprintf(path, sizeof(path), "%s/releases", o->out);
	releases = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	memset(hi, 0, sizeof(hi));
	q.jobs = calloc((size_t)nhosts * (QUS_NTARGETS + 1), sizeof(*q.jobs));
	if (!q.jobs)
		goto out;
	with_qus = plan_layers(o, hosts, nhosts, hi, &q, releases);
	if (with_qus < 0)
		goto out;
	if (with_qus == 0) {
		msg("images: no static qus given: give --qus FILE or --qus ARCH=FILE, e.g. "
		    "build-static/qus");
		goto out;
	}
	missing = say_missing_qus(o, hosts, nhosts, hi);
	snprintf(path, sizeof(path), "%s/oci", o->out);
	r = oci_open(path, &l);
	if (r < 0) {
		msg("cannot create %s: %s", path, strerror(-r));
		goto out;
	}
	/* Layers made before, whose blobs are in the layout: nothing to make. */
	if (layer_cache_load(o->out, &cache) < 0)
		goto close;
	for (size_t i = 0; i < q.count; i++) {
		const struct oci_layer *hit = layer_cache_find(&cache, q.jobs[i].key, &l);

		q.jobs[i].cached = hit != NULL;
		if (hit)
			q.jobs[i].layer = *hit;
		else
			made++;
	}
	q.l = &l;
	/*
	 * Blobs are whole files named by their digest, written before
	 * anything refers to them; index.json, written last, is the only
	 * name a reader starts from.  So an error, a full disk or a signal
	 * leaves the previous images whole (and maybe some unused blobs).
	 */
	parallel_for(q.count, layer_worker, &q);
	if (build_interrupted())
		goto close;
	for (size_t i = 0; i < q.count; i++) {
		if (q.jobs[i].err < 0) {
			msg("images: layer of %s: %s; %s/index.json is as it was", q.jobs[i].file,
			    strerror(-q.jobs[i].err), path);
			goto close;
		}
		if (layer_cache_put(&cache, q.jobs[i].key, &q.jobs[i].layer) < 0)
			goto close;
	}
	for (int h = 0; h < nhosts; h++) {
		r = host_manifests(&l, &hosts[h], &hi[h], q.jobs);
		if (r < 0) {
			msg("images: manifests of %s: %s; %s/index.json is as it was",
			    hosts[h].arch, strerror(-r), path);
			goto close;
		}
	}
	if (build_interrupted())
		goto close;
	r = write_tags(&l, hosts, nhosts, hi, &referrers);
	if (r < 0) {
		msg("images: %s/index.json: %s; it is as it was", path, strerror(-r));
		goto close;
	}
	/* Only a speed-up: a cache that cannot be written costs the next run time, no more. */
	if (layer_cache_save(o->out, &cache) < 0 && !o->quiet)
		msg("images: could not write %s/.cache/layers.json; the next run compresses "
		    "every layer again",
		    o->out);
	if (!o->quiet)
		msg("%d tags, %zu layers (%zu made, %zu already in the layout), %d host "
		    "package(s), %zu SBOM and provenance referrers in %s",
		    r, q.count, made, q.count - made, nhosts, referrers, path);
	status = missing ? EXIT_FAIL : EXIT_OK;
close:
	oci_close(&l);
out:
	layer_cache_free(&cache);
	free(q.jobs);
	build_hosts_free(hosts, nhosts);
	return status;
}
