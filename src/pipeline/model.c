/*
 * The workflow model: a workflow or action document turned into triggers, permissions, jobs
 * and steps, each step tagged with what it does (BH_CI_* flags) as recognised from its action
 * and inputs (recognise.c reads the commands of run: scripts).
 *
 * The model keeps pointers into the document tree; it lives in the scan's arena. A malformed
 * workflow (jobs that are not mappings, steps that are not a list) is modelled as far as it
 * makes sense and never rejected: GitHub itself reports those, and the rules judge the rest.
 */
#define _GNU_SOURCE
#include "pipeline.h"

#include <stdint.h>
#include <string.h>

#include "core/banned.h"
#include "core/limits.h"
#include "core/scan.h"
#include "recognise.h"

int bh_ci_doc_kind(const struct bh_node *root)
{
	const struct bh_node *runs;

	if (!bh_node_is_map(root))
		return 0;
	/* YAML 1.1 loaders read the key `on` as the boolean true; accept both spellings. */
	if ((bh_node_get(root, "on") || bh_node_get(root, "true")) &&
	    bh_node_is_map(bh_node_get(root, "jobs")))
		return 1;
	runs = bh_node_get(root, "runs");
	if (bh_node_is_map(runs) && bh_node_str(bh_node_get(runs, "using")))
		return 2;
	return 0;
}

void bh_ci_locate(struct bh_arena *a, struct bh_source *src, const struct bh_node *n,
		  const char *str, size_t off, size_t len, unsigned *line, unsigned *col,
		  unsigned *end_col)
{
	size_t nth = 0;

	*line = n->line;
	*col = n->col;
	*end_col = n->line == n->end_line ? n->end_col : n->col + 1;
	if (!src || !str || len == 0)
		return;
	/* Which occurrence of the text this is, counting from the value's start. */
	for (size_t p = 0; p < off;) {
		const char *q = memmem(str + p, off + len - p, str + off, len);

		if (!q || q >= str + off)
			break;
		nth++;
		p = (size_t)(q - str) + 1;
	}
	for (unsigned l = n->line; l <= n->end_line; l++) {
		size_t ll;
		const char *t = bh_source_line(src, a, l, &ll);
		size_t from = l == n->line && n->col > 0 ? n->col - 1 : 0;

		if (!t)
			return;
		while (from + len <= ll) {
			const char *q = memmem(t + from, ll - from, str + off, len);

			if (!q)
				break;
			if (nth == 0) {
				*line = l;
				*col = (unsigned)(q - t) + 1;
				*end_col = *col + (unsigned)len;
				return;
			}
			nth--;
			from = (size_t)(q - t) + 1;
		}
	}
}

const struct bh_node *bh_ci_env_lookup(const struct bh_ci_workflow *w, const struct bh_ci_job *j,
				       const struct bh_ci_step *s, const char *name)
{
	const struct bh_node *v;

	if (s && (v = bh_node_get(s->env, name)))
		return v;
	if (j && (v = bh_node_get(j->env, name)))
		return v;
	return w ? bh_node_get(w->env, name) : NULL;
}

static unsigned event_bit(const char *e)
{
	static const struct {
		const char *name;
		unsigned bit;
	} events[] = {
		{ "push", BH_CI_ON_PUSH },
		{ "pull_request", BH_CI_ON_PR },
		{ "pull_request_target", BH_CI_ON_PR_TARGET },
		{ "workflow_run", BH_CI_ON_WORKFLOW_RUN },
		{ "issue_comment", BH_CI_ON_ISSUE_COMMENT },
		{ "workflow_call", BH_CI_ON_WORKFLOW_CALL },
		{ "pull_request_review", BH_CI_ON_PR_REVIEW },
		{ "pull_request_review_comment", BH_CI_ON_PR_REVIEW },
	};

	for (size_t i = 0; i < sizeof(events) / sizeof(*events); i++)
		if (strcmp(e, events[i].name) == 0)
			return events[i].bit;
	return BH_CI_ON_OTHER;
}

/* on: push | on: [push, pull_request] | on: {push: {...}, ...} */
static unsigned triggers_of(const struct bh_node *on)
{
	unsigned t = 0;

	if (bh_node_is_scalar(on))
		return bh_node_str(on) ? event_bit(bh_node_str(on)) : 0;
	if (bh_node_is_seq(on)) {
		for (size_t i = 0; i < on->seq.n; i++)
			if (bh_node_str(on->seq.items[i]))
				t |= event_bit(bh_node_str(on->seq.items[i]));
	} else if (bh_node_is_map(on)) {
		for (size_t i = 0; i < on->map.n; i++)
			if (bh_node_str(on->map.pairs[i].key))
				t |= event_bit(bh_node_str(on->map.pairs[i].key));
	}
	return t;
}

static const char *shell_default(const struct bh_node *owner)
{
	return bh_node_str(bh_node_path(owner, "defaults.run.shell"));
}

static bh_err build_step(struct bh_arena *a, const struct bh_ci_workflow *w,
			 const struct bh_ci_job *j, const struct bh_node *n, size_t idx,
			 struct bh_ci_step *st, struct bh_diag *diag)
{
	const char *name = bh_node_str(bh_node_get(n, "name"));
	const char *id = bh_node_str(bh_node_get(n, "id"));

	st->node = n;
	st->index = idx;
	st->uses = bh_node_get(n, "uses");
	if (!bh_node_str(st->uses))
		st->uses = NULL;
	st->run = bh_node_get(n, "run");
	if (!bh_node_str(st->run))
		st->run = NULL;
	st->with = bh_node_get(n, "with");
	st->env = bh_node_get(n, "env");
	st->if_ = bh_node_get(n, "if");
	st->coe = bh_node_get(n, "continue-on-error");
	st->shell = bh_node_get(n, "shell");
	if (name)
		st->label = name;
	else if (id)
		st->label = id;
	else if (st->uses)
		st->label = bh_node_str(st->uses);
	else if (st->run) {
		/* As GitHub names an unnamed step in its log: "Run" and the script's first line. */
		const char *r = bh_node_str(st->run);
		size_t first = strcspn(r, "\n");

		st->label = first > 48 ? bh_arena_printf(a, "Run %.45s...", r)
				       : bh_arena_printf(a, "Run %.*s", (int)first, r);
	} else
		st->label = bh_arena_printf(a, "step %zu", idx + 1);
	if (!st->label)
		return BH_ERR_NOMEM;
	if (st->uses) {
		const char *u = bh_node_str(st->uses);
		const char *at = strrchr(u, '@');
		char *act = bh_arena_strndup(a, u, at ? (size_t)(at - u) : strlen(u));

		if (!act)
			return BH_ERR_NOMEM;
		for (char *p = act; *p; p++)
			if (*p >= 'A' && *p <= 'Z')
				*p = (char)(*p - 'A' + 'a');
		st->action = act;
		st->ref = at ? at + 1 : NULL;
	}
	return bh_ci_recognise_step(a, w, j, st, diag);
}

static bh_err build_job(struct bh_arena *a, struct bh_ci_workflow *w, const struct bh_node *key,
			const struct bh_node *n, struct bh_ci_job *j, struct bh_diag *diag)
{
	const struct bh_node *steps;
	bh_err err;

	j->key = key;
	j->node = n;
	j->id = bh_node_str(key) ? bh_node_str(key) : "?";
	j->ref = bh_arena_printf(a, "jobs.%s", j->id);
	if (!j->ref)
		return BH_ERR_NOMEM;
	if (!bh_node_is_map(n))
		return BH_OK;
	j->runs_on = bh_node_get(n, "runs-on");
	j->needs = bh_node_get(n, "needs");
	j->if_ = bh_node_get(n, "if");
	j->permissions = bh_node_get(n, "permissions");
	j->env = bh_node_get(n, "env");
	j->uses = bh_node_get(n, "uses");
	j->secrets = bh_node_get(n, "secrets");
	j->coe = bh_node_get(n, "continue-on-error");
	j->container = bh_node_get(n, "container");
	j->services = bh_node_get(n, "services");
	/* SLSA's container generator signs the image's provenance with the job's OIDC token. */
	if (bh_node_str(j->uses) && strstr(bh_node_str(j->uses), "generator_container_slsa3"))
		j->does |= BH_CI_SIGN | BH_CI_OIDC;
	j->shell = shell_default(n);
	if (!j->shell)
		j->shell = shell_default(w->root);
	steps = bh_node_get(n, "steps");
	if (!bh_node_is_seq(steps))
		return BH_OK;
	if (steps->seq.n > BH_LIMIT_CI_STEPS)
		return bh_diag_set(diag, BH_ERR_LIMIT, w->file, steps->line, steps->col,
				   "job '%s' has %zu steps, more than the limit of %u", j->id,
				   steps->seq.n, (unsigned)BH_LIMIT_CI_STEPS);
	j->steps = bh_arena_alloc(a, (steps->seq.n ? steps->seq.n : 1) * sizeof(*j->steps));
	if (!j->steps)
		return BH_ERR_NOMEM;
	for (size_t i = 0; i < steps->seq.n; i++) {
		if (!bh_node_is_map(steps->seq.items[i]))
			continue;
		err = build_step(a, w, j, steps->seq.items[i], i, &j->steps[j->nsteps], diag);
		if (err)
			return err;
		j->does |= j->steps[j->nsteps].does;
		j->nsteps++;
	}
	return BH_OK;
}

static size_t job_index(const struct bh_ci_workflow *w, const char *id)
{
	for (size_t i = 0; i < w->njobs; i++)
		if (strcmp(w->jobs[i].id, id) == 0)
			return i;
	return (size_t)-1;
}

/*
 * Depth-first over needs with one bitset per job: a job's set is the union of its needs and
 * their sets. Cost O(edges * jobs / 64), so even a hostile workflow where every job needs every
 * other stays cheap. A cycle (GitHub rejects them) just stops the walk.
 */
static void close_job(const struct bh_ci_workflow *w, size_t i, uint64_t *bits, size_t words,
		      unsigned char *state)
{
	uint64_t *mine = bits + i * words;

	state[i] = 1;
	for (size_t e = 0; e < w->jobs[i].nneeds; e++) {
		size_t k = w->jobs[i].needs_idx[e];

		if (!state[k])
			close_job(w, k, bits, words, state);
		mine[k / 64] |= (uint64_t)1 << (k % 64);
		if (state[k] == 2)
			for (size_t x = 0; x < words; x++)
				mine[x] |= bits[k * words + x];
	}
	state[i] = 2;
}

bh_err bh_ci_order_close(struct bh_arena *a, struct bh_ci_workflow *w)
{
	size_t n = w->njobs, words = (n + 63) / 64;
	uint64_t *bits;
	unsigned char *state;

	if (!n)
		return BH_OK;
	bits = bh_arena_alloc(a, n * words * sizeof(*bits));
	state = bh_arena_alloc(a, n);
	if (!bits || !state)
		return BH_ERR_NOMEM;
	for (size_t i = 0; i < n; i++)
		if (!state[i])
			close_job(w, i, bits, words, state);
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < n; k++)
			w->jobs[i].before[k] = (bits[i * words + k / 64] >> (k % 64)) & 1;
	return BH_OK;
}

/* Resolve needs and compute, per job, which jobs finish before it starts. */
static bh_err order_jobs(struct bh_arena *a, struct bh_ci_workflow *w, struct bh_diag *diag)
{
	size_t n = w->njobs, edges = 0;

	for (size_t i = 0; i < n; i++) {
		struct bh_ci_job *j = &w->jobs[i];
		const struct bh_node *nd = j->needs;
		size_t cnt = bh_node_is_seq(nd) ? nd->seq.n : (bh_node_str(nd) ? 1 : 0);

		edges += cnt;
		if (edges > BH_LIMIT_CI_NEEDS)
			return bh_diag_set(
				diag, BH_ERR_LIMIT, w->file, nd->line, nd->col,
				"the workflow's needs: lists exceed the limit of %u entries",
				(unsigned)BH_LIMIT_CI_NEEDS);
		j->before = bh_arena_alloc(a, n ? n : 1);
		j->needs_idx = bh_arena_alloc(a, (cnt ? cnt : 1) * sizeof(size_t));
		if (!j->before || !j->needs_idx)
			return BH_ERR_NOMEM;
		for (size_t k = 0; k < cnt; k++) {
			const char *id = bh_node_str(bh_node_is_seq(nd) ? nd->seq.items[k] : nd);
			size_t x = id ? job_index(w, id) : (size_t)-1;

			if (x != (size_t)-1 && x != i)
				j->needs_idx[j->nneeds++] = x;
		}
	}
	return bh_ci_order_close(a, w);
}

bh_err bh_ci_model(struct bh_arena *a, const char *file, struct bh_source *src,
		   const struct bh_doc *doc, struct bh_ci_workflow *out, struct bh_diag *diag)
{
	struct bh_ci_workflow w = { 0 };
	const struct bh_node *root = doc->root, *jobs;
	bh_err err;

	w.file = file;
	w.doc = doc;
	w.src = src;
	w.root = root;
	w.is_action = bh_ci_doc_kind(root) == 2;
	w.permissions = bh_node_get(root, "permissions");
	w.env = bh_node_get(root, "env");
	if (w.is_action) {
		/* An action is modelled as one job whose steps are runs.steps (composite). */
		w.jobs = bh_arena_alloc(a, sizeof(*w.jobs));
		if (!w.jobs)
			return BH_ERR_NOMEM;
		w.njobs = 1;
		err = build_job(a, &w, NULL, bh_node_get(root, "runs"), &w.jobs[0], diag);
		if (err)
			return err;
		w.jobs[0].id = "runs";
		w.jobs[0].ref = "runs";
		w.jobs[0].runs_on = NULL;
		w.jobs[0].env = NULL;
		w.does = w.jobs[0].does;
		err = order_jobs(a, &w, diag);
		if (!err)
			*out = w;
		return err;
	}
	w.on = bh_node_get(root, "on");
	if (!w.on)
		w.on = bh_node_get(root, "true");
	w.triggers = triggers_of(w.on);
	jobs = bh_node_get(root, "jobs");
	if (jobs->map.n > BH_LIMIT_CI_JOBS)
		return bh_diag_set(diag, BH_ERR_LIMIT, file, jobs->line, jobs->col,
				   "workflow has %zu jobs, more than the limit of %u", jobs->map.n,
				   (unsigned)BH_LIMIT_CI_JOBS);
	w.jobs = bh_arena_alloc(a, (jobs->map.n ? jobs->map.n : 1) * sizeof(*w.jobs));
	if (!w.jobs)
		return BH_ERR_NOMEM;
	for (size_t i = 0; i < jobs->map.n; i++) {
		err = build_job(a, &w, jobs->map.pairs[i].key, jobs->map.pairs[i].value,
				&w.jobs[w.njobs], diag);
		if (err)
			return err;
		w.does |= w.jobs[w.njobs].does;
		w.njobs++;
	}
	err = order_jobs(a, &w, diag);
	if (!err)
		*out = w;
	return err;
}
