/* .bulkhead.yaml: every key, the errors that name file:line, and discovery by walking up. */
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

#include "core/config.h"

static bh_err parse(struct bh_arena *a, const char *text, struct bh_config *c, struct bh_diag *d)
{
	return bh_config_parse(a, "cfg.yaml", text, strlen(text), c, d);
}

static void test_full(void **state)
{
	static const char text[] = "fail-on: medium\n"
				   "disable: [K8-010, k8-011]\n"
				   "severity: {K8-004: low}\n"
				   "exclude: [vendor, \"*.tmpl.yaml\"]\n"
				   "ignore:\n"
				   "  - {rule: K8-012, path: legacy/x.yaml, reason: migrating}\n"
				   "  - {rule: \"*\"}\n"
				   "registries: registry.example.internal\n"
				   "agents: {namespaces: [agents]}\n"
				   "network: {anything: [goes, here]}\n";
	struct bh_arena a;
	struct bh_config c;
	struct bh_diag d;
	struct bh_rule r = { .id = "K8-004", .severity = BH_SEV_HIGH };
	struct bh_rule r2 = { .id = "K8-005", .severity = BH_SEV_HIGH };

	(void)state;
	bh_arena_init(&a, 0);
	assert_int_equal(parse(&a, text, &c, &d), BH_OK);
	assert_int_equal(c.fail_on, BH_SEV_MEDIUM);
	assert_true(c.fail_on_set);
	assert_true(bh_config_disabled(&c, "K8-011")); /* ids compare case-insensitively */
	assert_false(bh_config_disabled(&c, "K8-012"));
	assert_int_equal(bh_config_severity(&c, &r), BH_SEV_LOW);
	assert_int_equal(bh_config_severity(&c, &r2), BH_SEV_HIGH);
	assert_int_equal(c.nexclude, 2);
	assert_string_equal(c.exclude[1], "*.tmpl.yaml");
	assert_int_equal(c.nignore, 2);
	assert_string_equal(c.ignore[0].path, "legacy/x.yaml");
	assert_string_equal(c.ignore[0].reason, "migrating");
	assert_null(c.ignore[1].path);
	assert_int_equal(c.nregistries, 1);
	assert_non_null(bh_node_get(c.agents, "namespaces"));
	assert_non_null(bh_node_get(c.root, "network"));
	bh_arena_release(&a);
}

static void test_errors(void **state)
{
	static const struct {
		const char *text;
		unsigned line;
		const char *msg;
	} cases[] = {
		{ "fail-on: high\nfial-on: low\n", 2, "unknown config key 'fial-on'" },
		{ "fail-on: severe\n", 1, "fail-on must be" },
		{ "severity: {K8-001: none}\n", 1, "expected RULE: severity" },
		{ "ignore: K8-001\n", 1, "ignore must be a list" },
		{ "ignore:\n  - {path: x}\n", 2, "needs a rule" },
		{ "disable: {a: b}\n", 1, "expected a list of strings" },
		{ "- a\n", 1, "must be a mapping" },
		{ "a: [\n", 2, "" },
	};
	struct bh_arena a;

	(void)state;
	bh_arena_init(&a, 0);
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct bh_config c = { 0 };
		struct bh_diag d = { 0 };

		assert_int_equal(parse(&a, cases[i].text, &c, &d), BH_ERR_PARSE);
		assert_string_equal(d.file, "cfg.yaml");
		assert_int_equal(d.line, cases[i].line);
		assert_non_null(strstr(d.msg, cases[i].msg));
		/* The output is untouched on failure. */
		assert_null(c.path);
	}
	bh_arena_release(&a);
}

static void test_empty_and_find(void **state)
{
	char tmpl[] = "/tmp/bh-test-cfg.XXXXXX";
	char *dir = mkdtemp(tmpl), p[4096], *found;
	struct bh_arena a;
	struct bh_config c;
	struct bh_diag d;
	FILE *f;

	(void)state;
	bh_arena_init(&a, 0);
	assert_int_equal(parse(&a, "", &c, &d), BH_OK);
	assert_int_equal(c.fail_on, BH_SEV_HIGH);
	assert_false(c.fail_on_set);
	assert_non_null(dir);
	snprintf(p, sizeof(p), "%s/a", dir);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/a/b", dir);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/a/.bulkhead.yaml", dir);
	f = fopen(p, "w");
	assert_non_null(f);
	fputs("disable: [K8-001]\n", f);
	fclose(f);
	/* From a directory below, and from a file in it. */
	snprintf(p, sizeof(p), "%s/a/b", dir);
	found = bh_config_find(p);
	assert_non_null(found);
	/* Spelled from the start path, as the user typed it. */
	assert_non_null(strstr(found, "/a/b/../.bulkhead.yaml"));
	assert_int_equal(bh_config_load(&a, found, &c, &d), BH_OK);
	assert_true(bh_config_disabled(&c, "K8-001"));
	free(found);
	snprintf(p, sizeof(p), "%s/a/b/pod.yaml", dir);
	fclose(fopen(p, "w"));
	found = bh_config_find(p);
	assert_non_null(found);
	free(found);
	/* A repository root below the config stops the search. */
	snprintf(p, sizeof(p), "%s/a/b/.git", dir);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/a/b/pod.yaml", dir);
	assert_null(bh_config_find(p));
	snprintf(p, sizeof(p), "rm -rf '%s'", dir);
	assert_int_equal(system(p), 0);
	bh_arena_release(&a);
}

/* Policy versions as PSA's api.ParseVersion reads them, and kubernetes.pss-version. */
static void test_pss_version(void **state)
{
	static const char *const bad[] = {
		"",	  "v1.",    "v1.05", "1.25",  "v2.0",	"V1.25",
		"v1.25 ", " v1.25", "v1.2a", "v1.-1", "Latest", "v1.99999999999999999999",
	};
	struct bh_arena a;
	struct bh_config c;
	struct bh_diag d;
	int v = 0;

	(void)state;
	assert_int_equal(bh_pss_version_parse("latest", &v), 0);
	assert_int_equal(v, BH_PSS_LATEST);
	assert_int_equal(bh_pss_version_parse("v1.0", &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(bh_pss_version_parse("v1.25", &v), 0);
	assert_int_equal(v, 25);
	/* Valid however large while it fits PSA's 64-bit int; it then means the newest. */
	assert_int_equal(bh_pss_version_parse("v1.99999999999", &v), 0);
	assert_int_equal(v, 0x7fffffff);
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
		assert_int_equal(bh_pss_version_parse(bad[i], &v), -1);
	assert_int_equal(bh_pss_version_parse(NULL, &v), -1);

	bh_arena_init(&a, 0);
	assert_int_equal(parse(&a, "fail-on: low\n", &c, &d), BH_OK);
	assert_int_equal(c.pss_version, BH_PSS_LATEST);
	assert_int_equal(parse(&a, "kubernetes: {pss-version: v1.21}\n", &c, &d), BH_OK);
	assert_int_equal(c.pss_version, 21);
	assert_int_equal(parse(&a, "kubernetes:\n  pss-version: 1.21\n", &c, &d), BH_ERR_PARSE);
	assert_int_equal(d.line, 2);
	assert_int_equal(parse(&a, "kubernetes:\n  pss_version: v1.21\n", &c, &d), BH_ERR_PARSE);
	assert_non_null(strstr(d.msg, "pss_version"));
	assert_int_equal(parse(&a, "kubernetes: v1.21\n", &c, &d), BH_ERR_PARSE);
	bh_arena_release(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pss_version),
		cmocka_unit_test(test_full),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_empty_and_find),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
