/* SPDX-License-Identifier: MIT */
/* The target table: complete, consistent, and every name resolves to one target. */
#include "unit.h"

#include "arch.h"

/* QEMU's scripts/qemu-binfmt-conf.sh qemu_target_list: 34 in 7.2, still in 11. */
static const char *const qemu_list[] = {
	"i386",	      "i486",	      "alpha",	"arm",	    "armeb",   "sparc",	      "sparc32plus",
	"sparc64",    "ppc",	      "ppc64",	"ppc64le",  "m68k",    "mips",	      "mipsel",
	"mipsn32",    "mipsn32el",    "mips64", "mips64el", "sh4",     "sh4eb",	      "s390x",
	"aarch64",    "aarch64_be",   "hppa",	"riscv32",  "riscv64", "xtensa",      "xtensaeb",
	"microblaze", "microblazeel", "or1k",	"x86_64",   "hexagon", "loongarch64",
};

static void test_exactly_qemus_targets(void **state)
{
	(void)state;
	assert_int_equal(ARRAY_SIZE(qemu_list), QUS_NTARGETS);
	for (size_t i = 0; i < ARRAY_SIZE(qemu_list); i++) {
		const struct qus_target *t = arch_find(qemu_list[i]);

		assert_non_null(t);
		assert_string_equal(t->name, qemu_list[i]);
	}
}

/* The families of QEMU's script (a host's family is skipped there). */
static void test_families(void **state)
{
	static const struct {
		const char *family, *members;
	} fam[] = {
		{ "i386", "i386 i486 x86_64" },
		{ "arm", "arm aarch64" },
		{ "armeb", "armeb aarch64_be" },
		{ "sparc", "sparc sparc32plus sparc64" },
		{ "ppc", "ppc ppc64" },
		{ "ppcle", "ppc64le" },
		{ "mips", "mips mipsel mipsn32 mipsn32el mips64 mips64el" },
		{ "sh4", "sh4 sh4eb" },
		{ "riscv", "riscv32 riscv64" },
		{ "loongarch", "loongarch64" },
	};
	(void)state;
	for (size_t i = 0; i < QUS_NTARGETS; i++) {
		const struct qus_target *t = &qus_targets[i];
		bool listed = false;

		for (size_t f = 0; f < ARRAY_SIZE(fam); f++)
			if (arch_word_in(fam[f].members, t->name)) {
				assert_string_equal(t->family, fam[f].family);
				listed = true;
			}
		/* Every other target is its own family. */
		if (!listed)
			assert_string_equal(t->family, t->name);
	}
}

static void test_emulator_names(void **state)
{
	(void)state;
	for (size_t i = 0; i < QUS_NTARGETS; i++) {
		const struct qus_target *t = &qus_targets[i];

		/* i486 has no emulator of its own: QEMU's script uses qemu-i386. */
		if (!strcmp(t->name, "i486"))
			assert_string_equal(t->emulator, "i386");
		else
			assert_string_equal(t->emulator, t->name);
	}
}

static void test_aliases_people_type(void **state)
{
	static const struct {
		const char *alias, *target;
	} cases[] = {
		{ "arm64", "aarch64" },	    { "ARM64", "aarch64" },
		{ "arm64v8", "aarch64" },   { "linux/arm64", "aarch64" },
		{ "amd64", "x86_64" },	    { "linux/amd64", "x86_64" },
		{ "armhf", "arm" },	    { "armel", "arm" },
		{ "armv7l", "arm" },	    { "arm32v7", "arm" },
		{ "arm32v6", "arm" },	    { "linux/arm/v7", "arm" },
		{ "linux/arm/v6", "arm" },  { "ppc64el", "ppc64le" },
		{ "i686", "i386" },	    { "linux/386", "i386" },
		{ "mips64le", "mips64el" }, { "loong64", "loongarch64" },
		{ "linux/s390x", "s390x" }, { "powerpc", "ppc" },
		{ "parisc", "hppa" },	    { "linux/riscv64", "riscv64" },
	};
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct qus_target *t = arch_find(cases[i].alias);

		assert_non_null(t);
		assert_string_equal(t->name, cases[i].target);
	}
	assert_null(arch_find("arm65"));
	assert_null(arch_find(""));
	assert_null(arch_find("linux/arm/v9"));
}

/* No word may name two targets: every alias resolves to the row that lists it. */
static void test_aliases_unique(void **state)
{
	(void)state;
	for (size_t i = 0; i < QUS_NTARGETS; i++) {
		const char *a = qus_targets[i].aliases;
		char word[64];

		while (next_word(&a, word, sizeof(word))) {
			assert_ptr_equal(arch_find(word), &qus_targets[i]);
			for (size_t j = 0; j < QUS_NTARGETS; j++)
				assert_false(j != i && arch_word_in(qus_targets[j].aliases, word));
		}
	}
}

static void test_native_on_names_targets(void **state)
{
	(void)state;
	for (size_t i = 0; i < QUS_NTARGETS; i++) {
		const char *a = qus_targets[i].native_on;
		char word[64];

		while (next_word(&a, word, sizeof(word))) {
			assert_non_null(arch_find(word));
			assert_string_equal(arch_find(word)->name, word);
			/* A host runs its own family's compat modes, nothing else. */
			assert_string_equal(arch_find(word)->family, qus_targets[i].family);
		}
	}
}

static void test_next_word(void **state)
{
	const char *list = "  one two  three", *empty = "   ";
	char w[4];

	(void)state;
	assert_true(next_word(&list, w, sizeof(w)));
	assert_string_equal(w, "one");
	assert_true(next_word(&list, w, sizeof(w)));
	assert_string_equal(w, "two");
	assert_true(next_word(&list, w, sizeof(w)));
	assert_string_equal(w, "thr"); /* cut to the buffer */
	assert_false(next_word(&list, w, sizeof(w)));
	assert_false(next_word(&empty, w, sizeof(w)));
}

static void test_byte_order_sibling(void **state)
{
	(void)state;
	assert_string_equal(arch_with_byte_order(arch_find("mips64"), 1)->name, "mips64el");
	assert_string_equal(arch_with_byte_order(arch_find("mips"), 1)->name, "mipsel");
	assert_string_equal(arch_with_byte_order(arch_find("mipsn32el"), 2)->name, "mipsn32");
	assert_string_equal(arch_with_byte_order(arch_find("aarch64"), 2)->name, "aarch64_be");
	assert_string_equal(arch_with_byte_order(arch_find("aarch64"), 1)->name, "aarch64");
	assert_null(arch_with_byte_order(arch_find("s390x"), 1));
}

/*
 * The OCI platforms of tonistiigi/binfmt's "supported" list: each is an
 * alias of its own target, and the GOARCH targets have exactly these (the
 * strings containerd's platforms.Format(Normalize()) gives).
 */
static void test_platforms(void **state)
{
	static const struct {
		const char *target, *platforms;
	} want[] = {
		{ "x86_64", "linux/amd64" },
		{ "aarch64", "linux/arm64" },
		{ "arm", "linux/arm/v7 linux/arm/v6" },
		{ "i386", "linux/386" },
		{ "riscv64", "linux/riscv64" },
		{ "ppc64le", "linux/ppc64le" },
		{ "ppc64", "linux/ppc64" },
		{ "s390x", "linux/s390x" },
		{ "mips64el", "linux/mips64le" },
		{ "mips64", "linux/mips64" },
		{ "mipsel", "linux/mipsle" },
		{ "mips", "linux/mips" },
		{ "loongarch64", "linux/loong64" },
	};
	size_t with = 0;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(want); i++)
		assert_string_equal(arch_find(want[i].target)->platforms, want[i].platforms);
	for (size_t i = 0; i < QUS_NTARGETS; i++) {
		const struct qus_target *t = &qus_targets[i];
		const char *list = t->platforms;
		char w[64];

		assert_non_null(list);
		with += list[0] != '\0';
		while (next_word(&list, w, sizeof(w))) {
			assert_ptr_equal(arch_find(w), t);
			assert_int_equal(strncmp(w, "linux/", 6), 0);
		}
	}
	assert_int_equal(with, ARRAY_SIZE(want));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exactly_qemus_targets),
		cmocka_unit_test(test_families),
		cmocka_unit_test(test_emulator_names),
		cmocka_unit_test(test_aliases_people_type),
		cmocka_unit_test(test_aliases_unique),
		cmocka_unit_test(test_native_on_names_targets),
		cmocka_unit_test(test_byte_order_sibling),
		cmocka_unit_test(test_next_word),
		cmocka_unit_test(test_platforms),
	};
	return qus_run_tests("arch", tests, ARRAY_SIZE(tests));
}
