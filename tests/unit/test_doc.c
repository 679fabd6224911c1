/*
 * The document model: positions, styles, multi-document streams, merge keys, duplicate keys,
 * and the hostile cases (depth, alias bombs, invalid UTF-8) that must fail cleanly.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/doc.h"
#include "core/limits.h"

static bh_err parse(struct bh_arena *a, const char *text, struct bh_docs *docs, struct bh_diag *d)
{
	return bh_doc_parse(a, "t.yaml", text, strlen(text), docs, d);
}

static void test_positions(void **state)
{
	struct bh_arena a;
	struct bh_docs docs;
	struct bh_diag d;
	const struct bh_node *v;

	(void)state;
	bh_arena_init(&a, 0);
	assert_int_equal(parse(&a, "a: 1\nb:\n  c: 'x'\n", &docs, &d), BH_OK);
	assert_int_equal(docs.n, 1);
	v = bh_node_path(docs.docs[0].root, "b.c");
	assert_non_null(v);
	assert_string_equal(bh_node_str(v), "x");
	assert_int_equal(v->line, 3);
	assert_int_equal(v->col, 6);
	assert_int_equal(v->scalar.style, BH_STYLE_SINGLE);
	bh_arena_release(&a);
}

static void test_multi_and_json(void **state)
{
	struct bh_arena a;
	struct bh_docs docs;
	struct bh_diag d;

	(void)state;
	bh_arena_init(&a, 0);
	assert_int_equal(parse(&a, "---\na: 1\n---\n---\n{\"b\":[1,2]}\n", &docs, &d), BH_OK);
	assert_int_equal(docs.n, 2); /* the empty document is skipped */
	assert_int_equal(bh_node_get(docs.docs[1].root, "b")->seq.n, 2);
	assert_int_equal(docs.docs[1].root->line, 5);
	bh_arena_release(&a);
}

static void test_duplicates_and_merge(void **state)
{
	struct bh_arena a;
	struct bh_docs docs;
	struct bh_diag d;
	int b;

	(void)state;
	bh_arena_init(&a, 0);
	assert_int_equal(parse(&a, "base: &b {x: 1, y: 2}\nm:\n  <<: *b\n  y: 3\nk: yes\nk: no\n",
			       &docs, &d),
			 BH_OK);
	/* Overriding a merged key is not a duplicate; k twice is, and the last wins. */
	assert_int_equal(docs.docs[0].ndups, 1);
	assert_int_equal(docs.docs[0].dups[0].second->line, 6);
	assert_true(bh_node_bool(bh_node_get(docs.docs[0].root, "k"), &b));
	assert_int_equal(b, 0);
	assert_string_equal(bh_node_str(bh_node_path(docs.docs[0].root, "m.x")), "1");
	assert_string_equal(bh_node_str(bh_node_path(docs.docs[0].root, "m.y")), "3");
	bh_arena_release(&a);
}

static void test_duplicates_many(void **state)
{
	struct bh_arena a;
	struct bh_docs docs;
	struct bh_diag d;
	struct bh_buf big;

	(void)state;
	bh_arena_init(&a, 0);
	/* Small maps are checked pairwise: a key three times is two duplicates, each against
	 * the occurrence before it. */
	assert_int_equal(parse(&a, "a: 1\nb: 2\na: 3\na: 4\n", &docs, &d), BH_OK);
	assert_int_equal(docs.docs[0].ndups, 2);
	assert_int_equal(docs.docs[0].dups[0].first->line, 1);
	assert_int_equal(docs.docs[0].dups[0].second->line, 3);
	assert_int_equal(docs.docs[0].dups[1].first->line, 3);
	assert_int_equal(docs.docs[0].dups[1].second->line, 4);
	assert_string_equal(bh_node_str(bh_node_get(docs.docs[0].root, "a")), "4");
	/* Large maps are sorted: the same answer. */
	bh_buf_init(&big, 0);
	for (int i = 0; i < 40; i++)
		bh_buf_printf(&big, "k%d: %d\n", i, i);
	bh_buf_adds(&big, "k7: again\nk39: again\n");
	assert_int_equal(bh_doc_parse(&a, "t.yaml", big.data, big.len, &docs, &d), BH_OK);
	assert_int_equal(docs.docs[0].ndups, 2);
	assert_string_equal(bh_node_str(bh_node_get(docs.docs[0].root, "k7")), "again");
	bh_buf_release(&big);
	/* Equal prefixes and embedded NULs are not duplicates. */
	assert_int_equal(parse(&a, "ab: 1\na: 2\n\"a\\0\": 3\n", &docs, &d), BH_OK);
	assert_int_equal(docs.docs[0].ndups, 0);
	bh_arena_release(&a);
}

static void test_merge_errors(void **state)
{
	struct bh_arena a;
	struct bh_docs docs = { 0 };
	struct bh_diag d;

	(void)state;
	bh_arena_init(&a, 0);
	/* A merge value that is not a mapping (or a list of them) fails as the API server's
	 * decoder fails, with the position of the offending value. */
	assert_int_equal(parse(&a, "a: 1\nb:\n  <<: 5\n", &docs, &d), BH_ERR_PARSE);
	assert_int_equal(d.line, 3);
	assert_int_equal(d.col, 7);
	assert_non_null(strstr(d.msg, "merge"));
	assert_int_equal(parse(&a, "x: &x {a: 1}\nz:\n  <<: [*x, 3]\n", &docs, &d), BH_ERR_PARSE);
	assert_int_equal(d.line, 3);
	/* A list of sources: the earlier source wins, explicit keys win over all. */
	assert_int_equal(
		parse(&a, "x: &x {a: 1, b: 1}\ny: &y {b: 2, c: 2}\nz:\n  <<: [*x, *y]\n  c: 3\n",
		      &docs, &d),
		BH_OK);
	assert_string_equal(bh_node_str(bh_node_path(docs.docs[0].root, "z.a")), "1");
	assert_string_equal(bh_node_str(bh_node_path(docs.docs[0].root, "z.b")), "1");
	assert_string_equal(bh_node_str(bh_node_path(docs.docs[0].root, "z.c")), "3");
	assert_int_equal(docs.docs[0].ndups, 0);
	/* A quoted "<<" is an ordinary key. */
	assert_int_equal(parse(&a, "z: {\"<<\": 5}\n", &docs, &d), BH_OK);
	assert_string_equal(bh_node_str(bh_node_path(docs.docs[0].root, "z.<<")), "5");
	bh_arena_release(&a);
}

static void test_alias_rules(void **state)
{
	struct bh_arena a;
	struct bh_docs docs;
	struct bh_diag d;

	(void)state;
	bh_arena_init(&a, 0);
	/* Anchors do not cross documents; an alias inside its own anchor is unknown (no cycles). */
	assert_int_equal(parse(&a, "a: &x 1\n---\nb: *x\n", &docs, &d), BH_ERR_PARSE);
	assert_int_equal(d.line, 3);
	assert_int_equal(parse(&a, "a: &x [1, *x]\n", &docs, &d), BH_ERR_PARSE);
	/* A redefined anchor: later aliases see the latest. */
	assert_int_equal(parse(&a, "a: &x 1\nb: &x 2\nc: *x\n", &docs, &d), BH_OK);
	assert_string_equal(bh_node_str(bh_node_get(docs.docs[0].root, "c")), "2");
	bh_arena_release(&a);
}

static void test_scalars(void **state)
{
	static const struct {
		const char *text;
		int is_int;
		long long v;
	} ints[] = {
		{ "0", 1, 0 },
		{ "00", 1, 0 },
		{ "0_0", 1, 0 },
		{ "0x0", 1, 0 },
		{ "0b0", 1, 0 },
		{ "0o0", 1, 0 },
		{ "-0", 1, 0 },
		{ "+0", 1, 0 },
		{ "1000", 1, 1000 },
		{ "1_000", 1, 1000 },
		{ "0644", 1, 420 },
		{ "0o644", 1, 420 },
		{ "0x1F", 1, 31 },
		{ "0b101", 1, 5 },
		{ "-12", 1, -12 },
		{ "9223372036854775807", 1, 9223372036854775807LL },
		{ "9223372036854775808", 0, 0 },
		{ "-9223372036854775808", 1, -9223372036854775807LL - 1 },
		{ "08", 0, 0 },
		{ "1.0", 0, 0 },
		{ "", 0, 0 },
		{ "0x", 0, 0 },
		{ "+", 0, 0 },
		{ "12a", 0, 0 },
		{ "'0'", 0, 0 },
		{ "~", 0, 0 },
	};
	struct bh_arena a;
	struct bh_docs docs;
	struct bh_diag d;
	char text[128];
	int b;

	(void)state;
	bh_arena_init(&a, 0);
	for (size_t i = 0; i < sizeof(ints) / sizeof(*ints); i++) {
		long long v = 7;

		snprintf(text, sizeof(text), "v: %s\n", ints[i].text);
		assert_int_equal(parse(&a, text, &docs, &d), BH_OK);
		assert_int_equal(bh_node_int(bh_node_get(docs.docs[0].root, "v"), &v),
				 ints[i].is_int);
		if (ints[i].is_int)
			assert_true(v == ints[i].v);
	}
	/* Booleans as YAML 1.1 reads them, plain style only. */
	assert_int_equal(parse(&a, "a: yes\nb: Off\nc: 'true'\nd: truE\n", &docs, &d), BH_OK);
	assert_true(bh_node_bool(bh_node_get(docs.docs[0].root, "a"), &b) && b == 1);
	assert_true(bh_node_bool(bh_node_get(docs.docs[0].root, "b"), &b) && b == 0);
	assert_false(bh_node_bool(bh_node_get(docs.docs[0].root, "c"), &b));
	assert_false(bh_node_bool(bh_node_get(docs.docs[0].root, "d"), &b));
	assert_true(bh_node_is_null(bh_node_get(docs.docs[0].root, "missing")));
	bh_arena_release(&a);
}

static void test_syntax_error(void **state)
{
	struct bh_arena a;
	struct bh_docs docs = { 0 };
	struct bh_diag d;

	(void)state;
	bh_arena_init(&a, 0);
	assert_int_equal(parse(&a, "a: 1\nb: [1, 2\nc: 3\n", &docs, &d), BH_ERR_PARSE);
	assert_string_equal(d.file, "t.yaml");
	assert_true(d.line >= 2);
	assert_null(docs.docs);
	bh_arena_release(&a);
}

static void test_deep_nesting(void **state)
{
	size_t n = 100000;
	char *s = malloc(2 * n + 1);
	struct bh_arena a;
	struct bh_docs docs;
	struct bh_diag d;

	(void)state;
	memset(s, '[', n);
	memset(s + n, ']', n);
	s[2 * n] = '\0';
	bh_arena_init(&a, 0);
	assert_int_equal(parse(&a, s, &docs, &d), BH_ERR_LIMIT);
	assert_non_null(strstr(d.msg, "nesting"));
	bh_arena_release(&a);
	free(s);
}

static void test_alias_bomb(void **state)
{
	static const char bomb[] = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
				   "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
				   "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
				   "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
				   "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
				   "f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
				   "g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]\n"
				   "h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g, *g]\n";
	struct bh_arena a;
	struct bh_docs docs;
	struct bh_diag d;

	(void)state;
	bh_arena_init(&a, 0);
	assert_int_equal(parse(&a, bomb, &docs, &d), BH_ERR_LIMIT);
	assert_non_null(strstr(d.msg, "alias"));
	bh_arena_release(&a);
}

static void test_invalid_utf8(void **state)
{
	struct bh_arena a;
	struct bh_docs docs;
	struct bh_diag d;

	(void)state;
	bh_arena_init(&a, 0);
	assert_int_equal(parse(&a, "a: \xff\xfe\n", &docs, &d), BH_ERR_PARSE);
	assert_int_equal(d.line, 1);
	/* The position is where the bad bytes are, not where libyaml's reader started. */
	assert_int_equal(parse(&a, "a: 1\nb: 2\nc: \"caf\xe9\"\n", &docs, &d), BH_ERR_PARSE);
	assert_int_equal(d.line, 3);
	assert_true(d.col >= 8);
	bh_arena_release(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_positions),
		cmocka_unit_test(test_multi_and_json),
		cmocka_unit_test(test_duplicates_and_merge),
		cmocka_unit_test(test_syntax_error),
		cmocka_unit_test(test_duplicates_many),
		cmocka_unit_test(test_merge_errors),
		cmocka_unit_test(test_alias_rules),
		cmocka_unit_test(test_scalars),
		cmocka_unit_test(test_deep_nesting),
		cmocka_unit_test(test_alias_bomb),
		cmocka_unit_test(test_invalid_utf8),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
