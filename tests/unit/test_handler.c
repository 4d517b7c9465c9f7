/* SPDX-License-Identifier: MIT */
/*
 * Who runs a target's programs (handler.c), held against the entries other
 * emulators really register (tests/data/other-emulators: Rosetta as Lima
 * registers it, FEX-Emu's, box64's, box32's and box86's binfmt.d lines).
 */
#include "unit.h"

#include <unistd.h>

#include "entry.h"
#include "handler.h"
#include "plan.h"

/* The register line of a binfmt.d file of tests/data/other-emulators. */
static void load(const char *file, struct binfmt_entry *e)
{
	char path[512], line[QUS_REGISTER_MAX + 2];
	FILE *f;
	bool found = false;

	snprintf(path, sizeof(path), "%s/other-emulators/%s", QUS_TEST_DATA, file);
	f = fopen(path, "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f))
		if (line[0] == ':') {
			assert_int_equal(entry_parse_register(line, strlen(line), e), 0);
			found = true;
		}
	fclose(f);
	assert_true(found);
	e->enabled = true;
}

/* The targets @e takes, by name, space-separated. */
static void taken(const struct binfmt_entry *e, char *out, size_t size)
{
	size_t n = 0;

	out[0] = '\0';
	for (size_t i = 0; i < QUS_NTARGETS; i++)
		if (entry_takes(e, &qus_targets[i]))
			n += (size_t)snprintf(out + n, size - n, "%s%s", n ? " " : "",
					      qus_targets[i].name);
}

static void test_real_entries(void **state)
{
	static const struct {
		const char *file, *name, *takes;
	} cases[] = {
		{ "rosetta.conf", "rosetta", "x86_64" },
		{ "FEX-x86_64.conf", "FEX-x86_64", "x86_64" },
		{ "FEX-x86.conf", "FEX-x86", "i386" },
		{ "box64.conf", "box64", "x86_64" },
		{ "box32.conf", "box32", "i386" },
		{ "box86.conf", "x86", "i386" },
	};
	struct binfmt_entry e;
	char got[512];

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		load(cases[i].file, &e);
		assert_string_equal(e.name, cases[i].name);
		taken(&e, got, sizeof(got));
		/* Exactly one target each: i486's programs (EM_486) are not i386's. */
		assert_string_equal(got, cases[i].takes);
		assert_false(entry_is_qemu(&e));
		/* Disabled, it takes nothing. */
		e.enabled = false;
		taken(&e, got, sizeof(got));
		assert_string_equal(got, "");
	}
}

/* QEMU's entries are QEMU's by name or by interpreter; each takes its own target. */
static void test_qemu_entries(void **state)
{
	struct binfmt_entry e;
	char got[512];

	(void)state;
	for (size_t i = 0; i < QUS_NTARGETS; i++) {
		const struct qus_target *t = &qus_targets[i];

		assert_int_equal(plan_entry(t, "/usr/bin", "-static", QUS_FLAG_F, &e), 0);
		e.enabled = true;
		assert_true(entry_is_qemu(&e));
		assert_true(entry_takes(&e, t));
	}
	/* Debian 12's own: the name says QEMU, its interpreter a wrapper link. */
	assert_int_equal(plan_entry(arch_find("aarch64"), "/usr/bin", "-static", 0, &e), 0);
	snprintf(e.interpreter, sizeof(e.interpreter), "/usr/libexec/qemu-binfmt/aarch64-binfmt-P");
	assert_true(entry_is_qemu(&e));
	/* Debian's entry under another name: the wrapper's link leads to QEMU. */
	{
		char *dir = make_tmpdir(), emu[512], wrapper[512];
		FILE *f;

		assert_non_null(dir);
		snprintf(emu, sizeof(emu), "%s/qemu-aarch64-static", dir);
		snprintf(wrapper, sizeof(wrapper), "%s/aarch64-binfmt-P", dir);
		f = fopen(emu, "w");
		assert_non_null(f);
		fclose(f);
		assert_int_equal(symlink("qemu-aarch64-static", wrapper), 0);
		snprintf(e.name, sizeof(e.name), "debian-aarch64");
		snprintf(e.interpreter, sizeof(e.interpreter), "%s", wrapper);
		assert_true(entry_is_qemu(&e));
		unlink(wrapper);
		unlink(emu);
		rmdir(dir);
		free(dir);
	}
	/* Another name, QEMU's interpreter (an older installer's "aarch64"). */
	snprintf(e.name, sizeof(e.name), "aarch64");
	snprintf(e.interpreter, sizeof(e.interpreter), "/usr/bin/qemu-aarch64-static");
	assert_true(entry_is_qemu(&e));
	/* Neither: another emulator, whatever its pattern. */
	snprintf(e.interpreter, sizeof(e.interpreter), "/opt/emu/aarch64-runner");
	assert_false(entry_is_qemu(&e));
	e.enabled = true;
	taken(&e, got, sizeof(got));
	assert_string_equal(got, "aarch64");
}

/* A wide pattern takes every target it accepts; an extension entry none. */
static void test_wide_and_extension(void **state)
{
	static const char wide[] =
		":wide:M::\\x7fELF\\x02\\x01\\x01\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00"
		"\\x02\\x00\\x80\\x00:\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\x00\\x00\\x00\\x00\\x00"
		"\\x00\\x00\\x00\\x00\\xfe\\xff\\x80\\xff:/opt/emu/any:";
	static const char ext[] = ":qusext:E::qusext::/bin/true:";
	struct binfmt_entry e;
	char got[512];

	(void)state;
	/* 64-bit little-endian, e_machine 0x80-0xff: aarch64 (0xb7) and riscv64 (0xf3). */
	assert_int_equal(entry_parse_register(wide, strlen(wide), &e), 0);
	e.enabled = true;
	taken(&e, got, sizeof(got));
	assert_string_equal(got, "aarch64 riscv64");
	assert_int_equal(entry_parse_register(ext, strlen(ext), &e), 0);
	e.enabled = true;
	taken(&e, got, sizeof(got));
	assert_string_equal(got, "");
}

/* The first in the kernel's order that takes a target runs it; others are behind. */
static void test_order(void **state)
{
	struct binfmt_entry list[3];
	const struct qus_target *aarch64 = arch_find("aarch64"), *s390x = arch_find("s390x");

	(void)state;
	/* Newest first: another emulator's aarch64 entry, then QEMU's two. */
	assert_int_equal(plan_entry(aarch64, "/usr/bin", "-static", QUS_FLAG_F, &list[1]), 0);
	assert_int_equal(plan_entry(s390x, "/usr/bin", "-static", QUS_FLAG_F, &list[2]), 0);
	list[0] = list[1];
	snprintf(list[0].name, sizeof(list[0].name), "other-arm64");
	snprintf(list[0].interpreter, sizeof(list[0].interpreter), "/opt/emu/arm64");
	for (size_t i = 0; i < 3; i++)
		list[i].enabled = true;
	assert_ptr_equal(handler_for(list, 3, aarch64), &list[0]);
	assert_ptr_equal(handler_other(list, 3, aarch64), &list[0]);
	assert_ptr_equal(handler_for(list, 3, s390x), &list[2]);
	assert_null(handler_other(list, 3, s390x));
	assert_null(handler_for(list, 3, arch_find("riscv64")));
	/* Disabled, the other emulator runs nothing: QEMU's entry is used. */
	list[0].enabled = false;
	assert_ptr_equal(handler_for(list, 3, aarch64), &list[1]);
	assert_null(handler_other(list, 3, aarch64));
	/* QEMU's registered after it (first in the order): QEMU's runs them. */
	list[0].enabled = true;
	{
		struct binfmt_entry swap = list[0];

		list[0] = list[1];
		list[1] = swap;
	}
	assert_ptr_equal(handler_for(list, 3, aarch64), &list[0]);
	assert_null(handler_other(list, 3, aarch64));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_real_entries),
		cmocka_unit_test(test_qemu_entries),
		cmocka_unit_test(test_wide_and_extension),
		cmocka_unit_test(test_order),
	};
	return qus_run_tests("handler", tests, ARRAY_SIZE(tests));
}
