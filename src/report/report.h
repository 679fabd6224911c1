/*
 * Rendering a run's findings: text for people, JSON for tools (docs/json-report.md), SARIF
 * 2.1.0 for code scanning. Every renderer is deterministic: the same findings give the same
 * bytes (sorted, no timestamps, no absolute paths added).
 */
#ifndef BH_REPORT_H
#define BH_REPORT_H

#include "core/buf.h"
#include "core/scan.h"

enum bh_format {
	BH_FMT_TEXT,
	BH_FMT_JSON,
	BH_FMT_SARIF,
};

struct bh_report_opts {
	enum bh_format format;
	int color;	     /* ANSI colour in text */
	int show_suppressed; /* list suppressed findings and what suppressed them */
	const char *tool;    /* command name for the summary, e.g. "scan" */
};

/* Parse "text", "json" or "sarif"; 0 on success. */
int bh_format_parse(const char *s, enum bh_format *out);

/* Render s's findings (already sorted) into out. */
bh_err bh_report_render(struct bh_scan *s, const struct bh_report_opts *o, struct bh_buf *out);

bh_err bh_report_text(struct bh_scan *s, const struct bh_report_opts *o, struct bh_buf *out);
bh_err bh_report_json(struct bh_scan *s, const struct bh_report_opts *o, struct bh_buf *out);
bh_err bh_report_sarif(struct bh_scan *s, const struct bh_report_opts *o, struct bh_buf *out);

#endif
