/*
 * Severity and layer names, the rule runner and the reporting helpers that turn a check's
 * observation into a finding. Annotation suppression is applied here because only the layer's
 * context knows the object's annotation; inline, config and baseline suppression are applied
 * once at the end of a run (suppress.c).
 */
#include "rule.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "finding.h"
#include "scan.h"

#include "banned.h"

static const char *const sev_names[] = { "info", "low", "medium", "high", "critical", "none" };

const char *bh_severity_name(enum bh_severity s)
{
	return (unsigned)s <= BH_SEV_NONE ? sev_names[s] : "unknown";
}

int bh_severity_parse(const char *s, enum bh_severity *out)
{
	for (unsigned i = 0; i <= BH_SEV_NONE; i++) {
		if (strcasecmp(s, sev_names[i]) == 0) {
			*out = (enum bh_severity)i;
			return 0;
		}
	}
	if (strcasecmp(s, "warning") == 0) {
		*out = BH_SEV_MEDIUM;
		return 0;
	}
	return -1;
}

static const char *const layer_names[][2] = {
	{ "DF", "dockerfile" }, { "IM", "image" },   { "K8", "kubernetes" },
	{ "CI", "pipeline" },	{ "SE", "secrets" }, { "SC", "supply-chain" },
	{ "NP", "network" },
};

const char *bh_layer_name(enum bh_layer l)
{
	return (unsigned)l < BH_LAYER_COUNT ? layer_names[l][1] : "unknown";
}

const char *bh_layer_prefix(enum bh_layer l)
{
	return (unsigned)l < BH_LAYER_COUNT ? layer_names[l][0] : "??";
}

/* Whether id appears in a comma- or space-separated list. */
static int list_has(const char *list, const char *id)
{
	size_t n = strlen(id);

	for (const char *p = list; p && *p;) {
		while (*p == ',' || *p == ' ' || *p == '\t')
			p++;
		if (strncasecmp(p, id, n) == 0 &&
		    (p[n] == '\0' || p[n] == ',' || p[n] == ' ' || p[n] == '\t'))
			return 1;
		while (*p && *p != ',' && *p != ' ' && *p != '\t')
			p++;
	}
	return 0;
}

static void report_vfmt(struct bh_ctx *ctx, unsigned line, unsigned col, unsigned end_line,
			unsigned end_col, const char *key, const char *fmt, va_list ap)
	__attribute__((format(printf, 7, 0)));

static void report_vfmt(struct bh_ctx *ctx, unsigned line, unsigned col, unsigned end_line,
			unsigned end_col, const char *key, const char *fmt, va_list ap)
{
	struct bh_scan *s = ctx->scan;
	struct bh_finding f = { 0 };
	char msg[1024];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	f.rule = ctx->rule;
	f.severity = bh_config_severity(&s->cfg, ctx->rule);
	f.message = bh_arena_strdup(&s->arena, msg);
	f.file = ctx->file;
	f.line = line ? line : 1;
	f.col = col ? col : 1;
	f.end_line = end_line >= f.line ? end_line : f.line;
	f.end_col = end_col ? end_col : f.col;
	if (f.end_line == f.line && f.end_col < f.col)
		f.end_col = f.col;
	f.object = ctx->object;
	f.container = ctx->container;
	f.props = ctx->props;
	f.nprops = ctx->nprops;
	f.key = key ? bh_arena_strdup(&s->arena, key) : NULL;
	if (ctx->ignore && !s->no_annotation_ignore &&
	    (list_has(ctx->ignore, ctx->rule->id) || list_has(ctx->ignore, "all")))
		f.suppressed_by =
			ctx->ignore_src ? ctx->ignore_src : "annotation bulkhead.dev/ignore";
	if (!f.message || bh_findings_add(&s->findings, &s->arena, &f)) {
		struct bh_diag d;

		bh_diag_set(&d, BH_ERR_LIMIT, ctx->file, line, col, "cannot record finding %s",
			    ctx->rule->id);
		bh_scan_error(s, &d);
	}
}

void bh_report(struct bh_ctx *ctx, const struct bh_node *node, const char *key, const char *fmt,
	       ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (node)
		report_vfmt(ctx, node->line, node->col, node->end_line, node->end_col, key, fmt,
			    ap);
	else
		report_vfmt(ctx, 1, 1, 1, 1, key, fmt, ap);
	va_end(ap);
}

void bh_report_at(struct bh_ctx *ctx, unsigned line, unsigned col, unsigned end_line,
		  unsigned end_col, const char *key, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report_vfmt(ctx, line, col, end_line, end_col, key, fmt, ap);
	va_end(ap);
}

void bh_rules_run(struct bh_ctx *ctx, const struct bh_rule *table, size_t n, const void *subject)
{
	const struct bh_rule *saved = ctx->rule;
	const char *container = ctx->container;

	for (size_t i = 0; i < n; i++) {
		if (!table[i].check || !bh_scan_rule_enabled(ctx->scan, &table[i]))
			continue;
		ctx->rule = &table[i];
		table[i].check(ctx, subject);
		/* Checks that walk containers set ctx->container; restore it for the next rule. */
		ctx->container = container;
	}
	ctx->rule = saved;
}
