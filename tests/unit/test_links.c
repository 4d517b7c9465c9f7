/* SPDX-License-Identifier: MIT */
/* qus-build's package trees: links resolved within the packages given, never on the host. */
#include "unit.h"

#include <errno.h>

#include "links.h"

static void dest(const char *path, const char *link, int want_r, const char *want)
{
	char out[256];
	int r = tree_link_dest(path, link, out, sizeof(out));

	if (r != want_r || (r == 0 && strcmp(out, want)))
		fail_msg("%s -> %s: %d '%s', want %d '%s'", path, link, r, r == 0 ? out : "",
			 want_r, want);
}

static void test_link_dest(void **state)
{
	(void)state;
	/* Relative: from the link's directory (trixie's qemu-T-static -> qemu-T). */
	dest("usr/bin/qemu-aarch64-static", "qemu-aarch64", 0, "usr/bin/qemu-aarch64");
	dest("usr/libexec/qemu-binfmt/aarch64-binfmt-P", "../../bin/qemu-aarch64", 0,
	     "usr/bin/qemu-aarch64");
	/* Absolute: from the packages' root, not the host's. */
	dest("usr/bin/qemu-aarch64-static", "/usr/bin/qemu-aarch64", 0, "usr/bin/qemu-aarch64");
	dest("usr/bin/x", "./y//z/./w", 0, "usr/bin/y/z/w");
	dest("x", "y", 0, "y");
	/* Above the root: a link that leaves the package. */
	dest("usr/bin/qemu-aarch64-static", "../../../etc/passwd", -EXDEV, "");
	dest("usr/bin/x", "/../etc/passwd", -EXDEV, "");
	/* Up and back in again stays inside. */
	dest("usr/bin/x", "../../usr/bin/y", 0, "usr/bin/y");
}

static void test_resolve(void **state)
{
	struct tree t = { 0 };
	char out[256];

	(void)state;
	assert_int_equal(
		tree_add(&t, "usr/bin/qemu-aarch64", TREE_EMULATOR, NULL, arch_find("aarch64"), 1),
		0);
	/* Two hops, as trixie's aliases: qemu-arm64-static -> qemu-aarch64-static -> qemu-aarch64.
	 */
	assert_int_equal(
		tree_add(&t, "usr/bin/qemu-aarch64-static", TREE_LINK, "qemu-aarch64", NULL, 0), 0);
	assert_int_equal(tree_add(&t, "usr/bin/qemu-arm64-static", TREE_LINK, "qemu-aarch64-static",
				  NULL, 0),
			 0);
	assert_int_equal(tree_add(&t, "usr/bin/loop-a", TREE_LINK, "loop-b", NULL, 0), 0);
	assert_int_equal(tree_add(&t, "usr/bin/loop-b", TREE_LINK, "/usr/bin/loop-a", NULL, 0), 0);
	assert_int_equal(tree_add(&t, "usr/bin/out", TREE_LINK, "../../../x", NULL, 0), 0);
	assert_int_equal(tree_add(&t, "usr/bin/dangling", TREE_LINK, "nothing", NULL, 0), 0);
	/* One path, one member: a second one is refused. */
	assert_int_equal(tree_add(&t, "usr/bin/qemu-aarch64", TREE_FILE, NULL, NULL, 2), -EEXIST);

	assert_int_equal(tree_resolve(&t, "usr/bin/qemu-arm64-static", out, sizeof(out)), 0);
	assert_string_equal(out, "usr/bin/qemu-aarch64");
	assert_int_equal(tree_find(&t, out)->kind, TREE_EMULATOR);
	assert_int_equal(tree_find(&t, out)->pkg, 1);
	/* Not a link: itself. */
	assert_int_equal(tree_resolve(&t, "usr/bin/qemu-aarch64", out, sizeof(out)), 0);
	assert_string_equal(out, "usr/bin/qemu-aarch64");
	assert_int_equal(tree_resolve(&t, "usr/bin/loop-a", out, sizeof(out)), -ELOOP);
	assert_int_equal(tree_resolve(&t, "usr/bin/out", out, sizeof(out)), -EXDEV);
	/* A link to nothing resolves to a path that is not there: the caller says so. */
	assert_int_equal(tree_resolve(&t, "usr/bin/dangling", out, sizeof(out)), 0);
	assert_null(tree_find(&t, out));
	tree_free(&t);
}

/* A chain longer than TREE_MAX_HOPS is refused like a loop. */
static void test_long_chain(void **state)
{
	struct tree t = { 0 };
	char path[32], link[32], out[64];

	(void)state;
	for (int i = 0; i <= TREE_MAX_HOPS + 1; i++) {
		snprintf(path, sizeof(path), "l%d", i);
		snprintf(link, sizeof(link), "l%d", i + 1);
		assert_int_equal(tree_add(&t, path, TREE_LINK, link, NULL, 0), 0);
	}
	assert_int_equal(tree_resolve(&t, "l0", out, sizeof(out)), -ELOOP);
	/* Seven links from l3 to l10, which is not there: within the limit. */
	assert_int_equal(tree_resolve(&t, "l3", out, sizeof(out)), 0);
	assert_string_equal(out, "l10");
	tree_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_link_dest),
		cmocka_unit_test(test_resolve),
		cmocka_unit_test(test_long_chain),
	};
	return qus_run_tests("links", tests, ARRAY_SIZE(tests));
}
