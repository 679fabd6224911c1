/*
 * The rule runner and reporting helpers: positions from nodes, the fallback for a missing
 * node, ranges clamped to be well-formed, the annotation ignore list ("all", spaces, tabs), the
 * config's severity override and disabled rules, the --pss filter, and the container context
 * restored between rules. Also the scan's source lines (CRLF, out of range).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "core/scan.h"

static void check_a(struct bh_ctx *ctx, const void *subject)
{
	const struct bh_node *n = subject;

	ctx->container = "leaked";
	bh_report(ctx, n, "a", "value %s", bh_node_str(n));
}

static void check_b(struct bh_ctx *ctx, const void *subject)
{
	(void)subject;
	/* The previous rule's container does not leak into this one. */
	bh_report_at(ctx, 5, 9, 4, 3, NULL, "container %s",
		     ctx->container ? ctx->container : "none");
	bh_report(ctx, NULL, "b", "no node");
}

static const struct bh_rule rules[] = {
	{ .id = "K8-901",
	  .layer = BH_LAYER_K8,
	  .severity = BH_SEV_HIGH,
	  .check = check_a,
	  .flags = BH_RULE_PSS_BASELINE },
	{ .id = "K8-902",
	  .layer = BH_LAYER_K8,
	  .severity = BH_SEV_LOW,
	  .check = check_b,
	  .flags = BH_RULE_PSS_RESTRICTED },
	{ .id = "K8-903", .layer = BH_LAYER_K8, .severity = BH_SEV_LOW }, /* no check: skipped */
};

static void run(struct bh_scan *s, const char *ignore)
{
	struct bh_docs docs;
	struct bh_diag d;
	struct bh_ctx ctx = { .scan = s,
			      .file = "p.yaml",
			      .object = "Pod/ns/p",
			      .ignore = ignore,
			      .ignore_src = ignore ? "annotation on Pod/ns/p" : NULL };

	assert_int_equal(bh_doc_parse(&s->arena, "p.yaml", "v: hello\n", 9, &docs, &d), BH_OK);
	bh_rules_run(&ctx, rules, 3, bh_node_get(docs.docs[0].root, "v"));
	assert_null(ctx.rule);
	assert_null(ctx.container);
}

static void test_report_positions(void **state)
{
	struct bh_scan s;
	const struct bh_finding *f;

	(void)state;
	bh_scan_init(&s);
	run(&s, NULL);
	assert_int_equal(s.findings.n, 3);
	f = &s.findings.items[0];
	assert_string_equal(f->rule->id, "K8-901");
	assert_string_equal(f->message, "value hello");
	assert_int_equal(f->line, 1);
	assert_int_equal(f->col, 4);
	assert_int_equal(f->end_col, 9);
	assert_string_equal(f->container, "leaked");
	assert_string_equal(f->object, "Pod/ns/p");
	f = &s.findings.items[1];
	assert_string_equal(f->message, "container none");
	/* An end before the start is clamped to the start. */
	assert_int_equal(f->line, 5);
	assert_int_equal(f->end_line, 5);
	assert_int_equal(f->end_col, 9);
	f = &s.findings.items[2];
	assert_int_equal(f->line, 1);
	assert_int_equal(f->col, 1);
	assert_null(f->suppressed_by);
	bh_scan_release(&s);
}

static void test_annotation_and_config(void **state)
{
	static const char cfg[] = "disable: [k8-902]\nseverity: {K8-901: critical}\n";
	struct bh_scan s;
	struct bh_diag d;

	(void)state;
	bh_scan_init(&s);
	run(&s, "K8-900,\tK8-901 ,K8-9");
	assert_string_equal(s.findings.items[0].suppressed_by, "annotation on Pod/ns/p");
	assert_null(s.findings.items[1].suppressed_by); /* K8-902 is not listed; K8-9 is not it */
	bh_scan_release(&s);
	bh_scan_init(&s);
	run(&s, "all");
	assert_non_null(s.findings.items[1].suppressed_by);
	bh_scan_release(&s);
	bh_scan_init(&s);
	assert_int_equal(bh_config_parse(&s.arena, "c.yaml", cfg, strlen(cfg), &s.cfg, &d), BH_OK);
	run(&s, NULL);
	assert_int_equal(s.findings.n, 1);
	assert_int_equal(s.findings.items[0].severity, BH_SEV_CRITICAL);
	bh_scan_release(&s);
	/* --pss baseline runs only baseline rules; restricted runs both levels. */
	bh_scan_init(&s);
	s.pss = BH_PSS_BASELINE;
	run(&s, NULL);
	assert_int_equal(s.findings.n, 1);
	bh_scan_release(&s);
	bh_scan_init(&s);
	s.pss = BH_PSS_RESTRICTED;
	run(&s, NULL);
	assert_int_equal(s.findings.n, 3);
	bh_scan_release(&s);
}

static void test_source_lines(void **state)
{
	static const char text[] = "one\r\ntwo\n\nfour";
	struct bh_scan s;
	struct bh_source *src;
	const char *l;
	size_t n;

	(void)state;
	bh_scan_init(&s);
	src = bh_scan_add_source(&s, "x", text, strlen(text));
	assert_non_null(src);
	assert_ptr_equal(bh_scan_find_source(&s, "x"), src);
	assert_null(bh_scan_find_source(&s, "y"));
	l = bh_source_line(src, &s.arena, 1, &n);
	assert_int_equal(n, 3); /* without the \r */
	assert_memory_equal(l, "one", 3);
	l = bh_source_line(src, &s.arena, 3, &n);
	assert_int_equal(n, 0);
	l = bh_source_line(src, &s.arena, 4, &n);
	assert_int_equal(n, 4);
	assert_memory_equal(l, "four", 4);
	assert_null(bh_source_line(src, &s.arena, 5, &n));
	assert_null(bh_source_line(src, &s.arena, 0, &n));
	bh_scan_release(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_report_positions),
		cmocka_unit_test(test_annotation_and_config),
		cmocka_unit_test(test_source_lines),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
