/*
 * Package URLs against the purl-spec test vectors (../shared/corpus/purl/tests): every "build"
 * case that must succeed, for the types bulkhead writes (deb, apk, rpm, npm, pypi, oci) plus
 * generic and the specification's own cases, must produce the expected canonical string.
 */
#include <jansson.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image/oci.h"

static const char *str_or_null(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

static size_t run_file(const char *path, size_t *failed)
{
	json_error_t je;
	json_t *root = json_load_file(path, 0, &je), *tests;
	size_t n = 0;

	assert_non_null(root);
	tests = json_object_get(root, "tests");
	for (size_t i = 0; i < json_array_size(tests); i++) {
		json_t *t = json_array_get(tests, i), *in = json_object_get(t, "input"), *qs;
		struct bh_purl_qualifier q[32];
		size_t nq = 0;
		const char *k;
		json_t *v;
		struct bh_buf b;
		bh_err err;

		if (strcmp(str_or_null(t, "test_type") ? str_or_null(t, "test_type") : "",
			   "build") ||
		    json_is_true(json_object_get(t, "expected_failure")))
			continue;
		qs = json_object_get(in, "qualifiers");
		json_object_foreach(qs, k, v)
		{
			if (nq < 32 && json_is_string(v))
				q[nq++] = (struct bh_purl_qualifier){ k, json_string_value(v) };
		}
		bh_buf_init(&b, 0);
		err = bh_purl_build(&b, str_or_null(in, "type"), str_or_null(in, "namespace"),
				    str_or_null(in, "name"), str_or_null(in, "version"), q, nq,
				    str_or_null(in, "subpath"));
		n++;
		if (err || strcmp(bh_buf_str(&b), str_or_null(t, "expected_output"))) {
			fprintf(stderr, "%s: %s: got %s, want %s\n", path,
				str_or_null(t, "description"), bh_buf_str(&b),
				str_or_null(t, "expected_output"));
			(*failed)++;
		}
		bh_buf_release(&b);
	}
	json_decref(root);
	return n;
}

static void test_vectors(void **state)
{
	static const char *const files[] = {
		"spec/specification-test.json", "types/deb-test.json",	   "types/apk-test.json",
		"types/rpm-test.json",		"types/npm-test.json",	   "types/pypi-test.json",
		"types/oci-test.json",		"types/generic-test.json",
	};
	const char *shared = getenv("SHARED");
	size_t total = 0, failed = 0;
	char path[4096];

	(void)state;
	if (!shared)
		shared = "../shared";
	for (size_t i = 0; i < sizeof(files) / sizeof(*files); i++) {
		snprintf(path, sizeof(path), "%s/corpus/purl/tests/%s", shared, files[i]);
		total += run_file(path, &failed);
	}
	fprintf(stderr, "purl build vectors: %zu of %zu pass\n", total - failed, total);
	assert_true(total >= 25);
	assert_int_equal(failed, 0);
}

static void test_os_packages(void **state)
{
	struct bh_arena a;
	struct bh_pkgs pkgs = { 0 };
	struct bh_pkg p[3] = {
		{ .type = BH_PKG_DEB, .name = "attr", .version = "1:2.4.47-2+b1", .arch = "amd64" },
		{ .type = BH_PKG_RPM,
		  .name = "agent-hello",
		  .version = "1.2.3-4.el9",
		  .epoch = "1",
		  .arch = "x86_64" },
		{ .type = BH_PKG_PYPI, .name = "Django_Rest.framework", .version = "3.0" },
	};

	(void)state;
	bh_arena_init(&a, 0);
	pkgs.items = p;
	pkgs.n = 3;
	pkgs.os.id = "debian";
	pkgs.os.version_id = "12";
	assert_int_equal(bh_pkgs_purls(&a, &pkgs), BH_OK);
	assert_string_equal(p[0].purl,
			    "pkg:deb/debian/attr@1:2.4.47-2%2Bb1?arch=amd64&distro=debian-12");
	assert_string_equal(
		p[1].purl,
		"pkg:rpm/debian/agent-hello@1.2.3-4.el9?arch=x86_64&distro=debian-12&epoch=1");
	assert_string_equal(p[2].purl, "pkg:pypi/django-rest.framework@3.0");
	bh_arena_release(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vectors),
		cmocka_unit_test(test_os_packages),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
