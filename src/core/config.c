/*
 * .bulkhead.yaml: parsed with the document model so that errors carry file:line, then checked
 * key by key. Values are kept as arena strings; the agents: section stays a node tree for the
 * layers that read it.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "fs.h"
#include "limits.h"

#include "banned.h"

void bh_config_defaults(struct bh_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->fail_on = BH_SEV_HIGH;
	cfg->pss_version = BH_PSS_LATEST;
}

int bh_pss_version_parse(const char *s, int *minor)
{
	long long v = 0;

	if (!s)
		return -1;
	if (!strcmp(s, "latest")) {
		*minor = BH_PSS_LATEST;
		return 0;
	}
	if (strncmp(s, "v1.", 3) != 0 || s[3] < '0' || s[3] > '9' || (s[3] == '0' && s[4]))
		return -1;
	/*
	 * PSA reads the minor into a 64-bit int: a larger one is as malformed as a letter, a
	 * smaller one is valid however far past the newest version (which it then means).
	 */
	for (s += 3; *s; s++) {
		if (*s < '0' || *s > '9' || v > (0x7fffffffffffffffLL - (*s - '0')) / 10)
			return -1;
		v = v * 10 + (*s - '0');
	}
	*minor = v > 0x7fffffff ? 0x7fffffff : (int)v;
	return 0;
}

static bh_err bad(struct bh_diag *diag, const char *file, const struct bh_node *n, const char *msg)
{
	return bh_diag_set(diag, BH_ERR_PARSE, file, n ? n->line : 0, n ? n->col : 0, "%s", msg);
}

/* The kubernetes: section: the keys the Kubernetes layer reads. */
static bh_err kube_section(const char *file, const struct bh_node *v, struct bh_config *c,
			   struct bh_diag *diag)
{
	if (v->kind != BH_NODE_MAP)
		return bad(diag, file, v, "kubernetes must be a mapping");
	for (size_t i = 0; i < v->map.n; i++) {
		const struct bh_node *k = v->map.pairs[i].key, *val = v->map.pairs[i].value;
		const char *key = bh_node_str(k);

		if (!key || strcmp(key, "pss-version") != 0)
			return bh_diag_set(diag, BH_ERR_PARSE, file, k->line, k->col,
					   "unknown key '%s' in kubernetes", key ? key : "?");
		if (bh_pss_version_parse(bh_node_str(val), &c->pss_version))
			return bad(diag, file, val,
				   "kubernetes.pss-version must be latest or v1.MINOR (v1.25)");
	}
	return BH_OK;
}

/* A sequence of strings (or one string) into an arena array. */
static bh_err str_list(struct bh_arena *a, const char *file, const struct bh_node *n,
		       const char ***out, size_t *nout, struct bh_diag *diag)
{
	const char **v;

	if (n->kind == BH_NODE_SCALAR) {
		v = bh_arena_alloc(a, sizeof(*v));
		if (!v)
			return BH_ERR_NOMEM;
		v[0] = n->scalar.str;
		*out = v;
		*nout = 1;
		return BH_OK;
	}
	if (n->kind != BH_NODE_SEQ)
		return bad(diag, file, n, "expected a list of strings");
	v = bh_arena_alloc(a, (n->seq.n + 1) * sizeof(*v));
	if (!v)
		return BH_ERR_NOMEM;
	for (size_t i = 0; i < n->seq.n; i++) {
		if (n->seq.items[i]->kind != BH_NODE_SCALAR)
			return bad(diag, file, n->seq.items[i], "expected a string");
		v[i] = n->seq.items[i]->scalar.str;
	}
	*out = v;
	*nout = n->seq.n;
	return BH_OK;
}

bh_err bh_config_parse(struct bh_arena *a, const char *file, const char *data, size_t len,
		       struct bh_config *cfg, struct bh_diag *diag)
{
	struct bh_docs docs;
	const struct bh_node *root;
	struct bh_config c;
	bh_err err;

	bh_config_defaults(&c);
	c.path = bh_arena_strdup(a, file);
	err = bh_doc_parse(a, file, data, len, &docs, diag);
	if (err)
		return err;
	if (docs.n == 0) {
		*cfg = c;
		return BH_OK;
	}
	if (docs.n > 1)
		return bad(diag, file, docs.docs[1].root, "a config file holds one document");
	root = docs.docs[0].root;
	if (root->kind != BH_NODE_MAP)
		return bad(diag, file, root, "the config must be a mapping");
	c.root = root;
	for (size_t i = 0; i < root->map.n; i++) {
		const struct bh_node *k = root->map.pairs[i].key, *v = root->map.pairs[i].value;
		const char *key = bh_node_str(k);

		if (!key)
			return bad(diag, file, k, "keys must be strings");
		if (!strcmp(key, "fail-on") || !strcmp(key, "fail_on")) {
			if (!bh_node_str(v) || bh_severity_parse(bh_node_str(v), &c.fail_on))
				return bad(
					diag, file, v,
					"fail-on must be one of critical, high, medium, low, info, none");
			c.fail_on_set = 1;
		} else if (!strcmp(key, "disable")) {
			err = str_list(a, file, v, &c.disable, &c.ndisable, diag);
		} else if (!strcmp(key, "exclude")) {
			err = str_list(a, file, v, &c.exclude, &c.nexclude, diag);
		} else if (!strcmp(key, "registries")) {
			err = str_list(a, file, v, &c.registries, &c.nregistries, diag);
		} else if (!strcmp(key, "severity")) {
			if (v->kind != BH_NODE_MAP)
				return bad(diag, file, v,
					   "severity must map rule ids to severities");
			c.sev = bh_arena_alloc(a, (v->map.n + 1) * sizeof(*c.sev));
			if (!c.sev)
				return BH_ERR_NOMEM;
			for (size_t j = 0; j < v->map.n; j++) {
				const struct bh_node *sv = v->map.pairs[j].value;

				c.sev[j].rule = bh_node_str(v->map.pairs[j].key);
				if (!c.sev[j].rule || !bh_node_str(sv) ||
				    bh_severity_parse(bh_node_str(sv), &c.sev[j].sev) ||
				    c.sev[j].sev == BH_SEV_NONE)
					return bad(diag, file, sv, "expected RULE: severity");
			}
			c.nsev = v->map.n;
		} else if (!strcmp(key, "ignore")) {
			if (v->kind != BH_NODE_SEQ)
				return bad(diag, file, v,
					   "ignore must be a list of {rule, path, reason}");
			c.ignore = bh_arena_alloc(a, (v->seq.n + 1) * sizeof(*c.ignore));
			if (!c.ignore)
				return BH_ERR_NOMEM;
			for (size_t j = 0; j < v->seq.n; j++) {
				const struct bh_node *e = v->seq.items[j];

				c.ignore[j].rule = bh_node_str(bh_node_get(e, "rule"));
				c.ignore[j].path = bh_node_str(bh_node_get(e, "path"));
				c.ignore[j].reason = bh_node_str(bh_node_get(e, "reason"));
				if (!c.ignore[j].rule)
					return bad(diag, file, e, "an ignore entry needs a rule");
			}
			c.nignore = v->seq.n;
		} else if (!strcmp(key, "agents")) {
			if (v->kind != BH_NODE_MAP)
				return bad(diag, file, v, "agents must be a mapping");
			c.agents = v;
		} else if (!strcmp(key, "kubernetes")) {
			err = kube_section(file, v, &c, diag);
		} else if (!strcmp(key, "network") || !strcmp(key, "secrets") ||
			   !strcmp(key, "image") || !strcmp(key, "pipeline")) {
			/* Layer sections: read by their layer from c.root. */
		} else {
			return bh_diag_set(diag, BH_ERR_PARSE, file, k->line, k->col,
					   "unknown config key '%s'", key);
		}
		if (err)
			return err;
	}
	*cfg = c;
	return BH_OK;
}

bh_err bh_config_load(struct bh_arena *a, const char *path, struct bh_config *cfg,
		      struct bh_diag *diag)
{
	char *data = NULL;
	size_t len = 0;
	bh_err err = bh_fs_read(path, BH_LIMIT_FILE_BYTES, &data, &len, diag);

	if (err)
		return err;
	err = bh_config_parse(a, path, data, len, cfg, diag);
	free(data);
	return err;
}

/*
 * The path of a config found `up` directories above start's directory, spelled from start as
 * the user typed it ("deploy/../.bulkhead.yaml" rather than an absolute path), so that findings
 * and suppression messages about the config name it the way the user names their files.
 */
static char *spelled_from(const char *start, int start_is_dir, unsigned up)
{
	struct bh_buf b;
	const char *slash = strrchr(start, '/');

	bh_buf_init(&b, 0);
	if (start_is_dir)
		bh_buf_adds(&b, start);
	else if (slash)
		bh_buf_add(&b, start, (size_t)(slash - start) + (slash == start));
	else
		bh_buf_adds(&b, ".");
	while (b.len > 1 && b.data[b.len - 1] == '/')
		b.data[--b.len] = '\0';
	for (unsigned i = 0; i < up; i++)
		bh_buf_adds(&b, "/..");
	bh_buf_adds(&b, "/.bulkhead.yaml");
	if (b.len > 2 && !strncmp(b.data, "./", 2) && strcmp(start, ".") &&
	    strncmp(start, "./", 2)) {
		memmove(b.data, b.data + 2, b.len - 1);
		b.len -= 2;
	}
	return bh_buf_detach(&b, NULL);
}

char *bh_config_find(const char *start)
{
	char *dir = realpath(start, NULL);
	struct stat st;
	int start_is_dir = 1;
	unsigned up = 0;

	if (!dir)
		return NULL;
	if (stat(dir, &st) == 0 && !S_ISDIR(st.st_mode)) {
		char *slash = strrchr(dir, '/');

		start_is_dir = 0;
		if (slash && slash != dir)
			*slash = '\0';
		else if (slash)
			slash[1] = '\0';
	}
	for (;; up++) {
		size_t n = strlen(dir);
		char *cand = malloc(n + sizeof("/.bulkhead.yaml"));
		char *slash;

		if (!cand)
			break;
		snprintf(cand, n + sizeof("/.bulkhead.yaml"), "%s%s", dir,
			 strcmp(dir, "/") ? "/.bulkhead.yaml" : ".bulkhead.yaml");
		if (access(cand, R_OK) == 0) {
			free(dir);
			free(cand);
			return spelled_from(start, start_is_dir, up);
		}
		/* The repository's root is as far as a project's config reaches: a file above it
		 * belongs to something else. */
		snprintf(cand, n + sizeof("/.bulkhead.yaml"), "%s%s", dir,
			 strcmp(dir, "/") ? "/.git" : ".git");
		if (access(cand, F_OK) == 0) {
			free(cand);
			break;
		}
		free(cand);
		slash = strrchr(dir, '/');
		if (!slash || slash == dir)
			break;
		*slash = '\0';
	}
	free(dir);
	return NULL;
}

int bh_config_disabled(const struct bh_config *cfg, const char *rule_id)
{
	for (size_t i = 0; i < cfg->ndisable; i++)
		if (strcasecmp(cfg->disable[i], rule_id) == 0)
			return 1;
	return 0;
}

enum bh_severity bh_config_severity(const struct bh_config *cfg, const struct bh_rule *rule)
{
	for (size_t i = 0; i < cfg->nsev; i++)
		if (strcasecmp(cfg->sev[i].rule, rule->id) == 0)
			return cfg->sev[i].sev;
	return rule->severity;
}
