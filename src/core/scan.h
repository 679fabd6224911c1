/*
 * The state of one run over a set of inputs: its arena, configuration, the sources read (kept
 * for inline suppressions and for showing the offending line), findings, and input errors.
 * Layers keep their cross-file state in layer_state (a kube model that the network layer reads,
 * for example). The driver that walks paths and dispatches to layers is src/engine; this is only
 * the state they share.
 */
#ifndef BH_SCAN_H
#define BH_SCAN_H

#include <stddef.h>

#include "arena.h"
#include "config.h"
#include "err.h"
#include "finding.h"

struct bh_source {
	const char *path;
	const char *data; /* NUL-terminated, arena-owned */
	size_t len;
	const unsigned *line_starts; /* offsets of each line; built on first use */
	size_t nlines;
};

enum bh_pss_level {
	BH_PSS_NONE,
	BH_PSS_BASELINE,
	BH_PSS_RESTRICTED,
};

struct bh_scan {
	struct bh_arena arena;
	struct bh_config cfg;
	struct bh_findings findings;
	struct bh_source **sources;
	size_t nsources, sources_cap;
	/* Open-addressing index of sources by path (indices + 1; 0 is empty), so that looking a
	 * finding's file up stays O(1) for runs over many files. */
	size_t *source_index;
	size_t source_index_cap;
	struct bh_diag *errors;
	size_t nerrors, errors_cap;
	enum bh_pss_level pss; /* --pss: evaluate only that level's PSS controls */
	/* The bulkhead.dev/ignore annotation suppresses nothing (the webhook's
	 * --no-annotation-ignore: an object's author may not exempt it). */
	int no_annotation_ignore;
	void *layer_state[BH_LAYER_COUNT];
	size_t files_scanned;
	size_t bytes_scanned;
};

void bh_scan_init(struct bh_scan *s);
void bh_scan_release(struct bh_scan *s);

/* Keep a copy of a file's text for the rest of the run; returns the arena's copy. */
struct bh_source *bh_scan_add_source(struct bh_scan *s, const char *path, const char *data,
				     size_t len);
const struct bh_source *bh_scan_find_source(const struct bh_scan *s, const char *path);
/* The text of line (1-based) without its newline, and its length; NULL when out of range. */
const char *bh_source_line(struct bh_source *src, struct bh_arena *a, unsigned line, size_t *len);

/* Record an input error; the run goes on with the other inputs and exits 2 at the end. */
void bh_scan_error(struct bh_scan *s, const struct bh_diag *diag);

/* Whether rule is selected for this run (not disabled; --pss picks PSS rules only). */
int bh_scan_rule_enabled(const struct bh_scan *s, const struct bh_rule *rule);

#endif
