/*
 * OSV range evaluation and CVSS v3 scoring. The CVSS vectors and scores are those the CVSS v3.1
 * specification's calculator gives (the first is CVE-2014-0160's published vector and score);
 * the range cases follow the OSV schema's evaluation rules: events need not be sorted, several
 * introduced/fixed pairs make several ranges, last_affected is inclusive, fixed and limit are
 * exclusive, and "0" is below every version.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "vuln/vuln.h"

static void test_cvss(void **state)
{
	static const struct {
		const char *vector;
		double score;
		enum bh_severity band;
	} cases[] = {
		{ "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N", 7.5, BH_SEV_HIGH },
		{ "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8, BH_SEV_CRITICAL },
		{ "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", 10.0, BH_SEV_CRITICAL },
		{ "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", 6.1, BH_SEV_MEDIUM },
		{ "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", 7.8, BH_SEV_HIGH },
		{ "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N", 5.9, BH_SEV_MEDIUM },
		{ "CVSS:3.0/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H", 7.2, BH_SEV_HIGH },
		{ "CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:N/A:N", 3.1, BH_SEV_LOW },
		{ "CVSS:3.1/AV:P/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N", 0.0, BH_SEV_INFO },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		double s = bh_cvss3_score(cases[i].vector);

		if (fabs(s - cases[i].score) > 0.001)
			fprintf(stderr, "%s: %.1f, expected %.1f\n", cases[i].vector, s,
				cases[i].score);
		assert_true(fabs(s - cases[i].score) < 0.001);
		assert_int_equal(bh_cvss3_band(s), cases[i].band);
	}
	assert_true(bh_cvss3_score("CVSS:2.0/AV:N") < 0);
	assert_true(bh_cvss3_score("CVSS:3.1/AV:N/AC:L") < 0);
	assert_true(bh_cvss3_score("CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N") < 0);
}

static void test_ranges(void **state)
{
	static const struct {
		enum bh_vscheme s;
		const char *ranges, *versions, *version;
		int want;
		const char *fixed;
	} cases[] = {
		/* Two ranges in one events list, given out of order. */
		{ BH_VS_SEMVER,
		  "[{\"type\":\"SEMVER\",\"events\":[{\"fixed\":\"2.0.5\"},{\"introduced\":\"1.0.0\"},"
		  "{\"fixed\":\"1.2.3\"},{\"introduced\":\"2.0.0\"}]}]",
		  "[]", "1.2.2", 1, "1.2.3" },
		{ BH_VS_SEMVER,
		  "[{\"type\":\"SEMVER\",\"events\":[{\"fixed\":\"2.0.5\"},{\"introduced\":\"1.0.0\"},"
		  "{\"fixed\":\"1.2.3\"},{\"introduced\":\"2.0.0\"}]}]",
		  "[]", "1.5.0", 0, NULL },
		{ BH_VS_SEMVER,
		  "[{\"type\":\"SEMVER\",\"events\":[{\"fixed\":\"2.0.5\"},{\"introduced\":\"1.0.0\"},"
		  "{\"fixed\":\"1.2.3\"},{\"introduced\":\"2.0.0\"}]}]",
		  "[]", "2.0.4", 1, "2.0.5" },
		{ BH_VS_SEMVER,
		  "[{\"type\":\"SEMVER\",\"events\":[{\"fixed\":\"2.0.5\"},{\"introduced\":\"1.0.0\"},"
		  "{\"fixed\":\"1.2.3\"},{\"introduced\":\"2.0.0\"}]}]",
		  "[]", "0.9.0", 0, NULL },
		/* An open range: introduced with nothing after it. */
		{ BH_VS_PEP440, "[{\"type\":\"ECOSYSTEM\",\"events\":[{\"introduced\":\"1.0\"}]}]",
		  "[]", "99.0", 1, NULL },
		{ BH_VS_PEP440, "[{\"type\":\"ECOSYSTEM\",\"events\":[{\"introduced\":\"1.0\"}]}]",
		  "[]", "1.0rc1", 0, NULL },
		/* last_affected is inclusive; a fix in another range is the one to name. */
		{ BH_VS_DPKG,
		  "[{\"type\":\"ECOSYSTEM\",\"events\":[{\"introduced\":\"0\"},{\"last_affected\":\"1.0-1\"}]}]",
		  "[]", "1.0-1", 1, NULL },
		{ BH_VS_DPKG,
		  "[{\"type\":\"ECOSYSTEM\",\"events\":[{\"introduced\":\"0\"},{\"last_affected\":\"1.0-1\"}]}]",
		  "[]", "1.0-1+b1", 0, NULL },
		/* limit is exclusive and bounds the range from above. */
		{ BH_VS_APK,
		  "[{\"type\":\"ECOSYSTEM\",\"events\":[{\"introduced\":\"0\"},{\"limit\":\"2.0-r0\"}]}]",
		  "[]", "1.9-r9", 1, NULL },
		{ BH_VS_APK,
		  "[{\"type\":\"ECOSYSTEM\",\"events\":[{\"introduced\":\"0\"},{\"limit\":\"2.0-r0\"}]}]",
		  "[]", "2.0-r0", 0, NULL },
		/* versions lists are exact; the range's fix is named when one is above. */
		{ BH_VS_PEP440, "[]", "[\"1.0\",\"1.1\"]", "1.1.0", 1, NULL },
		{ BH_VS_PEP440, "[]", "[\"1.0\",\"1.1\"]", "1.2", 0, NULL },
		/* An installed version the scheme cannot read is not evaluated. */
		{ BH_VS_SEMVER, "[{\"type\":\"SEMVER\",\"events\":[{\"introduced\":\"0\"}]}]", "[]",
		  "not-a-version", -1, NULL },
	};
	struct bh_arena a;

	(void)state;
	bh_arena_init(&a, 0);
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		const char *fixed = "unset";
		int r = bh_vuln_affected(&a, cases[i].s, cases[i].version, cases[i].ranges,
					 cases[i].versions, &fixed);

		if (r != cases[i].want)
			fprintf(stderr, "case %zu (%s): %d, expected %d\n", i, cases[i].version, r,
				cases[i].want);
		assert_int_equal(r, cases[i].want);
		if (r == 1 && cases[i].fixed)
			assert_string_equal(fixed, cases[i].fixed);
		else if (r == 1)
			assert_null(fixed);
	}
	bh_arena_release(&a);
}

static void test_purls(void **state)
{
	struct bh_vuln_pkg p;
	struct bh_arena a;

	(void)state;
	bh_arena_init(&a, 0);
	assert_int_equal(
		bh_vuln_pkg_from_purl(
			&a, "pkg:deb/debian/libc6@2.36-9%2Bdeb12u14?arch=amd64&distro=debian-12.4",
			"glibc", NULL, NULL, NULL, &p),
		BH_OK);
	assert_string_equal(p.ecosystem, "Debian:12");
	assert_string_equal(p.name, "glibc");
	assert_string_equal(p.version, "2.36-9+deb12u14");
	assert_int_equal(bh_vuln_pkg_from_purl(&a,
					       "pkg:apk/alpine/busybox@1.36.1-r15?distro=3.19.1",
					       NULL, NULL, NULL, NULL, &p),
			 BH_OK);
	assert_string_equal(p.ecosystem, "Alpine:v3.19");
	assert_int_equal(bh_vuln_pkg_from_purl(&a, "pkg:apk/alpine/busybox@1.36.1-r15", NULL, NULL,
					       "alpine", "3.18.4", &p),
			 BH_OK);
	assert_string_equal(p.ecosystem, "Alpine:v3.18");
	assert_int_equal(bh_vuln_pkg_from_purl(&a, "pkg:pypi/Zope.Interface@5.0", NULL, NULL, NULL,
					       NULL, &p),
			 BH_OK);
	assert_string_equal(p.name, "zope-interface");
	assert_int_equal(bh_vuln_pkg_from_purl(&a, "pkg:npm/%40babel/core@7.0.0", NULL, NULL, NULL,
					       NULL, &p),
			 BH_OK);
	assert_string_equal(p.name, "@babel/core");
	/* Without a release the Debian ecosystem is unknown; rpm has no OSV data here. */
	assert_int_equal(
		bh_vuln_pkg_from_purl(&a, "pkg:deb/debian/bash@5.2", NULL, NULL, NULL, NULL, &p),
		BH_ERR_USAGE);
	assert_int_equal(
		bh_vuln_pkg_from_purl(&a, "pkg:rpm/fedora/bash@5.2-1", NULL, NULL, NULL, NULL, &p),
		BH_ERR_USAGE);
	assert_int_equal(bh_vuln_pkg_from_purl(&a, "pkg:npm/nover", NULL, NULL, NULL, NULL, &p),
			 BH_ERR_USAGE);
	bh_arena_release(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cvss),
		cmocka_unit_test(test_ranges),
		cmocka_unit_test(test_purls),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
