/*
 * The CI/CD layer's registration with the scan driver. Workflows and actions are claimed by
 * content (a mapping with `on` and `jobs`, or with `runs.using`), GitLab CI files by name or
 * shape (gitlab.c), modelled as they arrive and
 * judged in finish(), when every workflow of the scan is known: a secret scan in a sibling
 * workflow satisfies CI-005, and a job that calls a local reusable workflow counts as doing
 * what that workflow does.
 */
#include "pipeline.h"

#include <string.h>

#include "core/banned.h"
#include "core/scan.h"

struct ci_state {
	struct bh_ci_workflow *wfs;
	size_t n, cap;
};

static int claims_doc(const char *path, const struct bh_doc *doc)
{
	return bh_ci_doc_kind(doc->root) != 0 || bh_ci_gitlab_doc(path, doc->root);
}

static const char *dir_of(struct bh_arena *a, const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? bh_arena_strndup(a, path, (size_t)(s - path)) : "";
}

static bh_err scan_doc(struct bh_scan *s, const struct bh_input *in, const struct bh_doc *doc,
		       struct bh_diag *diag)
{
	struct ci_state *st = s->layer_state[BH_LAYER_CI];
	struct bh_ci_workflow w;
	bh_err err;

	if (!st) {
		st = bh_arena_alloc(&s->arena, sizeof(*st));
		if (!st)
			return BH_ERR_NOMEM;
		s->layer_state[BH_LAYER_CI] = st;
	}
	if (bh_ci_doc_kind(doc->root))
		err = bh_ci_model(&s->arena, in->path, in->src, doc, &w, diag);
	else
		err = bh_ci_gitlab_model(&s->arena, in->path, in->src, doc, &w, diag);
	if (err)
		return err;
	w.dir = dir_of(&s->arena, in->path);
	if (!w.dir)
		return BH_ERR_NOMEM;
	if (st->n == st->cap) {
		size_t ncap = st->cap ? st->cap * 2 : 16;
		struct bh_ci_workflow *p = bh_arena_realloc(
			&s->arena, st->wfs, st->cap * sizeof(*p), ncap * sizeof(*p));

		if (!p)
			return BH_ERR_NOMEM;
		st->wfs = p;
		st->cap = ncap;
	}
	st->wfs[st->n++] = w;
	return BH_OK;
}

/* The local workflow a `uses: ./.github/workflows/x.yml` names, among the scanned ones. */
static const struct bh_ci_workflow *callee(const struct ci_state *st,
					   const struct bh_ci_workflow *caller, const char *uses)
{
	const char *base = strrchr(uses, '/');

	if (uses[0] != '.' || !base)
		return NULL;
	for (size_t i = 0; i < st->n; i++) {
		const struct bh_ci_workflow *w = &st->wfs[i];
		size_t fl = strlen(w->file), bl = strlen(base);

		if (w->is_action || w->gitlab || strcmp(w->dir, caller->dir) != 0 || fl < bl ||
		    strcmp(w->file + fl - bl, base) != 0)
			continue;
		return w;
	}
	return NULL;
}

/*
 * The action.yml a step's `uses: ./path` names, among the scanned ones: paths are relative to the
 * repository root, the directory holding .github/workflows/.
 */
static const struct bh_ci_workflow *
local_action(const struct ci_state *st, const struct bh_ci_workflow *caller, const char *uses)
{
	const char *gh = strstr(caller->file, ".github/workflows/");
	size_t rootlen;
	const char *rel = uses + 2;

	if (strncmp(uses, "./", 2) != 0 || !gh || (gh != caller->file && gh[-1] != '/'))
		return NULL;
	rootlen = (size_t)(gh - caller->file);
	while (*rel == '/')
		rel++;
	for (size_t i = 0; i < st->n; i++) {
		const struct bh_ci_workflow *w = &st->wfs[i];
		const char *f = w->file;
		size_t rl = strlen(rel);

		if (!w->is_action || strncmp(f, caller->file, rootlen) != 0)
			continue;
		f += rootlen;
		if (strncmp(f, rel, rl) == 0 && f[rl] == '/' &&
		    (!strcmp(f + rl + 1, "action.yml") || !strcmp(f + rl + 1, "action.yaml")))
			return w;
	}
	return NULL;
}

static bh_err finish(struct bh_scan *s, struct bh_diag *diag)
{
	struct ci_state *st = s->layer_state[BH_LAYER_CI];

	if (!st)
		return BH_OK;
	/* Local composite actions: the step does what the action's steps do. */
	for (size_t i = 0; i < st->n; i++) {
		struct bh_ci_workflow *w = &st->wfs[i];

		if (w->is_action || w->gitlab)
			continue;
		for (size_t j = 0; j < w->njobs; j++) {
			struct bh_ci_job *jb = &w->jobs[j];

			for (size_t k = 0; k < jb->nsteps; k++) {
				struct bh_ci_step *sp = &jb->steps[k];
				const struct bh_ci_workflow *act;

				if (!sp->uses ||
				    !(act = local_action(st, w, bh_node_str(sp->uses))))
					continue;
				sp->does |=
					act->does & ~(BH_CI_CHECKOUT | BH_CI_PR_HEAD | BH_CI_THIRD);
				jb->does |= sp->does;
			}
			w->does |= jb->does;
		}
	}
	/* Local reusable workflows: the calling job does what its callee does. */
	for (size_t i = 0; i < st->n; i++) {
		struct bh_ci_workflow *w = &st->wfs[i];

		for (size_t j = 0; j < w->njobs; j++) {
			struct bh_ci_job *jb = &w->jobs[j];
			const struct bh_ci_workflow *c;

			if (!bh_node_str(jb->uses) || !(c = callee(st, w, bh_node_str(jb->uses))))
				continue;
			/*
			 * The callee's gates count for the caller; its builds do not, since the
			 * callee is judged on its own and would otherwise be reported twice.
			 */
			jb->does |= c->does & ~(BH_CI_CHECKOUT | BH_CI_PR_HEAD | BH_CI_THIRD |
						BH_CI_BUILD | BH_CI_PUSH);
			w->does |= jb->does;
		}
	}
	/* A secret scan anywhere in a directory of workflows covers its siblings. */
	for (size_t i = 0; i < st->n; i++) {
		if (!(st->wfs[i].does & BH_CI_SECRETS))
			continue;
		for (size_t k = 0; k < st->n; k++)
			if (strcmp(st->wfs[k].dir, st->wfs[i].dir) == 0)
				st->wfs[k].dir_secret_scan = 1;
	}
	for (size_t i = 0; i < st->n; i++) {
		struct bh_ctx ctx = { .scan = s, .file = st->wfs[i].file };

		bh_ci_check(&ctx, &st->wfs[i]);
	}
	return BH_OK;
}

const struct bh_layer_ops bh_pipeline_layer = {
	.name = "pipeline",
	.layer = BH_LAYER_CI,
	.claims_doc = claims_doc,
	.scan_doc = scan_doc,
	.finish = finish,
};
