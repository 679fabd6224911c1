/* The capped string buffer: growth, the hard ceiling, printf, detach and reset. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "core/buf.h"

static void test_grow_and_printf(void **state)
{
	struct bh_buf b;

	(void)state;
	bh_buf_init(&b, 0);
	assert_string_equal(bh_buf_str(&b), "");
	for (int i = 0; i < 1000; i++)
		assert_int_equal(bh_buf_printf(&b, "%d,", i), BH_OK);
	assert_int_equal(b.len, strlen(b.data));
	assert_true(b.cap > b.len);
	assert_memory_equal(b.data, "0,1,2,", 6);
	assert_int_equal(b.data[b.len], '\0');
	bh_buf_reset(&b);
	assert_int_equal(b.len, 0);
	assert_string_equal(bh_buf_str(&b), "");
	bh_buf_release(&b);
	assert_null(b.data);
}

static void test_cap(void **state)
{
	struct bh_buf b;

	(void)state;
	bh_buf_init(&b, 10);
	assert_int_equal(bh_buf_adds(&b, "0123456789"), BH_OK);
	/* One byte over the ceiling fails and leaves the contents as they were. */
	assert_int_equal(bh_buf_addc(&b, 'x'), BH_ERR_LIMIT);
	assert_string_equal(b.data, "0123456789");
	assert_int_equal(bh_buf_printf(&b, "%s", "y"), BH_ERR_LIMIT);
	/* A length that would overflow size_t is refused before any arithmetic wraps. */
	assert_int_equal(bh_buf_grow(&b, SIZE_MAX), BH_ERR_LIMIT);
	bh_buf_release(&b);
}

static void test_binary_and_detach(void **state)
{
	struct bh_buf b;
	char *p;
	size_t n;

	(void)state;
	bh_buf_init(&b, 0);
	assert_int_equal(bh_buf_add(&b, "a\0b", 3), BH_OK);
	assert_int_equal(b.len, 3);
	p = bh_buf_detach(&b, &n);
	assert_int_equal(n, 3);
	assert_memory_equal(p, "a\0b", 4);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	free(p);
	/* Detaching a buffer that never allocated still gives an empty string. */
	p = bh_buf_detach(&b, &n);
	assert_non_null(p);
	assert_int_equal(n, 0);
	assert_string_equal(p, "");
	free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_grow_and_printf),
		cmocka_unit_test(test_cap),
		cmocka_unit_test(test_binary_and_detach),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
