/*
 * Suppression: the inline comment grammar, the line-or-line-above rule, config ignores by rule
 * and path, and the baseline's write/load roundtrip (sorted, deduplicated, suppressing exactly
 * the findings it lists).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/fs.h"
#include "core/suppress.h"

static const struct bh_rule r1 = { .id = "K8-001", .severity = BH_SEV_CRITICAL };
static const struct bh_rule r2 = { .id = "K8-002", .severity = BH_SEV_HIGH };

static int m(const char *line, const char *id)
{
	return bh_suppress_line_matches(line, strlen(line), id);
}

static void test_line_grammar(void **state)
{
	(void)state;
	assert_true(m("privileged: true # bulkhead:ignore K8-001 sandbox needs it", "K8-001"));
	assert_true(m("# bulkhead:ignore K8-002,K8-001 both accepted", "K8-001"));
	assert_true(m("# bulkhead:ignore K8-002 K8-001 reason", "K8-001"));
	assert_true(m("# bulkhead:ignore k8-001", "K8-001"));
	assert_true(m("# bulkhead:allow SE-003 test key", "SE-003"));
	/* The reason ends the id list: an id after a reason word does not count. */
	assert_false(m("# bulkhead:ignore K8-002 because K8-001", "K8-001"));
	assert_false(m("# bulkhead:ignore K8-0011", "K8-001"));
	assert_false(m("# bulkhead:ignore", "K8-001"));
	assert_false(m("# bulkhead ignore K8-001", "K8-001"));
	assert_false(m("privileged: true", "K8-001"));
}

static void add(struct bh_scan *s, const struct bh_rule *r, const char *file, unsigned line,
		const char *key)
{
	struct bh_finding f = { .rule = r,
				.severity = r->severity,
				.message = "m",
				.file = file,
				.line = line,
				.col = 1,
				.end_line = line,
				.end_col = 2,
				.key = key };

	assert_int_equal(bh_findings_add(&s->findings, &s->arena, &f), BH_OK);
}

static void test_inline(void **state)
{
	static const char src[] = "a: 1 # bulkhead:ignore K8-001 on the line\n"
				  "# bulkhead:ignore K8-002 the line above\n"
				  "b: 2\n"
				  "c: 3\n"
				  "d: 4\n";
	struct bh_scan s;

	(void)state;
	bh_scan_init(&s);
	assert_non_null(bh_scan_add_source(&s, "p.yaml", src, strlen(src)));
	add(&s, &r1, "p.yaml", 1, "a"); /* same line: suppressed */
	add(&s, &r2, "p.yaml", 1, "b"); /* other rule on that line: not */
	add(&s, &r2, "p.yaml", 3, "c"); /* line above: suppressed */
	add(&s, &r2, "p.yaml", 4, "d"); /* two lines below: not */
	add(&s, &r1, "other.yaml", 1, "e");
	bh_suppress_apply(&s, NULL);
	assert_non_null(s.findings.items[0].suppressed_by);
	assert_string_equal(s.findings.items[0].suppressed_by, "inline comment at p.yaml:1");
	assert_null(s.findings.items[1].suppressed_by);
	assert_string_equal(s.findings.items[2].suppressed_by, "inline comment at p.yaml:2");
	assert_null(s.findings.items[3].suppressed_by);
	assert_null(s.findings.items[4].suppressed_by);
	bh_scan_release(&s);
}

static void test_config_ignore(void **state)
{
	static const char cfg[] = "ignore:\n"
				  "  - {rule: K8-001, path: legacy/*.yaml, reason: migrating}\n"
				  "  - {rule: K8-002}\n";
	struct bh_scan s;
	struct bh_diag d;

	(void)state;
	bh_scan_init(&s);
	assert_int_equal(bh_config_parse(&s.arena, ".bulkhead.yaml", cfg, strlen(cfg), &s.cfg, &d),
			 BH_OK);
	add(&s, &r1, "./deploy/legacy/a.yaml", 3, "a");
	add(&s, &r1, "deploy/new/a.yaml", 3, "a");
	add(&s, &r2, "anywhere.yaml", 3, "a");
	bh_suppress_apply(&s, NULL);
	assert_string_equal(s.findings.items[0].suppressed_by, "config .bulkhead.yaml: migrating");
	assert_null(s.findings.items[1].suppressed_by);
	assert_string_equal(s.findings.items[2].suppressed_by, "config .bulkhead.yaml");
	bh_scan_release(&s);
}

static void test_baseline_roundtrip(void **state)
{
	char tmpl[] = "/tmp/bh-test-baseline.XXXXXX";
	int fd = mkstemp(tmpl);
	struct bh_scan s, t;
	struct bh_baseline b;
	struct bh_diag d;
	char *text = NULL;
	size_t len;

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	bh_scan_init(&s);
	add(&s, &r1, "a.yaml", 3, "x");
	add(&s, &r1, "a.yaml", 3, "x"); /* the same finding twice is one entry */
	add(&s, &r2, "a.yaml", 9, "y");
	assert_int_equal(bh_baseline_write(tmpl, &s.findings, &d), BH_OK);
	assert_int_equal(bh_fs_read(tmpl, 1 << 20, &text, &len, &d), BH_OK);
	assert_non_null(strstr(text, "\"version\": 1"));
	assert_int_equal(text[len - 1], '\n');
	free(text);
	assert_int_equal(bh_baseline_load(tmpl, &b, &d), BH_OK);
	assert_int_equal(b.n, 2);
	assert_true(strcmp(b.fps[0], b.fps[1]) < 0);
	/* A later run: the same findings on moved lines are suppressed, a new one is not. */
	bh_scan_init(&t);
	add(&t, &r1, "a.yaml", 30, "x");
	add(&t, &r2, "./a.yaml", 1, "y");
	add(&t, &r2, "a.yaml", 9, "new");
	bh_suppress_apply(&t, &b);
	assert_non_null(t.findings.items[0].suppressed_by);
	assert_non_null(strstr(t.findings.items[0].suppressed_by, "baseline"));
	assert_non_null(t.findings.items[1].suppressed_by);
	assert_null(t.findings.items[2].suppressed_by);
	bh_baseline_release(&b);
	bh_scan_release(&t);
	bh_scan_release(&s);
	/* Malformed baselines are errors with the file named. */
	fd = open(tmpl, O_WRONLY | O_TRUNC);
	assert_true(write(fd, "{\"fingerprints\": [1]}", 21) == 21);
	close(fd);
	assert_int_equal(bh_baseline_load(tmpl, &b, &d), BH_ERR_PARSE);
	assert_string_equal(d.file, tmpl);
	fd = open(tmpl, O_WRONLY | O_TRUNC);
	assert_true(write(fd, "{\"fingerprints\": ", 17) == 17);
	close(fd);
	assert_int_equal(bh_baseline_load(tmpl, &b, &d), BH_ERR_PARSE);
	unlink(tmpl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_line_grammar),
		cmocka_unit_test(test_inline),
		cmocka_unit_test(test_config_ignore),
		cmocka_unit_test(test_baseline_roundtrip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
