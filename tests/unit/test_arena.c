/* The arena: alignment, zeroing, big blocks, realloc, the byte cap, and string helpers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "core/arena.h"

static void test_alloc(void **state)
{
	struct bh_arena a;

	(void)state;
	bh_arena_init(&a, 0);
	for (size_t i = 1; i < 5000; i += 7) {
		unsigned char *p = bh_arena_alloc(&a, i);

		assert_non_null(p);
		assert_int_equal((uintptr_t)p % 16, 0);
		for (size_t j = 0; j < i; j++)
			assert_int_equal(p[j], 0);
		memset(p, 0xab, i);
	}
	/* A block bigger than a chunk gets its own chunk. */
	{
		unsigned char *big = bh_arena_alloc(&a, 1u << 20);
		unsigned char *small = bh_arena_alloc(&a, 8);

		assert_non_null(big);
		assert_non_null(small);
		assert_int_equal(big[(1u << 20) - 1], 0);
	}
	bh_arena_release(&a);
	assert_int_equal(a.used, 0);
}

static void test_cap(void **state)
{
	struct bh_arena a;

	(void)state;
	bh_arena_init(&a, 1000);
	assert_non_null(bh_arena_alloc(&a, 900));
	assert_null(bh_arena_alloc(&a, 200));
	assert_null(bh_arena_alloc(&a, SIZE_MAX));
	assert_non_null(bh_arena_alloc(&a, 16));
	bh_arena_release(&a);
}

static void test_strings(void **state)
{
	struct bh_arena a;
	int *v, *w;

	(void)state;
	bh_arena_init(&a, 0);
	assert_string_equal(bh_arena_strdup(&a, "hello"), "hello");
	assert_string_equal(bh_arena_strndup(&a, "hello", 2), "he");
	assert_string_equal(bh_arena_printf(&a, "%s-%03d", "K8", 7), "K8-007");
	v = bh_arena_alloc(&a, 4 * sizeof(*v));
	for (int i = 0; i < 4; i++)
		v[i] = i + 1;
	w = bh_arena_realloc(&a, v, 4 * sizeof(*v), 100 * sizeof(*v));
	assert_non_null(w);
	assert_int_equal(w[3], 4);
	assert_int_equal(w[99], 0);
	assert_ptr_equal(bh_arena_realloc(&a, w, 100 * sizeof(*v), 10), w);
	bh_arena_release(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_alloc),
		cmocka_unit_test(test_cap),
		cmocka_unit_test(test_strings),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
