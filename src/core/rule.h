/*
 * The rule catalogue's entry and the context a check runs in.
 *
 * Rules are data (a static table per layer); the engine, `bulkhead rules`, `bulkhead explain`,
 * SARIF's tool.driver.rules and docs/rules/ all read the same tables. A check is a function of
 * its layer's subject (a workload, a Dockerfile stage, a workflow job...), called through
 * bh_rules_run(); it reports through bh_report_*() and never fails: a finding is not an error.
 */
#ifndef BH_RULE_H
#define BH_RULE_H

#include <stddef.h>

#include "doc.h"

enum bh_severity {
	BH_SEV_INFO,
	BH_SEV_LOW,
	BH_SEV_MEDIUM,
	BH_SEV_HIGH,
	BH_SEV_CRITICAL,
	BH_SEV_NONE, /* only as a --fail-on value: never fail */
};

enum bh_layer {
	BH_LAYER_DF, /* Dockerfile */
	BH_LAYER_IM, /* built image */
	BH_LAYER_K8, /* Kubernetes */
	BH_LAYER_CI, /* pipeline */
	BH_LAYER_SE, /* secrets */
	BH_LAYER_SC, /* signatures and supply chain */
	BH_LAYER_NP, /* network */
	BH_LAYER_COUNT,
};

/* Rule flags; the Kubernetes layer uses the PSS ones for --pss. */
#define BH_RULE_PSS_BASELINE   0x1u
#define BH_RULE_PSS_RESTRICTED 0x2u

struct bh_ctx;

/* subject is the layer's own type; each layer documents what its checks receive. */
typedef void (*bh_check_fn)(struct bh_ctx *ctx, const void *subject);

struct bh_rule {
	const char *id;
	enum bh_layer layer;
	enum bh_severity severity;
	const char *title;
	const char *attack; /* the attack it stops, one sentence */
	const char *fix;
	const char *refs;
	bh_check_fn check;
	unsigned flags;
};

const char *bh_severity_name(enum bh_severity s);
/* Parse "critical".."info" or "none"; returns 0 on success. */
int bh_severity_parse(const char *s, enum bh_severity *out);
const char *bh_layer_name(enum bh_layer l);
/* The layer's rule id prefix: "DF", "K8"... */
const char *bh_layer_prefix(enum bh_layer l);

struct bh_scan;

/*
 * What a check knows about where it is. The layer fills file, object, container and the
 * object's ignore list (the bulkhead.dev/ignore annotation) before running its rules; the
 * engine sets rule.
 */
struct bh_prop; /* finding.h */

struct bh_ctx {
	struct bh_scan *scan;
	const struct bh_rule *rule;
	const char *file;
	const char *object;	     /* "Kind/namespace/name", or NULL */
	const char *container;	     /* container name, or NULL */
	const char *ignore;	     /* comma-separated rule ids from an annotation, or NULL */
	const char *ignore_src;	     /* where ignore came from, for --show-suppressed */
	const struct bh_prop *props; /* details the findings carry (copied), or NULL */
	size_t nprops;
};

/*
 * Report a finding of ctx->rule at node's position (or at line 1 when node is NULL). key, when
 * not NULL, distinguishes findings of one rule on one object for the fingerprint (a field
 * path, a port); the message is used otherwise. Messages are formatted into the scan's arena.
 */
void bh_report(struct bh_ctx *ctx, const struct bh_node *node, const char *key, const char *fmt,
	       ...) __attribute__((format(printf, 4, 5)));
/* The same with an explicit range, for sources that are not YAML (Dockerfiles, images). */
void bh_report_at(struct bh_ctx *ctx, unsigned line, unsigned col, unsigned end_line,
		  unsigned end_col, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 7, 8)));

/* Run every enabled rule of table on subject. Rules without a check are skipped. */
void bh_rules_run(struct bh_ctx *ctx, const struct bh_rule *table, size_t n, const void *subject);

#endif
