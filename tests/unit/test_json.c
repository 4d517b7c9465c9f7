/* SPDX-License-Identifier: MIT */
/* The JSON writer's output, parsed back with json-c: valid, and the values intact. */
#include "unit.h"

#include <json-c/json.h>

#include "json.h"

static char *render(void (*fn)(struct json_writer *))
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct json_writer w;

	assert_non_null(f);
	jw_init(&w, f);
	fn(&w);
	jw_finish(&w);
	fclose(f);
	return buf;
}

static json_object *parse(const char *text)
{
	enum json_tokener_error err;
	json_object *o = json_tokener_parse_verbose(text, &err);

	if (!o)
		fail_msg("json-c rejected (%s):\n%s", json_tokener_error_desc(err), text);
	return o;
}

static const char tricky[] = "quote\" backslash\\ tab\t nl\n cr\r bell\x07 del\x7f "
			     "é ü 日本 🙂 /slash";

static void doc_strings(struct json_writer *w)
{
	jw_begin_object(w, NULL);
	jw_string(w, "tricky", tricky);
	jw_string(w, "empty", "");
	jw_string(w, "null", NULL);
	jw_string(w, "k\"ey", "v");
	jw_end_object(w);
}

static void test_strings(void **state)
{
	char *text = render(doc_strings);
	json_object *o = parse(text), *v;

	(void)state;
	assert_true(json_object_object_get_ex(o, "tricky", &v));
	assert_string_equal(json_object_get_string(v), tricky);
	assert_true(json_object_object_get_ex(o, "empty", &v));
	assert_string_equal(json_object_get_string(v), "");
	assert_true(json_object_object_get_ex(o, "null", &v));
	assert_null(v);
	assert_true(json_object_object_get_ex(o, "k\"ey", &v));
	json_object_put(o);
	free(text);
}

/* Bytes that are not UTF-8 (file names can hold any) become U+FFFD, never invalid JSON. */
static void doc_invalid_utf8(struct json_writer *w)
{
	jw_begin_array(w, NULL);
	jw_string(w, NULL,
		  "a\xff"
		  "b");
	jw_string(w, NULL, "\xc3");	    /* truncated sequence */
	jw_string(w, NULL, "\xc0\xaf");	    /* overlong '/' */
	jw_string(w, NULL, "\xed\xa0\x80"); /* a surrogate */
	jw_end_array(w);
}

static void test_invalid_utf8(void **state)
{
	char *text = render(doc_invalid_utf8);
	json_object *o = parse(text);

	(void)state;
	assert_int_equal(json_object_array_length(o), 4);
	assert_string_equal(json_object_get_string(json_object_array_get_idx(o, 0)), "a\xef\xbf\xbd"
										     "b");
	assert_null(strstr(text, "\xff"));
	json_object_put(o);
	free(text);
}

static void doc_nested(struct json_writer *w)
{
	jw_begin_object(w, NULL);
	jw_uint(w, "schema", 1);
	jw_bool(w, "yes", true);
	jw_bool(w, "no", false);
	jw_null(w, "nothing");
	jw_uint(w, "big", 18446744073709551615ULL);
	jw_int(w, "negative", -1);
	jw_int(w, "smallest", -9223372036854775807LL - 1);
	jw_begin_array(w, "empty");
	jw_end_array(w);
	jw_begin_object(w, "emptyobj");
	jw_end_object(w);
	jw_begin_array(w, "list");
	for (int i = 0; i < 3; i++) {
		jw_begin_object(w, NULL);
		jw_uint(w, "i", (unsigned)i);
		jw_end_object(w);
	}
	jw_end_array(w);
	jw_end_object(w);
}

static void test_nested(void **state)
{
	char *text = render(doc_nested);
	json_object *o = parse(text), *v;

	(void)state;
	assert_true(json_object_object_get_ex(o, "yes", &v));
	assert_true(json_object_get_boolean(v));
	assert_true(json_object_object_get_ex(o, "no", &v));
	assert_false(json_object_get_boolean(v));
	assert_true(json_object_object_get_ex(o, "nothing", &v));
	assert_null(v);
	assert_true(json_object_object_get_ex(o, "empty", &v));
	assert_int_equal(json_object_array_length(v), 0);
	assert_true(json_object_object_get_ex(o, "list", &v));
	assert_int_equal(json_object_array_length(v), 3);
	assert_int_equal(
		json_object_get_int(json_object_object_get(json_object_array_get_idx(v, 2), "i")),
		2);
	assert_true(json_object_object_get_ex(o, "big", &v));
	assert_int_equal(json_object_get_uint64(v), 18446744073709551615ULL);
	assert_true(json_object_object_get_ex(o, "negative", &v));
	assert_int_equal(json_object_get_int64(v), -1);
	assert_true(json_object_object_get_ex(o, "smallest", &v));
	assert_true(json_object_get_int64(v) == -9223372036854775807LL - 1);
	json_object_put(o);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_strings),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_nested),
	};
	return qus_run_tests("json", tests, ARRAY_SIZE(tests));
}
