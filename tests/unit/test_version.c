/*
 * The version comparators against the vector files in tests/unit/versions (see the README there
 * for where each vector comes from): every "A OP B" line is checked both ways, and every "! V"
 * line must be refused as a version of the scheme.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vuln/version.h"

static size_t run_file(const char *name, enum bh_vscheme s)
{
	char path[4096], line[1024];
	const char *src = getenv("SRCDIR");
	size_t n = 0, failed = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/tests/unit/versions/%s", src ? src : ".", name);
	f = fopen(path, "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		char a[512], op[4], b[512];
		int c = 99, want, back = 99;

		if (line[0] == '#' || line[0] == '\n')
			continue;
		if (line[0] == '!') {
			line[strcspn(line, "\n")] = 0;
			n++;
			if (bh_version_valid(s, line + 2)) {
				fprintf(stderr, "%s: accepted invalid version '%s'\n", name,
					line + 2);
				failed++;
			}
			continue;
		}
		assert_int_equal(sscanf(line, "%511s %3s %511s", a, op, b), 3);
		want = op[0] == '<' ? -1 : op[0] == '>' ? 1 : 0;
		n++;
		if (bh_version_cmp(s, a, b, &c) || bh_version_cmp(s, b, a, &back) || c != want ||
		    back != -want) {
			fprintf(stderr, "%s: %s %s %s: got %d, reversed %d\n", name, a, op, b, c,
				back);
			failed++;
		}
	}
	fclose(f);
	assert_int_equal(failed, 0);
	return n;
}

static void test_dpkg(void **state)
{
	(void)state;
	assert_true(run_file("dpkg.txt", BH_VS_DPKG) >= 30);
}

static void test_apk(void **state)
{
	(void)state;
	assert_true(run_file("apk.txt", BH_VS_APK) >= 30);
}

static void test_pep440(void **state)
{
	(void)state;
	assert_true(run_file("pep440.txt", BH_VS_PEP440) >= 30);
}

static void test_semver(void **state)
{
	(void)state;
	assert_true(run_file("semver.txt", BH_VS_SEMVER) >= 30);
}

/* A comparison that fails must not leave a stale result behind. */
static void test_invalid_resets(void **state)
{
	int c = 5;

	(void)state;
	assert_int_equal(bh_version_cmp(BH_VS_SEMVER, "1.2", "1.2.0", &c), -1);
	assert_int_equal(c, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dpkg),	       cmocka_unit_test(test_apk),
		cmocka_unit_test(test_pep440),	       cmocka_unit_test(test_semver),
		cmocka_unit_test(test_invalid_resets),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
