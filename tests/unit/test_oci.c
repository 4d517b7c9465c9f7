/* SPDX-License-Identifier: MIT */
/* The OCI layout writer: content-addressed blobs, documents that point at them. */
#include "unit.h"

#include <fcntl.h>
#include <json-c/json.h>

#include "oci.h"
#include "tarball.h"

static json_object *read_json(const char *dir, const char *name)
{
	char path[4096], buf[1 << 16] = "";
	int fd;
	ssize_t n;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	assert_true(n > 0);
	return json_tokener_parse(buf);
}

static const char *get(json_object *o, const char *path)
{
	char key[64];
	const char *dot;
	json_object *v = o;

	while (v && *path) {
		dot = strchr(path, '.');
		snprintf(key, sizeof(key), "%.*s", dot ? (int)(dot - path) : (int)strlen(path),
			 path);
		if (key[0] >= '0' && key[0] <= '9')
			v = json_object_array_get_idx(v, (size_t)atoi(key));
		else if (!json_object_object_get_ex(v, key, &v))
			v = NULL;
		path = dot ? dot + 1 : "";
	}
	return v ? json_object_get_string(v) : NULL;
}

static void test_layout(void **state)
{
	char *dir = make_tmpdir(), blobpath[4096], cmd[4200];
	static const uint8_t file[] = "emulator";
	const struct tar_member m[] = { { "usr/", 0755, NULL, 0 },
					{ "usr/bin/", 0755, NULL, 0 },
					{ "usr/bin/qemu-x-static", 0755, file, sizeof(file) } };
	struct buffer tar, gz;
	struct oci_layout l;
	struct oci_layer layer;
	struct oci_blob manifest, again;
	struct oci_image img = { .arch = "amd64",
				 .entrypoint = "/usr/bin/qus",
				 .cmd = "binfmt",
				 .created = 0,
				 .version = "7.2-1",
				 .source = "x.deb",
				 .title = "t" };
	struct oci_ref ref = { .tag = "latest", .media_type = OCI_MEDIA_MANIFEST };
	char hex[SHA256_HEX_LEN + 1];
	json_object *index, *man, *cfg;

	(void)state;
	assert_int_equal(oci_open(dir, &l), 0);
	assert_int_equal(tar_build(m, 3, 1700000000, &tar), 0);
	assert_int_equal(sha256_hex(tar.data, tar.len, hex), 0);
	snprintf(layer.diff_id, sizeof(layer.diff_id), "sha256:%s", hex);
	assert_int_equal(gzip_buffer(tar.data, tar.len, &gz), 0);
	assert_int_equal(oci_put(&l, gz.data, gz.len, &layer.blob), 0);
	img.layers = &layer;
	img.nlayers = 1;
	assert_int_equal(oci_put_image(&l, &img, &manifest), 0);
	/* The same image again: the same manifest digest. */
	assert_int_equal(oci_put_image(&l, &img, &again), 0);
	assert_string_equal(manifest.digest, again.digest);
	ref.blob = manifest;
	assert_int_equal(oci_write_index_json(&l, &ref, 1), 0);

	index = read_json(dir, "index.json");
	{
		json_object *ann =
			json_object_array_get_idx(json_object_object_get(index, "manifests"), 0);

		ann = json_object_object_get(ann, "annotations");
		assert_string_equal(json_object_get_string(json_object_object_get(
					    ann, "org.opencontainers.image.ref.name")),
				    "latest");
	}
	assert_string_equal(get(index, "manifests.0.digest"), manifest.digest);
	assert_string_equal(get(index, "manifests.0.mediaType"), OCI_MEDIA_MANIFEST);
	/* Each blob's name is the SHA-256 of its content (sha256sum agrees). */
	snprintf(
		cmd, sizeof(cmd),
		"cd '%s/blobs/sha256' && for f in *; do echo \"$f  $f\"; done | sha256sum -c --quiet",
		dir);
	assert_int_equal(system(cmd), 0);
	snprintf(blobpath, sizeof(blobpath), "blobs/sha256/%s", manifest.digest + 7);
	man = read_json(dir, blobpath);
	assert_string_equal(get(man, "layers.0.digest"), layer.blob.digest);
	assert_string_equal(get(man, "layers.0.mediaType"), OCI_MEDIA_LAYER);
	snprintf(blobpath, sizeof(blobpath), "blobs/sha256/%s", get(man, "config.digest") + 7);
	cfg = read_json(dir, blobpath);
	assert_string_equal(get(cfg, "architecture"), "amd64");
	assert_string_equal(get(cfg, "os"), "linux");
	assert_string_equal(get(cfg, "rootfs.diff_ids.0"), layer.diff_id);
	assert_string_equal(get(cfg, "config.Entrypoint.0"), "/usr/bin/qus");
	assert_string_equal(get(cfg, "config.Cmd.0"), "binfmt");
	assert_string_equal(get(cfg, "created"), "1970-01-01T00:00:00Z");

	json_object_put(index);
	json_object_put(man);
	json_object_put(cfg);
	buffer_free(&tar);
	buffer_free(&gz);
	oci_close(&l);
	assert_int_equal(remove_tmpdir(dir), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout),
	};
	return qus_run_tests("oci", tests, ARRAY_SIZE(tests));
}
