/* SPDX-License-Identifier: MIT */
/* Register strings: built, escaped, validated, parsed back; kernel entry files parsed. */
#include "unit.h"

#include <errno.h>

#include "entry.h"
#include "plan.h"

static void make(const char *target, unsigned flags, struct binfmt_entry *e)
{
	assert_int_equal(plan_entry(arch_find(target), "/usr/bin", "-static", flags, e), 0);
}

static void test_flags(void **state)
{
	unsigned f;
	char s[5];

	(void)state;
	assert_int_equal(flags_parse("FCOP", &f), 0);
	flags_format(f, s);
	assert_string_equal(s, "POCF"); /* the kernel's order */
	assert_int_equal(flags_parse("", &f), 0);
	assert_int_equal(f, 0);
	assert_int_equal(flags_parse("PX", &f), -EINVAL);
	assert_int_equal(flags_parse("p", &f), -EINVAL);
	assert_int_equal(flags_normalize(QUS_FLAG_C), QUS_FLAG_C | QUS_FLAG_O);
	assert_int_equal(flags_normalize(QUS_FLAG_F | 0x100), QUS_FLAG_F);
}

/* The exact text, every magic/mask byte as \xHH, empty offset for 0. */
static void test_format_aarch64(void **state)
{
	struct binfmt_entry e;
	char buf[QUS_REGISTER_MAX + 1];
	long n;

	(void)state;
	make("aarch64", QUS_FLAG_P | QUS_FLAG_O | QUS_FLAG_F, &e);
	n = entry_format_register(&e, buf, sizeof(buf));
	assert_string_equal(
		buf, ":qemu-aarch64:M::"
		     "\\x7f\\x45\\x4c\\x46\\x02\\x01\\x01\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00"
		     "\\x00\\x02\\x00\\xb7\\x00:"
		     "\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\x00\\xff\\xff\\xff\\xff\\xff\\xff\\xff"
		     "\\xff\\xfe\\xff\\xff\\xff:/usr/bin/qemu-aarch64-static:POF");
	assert_int_equal(n, (long)strlen(buf));
	/* A raw NUL would truncate the magic in the kernel: there must be none. */
	assert_null(memchr(buf, '\0', (size_t)n));
	assert_int_equal(entry_format_register(&e, buf, 50), -ENOSPC);
}

/* Every target with every flag combination survives format -> parse. */
static void test_round_trip(void **state)
{
	(void)state;
	for (size_t i = 0; i < QUS_NTARGETS; i++)
		for (unsigned flags = 0; flags <= QUS_FLAGS_ALL; flags++) {
			struct binfmt_entry e, back;
			char buf[QUS_REGISTER_MAX + 1];
			long n;

			make(qus_targets[i].name, flags, &e);
			n = entry_format_register(&e, buf, sizeof(buf));
			assert_true(n > 0);
			assert_int_equal(entry_parse_register(buf, (size_t)n, &back), 0);
			assert_true(entry_same(&e, &back));
			assert_string_equal(back.name, e.name);
			assert_int_equal(back.flags, flags_normalize(flags));
			assert_memory_equal(back.pattern.magic, e.pattern.magic, e.pattern.len);
		}
}

static void test_delimiter_avoids_colon(void **state)
{
	struct binfmt_entry e, back;
	char buf[QUS_REGISTER_MAX + 1];
	long n;

	(void)state;
	make("arm", 0, &e);
	strcpy(e.interpreter, "/opt/a:b/qemu-arm");
	n = entry_format_register(&e, buf, sizeof(buf));
	assert_true(n > 0);
	assert_int_not_equal(buf[0], ':');
	assert_int_equal(entry_parse_register(buf, (size_t)n, &back), 0);
	assert_string_equal(back.interpreter, "/opt/a:b/qemu-arm");
}

static void test_validate(void **state)
{
	static const struct {
		const char *name, *interp;
		enum entry_problem want;
	} cases[] = {
		{ "qemu-arm", "/usr/bin/qemu-arm-static", ENTRY_OK },
		{ "", "/usr/bin/x", ENTRY_NAME_EMPTY },
		{ "register", "/usr/bin/x", ENTRY_NAME_RESERVED },
		{ "status", "/usr/bin/x", ENTRY_NAME_RESERVED },
		{ "..", "/usr/bin/x", ENTRY_NAME_RESERVED },
		{ "a/b", "/usr/bin/x", ENTRY_NAME_BAD_CHAR },
		{ "a\nb", "/usr/bin/x", ENTRY_NAME_BAD_CHAR },
		{ "qemu-arm", "", ENTRY_INTERP_EMPTY },
		{ "qemu-arm", "qemu-arm-static", ENTRY_INTERP_RELATIVE },
		{ "qemu-arm", "./qemu-arm-static", ENTRY_INTERP_RELATIVE },
		{ "qemu-arm", "/usr/bin/qemu\n", ENTRY_INTERP_BAD_CHAR },
	};
	struct binfmt_entry e;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		make("arm", 0, &e);
		strcpy(e.name, cases[i].name);
		strcpy(e.interpreter, cases[i].interp);
		assert_int_equal(entry_validate(&e), cases[i].want);
		assert_true(cases[i].want == ENTRY_OK ||
			    strlen(entry_problem_str(cases[i].want)) > 10);
	}

	make("arm", 0, &e);
	memset(e.interpreter, 'a', 128);
	e.interpreter[0] = '/';
	e.interpreter[128] = '\0';
	assert_int_equal(entry_validate(&e), ENTRY_INTERP_TOO_LONG);

	make("arm", 0, &e);
	e.pattern.offset = 109; /* 109 + 20 > 128 */
	assert_int_equal(entry_validate(&e), ENTRY_MAGIC_TOO_LONG);
	e.pattern.offset = 0;
	e.pattern.len = 0;
	assert_int_equal(entry_validate(&e), ENTRY_MAGIC_EMPTY);

	make("arm", 0, &e);
	e.flags = 0x10;
	assert_int_equal(entry_validate(&e), ENTRY_FLAGS_UNKNOWN);
	{
		char buf[QUS_REGISTER_MAX + 1];

		assert_int_equal(entry_format_register(&e, buf, sizeof(buf)), -EINVAL);
	}
}

/* Strings the kernel rejects, rejected here too (fs/binfmt_misc.c create_entry). */
static void test_parse_rejects(void **state)
{
	static const char *const bad[] = {
		":short:M::\\x7f:",		  /* too few fields */
		":x:Q::\\x7f::/bin/x:",		  /* unknown type */
		":x:M::\\x7g::/bin/x:",		  /* not hex */
		":x:M::\\x7::/bin/x:",		  /* one hex digit */
		":x:M::\\x7f\\x45:\\xff:/bin/x:", /* mask length differs */
		":x:M::::/bin/x:",		  /* empty magic */
		":x:M::\\x7f:::",		  /* empty interpreter */
		":x:M::\\x7f::/bin/x:Z",	  /* unknown flag */
		":x:M::\\x7f::/bin/x:F:",	  /* junk after flags */
		":x:M:300:\\x7f::/bin/x:",	  /* offset beyond the buffer */
		":x:M:-1:\\x7f::/bin/x:",	  /* negative offset */
		":x:M:1x:\\x7f::/bin/x:",	  /* junk in offset */
		"::M::\\x7f::/bin/x:",		  /* empty name */
	};
	struct binfmt_entry e;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		if (entry_parse_register(bad[i], strlen(bad[i]), &e) == 0)
			fail_msg("accepted: %s", bad[i]);
	}
}

static void test_parse_accepts(void **state)
{
	/* Debian's python3.11.conf and llvm's: no mask, literal bytes in the magic. */
	static const char py[] = ":python3.11:M::\\xa7\\x0d\\x0d\\x0a::/usr/bin/python3.11:\n";
	static const char bc[] = ":llvm-14-runtime.binfmt:M::BC::/usr/bin/lli-14:";
	static const char ext[] = ",jar,E,,jar,,/usr/bin/jexec,";
	struct binfmt_entry e;

	(void)state;
	assert_int_equal(entry_parse_register(py, strlen(py), &e), 0);
	assert_string_equal(e.name, "python3.11");
	assert_int_equal(e.pattern.len, 4);
	assert_false(e.pattern.has_mask);
	assert_int_equal(e.pattern.magic[0], 0xa7);

	assert_int_equal(entry_parse_register(bc, strlen(bc), &e), 0);
	assert_int_equal(e.pattern.len, 2);
	assert_memory_equal(e.pattern.magic, "BC", 2);

	assert_int_equal(entry_parse_register(ext, strlen(ext), &e), 0);
	assert_false(e.is_magic);
	assert_string_equal(e.extension, "jar");
	assert_string_equal(e.interpreter, "/usr/bin/jexec");
}

static void test_parse_status(void **state)
{
	/* As the kernel prints it (shown so in multiarch/qemu-user-static's README). */
	static const char text[] = "enabled\n"
				   "interpreter /usr/bin/qemu-aarch64-static\n"
				   "flags: F\n"
				   "offset 0\n"
				   "magic 7f454c460201010000000000000000000200b700\n"
				   "mask ffffffffffffff00fffffffffffffffffeffffff\n";
	static const char nomask[] = "disabled\n"
				     "interpreter /usr/bin/python3.11\n"
				     "flags: \n"
				     "offset 0\n"
				     "magic a70d0d0a\n";
	static const char ext[] =
		"enabled\ninterpreter /usr/bin/jexec\nflags: OC\nextension .jar\n";
	struct binfmt_entry e, want;

	(void)state;
	assert_int_equal(entry_parse_status("qemu-aarch64", text, &e), 0);
	assert_true(e.enabled);
	assert_int_equal(e.flags, QUS_FLAG_F);
	make("aarch64", QUS_FLAG_F, &want);
	assert_true(entry_same(&e, &want));

	assert_int_equal(entry_parse_status("python3.11", nomask, &e), 0);
	assert_false(e.enabled);
	assert_false(e.pattern.has_mask);
	assert_int_equal(e.flags, 0);
	assert_int_equal(e.pattern.len, 4);

	assert_int_equal(entry_parse_status("jar", ext, &e), 0);
	assert_false(e.is_magic);
	assert_string_equal(e.extension, "jar");
	assert_int_equal(e.flags, QUS_FLAG_O | QUS_FLAG_C);

	assert_int_equal(entry_parse_status("x", "", &e), -EINVAL);
	assert_int_equal(entry_parse_status("x", "maybe\n", &e), -EINVAL);
	assert_int_equal(
		entry_parse_status("x", "enabled\ninterpreter /x\nflags: Q\nmagic 7f\n", &e),
		-EINVAL);
	assert_int_equal(entry_parse_status("x", "enabled\ninterpreter /x\nflags: \nmagic 7\n", &e),
			 -EINVAL);
	assert_int_equal(
		entry_parse_status("x", "enabled\ninterpreter /x\nflags: \nmagic 7f\nmask ffff\n",
				   &e),
		-EINVAL);
	/* Neither magic nor extension. */
	assert_int_equal(entry_parse_status("x", "enabled\ninterpreter /x\nflags: \n", &e),
			 -EINVAL);
}

static void test_same(void **state)
{
	struct binfmt_entry a, b;

	(void)state;
	make("arm", QUS_FLAG_C | QUS_FLAG_F, &a);
	make("arm", QUS_FLAG_O | QUS_FLAG_C | QUS_FLAG_F, &b);
	assert_true(entry_same(&a, &b)); /* C implies O */
	b.enabled = false;
	assert_true(entry_same(&a, &b)); /* state is not identity */
	b.pattern.magic[7] = 0x03;	 /* OSABI is masked out */
	assert_true(entry_same(&a, &b));
	b.pattern.magic[18] = 0x29; /* e_machine is not */
	assert_false(entry_same(&a, &b));
	make("arm", QUS_FLAG_F, &b);
	assert_false(entry_same(&a, &b));
	make("arm", QUS_FLAG_C | QUS_FLAG_F, &b);
	strcpy(b.interpreter, "/usr/local/bin/qemu-arm");
	assert_false(entry_same(&a, &b));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_flags),	      cmocka_unit_test(test_format_aarch64),
		cmocka_unit_test(test_round_trip),    cmocka_unit_test(test_delimiter_avoids_colon),
		cmocka_unit_test(test_validate),      cmocka_unit_test(test_parse_rejects),
		cmocka_unit_test(test_parse_accepts), cmocka_unit_test(test_parse_status),
		cmocka_unit_test(test_same),
	};
	return qus_run_tests("entry", tests, ARRAY_SIZE(tests));
}
