/*
 * Findings: the fingerprint (a known answer computed independently with Python's hashlib, and
 * its stability under line moves), the report order, the summary and --fail-on.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "core/finding.h"
#include "core/hash.h"

static const struct bh_rule r1 = { .id = "K8-001", .severity = BH_SEV_CRITICAL };
static const struct bh_rule r2 = { .id = "K8-002", .severity = BH_SEV_HIGH };
static const struct bh_rule r3 = { .id = "K8-003", .severity = BH_SEV_LOW };

static void test_fingerprint(void **state)
{
	struct bh_finding f = { .rule = &r1,
				.file = "a.yaml",
				.object = "Pod/ns/x",
				.container = "app",
				.key = "app",
				.message = "m",
				.line = 10 };
	struct bh_finding g;

	(void)state;
	/* python3: hashlib.sha256(b"K8-001\0a.yaml\0Pod/ns/x\0app\0app\0").hexdigest()[:32] */
	bh_finding_fingerprint(&f);
	assert_string_equal(f.fingerprint, "b73efb3b08bb9db9334a92c167d506b5");
	/* Moving the finding, rewording the message or spelling the path ./a.yaml keeps it. */
	g = f;
	g.line = 99;
	g.col = 7;
	g.message = "other words";
	g.file = "./a.yaml";
	bh_finding_fingerprint(&g);
	assert_string_equal(g.fingerprint, f.fingerprint);
	/* Any identity field changes it. */
	g = f;
	g.container = "sidecar";
	bh_finding_fingerprint(&g);
	assert_string_not_equal(g.fingerprint, f.fingerprint);
	g = f;
	g.rule = &r2;
	bh_finding_fingerprint(&g);
	assert_string_not_equal(g.fingerprint, f.fingerprint);
	/* Without a key, the message distinguishes findings. */
	g = f;
	g.key = NULL;
	bh_finding_fingerprint(&g);
	assert_string_not_equal(g.fingerprint, f.fingerprint);
	assert_int_equal(strlen(g.fingerprint), BH_FINGERPRINT_LEN);
}

static void test_sort_summary_fail(void **state)
{
	struct bh_arena a;
	struct bh_findings l = { 0 };
	struct bh_summary s;
	struct bh_finding in[] = {
		{ .rule = &r2,
		  .severity = BH_SEV_HIGH,
		  .message = "m",
		  .file = "b.yaml",
		  .line = 1,
		  .col = 1 },
		{ .rule = &r3,
		  .severity = BH_SEV_LOW,
		  .message = "m",
		  .file = "a.yaml",
		  .line = 5,
		  .col = 3 },
		{ .rule = &r2,
		  .severity = BH_SEV_HIGH,
		  .message = "m",
		  .file = "a.yaml",
		  .line = 5,
		  .col = 3 },
		{ .rule = &r1,
		  .severity = BH_SEV_CRITICAL,
		  .message = "m",
		  .file = "a.yaml",
		  .line = 5,
		  .col = 1 },
		{ .rule = &r1,
		  .severity = BH_SEV_CRITICAL,
		  .message = "m",
		  .file = "a.yaml",
		  .line = 2,
		  .col = 9,
		  .suppressed_by = "inline" },
	};

	(void)state;
	bh_arena_init(&a, 0);
	for (size_t i = 0; i < sizeof(in) / sizeof(*in); i++)
		assert_int_equal(bh_findings_add(&l, &a, &in[i]), BH_OK);
	bh_findings_sort(&l);
	/* file, line, column, then rule id */
	assert_int_equal(l.items[0].line, 2);
	assert_ptr_equal(l.items[1].rule, &r1);
	assert_ptr_equal(l.items[2].rule, &r2);
	assert_ptr_equal(l.items[3].rule, &r3);
	assert_string_equal(l.items[4].file, "b.yaml");
	bh_findings_summary(&l, &s);
	assert_int_equal(s.total, 4);
	assert_int_equal(s.suppressed, 1);
	assert_int_equal(s.by_sev[BH_SEV_CRITICAL], 1);
	assert_int_equal(s.by_sev[BH_SEV_HIGH], 2);
	assert_true(bh_findings_fail(&l, BH_SEV_CRITICAL));
	assert_true(bh_findings_fail(&l, BH_SEV_INFO));
	assert_false(bh_findings_fail(&l, BH_SEV_NONE));
	/* With the one unsuppressed critical finding suppressed too, critical no longer fails. */
	l.items[1].suppressed_by = "x";
	assert_false(bh_findings_fail(&l, BH_SEV_CRITICAL));
	assert_true(bh_findings_fail(&l, BH_SEV_HIGH));
	bh_findings_release(&l);
	bh_arena_release(&a);
}

static void test_severity_names(void **state)
{
	enum bh_severity s;

	(void)state;
	assert_int_equal(bh_severity_parse("HIGH", &s), 0);
	assert_int_equal(s, BH_SEV_HIGH);
	assert_int_equal(bh_severity_parse("none", &s), 0);
	assert_int_equal(s, BH_SEV_NONE);
	assert_int_equal(bh_severity_parse("severe", &s), -1);
	assert_string_equal(bh_severity_name(BH_SEV_CRITICAL), "critical");
	assert_string_equal(bh_layer_prefix(BH_LAYER_NP), "NP");
}

/* FIPS 180-2's test vectors, through the fetched implementation. */
static void test_sha256(void **state)
{
	char hex[65];
	unsigned char md[32];

	(void)state;
	bh_sha256_hex("abc", 3, hex);
	assert_string_equal(hex,
			    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	bh_sha256_hex("", 0, hex);
	assert_string_equal(hex,
			    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	bh_sha256("abc", 3, md);
	bh_hex(md, 4, hex);
	assert_string_equal(hex, "ba7816bf");
}

/* A finding's properties are copied: the caller's array and strings may go away. */
static void test_props_copied(void **state)
{
	struct bh_findings list = { 0 };
	struct bh_arena a;
	char value[16] = "CVE-1";
	struct bh_prop props[2] = { { "vulnerability", value }, { "fixed_version", NULL } };
	struct bh_finding f = {
		.rule = &r1, .file = "x", .message = "m", .props = props, .nprops = 2
	};

	(void)state;
	bh_arena_init(&a, 0);
	assert_int_equal(bh_findings_add(&list, &a, &f), BH_OK);
	strcpy(value, "changed");
	props[0].name = "other";
	assert_int_equal(list.items[0].nprops, 2);
	assert_string_equal(list.items[0].props[0].name, "vulnerability");
	assert_string_equal(list.items[0].props[0].value, "CVE-1");
	assert_string_equal(list.items[0].props[1].value, "");
	bh_findings_release(&list);
	bh_arena_release(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fingerprint),    cmocka_unit_test(test_sha256),
		cmocka_unit_test(test_props_copied),   cmocka_unit_test(test_sort_summary_fail),
		cmocka_unit_test(test_severity_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
