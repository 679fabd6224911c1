/*
 * The rule catalogue as data: every id is unique, shaped PREFIX-NNN with the prefix of its
 * layer, and every field a user reads (title, attack, fix, refs) is filled and reads as a
 * sentence where it should. Runs over every layer's table, so a new rule is checked too.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "engine/engine.h"

static void test_catalogue(void **state)
{
	size_t n;
	const struct bh_rule *const *rules = bh_catalogue(&n);

	(void)state;
	assert_non_null(rules);
	assert_true(n > 0);
	for (size_t i = 0; i < n; i++) {
		const struct bh_rule *r = rules[i];
		const char *pre = bh_layer_prefix(r->layer);
		size_t len;

		assert_non_null(r->id);
		assert_true((unsigned)r->layer < BH_LAYER_COUNT);
		/* PREFIX-NNN with the layer's prefix */
		assert_int_equal(strlen(r->id), 6);
		assert_memory_equal(r->id, pre, 2);
		assert_int_equal(r->id[2], '-');
		assert_true(isdigit((unsigned char)r->id[3]) && isdigit((unsigned char)r->id[4]) &&
			    isdigit((unsigned char)r->id[5]));
		assert_true(r->severity <= BH_SEV_CRITICAL);
		assert_non_null(r->title);
		assert_non_null(r->attack);
		assert_non_null(r->fix);
		assert_non_null(r->refs);
		assert_true(strlen(r->title) > 3 && strlen(r->refs) > 0);
		/* attack and fix are sentences: capitalised, ending with a full stop */
		len = strlen(r->attack);
		if (!(len > 10 && isupper((unsigned char)r->attack[0]) &&
		      r->attack[len - 1] == '.'))
			print_error("%s: the attack text is not a sentence\n", r->id);
		assert_true(len > 10 && isupper((unsigned char)r->attack[0]) &&
			    r->attack[len - 1] == '.');
		len = strlen(r->fix);
		assert_true(len > 5 && r->fix[len - 1] == '.');
		/* sorted and unique */
		if (i)
			assert_true(strcmp(rules[i - 1]->id, r->id) < 0);
		assert_ptr_equal(bh_catalogue_find(r->id), r);
	}
	assert_null(bh_catalogue_find("K8-999x"));
}

static void test_layers(void **state)
{
	size_t n;
	const struct bh_layer_ops *const *l = bh_layers(&n);

	(void)state;
	for (size_t i = 0; i < n; i++) {
		assert_non_null(l[i]->name);
		/* A layer that claims input can scan it. */
		assert_true(!l[i]->claims_doc || l[i]->scan_doc);
		assert_true(!l[i]->claims_text || l[i]->scan_text);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_catalogue),
		cmocka_unit_test(test_layers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
