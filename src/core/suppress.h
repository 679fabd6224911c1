/*
 * Suppression applied at the end of a run, in this order: inline comments
 * ("# bulkhead:ignore ID reason" on the finding's line or the line above; "bulkhead:allow" is
 * the secrets layer's spelling), config ignores (rule and path pattern), then the baseline of
 * accepted fingerprints. Annotation suppression happens when the finding is made (rule.c). A
 * suppressed finding keeps its place in the list with suppressed_by saying what suppressed it,
 * for --show-suppressed.
 */
#ifndef BH_SUPPRESS_H
#define BH_SUPPRESS_H

#include "err.h"
#include "scan.h"

struct bh_baseline {
	char **fps; /* sorted fingerprints */
	size_t n;
	const char *path;
};

/* Read a baseline file; out is untouched on failure (errors name file:line). */
bh_err bh_baseline_load(const char *path, struct bh_baseline *out, struct bh_diag *diag);
/* The same from memory; label names it in errors and becomes out->path. */
bh_err bh_baseline_parse(const char *label, const char *data, size_t len, struct bh_baseline *out,
			 struct bh_diag *diag);
void bh_baseline_release(struct bh_baseline *b);
/* Write the fingerprints of every unsuppressed finding, sorted, atomically. */
bh_err bh_baseline_write(const char *path, const struct bh_findings *list, struct bh_diag *diag);

/* Apply inline, config and (when b is not NULL) baseline suppression to s's findings. */
void bh_suppress_apply(struct bh_scan *s, const struct bh_baseline *b);

/* Whether the text of one source line suppresses rule_id; exposed for unit tests. */
int bh_suppress_line_matches(const char *line, size_t len, const char *rule_id);

#endif
