/*
 * The three renderers on one hand-made run: text (grouping, caret under the exact range with
 * tabs and multi-byte characters before it, colour only when asked, summary), JSON (every
 * documented field, parsed back with jansson) and SARIF (rules from the catalogue, 1-based
 * regions, partialFingerprints, encoded URIs, suppressions). Same input, same bytes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"
#include "report/report.h"

static const char src[] = "kind: Pod\n"
			  "\tname: \xc3\xa9t\xc3\xa9 # x\n"
			  "privileged: true\n";

static void setup_scan(struct bh_scan *s)
{
	const struct bh_rule *r = bh_catalogue_find("K8-001");
	struct bh_finding f = { .rule = r,
				.severity = r->severity,
				.message = "container 'app' runs privileged",
				.file = "dir with space/pod.yaml",
				.line = 3,
				.col = 13,
				.end_line = 3,
				.end_col = 17,
				.object = "Pod/ns/x",
				.container = "app",
				.key = "app" };
	struct bh_finding g = f;

	bh_scan_init(s);
	assert_non_null(bh_scan_add_source(s, f.file, src, strlen(src)));
	s->files_scanned = 1;
	assert_int_equal(bh_findings_add(&s->findings, &s->arena, &f), BH_OK);
	/* Line 2 starts with a tab and has two two-byte characters before column 12 ("#"). */
	g.line = 2;
	g.end_line = 2;
	g.col = 12;
	g.end_col = 13;
	g.key = "second";
	g.message = "second";
	assert_int_equal(bh_findings_add(&s->findings, &s->arena, &g), BH_OK);
	g.line = 1;
	g.end_line = 1;
	g.col = 1;
	g.key = "third";
	g.message = "suppressed one";
	g.suppressed_by = "inline comment at x:1";
	assert_int_equal(bh_findings_add(&s->findings, &s->arena, &g), BH_OK);
	bh_findings_sort(&s->findings);
}

static char *render(struct bh_scan *s, enum bh_format fmt, int color, int show)
{
	struct bh_report_opts o = { .format = fmt, .color = color, .show_suppressed = show };
	struct bh_buf b;

	bh_buf_init(&b, 0);
	assert_int_equal(bh_report_render(s, &o, &b), BH_OK);
	return bh_buf_detach(&b, NULL);
}

static void test_text(void **state)
{
	struct bh_scan s;
	char *t, *c, *t2;

	(void)state;
	setup_scan(&s);
	t = render(&s, BH_FMT_TEXT, 0, 0);
	/* The report starts with the file's name, even when a suppressed finding comes first. */
	assert_memory_equal(t, "dir with space/pod.yaml\n", 24);
	assert_non_null(strstr(
		t,
		"dir with space/pod.yaml:3:13: critical K8-001 container 'app' runs privileged [Pod/ns/x container app]\n"));
	assert_non_null(strstr(t, "       3 | privileged: true\n         |             ^^^^\n"));
	/* The tab shows as four spaces; "é" counts as one column. */
	assert_non_null(strstr(
		t, "       2 |     name: \xc3\xa9t\xc3\xa9 # x\n         |               ^\n"));
	assert_non_null(strstr(t, "fix: Remove securityContext.privileged"));
	assert_null(strstr(t, "suppressed one"));
	assert_non_null(strstr(
		t,
		"2 findings (2 critical, 0 high, 0 medium, 0 low, 0 info) in 1 of 1 file; 1 suppressed (--show-suppressed lists them)\n"));
	assert_null(strchr(t, '\033'));
	c = render(&s, BH_FMT_TEXT, 1, 0);
	assert_non_null(strstr(c, "\033[1;35mcritical\033[0m"));
	t2 = render(&s, BH_FMT_TEXT, 0, 1);
	assert_non_null(strstr(t2, "suppressed one"));
	assert_non_null(strstr(t2, "suppressed by inline comment at x:1"));
	free(t);
	free(c);
	free(t2);
	bh_scan_release(&s);
}

static void test_json(void **state)
{
	static const char *const fields[] = { "rule",	"severity",  "message",	   "file",
					      "line",	"column",    "end_line",   "end_column",
					      "object", "container", "fingerprint" };
	struct bh_scan s;
	char *t, *t2;
	json_error_t e;
	json_t *root, *f, *sum;

	(void)state;
	setup_scan(&s);
	t = render(&s, BH_FMT_JSON, 1, 0);
	t2 = render(&s, BH_FMT_JSON, 1, 0);
	assert_string_equal(t, t2); /* deterministic */
	root = json_loads(t, 0, &e);
	assert_non_null(root);
	assert_int_equal(json_array_size(json_object_get(root, "findings")), 2);
	f = json_array_get(json_object_get(root, "findings"), 0);
	for (size_t i = 0; i < sizeof(fields) / sizeof(*fields); i++)
		assert_non_null(json_object_get(f, fields[i]));
	assert_string_equal(json_string_value(json_object_get(f, "severity")), "critical");
	assert_int_equal(json_integer_value(json_object_get(f, "line")), 2);
	assert_int_equal(json_integer_value(json_object_get(f, "end_column")), 13);
	assert_int_equal(strlen(json_string_value(json_object_get(f, "fingerprint"))), 32);
	assert_null(json_object_get(f, "suppressed_by"));
	sum = json_object_get(root, "summary");
	assert_int_equal(json_integer_value(json_object_get(sum, "total")), 2);
	assert_int_equal(json_integer_value(json_object_get(sum, "suppressed")), 1);
	assert_int_equal(json_integer_value(
				 json_object_get(json_object_get(sum, "by_severity"), "critical")),
			 2);
	json_decref(root);
	free(t);
	free(t2);
	bh_scan_release(&s);
}

static void test_sarif(void **state)
{
	struct bh_scan s;
	char *t;
	json_error_t e;
	json_t *root, *run, *res, *reg, *rules;
	size_t nrules;

	(void)state;
	bh_catalogue(&nrules);
	setup_scan(&s);
	t = render(&s, BH_FMT_SARIF, 0, 1);
	root = json_loads(t, 0, &e);
	assert_non_null(root);
	assert_string_equal(json_string_value(json_object_get(root, "version")), "2.1.0");
	run = json_array_get(json_object_get(root, "runs"), 0);
	rules = json_object_get(json_object_get(json_object_get(run, "tool"), "driver"), "rules");
	assert_int_equal(json_array_size(rules), nrules);
	res = json_object_get(run, "results");
	assert_int_equal(json_array_size(res), 3);
	for (size_t i = 0; i < 3; i++) {
		json_t *r = json_array_get(res, i);
		size_t idx = (size_t)json_integer_value(json_object_get(r, "ruleIndex"));

		assert_string_equal(
			json_string_value(json_object_get(json_array_get(rules, idx), "id")),
			json_string_value(json_object_get(r, "ruleId")));
		reg = json_object_get(
			json_object_get(json_array_get(json_object_get(r, "locations"), 0),
					"physicalLocation"),
			"region");
		assert_true(json_integer_value(json_object_get(reg, "startLine")) >= 1);
		assert_non_null(
			json_object_get(json_object_get(r, "partialFingerprints"), "bulkhead/v1"));
	}
	assert_non_null(strstr(t, "\"uri\": \"dir%20with%20space/pod.yaml\""));
	assert_non_null(strstr(t, "\"kind\": \"inSource\""));
	json_decref(root);
	free(t);
	bh_scan_release(&s);
}

static void test_invalid_utf8_names(void **state)
{
	const struct bh_rule *r = bh_catalogue_find("K8-001");
	struct bh_finding f = { .rule = r,
				.severity = r->severity,
				.message = "m",
				.file = "bad\xff\xc3name.yaml",
				.line = 1,
				.col = 1,
				.end_line = 1,
				.end_col = 2,
				.object = "Pod//p\xed\xa0\x80",
				.key = "k" };
	struct bh_scan s;
	char *t;
	json_t *root, *g;
	json_error_t e;

	(void)state;
	bh_scan_init(&s);
	assert_int_equal(bh_findings_add(&s.findings, &s.arena, &f), BH_OK);
	/* File names are bytes: JSON keeps the field, with U+FFFD for what is not UTF-8. */
	t = render(&s, BH_FMT_JSON, 0, 0);
	root = json_loads(t, 0, &e);
	assert_non_null(root);
	g = json_array_get(json_object_get(root, "findings"), 0);
	assert_string_equal(json_string_value(json_object_get(g, "file")),
			    "bad\xef\xbf\xbd\xef\xbf\xbdname.yaml");
	assert_string_equal(json_string_value(json_object_get(g, "object")),
			    "Pod//p\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	json_decref(root);
	free(t);
	/* The text report sends no control character from the input to a terminal. */
	f.message = "container '\033[2Jx' runs privileged";
	f.file = "evil\033]0;title\007.yaml";
	f.container = "\033[31m";
	s.findings.items[0] = f;
	t = render(&s, BH_FMT_TEXT, 0, 0);
	assert_null(strchr(t, '\033'));
	assert_null(strchr(t, '\007'));
	assert_non_null(strstr(
		t,
		"evil?]0;title?.yaml:1:1: critical K8-001 container '?[2Jx' runs privileged [Pod//p"));
	free(t);
	/* SARIF percent-encodes the bytes of the URI. */
	t = render(&s, BH_FMT_SARIF, 0, 0);
	assert_non_null(strstr(t, "\"uri\": \"evil%1B%5D0%3Btitle%07.yaml\""));
	free(t);
	bh_scan_release(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_sarif),
		cmocka_unit_test(test_invalid_utf8_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
