/*
 * The document model: positions, styles, multi-document streams, merge keys, duplicate keys,
 * and the hostile cases (depth, alias bombs, invalid UTF-8) that must fail cleanly.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

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
	bh_arena_release(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_positions),
		cmocka_unit_test(test_multi_and_json),
		cmocka_unit_test(test_duplicates_and_merge),
		cmocka_unit_test(test_syntax_error),
		cmocka_unit_test(test_deep_nesting),
		cmocka_unit_test(test_alias_bomb),
		cmocka_unit_test(test_invalid_utf8),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
