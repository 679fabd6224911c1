/*
 * Findings: what a rule reports, where, and whether something suppressed it. A findings list
 * lives in an arena; its strings are the arena's. The fingerprint is stable across runs and
 * edits that move lines: it hashes the rule, the file, the object, the container and the
 * finding's key, never the line number, so a baseline survives reformatting.
 */
#ifndef BH_FINDING_H
#define BH_FINDING_H

#include <stddef.h>

#include "arena.h"
#include "err.h"
#include "rule.h"

#define BH_FINGERPRINT_LEN 32

/* A structured detail of a finding (an advisory id, a commit), for machine-readable reports. */
struct bh_prop {
	const char *name;
	const char *value;
};

struct bh_finding {
	const struct bh_rule *rule;
	enum bh_severity severity; /* the rule's, or the config's override */
	const char *message;
	const char *file;
	unsigned line, col, end_line, end_col; /* 1-based; end is exclusive */
	const char *object;		       /* "Kind/namespace/name" or NULL */
	const char *container;		       /* or NULL */
	const char *key;		       /* fingerprint discriminator */
	const char *suppressed_by;	       /* NULL, or how it was suppressed */
	const struct bh_prop *props;	       /* details in report order, or NULL */
	size_t nprops;
	char fingerprint[BH_FINGERPRINT_LEN + 1];
};

struct bh_findings {
	struct bh_finding *items;
	size_t n, cap;
};

/* Append a copy of f (fingerprint computed here; its properties copied into a). Fails past
 * BH_LIMIT_FINDINGS. */
bh_err bh_findings_add(struct bh_findings *list, struct bh_arena *a, const struct bh_finding *f);
void bh_findings_release(struct bh_findings *list);
/* Sort by file, line, column, rule id, message: the order of every report. */
void bh_findings_sort(struct bh_findings *list);
/* Hex SHA-256 prefix of the finding's identity, written to f->fingerprint. */
void bh_finding_fingerprint(struct bh_finding *f);

/* Counts of unsuppressed findings per severity, and of suppressed ones. */
struct bh_summary {
	size_t by_sev[BH_SEV_CRITICAL + 1];
	size_t total;
	size_t suppressed;
	size_t files;
	size_t errors;
};
void bh_findings_summary(const struct bh_findings *list, struct bh_summary *out);
/* True when an unsuppressed finding is at or above fail_on. */
int bh_findings_fail(const struct bh_findings *list, enum bh_severity fail_on);

#endif
