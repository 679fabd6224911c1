/*
 * The project configuration, .bulkhead.yaml: fail-on level, disabled rules, severity
 * overrides, path excludes, ignores, and the agent facts the layers judge against (agent
 * namespaces and selectors, declared egress, allowed registries). Found by walking up from the
 * scanned path, or given with --config. Unknown keys are an error, so a typo is not silently a
 * weaker policy.
 *
 *   fail-on: high
 *   disable: [K8-010]
 *   severity: {K8-004: medium}
 *   exclude: ["vendor", "*.tmpl.yaml"]
 *   ignore:
 *     - {rule: K8-012, path: "legacy/x.yaml", reason: "migrating in Q3"}
 *   agents:
 *     namespaces: [agents]
 *     selectors: [{app: agent}]
 *     egress: [{cidr: 10.0.0.0/8}, {host: api.example.internal}]
 *     orchestrator: {app: orchestrator}
 *   registries: [registry.example.internal]
 *   kubernetes:
 *     pss-version: v1.25
 */
#ifndef BH_CONFIG_H
#define BH_CONFIG_H

#include <stddef.h>

#include "arena.h"
#include "doc.h"
#include "err.h"
#include "rule.h"

struct bh_config_ignore {
	const char *rule; /* rule id, or "*" */
	const char *path; /* fnmatch pattern, or NULL for every path */
	const char *reason;
};

struct bh_config_sev {
	const char *rule;
	enum bh_severity sev;
};

struct bh_config {
	const char *path; /* the file it came from, or NULL for defaults */
	enum bh_severity fail_on;
	int fail_on_set;
	const char **disable;
	size_t ndisable;
	struct bh_config_sev *sev;
	size_t nsev;
	const char **exclude;
	size_t nexclude;
	struct bh_config_ignore *ignore;
	size_t nignore;
	const char **registries;
	size_t nregistries;
	/*
	 * kubernetes.pss-version: the Pod Security Admission policy version that decides pods
	 * whose namespace sets no enforce-version label, as a minor of v1 (BH_PSS_LATEST unset).
	 */
	int pss_version;
	/* The agents: section as parsed nodes, for the layers that judge agents. */
	const struct bh_node *agents;
	/* The whole document, for layers with sections of their own. */
	const struct bh_node *root;
};

/* A Pod Security Admission policy version that says "latest" rather than v1.<minor>. */
#define BH_PSS_LATEST (-1)

/*
 * Parse a Pod Security Admission policy version as PSA's api.ParseVersion does: "latest", or
 * "v1." and a minor without leading zeros ("v1.0", "v1.25"; not "v1.05", "1.25" or "v2.0").
 * Returns 0 and sets *minor (BH_PSS_LATEST for latest), or -1 when s is not of that form.
 */
int bh_pss_version_parse(const char *s, int *minor);

void bh_config_defaults(struct bh_config *cfg);
/* Parse a config file's text; errors name file:line. */
bh_err bh_config_parse(struct bh_arena *a, const char *file, const char *data, size_t len,
		       struct bh_config *cfg, struct bh_diag *diag);
/* Read and parse path. */
bh_err bh_config_load(struct bh_arena *a, const char *path, struct bh_config *cfg,
		      struct bh_diag *diag);
/*
 * Find .bulkhead.yaml in start (a file's directory or a directory) or its parents, stopping at
 * the root of a git repository (a directory holding .git). Returns a malloc'd path, or NULL
 * when there is none.
 */
char *bh_config_find(const char *start);

int bh_config_disabled(const struct bh_config *cfg, const char *rule_id);
enum bh_severity bh_config_severity(const struct bh_config *cfg, const struct bh_rule *rule);

#endif
