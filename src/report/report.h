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

/*
 * One layer of a run that combines several (bulkhead gate): what it found and what it read, for
 * the per-layer summary that ends the text report and the "layers" array of the JSON report.
 */
struct bh_report_layer {
	const char *name;		    /* "scan", "secrets", "git", "image" */
	const char *skipped;		    /* why the layer did not run, or NULL when it ran */
	size_t by_sev[BH_SEV_CRITICAL + 1]; /* unsuppressed findings per severity */
	size_t suppressed;
	size_t inputs;	  /* inputs checked */
	const char *unit; /* what an input is, singular: "file", "blob", "image" */
};

struct bh_report_opts {
	enum bh_format format;
	int color;	     /* ANSI colour in text */
	int show_suppressed; /* list suppressed findings and what suppressed them */
	const char *tool;    /* command name for the summary, e.g. "scan" */
	/* The per-layer summary and verdict of a combined run; none when nlayers is 0. */
	const struct bh_report_layer *layers;
	size_t nlayers;
};

/* Parse "text", "json" or "sarif"; 0 on success. */
int bh_format_parse(const char *s, enum bh_format *out);

/* Render s's findings (already sorted) into out. */
bh_err bh_report_render(struct bh_scan *s, const struct bh_report_opts *o, struct bh_buf *out);

bh_err bh_report_text(struct bh_scan *s, const struct bh_report_opts *o, struct bh_buf *out);
bh_err bh_report_json(struct bh_scan *s, const struct bh_report_opts *o, struct bh_buf *out);
bh_err bh_report_sarif(struct bh_scan *s, const struct bh_report_opts *o, struct bh_buf *out);

#endif
