/*
 * The io_uring batch reader: files read whole when they fit, and every case it cannot give
 * whole (missing, a directory, a file that fills its buffer) handed back with whole == 0 so
 * that the caller reads it the ordinary way. Where io_uring is not available the reader is
 * NULL and the tests say so as skipped, not passed.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/batchread.h"

enum { CAP = 4096 };

static char dir[64];

static void put(const char *name, size_t len, char fill)
{
	char p[128];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	f = fopen(p, "w");
	assert_non_null(f);
	for (size_t i = 0; i < len; i++)
		fputc(fill + (char)(i % 7), f);
	assert_int_equal(fclose(f), 0);
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/bh-test-batch.XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	put("empty", 0, 'a');
	put("one", 1, 'a');
	put("small", 100, 'b');
	put("fits", CAP - 1, 'c');
	put("full", CAP, 'd');
	put("large", 3 * CAP + 5, 'e');
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static struct bh_batch_read *reader_or_skip(unsigned slots)
{
	struct bh_batch_read *b = bh_batch_read_new(slots, CAP);

	if (!b) {
		print_message("io_uring is not available here: the batch reader is off\n");
		skip();
	}
	return b;
}

static void path(char *out, size_t cap, const char *name)
{
	snprintf(out, cap, "%s/%s", dir, name);
}

static void test_whole_and_not(void **state)
{
	struct bh_batch_read *b = reader_or_skip(8);
	static const char *names[] = { "empty", "one",	 "small",   "fits",
				       "full",	"large", "missing", "." };
	char paths[8][128];
	const char *p[8];
	struct bh_batch_file out[8];

	(void)state;
	for (size_t i = 0; i < 8; i++) {
		path(paths[i], sizeof(paths[i]), names[i]);
		p[i] = paths[i];
	}
	/* Twice, so the second batch reuses the slots the first one closed. */
	for (int round = 0; round < 2; round++) {
		bh_batch_read_run(b, p, 8, out);
		assert_true(out[0].whole);
		assert_int_equal(out[0].len, 0);
		assert_true(out[1].whole);
		assert_int_equal(out[1].len, 1);
		assert_int_equal(out[1].data[0], 'a');
		assert_true(out[2].whole);
		assert_int_equal(out[2].len, 100);
		assert_memory_equal(out[2].data, "bcdefgh", 7);
		assert_true(out[3].whole);
		assert_int_equal(out[3].len, CAP - 1);
		assert_int_equal(out[3].data[CAP - 2], 'c' + (char)((CAP - 2) % 7));
		assert_false(out[4].whole); /* filled the buffer: maybe more behind */
		assert_false(out[5].whole);
		assert_false(out[6].whole); /* no such file */
		assert_false(out[7].whole); /* a directory */
	}
	bh_batch_read_free(b);
}

/* More paths than slots: only the slots are read, the rest is the caller's next call. */
static void test_more_than_slots(void **state)
{
	struct bh_batch_read *b = reader_or_skip(2);
	char a[128], c[128], d[128];
	const char *p[3] = { a, c, d };
	struct bh_batch_file out[3] = { { NULL, 0, 7 }, { NULL, 0, 7 }, { NULL, 0, 7 } };

	(void)state;
	path(a, sizeof(a), "one");
	path(c, sizeof(c), "small");
	path(d, sizeof(d), "fits");
	assert_int_equal(bh_batch_read_slots(b), 2);
	bh_batch_read_run(b, p, 3, out);
	assert_true(out[0].whole);
	assert_true(out[1].whole);
	assert_int_equal(out[2].whole, 7); /* untouched */
	bh_batch_read_free(b);
}

/* The switch users and tests have to turn the reader off. */
static void test_env_off(void **state)
{
	(void)state;
	setenv("BULKHEAD_NO_IO_URING", "1", 1);
	assert_null(bh_batch_read_new(4, CAP));
	unsetenv("BULKHEAD_NO_IO_URING");
	assert_null(bh_batch_read_new(0, CAP));
	assert_null(bh_batch_read_new(BH_BATCH_READ_MAX_SLOTS + 1, CAP));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_whole_and_not),
		cmocka_unit_test(test_more_than_slots),
		cmocka_unit_test(test_env_off),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
