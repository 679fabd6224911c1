/*
 * GitLab CI configurations in the workflow model, for the gate rules (CI-001..CI-005).
 *
 * A .gitlab-ci.yml is recognised by its name, or by shape (a `stages:` list and a job with a
 * `script:`). Every job becomes a bh_ci_job whose steps are its before_script and script lines
 * (each line is a shell command list, recognised like a GitHub run: step). extends: is resolved
 * for the keys the gates need (script, before_script, stage, needs, allow_failure, when,
 * variables), through at most BH_CI_EXTENDS_DEPTH parents. Ordering is GitLab's: a job with
 * needs: runs after what it needs, any other job after every job of an earlier stage.
 *
 * allow_failure: true and when: manual make a scan soft, as continue-on-error does on GitHub.
 * The included GitLab templates count as the jobs they add: Secret-Detection scans for secrets;
 * Container-Scanning scans, but reports to the security dashboard without failing the pipeline,
 * so it is a soft scan. The GitHub-only hardening rules do not apply to these documents.
 */
#define _GNU_SOURCE
#include "pipeline.h"

#include <string.h>

#include "core/banned.h"
#include "core/limits.h"
#include "recognise.h"

#define BH_CI_EXTENDS_DEPTH 8

static const char *const reserved[] = { "image",	 "services",	 "stages",    "types",
					"before_script", "after_script", "variables", "cache",
					"include",	 "workflow",	 "default",   "spec" };

static int reserved_key(const char *k)
{
	for (size_t i = 0; i < sizeof(reserved) / sizeof(*reserved); i++)
		if (strcmp(k, reserved[i]) == 0)
			return 1;
	return 0;
}

static int has_suffix(const char *s, const char *suf)
{
	size_t n = strlen(s), m = strlen(suf);

	return n >= m && strcmp(s + n - m, suf) == 0;
}

int bh_ci_gitlab_doc(const char *path, const struct bh_node *root)
{
	const struct bh_node *stages;

	if (!bh_node_is_map(root) || bh_node_get(root, "jobs") || bh_node_get(root, "apiVersion"))
		return 0;
	if (path && (has_suffix(path, ".gitlab-ci.yml") || has_suffix(path, ".gitlab-ci.yaml")))
		return 1;
	stages = bh_node_get(root, "stages");
	if (!bh_node_is_seq(stages))
		return 0;
	for (size_t i = 0; i < root->map.n; i++) {
		const char *k = bh_node_str(root->map.pairs[i].key);

		if (k && !reserved_key(k) && bh_node_get(root->map.pairs[i].value, "script"))
			return 1;
	}
	return 0;
}

/* A job's key, looked up through its extends: chain. */
static const struct bh_node *job_get(const struct bh_node *root, const struct bh_node *job,
				     const char *key, int depth)
{
	const struct bh_node *v = bh_node_get(job, key), *ext;

	if (v || depth >= BH_CI_EXTENDS_DEPTH)
		return v;
	ext = bh_node_get(job, "extends");
	if (bh_node_str(ext))
		return job_get(root, bh_node_get(root, bh_node_str(ext)), key, depth + 1);
	if (bh_node_is_seq(ext)) {
		/* Later parents override earlier ones. */
		for (size_t i = ext->seq.n; i-- > 0;) {
			const char *p = bh_node_str(ext->seq.items[i]);

			if (p && (v = job_get(root, bh_node_get(root, p), key, depth + 1)))
				return v;
		}
	}
	return NULL;
}

/* The scalar lines of a script: a string, or a list whose items may be lists (from anchors). */
static size_t script_lines(const struct bh_node *s, const struct bh_node **out, size_t max)
{
	size_t n = 0;

	if (bh_node_str(s)) {
		if (max)
			out[n++] = s;
		return n;
	}
	if (!bh_node_is_seq(s))
		return 0;
	for (size_t i = 0; i < s->seq.n && n < max; i++) {
		const struct bh_node *it = s->seq.items[i];

		if (bh_node_str(it))
			out[n++] = it;
		else if (bh_node_is_seq(it))
			for (size_t k = 0; k < it->seq.n && n < max; k++)
				if (bh_node_str(it->seq.items[k]))
					out[n++] = it->seq.items[k];
	}
	return n;
}

static size_t stage_index(const struct bh_node *stages, const char *stage)
{
	static const char *const dflt[] = { "build", "test", "deploy" };

	if (!stage)
		stage = "test";
	if (!strcmp(stage, ".pre"))
		return 0;
	if (bh_node_is_seq(stages)) {
		for (size_t i = 0; i < stages->seq.n; i++)
			if (bh_node_is(stages->seq.items[i], stage))
				return i + 1;
		return (size_t)-1; /* .post, or an unknown stage: last */
	}
	for (size_t i = 0; i < 3; i++)
		if (!strcmp(stage, dflt[i]))
			return i + 1;
	return (size_t)-1;
}

/* Templates and components that add a scanning job. */
static unsigned include_does(const char *s, const char **soft)
{
	if (!s)
		return 0;
	if (strcasestr(s, "Secret-Detection") || strcasestr(s, "secret-detection"))
		return BH_CI_SECRETS;
	if (strcasestr(s, "Container-Scanning") || strcasestr(s, "container-scanning")) {
		*soft = "GitLab's container scanning job reports to the security dashboard but does not fail the pipeline on vulnerabilities";
		return BH_CI_VULN_SOFT;
	}
	return 0;
}

struct gl_build {
	struct bh_arena *a;
	struct bh_ci_workflow *w;
	size_t *stage;
	size_t cap;
};

static bh_err add_job(struct gl_build *b, struct bh_ci_job **out)
{
	struct bh_ci_workflow *w = b->w;

	if (w->njobs == BH_LIMIT_CI_JOBS)
		return BH_ERR_LIMIT;
	if (w->njobs == b->cap) {
		size_t ncap = b->cap ? b->cap * 2 : 16;
		struct bh_ci_job *j =
			bh_arena_realloc(b->a, w->jobs, b->cap * sizeof(*j), ncap * sizeof(*j));
		size_t *st =
			bh_arena_realloc(b->a, b->stage, b->cap * sizeof(*st), ncap * sizeof(*st));

		if (!j || !st)
			return BH_ERR_NOMEM;
		w->jobs = j;
		b->stage = st;
		b->cap = ncap;
	}
	*out = &w->jobs[w->njobs++];
	memset(*out, 0, sizeof(**out));
	return BH_OK;
}

static bh_err include_jobs(struct gl_build *b, const struct bh_node *inc)
{
	const struct bh_node *items[1] = { inc };
	const struct bh_node *const *v = items;
	size_t n = 1;
	bh_err err;

	if (bh_node_is_seq(inc)) {
		v = (const struct bh_node *const *)inc->seq.items;
		n = inc->seq.n;
	}
	for (size_t i = 0; i < n; i++) {
		const struct bh_node *it = v[i], *name = it;
		const char *soft = NULL;
		unsigned does;
		struct bh_ci_job *j;

		if (bh_node_is_map(it)) {
			name = bh_node_get(it, "template");
			if (!name)
				name = bh_node_get(it, "component");
		}
		does = include_does(bh_node_str(name), &soft);
		if (!does)
			continue;
		if ((err = add_job(b, &j)))
			return err;
		j->id = does & BH_CI_SECRETS ? "secret_detection" : "container_scanning";
		j->ref = j->id;
		j->key = name;
		j->does = does;
		j->soft_msg = soft;
		b->stage[b->w->njobs - 1] = 2; /* the templates' jobs run in the test stage */
	}
	return BH_OK;
}

static bh_err build_gitlab_job(struct gl_build *b, const struct bh_pair *p, struct bh_diag *diag)
{
	struct bh_ci_workflow *w = b->w;
	const struct bh_node *root = w->root, *job = p->value;
	const struct bh_node *lines[BH_LIMIT_CI_STEPS];
	const struct bh_node *bs, *sc, *when, *af;
	size_t n;
	struct bh_ci_job *j;
	int manual, b_af;
	bh_err err;

	if ((err = add_job(b, &j)))
		return err == BH_ERR_LIMIT
			       ? bh_diag_set(diag, err, w->file, p->key->line, p->key->col,
					     "more than %u jobs", (unsigned)BH_LIMIT_CI_JOBS)
			       : err;
	j->key = p->key;
	j->node = job;
	j->id = bh_node_str(p->key);
	j->ref = j->id;
	j->env = job_get(root, job, "variables", 0);
	j->shell = "bash"; /* the runner's bash sets -o pipefail; assume it rather than guess */
	j->needs = job_get(root, job, "needs", 0);
	b->stage[w->njobs - 1] = stage_index(bh_node_get(root, "stages"),
					     bh_node_str(job_get(root, job, "stage", 0)));
	af = job_get(root, job, "allow_failure", 0);
	when = job_get(root, job, "when", 0);
	manual = bh_node_is(when, "manual");
	if (bh_node_bool(af, &b_af) && b_af)
		j->coe = af;
	bs = job_get(root, job, "before_script", 0);
	if (!bs)
		bs = bh_node_path(root, "default.before_script");
	if (!bs)
		bs = bh_node_get(root, "before_script");
	sc = job_get(root, job, "script", 0);
	n = script_lines(bs, lines, BH_LIMIT_CI_STEPS);
	n += script_lines(sc, lines + n, BH_LIMIT_CI_STEPS - n);
	j->steps = bh_arena_alloc(b->a, (n ? n : 1) * sizeof(*j->steps));
	if (!j->steps)
		return BH_ERR_NOMEM;
	for (size_t i = 0; i < n; i++) {
		struct bh_ci_step *st = &j->steps[j->nsteps];

		st->node = lines[i];
		st->index = i;
		st->run = lines[i];
		st->label = bh_arena_printf(b->a, "script line %zu", i + 1);
		if (!st->label)
			return BH_ERR_NOMEM;
		if ((err = bh_ci_recognise_step(b->a, w, j, st, diag)))
			return err;
		if (manual && !(bh_node_bool(af, &b_af) && !b_af) && (st->does & BH_CI_VULN)) {
			st->does &= ~(BH_CI_VULN | BH_CI_VULN_NOHIGH);
			st->does |= BH_CI_VULN_SOFT;
			st->soft_why = when;
			st->soft_msg =
				"the scan job runs only when started by hand (when: manual), and manual jobs may fail";
		}
		j->does |= st->does;
		j->nsteps++;
	}
	return BH_OK;
}

/* needs: the listed jobs; otherwise every job of an earlier stage. */
static bh_err gitlab_order(struct gl_build *b, struct bh_diag *diag)
{
	struct bh_ci_workflow *w = b->w;
	size_t n = w->njobs, edges = 0;

	for (size_t i = 0; i < n; i++) {
		struct bh_ci_job *j = &w->jobs[i];
		const struct bh_node *nd = j->needs;
		size_t cap = bh_node_is_seq(nd) ? nd->seq.n : n;

		j->before = bh_arena_alloc(b->a, n);
		j->needs_idx = bh_arena_alloc(b->a, (cap ? cap : 1) * sizeof(size_t));
		if (!j->before || !j->needs_idx)
			return BH_ERR_NOMEM;
		if (bh_node_is_seq(nd)) {
			for (size_t k = 0; k < nd->seq.n; k++) {
				const struct bh_node *it = nd->seq.items[k];
				const char *id = bh_node_str(
					bh_node_is_map(it) ? bh_node_get(it, "job") : it);

				for (size_t x = 0; id && x < n; x++)
					if (x != i && w->jobs[x].id && !strcmp(w->jobs[x].id, id)) {
						j->needs_idx[j->nneeds++] = x;
						break;
					}
			}
		} else {
			for (size_t x = 0; x < n; x++)
				if (b->stage[x] < b->stage[i])
					j->needs_idx[j->nneeds++] = x;
		}
		edges += j->nneeds;
		if (edges > BH_LIMIT_CI_NEEDS * 16)
			return bh_diag_set(diag, BH_ERR_LIMIT, w->file, 0, 0,
					   "the pipeline's job dependencies exceed the limit");
	}
	return bh_ci_order_close(b->a, w);
}

bh_err bh_ci_gitlab_model(struct bh_arena *a, const char *file, struct bh_source *src,
			  const struct bh_doc *doc, struct bh_ci_workflow *out,
			  struct bh_diag *diag)
{
	struct bh_ci_workflow w = { 0 };
	struct gl_build b = { .a = a, .w = &w };
	const struct bh_node *root = doc->root;
	bh_err err;

	w.file = file;
	w.doc = doc;
	w.src = src;
	w.root = root;
	w.gitlab = 1;
	w.env = bh_node_get(root, "variables");
	for (size_t i = 0; i < root->map.n; i++) {
		const struct bh_pair *p = &root->map.pairs[i];
		const char *k = bh_node_str(p->key);

		if (!k || k[0] == '.' || reserved_key(k) || !bh_node_is_map(p->value))
			continue;
		if ((err = build_gitlab_job(&b, p, diag)))
			return err;
	}
	if (bh_node_get(root, "include") && (err = include_jobs(&b, bh_node_get(root, "include"))))
		return err;
	for (size_t i = 0; i < w.njobs; i++)
		w.does |= w.jobs[i].does;
	if ((err = gitlab_order(&b, diag)))
		return err;
	*out = w;
	return BH_OK;
}
