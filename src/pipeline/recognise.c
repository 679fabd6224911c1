/*
 * What a step does to a container image, from its action and inputs or from its commands.
 *
 * Actions are matched by name (owner/repo[/path], case-insensitive) against the table below,
 * with the inputs that change their meaning (trivy-action's exit-code and severity,
 * build-push-action's push). Scripts are split into simple commands (shell.c) and each
 * command's tool recognised after stripping what only wraps it: VAR=x, sudo, env, xargs,
 * `go run pkg`, and `docker run IMAGE` of a scanner image. A vulnerability scan counts as a gate
 * only when it can fail the step: `|| true`, `set +e`, a pipe without pipefail, exit code 0 or
 * continue-on-error make it a soft scan, and the rules say why it does not count.
 */
#define _GNU_SOURCE
#include "recognise.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "core/banned.h"
#include "core/scan.h"

struct rc {
	struct bh_arena *a;
	const struct bh_ci_workflow *w;
	const struct bh_ci_job *j;
	struct bh_ci_step *st;
	/* the current command's findings */
	int vuln; /* 0 none, 1 blocking, 2 soft */
	int nohigh;
	const char *vuln_msg;
	bh_err err;
};

static const char *basename_of(const char *w)
{
	const char *s = strrchr(w, '/');

	return s ? s + 1 : w;
}

/* Whether a comma/space separated list holds item (case-insensitive); expressions count. */
static int list_has(const char *list, const char *item)
{
	size_t n = strlen(item);

	if (strstr(list, "${{"))
		return 1;
	for (const char *p = list; *p;) {
		while (*p == ',' || *p == ' ' || *p == '\'' || *p == '"' || *p == '[')
			p++;
		if (strncasecmp(p, item, n) == 0 && !isalnum((unsigned char)p[n]))
			return 1;
		while (*p && *p != ',' && *p != ' ')
			p++;
	}
	return 0;
}

/*
 * The value of option name in c->argv[from..]: "--name value" or "--name=value". Returns 1
 * when present (*val NULL when it ends the command).
 */
static int opt(const struct bh_ci_cmd *c, size_t from, const char *name, const char **val)
{
	size_t n = strlen(name);

	for (size_t i = from; i < c->argc; i++) {
		const char *w = c->argv[i];

		if (strcmp(w, name) == 0) {
			*val = i + 1 < c->argc ? c->argv[i + 1] : NULL;
			return 1;
		}
		if (strncmp(w, name, n) == 0 && w[n] == '=') {
			*val = w + n + 1;
			return 1;
		}
	}
	return 0;
}

static int opt2(const struct bh_ci_cmd *c, size_t from, const char *a, const char *b,
		const char **val)
{
	return opt(c, from, a, val) || (b && opt(c, from, b, val));
}

/* A boolean flag: "--push", "--push=true"; "--push=false" is absent. */
static int flag(const struct bh_ci_cmd *c, size_t from, const char *name)
{
	size_t n = strlen(name);

	for (size_t i = from; i < c->argc; i++) {
		const char *w = c->argv[i];

		if (strcmp(w, name) == 0)
			return 1;
		if (strncmp(w, name, n) == 0 && w[n] == '=')
			return strcasecmp(w + n + 1, "false") != 0 && strcmp(w + n + 1, "0") != 0;
	}
	return 0;
}

static int any_word(const struct bh_ci_cmd *c, size_t from, const char *needle)
{
	for (size_t i = from; i < c->argc; i++)
		if (strcasestr(c->argv[i], needle))
			return 1;
	return 0;
}

/* The first word at or after from that is not an option (a subcommand). */
static size_t subcmd(const struct bh_ci_cmd *c, size_t from)
{
	while (from < c->argc && c->argv[from][0] == '-')
		from++;
	return from;
}

static int sub_is(const struct bh_ci_cmd *c, size_t i, const char *s)
{
	return i < c->argc && strcmp(c->argv[i], s) == 0;
}

static const char *env_str(struct rc *r, const char *name)
{
	return bh_node_str(bh_ci_env_lookup(r->w, r->j, r->st, name));
}

static void vuln_result(struct rc *r, int blocking, const char *sev_or_null, const char *msg)
{
	r->vuln = blocking ? 1 : 2;
	r->vuln_msg = msg;
	if (blocking && sev_or_null && !list_has(sev_or_null, "CRITICAL")) {
		r->vuln = 2;
		r->vuln_msg =
			"its severity list leaves out CRITICAL, so critical vulnerabilities do not fail it";
	} else if (blocking && sev_or_null && !list_has(sev_or_null, "HIGH")) {
		r->nohigh = 1;
	}
}

static void add_key(struct rc *r, const char *val)
{
	struct bh_ci_step *st = r->st;
	struct bh_ci_key *k;
	const char *run = bh_node_str(st->run);
	const char *at;

	if (!val || !run)
		return;
	k = bh_arena_realloc(r->a, st->keys, st->nkeys * sizeof(*k), (st->nkeys + 1) * sizeof(*k));
	if (!k) {
		r->err = BH_ERR_NOMEM;
		return;
	}
	st->keys = k;
	k = &st->keys[st->nkeys++];
	k->value = val;
	at = strstr(run, val);
	if (at)
		bh_ci_locate(r->a, r->w->src, st->run, run, (size_t)(at - run), strlen(val),
			     &k->line, &k->col, &k->end_col);
	else
		bh_ci_locate(r->a, r->w->src, st->run, run, 0, 0, &k->line, &k->col, &k->end_col);
}

static int sbom_type(const char *t)
{
	return t && (strcasestr(t, "spdx") || strcasestr(t, "cyclonedx") || strcasestr(t, "sbom") ||
		     strcasestr(t, "cdx"));
}

/* ---- tools ---- */

/* Why a scan of the source tree is not the image's gate. */
#define SOURCE_SCAN \
	"it scans the source tree, not the built image, so the base image's packages are never checked"

static void tool_trivy(struct rc *r, const struct bh_ci_cmd *c, size_t t)
{
	size_t s = subcmd(c, t + 1);
	const char *sub = s < c->argc ? c->argv[s] : "", *fmt = NULL, *sc = NULL, *exit = NULL,
		   *sev = NULL, *cfg = NULL;
	int fs;

	/* rootfs is an image's extracted filesystem; fs and repo are the source tree. */
	if (!strcmp(sub, "image") || !strcmp(sub, "i") || !strcmp(sub, "sbom") ||
	    !strcmp(sub, "rootfs"))
		fs = 0;
	else if (!strcmp(sub, "fs") || !strcmp(sub, "filesystem") || !strcmp(sub, "repo") ||
		 !strcmp(sub, "repository"))
		fs = 1;
	else
		return;
	opt2(c, s, "--format", "-f", &fmt);
	if (fmt && (strcasestr(fmt, "spdx") || strcasestr(fmt, "cyclonedx"))) {
		r->st->does |= BH_CI_SBOM;
		return;
	}
	if (!opt(c, s, "--scanners", &sc))
		opt(c, s, "--security-checks", &sc);
	if (!sc)
		sc = env_str(r, "TRIVY_SCANNERS");
	if (fs && (!sc || list_has(sc, "secret")))
		r->st->does |= BH_CI_SECRETS;
	if (sc && !list_has(sc, "vuln"))
		return;
	if (!opt(c, s, "--exit-code", &exit))
		exit = env_str(r, "TRIVY_EXIT_CODE");
	if (!opt2(c, s, "--severity", "-s", &sev))
		sev = env_str(r, "TRIVY_SEVERITY");
	opt2(c, s, "--config", "-c", &cfg);
	if (fs)
		vuln_result(r, 0, NULL, SOURCE_SCAN);
	else if (!exit && cfg)
		vuln_result(r, 1, sev, NULL); /* the config file may set exit-code */
	else if (!exit)
		vuln_result(r, 0, NULL,
			    "trivy runs without --exit-code, so it exits 0 whatever it finds");
	else if (strcmp(exit, "0") == 0)
		vuln_result(r, 0, NULL, "trivy runs with --exit-code 0, so it never fails the job");
	else
		vuln_result(r, 1, sev, NULL);
}

static void tool_grype(struct rc *r, const struct bh_ci_cmd *c, size_t t)
{
	size_t s = subcmd(c, t + 1);
	const char *sub = s < c->argc ? c->argv[s] : "", *fail = NULL;
	static const char *const not_scan[] = { "db",	   "version", "completion", "config",
						"explain", "help",    "login" };

	for (size_t i = 0; i < sizeof(not_scan) / sizeof(*not_scan); i++)
		if (strcmp(sub, not_scan[i]) == 0)
			return;
	if (!strncmp(sub, "dir:", 4) || !strcmp(sub, ".") || !strncmp(sub, "file:", 5)) {
		vuln_result(r, 0, NULL, SOURCE_SCAN);
		return;
	}
	if (!opt2(c, t + 1, "--fail-on", "-f", &fail))
		fail = env_str(r, "GRYPE_FAIL_ON_SEVERITY");
	if (!fail) {
		vuln_result(r, 0, NULL,
			    "grype runs without --fail-on, so it exits 0 whatever it finds");
		return;
	}
	vuln_result(r, 1, NULL, NULL);
	if (strcasecmp(fail, "critical") == 0)
		r->nohigh = 1;
}

static void tool_bulkhead(struct rc *r, const struct bh_ci_cmd *c, size_t t)
{
	size_t s = subcmd(c, t + 1);
	const char *sub = s < c->argc ? c->argv[s] : "", *fail = NULL, *v = NULL;

	if (!strcmp(sub, "vuln") || !strcmp(sub, "gate")) {
		if (!strcmp(sub, "gate"))
			r->st->does |= BH_CI_SECRETS;
		/* bulkhead fails on high and above unless told otherwise. */
		if (opt(c, s, "--fail-on", &fail) && fail && !strcasecmp(fail, "none"))
			vuln_result(r, 0, NULL,
				    "bulkhead runs with --fail-on none, so it never fails the job");
		else
			vuln_result(r, 1, NULL, NULL);
		if (fail && !strcasecmp(fail, "critical"))
			r->nohigh = 1;
	} else if (!strcmp(sub, "secrets")) {
		r->st->does |= BH_CI_SECRETS;
	} else if (!strcmp(sub, "sign")) {
		/* --payload signs a blob, as cosign sign-blob does; it does not sign the image. */
		r->st->does |= opt(c, s, "--payload", &v) ? BH_CI_SIGN_BLOB : BH_CI_SIGN;
		if (opt(c, s, "--key", &v))
			add_key(r, v);
	} else if (!strcmp(sub, "attest")) {
		if (opt(c, s, "--key", &v))
			add_key(r, v);
		/* --blob attests a file (cosign attest-blob), not the image. */
		if (opt(c, s, "--blob", &v))
			r->st->does |= BH_CI_SIGN_BLOB;
		else if (any_word(c, s, "spdx") || any_word(c, s, "cyclonedx") ||
			 any_word(c, s, "sbom"))
			r->st->does |= BH_CI_SBOM | BH_CI_SBOM_ATTEST;
		else
			r->st->does |= BH_CI_SIGN_BLOB;
	} else if (!strcmp(sub, "image") && opt(c, s, "--sbom", &v)) {
		r->st->does |= BH_CI_SBOM;
	}
}

static void tool_cosign(struct rc *r, const struct bh_ci_cmd *c, size_t t)
{
	size_t s = subcmd(c, t + 1);
	const char *sub = s < c->argc ? c->argv[s] : "", *key = NULL, *type = NULL, *pred = NULL;
	int has_key = opt(c, s, "--key", &key) || opt(c, s, "-key", &key);

	if (!strcmp(sub, "sign")) {
		r->st->does |= BH_CI_SIGN;
	} else if (!strcmp(sub, "attest")) {
		opt(c, s, "--type", &type);
		opt(c, s, "--predicate", &pred);
		if (sbom_type(type) || (!type && sbom_type(pred)))
			r->st->does |= BH_CI_SBOM | BH_CI_SBOM_ATTEST;
		else
			r->st->does |= BH_CI_SIGN_BLOB;
	} else if (!strcmp(sub, "sign-blob") || !strcmp(sub, "attest-blob")) {
		r->st->does |= BH_CI_SIGN_BLOB;
	} else if (!strcmp(sub, "attach") && sub_is(c, s + 1, "sbom")) {
		r->st->does |= BH_CI_SBOM;
		return;
	} else {
		return;
	}
	if (has_key)
		add_key(r, key);
	else
		r->st->does |= BH_CI_OIDC; /* keyless: Fulcio needs the job's OIDC token */
}

static void tool_syft(struct rc *r, const struct bh_ci_cmd *c, size_t t)
{
	size_t s = subcmd(c, t + 1);
	const char *sub = s < c->argc ? c->argv[s] : "";
	static const char *const not_sbom[] = { "version", "login",	"completion",
						"config",  "cataloger", "help" };

	for (size_t i = 0; i < sizeof(not_sbom) / sizeof(*not_sbom); i++)
		if (strcmp(sub, not_sbom[i]) == 0)
			return;
	r->st->does |= BH_CI_SBOM;
	if (!strcmp(sub, "attest"))
		r->st->does |= BH_CI_SBOM_ATTEST | BH_CI_OIDC;
}

/* Whether BuildKit outputs name an image (rather than local files or a tarball). */
static int image_output(const char *out)
{
	return out &&
	       (strstr(out, "type=image") || strstr(out, "type=registry") ||
		strstr(out, "type=docker") || strstr(out, "type=oci") || strstr(out, "push=true"));
}

/* docker, podman, nerdctl: builds, pushes, scout, sbom. */
static void tool_docker(struct rc *r, const struct bh_ci_cmd *c, size_t t)
{
	static const char *const global_val[] = { "--config", "-c",	     "--context", "-H",
						  "--host",   "--log-level", "-l" };
	size_t s = t + 1;
	const char *sub, *sub2, *o = NULL;

	while (s < c->argc && c->argv[s][0] == '-') {
		int val = 0;

		for (size_t k = 0; k < sizeof(global_val) / sizeof(*global_val); k++)
			val |= strcmp(c->argv[s], global_val[k]) == 0;
		s += val ? 2 : 1;
	}
	if (s >= c->argc)
		return;
	sub = c->argv[s];
	sub2 = s + 1 < c->argc ? c->argv[s + 1] : "";
	if (!strcmp(sub, "image") || !strcmp(sub, "buildx") || !strcmp(sub, "builder") ||
	    !strcmp(sub, "manifest") || !strcmp(sub, "compose")) {
		if (!strcmp(sub, "buildx") && !strcmp(sub2, "imagetools")) {
			if (sub_is(c, s + 2, "create"))
				r->st->does |= BH_CI_PUSH;
			return;
		}
		if (!strcmp(sub, "buildx") && !strcmp(sub2, "bake")) {
			r->st->does |= BH_CI_BUILD;
			if (flag(c, s, "--push"))
				r->st->does |= BH_CI_PUSH;
			return;
		}
		s++;
		sub = sub2;
	}
	if (!strcmp(sub, "build")) {
		int has_out = opt2(c, s, "--output", "-o", &o) && o;

		/* --output type=local or a plain path builds files, not an image. */
		if (has_out && !image_output(o) && !flag(c, s, "--push") && !flag(c, s, "--load"))
			return;
		r->st->does |= BH_CI_BUILD;
		if (flag(c, s, "--push") ||
		    (has_out && (strstr(o, "type=registry") || strstr(o, "push=true"))))
			r->st->does |= BH_CI_PUSH;
		if (flag(c, s, "--sbom"))
			r->st->does |= BH_CI_SBOM;
	} else if (!strcmp(sub, "push")) {
		r->st->does |= BH_CI_PUSH;
	} else if (!strcmp(sub, "sbom")) {
		r->st->does |= BH_CI_SBOM;
	} else if (!strcmp(sub, "scout")) {
		const char *only = NULL;

		if (!sub_is(c, s + 1, "cves"))
			return;
		opt(c, s, "--only-severity", &only);
		if (flag(c, s, "--exit-code") || flag(c, s, "-e"))
			vuln_result(r, 1, only, NULL);
		else
			vuln_result(
				r, 0, NULL,
				"docker scout cves runs without --exit-code, so it exits 0 whatever it finds");
	}
}

static void tool_buildah(struct rc *r, const struct bh_ci_cmd *c, size_t t)
{
	size_t s = subcmd(c, t + 1);
	const char *sub = s < c->argc ? c->argv[s] : "";

	if (!strcmp(sub, "bud") || !strcmp(sub, "build") || !strcmp(sub, "build-using-dockerfile"))
		r->st->does |= BH_CI_BUILD;
	else if (!strcmp(sub, "push") || (!strcmp(sub, "manifest") && sub_is(c, s + 1, "push")))
		r->st->does |= BH_CI_PUSH;
}

static void tool_kaniko(struct rc *r, const struct bh_ci_cmd *c, size_t t)
{
	r->st->does |= BH_CI_BUILD;
	if (!flag(c, t + 1, "--no-push"))
		r->st->does |= BH_CI_PUSH;
}

static void tool_ko(struct rc *r, const struct bh_ci_cmd *c, size_t t)
{
	size_t s = subcmd(c, t + 1);
	const char *sub = s < c->argc ? c->argv[s] : "", *push = NULL;
	static const char *const builds[] = { "build", "publish", "resolve",
					      "apply", "create",  "run" };
	int is_build = 0;

	for (size_t i = 0; i < sizeof(builds) / sizeof(*builds); i++)
		is_build |= strcmp(sub, builds[i]) == 0;
	if (!is_build)
		return;
	r->st->does |= BH_CI_BUILD;
	if (!flag(c, s, "--local") && !flag(c, s, "-L") &&
	    !(opt(c, s, "--push", &push) && push && !strcmp(push, "false")))
		r->st->does |= BH_CI_PUSH;
}

/* Maven and Gradle: Jib and Spring Boot's buildpacks goals. */
static void tool_jvm(struct rc *r, const struct bh_ci_cmd *c, size_t t)
{
	for (size_t i = t + 1; i < c->argc; i++) {
		const char *w = c->argv[i];
		const char *goal = strrchr(w, ':');

		goal = goal ? goal + 1 : w;
		if (strstr(w, "jib:build") || !strcmp(w, "jib"))
			r->st->does |= BH_CI_BUILD | BH_CI_PUSH;
		else if (strstr(w, "jib:dockerBuild") || strstr(w, "jib:buildTar") ||
			 !strcmp(w, "jibDockerBuild") || !strcmp(w, "jibBuildTar") ||
			 !strcmp(goal, "build-image") || !strcmp(w, "bootBuildImage"))
			r->st->does |= BH_CI_BUILD;
		if (strstr(w, "build-image.publish=true") || !strcmp(w, "--publishImage"))
			r->st->does |= BH_CI_PUSH;
	}
}

static void tool_pack(struct rc *r, const struct bh_ci_cmd *c, size_t t)
{
	if (!sub_is(c, subcmd(c, t + 1), "build"))
		return;
	r->st->does |= BH_CI_BUILD;
	if (flag(c, t + 1, "--publish"))
		r->st->does |= BH_CI_PUSH;
}

/*
 * skaffold build and run build the images and push them unless told not to or aimed at a local
 * cluster; a --default-repo or --push says the images go to a registry.
 */
static void tool_skaffold(struct rc *r, const struct bh_ci_cmd *c, size_t t)
{
	size_t s = subcmd(c, t + 1);
	const char *push = NULL;

	if (sub_is(c, s, "run") || sub_is(c, s, "deploy") || sub_is(c, s, "apply"))
		r->st->does |= BH_CI_DEPLOY;
	if (!sub_is(c, s, "build") && !sub_is(c, s, "run"))
		return;
	r->st->does |= BH_CI_BUILD;
	if (opt(c, s, "--push", &push) && push && !strcmp(push, "false"))
		return;
	if (flag(c, s, "--push") || opt(c, s, "--default-repo", &push) || opt(c, s, "-d", &push))
		r->st->does |= BH_CI_PUSH;
}

static void tool_copy(struct rc *r, const struct bh_ci_cmd *c, size_t t)
{
	size_t s = subcmd(c, t + 1);

	if (sub_is(c, s, "copy") || sub_is(c, s, "push") || sub_is(c, s, "cp"))
		r->st->does |= BH_CI_PUSH;
}

static void tool_depot(struct rc *r, const struct bh_ci_cmd *c, size_t t)
{
	size_t s = subcmd(c, t + 1);

	r->st->does |= BH_CI_OIDC; /* depot authenticates with the job's OIDC token */
	if (!sub_is(c, s, "build") && !sub_is(c, s, "bake"))
		return;
	r->st->does |= BH_CI_BUILD;
	if (flag(c, s, "--push"))
		r->st->does |= BH_CI_PUSH;
}

static void tool_secrets_sub(struct rc *r, const struct bh_ci_cmd *c, size_t t)
{
	static const char *const subs[] = { "detect", "protect",    "git",    "dir",	"directory",
					    "stdin",  "filesystem", "github", "gitlab", "scan" };

	for (size_t i = t + 1; i < c->argc; i++)
		for (size_t k = 0; k < sizeof(subs) / sizeof(*subs); k++)
			if (strcmp(c->argv[i], subs[k]) == 0) {
				r->st->does |= BH_CI_SECRETS;
				return;
			}
}

static void tool_secrets_any(struct rc *r, const struct bh_ci_cmd *c, size_t t)
{
	r->st->does |= BH_CI_SECRETS;
}

static void tool_gh(struct rc *r, const struct bh_ci_cmd *c, size_t t)
{
	if (sub_is(c, t + 1, "pr") && sub_is(c, t + 2, "checkout"))
		r->st->does |= BH_CI_PR_HEAD;
}

static int pr_head_text(const char *s)
{
	return s && (strstr(s, "pull_request.head.sha") || strstr(s, "pull_request.head.ref") ||
		     strstr(s, "github.head_ref") || strstr(s, "pull_request.merge_commit_sha") ||
		     strstr(s, "refs/pull/") || strstr(s, "workflow_run.head_sha") ||
		     strstr(s, "workflow_run.head_branch") || strstr(s, "pull/${{") ||
		     strstr(s, "head.repo.full_name") || strstr(s, "head_commit.id"));
}

static void tool_git(struct rc *r, const struct bh_ci_cmd *c, size_t t)
{
	size_t s = subcmd(c, t + 1);

	if (!sub_is(c, s, "checkout") && !sub_is(c, s, "switch") && !sub_is(c, s, "fetch") &&
	    !sub_is(c, s, "pull"))
		return;
	for (size_t i = s + 1; i < c->argc; i++)
		if (pr_head_text(c->argv[i]) || strncmp(c->argv[i], "pull/", 5) == 0 ||
		    strstr(c->argv[i], "+refs/pull"))
			r->st->does |= BH_CI_PR_HEAD;
}

static void tool_notation(struct rc *r, const struct bh_ci_cmd *c, size_t t)
{
	const char *key = NULL;

	if (!sub_is(c, subcmd(c, t + 1), "sign"))
		return;
	r->st->does |= BH_CI_SIGN;
	if (opt2(c, t + 1, "--key", "-k", &key))
		add_key(r, key);
}

/* Whether any word from from on is one of the words in list (NULL-terminated). */
static int has_word(const struct bh_ci_cmd *c, size_t from, const char *const *list)
{
	for (size_t i = from; i < c->argc; i++)
		for (size_t k = 0; list[k]; k++)
			if (!strcmp(c->argv[i], list[k]))
				return 1;
	return 0;
}

/* Cloud CLIs authenticate (possibly through OIDC) and deploy: gcloud run deploy, az webapp... */
static void tool_cloud(struct rc *r, const struct bh_ci_cmd *c, size_t t)
{
	static const char *const deploy[] = { "deploy", "update-service", "create-deployment",
					      NULL };
	static const char *const az_verbs[] = { "update", "create", "up", "set", NULL };
	int az = !strcmp(basename_of(c->argv[t]), "az");

	r->st->does |= BH_CI_OIDC;
	if (has_word(c, t + 1, deploy) ||
	    (az && (sub_is(c, t + 1, "webapp") || sub_is(c, t + 1, "containerapp")) &&
	     has_word(c, t + 2, az_verbs)))
		r->st->does |= BH_CI_DEPLOY;
}

static void tool_oidc(struct rc *r, const struct bh_ci_cmd *c, size_t t)
{
	r->st->does |= BH_CI_OIDC;
}

/* kubectl apply/create/replace/set/rollout, helm install/upgrade, argocd app sync. */
static void tool_deploy(struct rc *r, const struct bh_ci_cmd *c, size_t t)
{
	static const char *const verbs[] = { "apply",	"create",  "replace", "set", "rollout",
					     "install", "upgrade", "deploy",  NULL };
	size_t s = subcmd(c, t + 1);

	if (s >= c->argc)
		return;
	for (size_t k = 0; verbs[k]; k++)
		if (sub_is(c, s, verbs[k]))
			r->st->does |= BH_CI_DEPLOY;
	if (sub_is(c, s, "app") && sub_is(c, s + 1, "sync"))
		r->st->does |= BH_CI_DEPLOY;
}

static void tool_npm(struct rc *r, const struct bh_ci_cmd *c, size_t t)
{
	if (sub_is(c, subcmd(c, t + 1), "publish"))
		r->st->does |= BH_CI_OIDC; /* trusted publishing and --provenance use the token */
}

typedef void (*tool_fn)(struct rc *r, const struct bh_ci_cmd *c, size_t t);

static const struct {
	const char *name;
	tool_fn fn;
} tools[] = {
	{ "trivy", tool_trivy },
	{ "grype", tool_grype },
	{ "bulkhead", tool_bulkhead },
	{ "cosign", tool_cosign },
	{ "syft", tool_syft },
	{ "docker", tool_docker },
	{ "podman", tool_docker },
	{ "nerdctl", tool_docker },
	{ "docker-compose", tool_docker },
	{ "buildah", tool_buildah },
	{ "executor", tool_kaniko },
	{ "ko", tool_ko },
	{ "mvn", tool_jvm },
	{ "mvnw", tool_jvm },
	{ "gradle", tool_jvm },
	{ "gradlew", tool_jvm },
	{ "pack", tool_pack },
	{ "skaffold", tool_skaffold },
	{ "skopeo", tool_copy },
	{ "crane", tool_copy },
	{ "depot", tool_depot },
	{ "gitleaks", tool_secrets_sub },
	{ "trufflehog", tool_secrets_sub },
	{ "noseyparker", tool_secrets_sub },
	{ "ggshield", tool_secrets_sub },
	{ "detect-secrets", tool_secrets_sub },
	{ "detect-secrets-hook", tool_secrets_any },
	{ "git-secrets", tool_secrets_any },
	{ "secretlint", tool_secrets_any },
	{ "gh", tool_gh },
	{ "git", tool_git },
	{ "notation", tool_notation },
	{ "gcloud", tool_cloud },
	{ "aws", tool_cloud },
	{ "az", tool_cloud },
	{ "kubectl", tool_deploy },
	{ "oc", tool_deploy },
	{ "helm", tool_deploy },
	{ "argocd", tool_deploy },
	{ "vault", tool_oidc },
	{ "npm", tool_npm },
};

/* Strip what only wraps the command (VAR=x, sudo, env, xargs...); returns the tool's index. */
static size_t unwrap(const struct bh_ci_cmd *c, size_t i)
{
	while (i < c->argc) {
		const char *w = c->argv[i];
		const char *eq = strchr(w, '=');

		if (eq && eq > w && (isalpha((unsigned char)w[0]) || w[0] == '_') &&
		    strspn(w, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_") ==
			    (size_t)(eq - w)) {
			i++;
		} else if (!strcmp(w, "sudo") || !strcmp(w, "env") || !strcmp(w, "exec") ||
			   !strcmp(w, "nohup") || !strcmp(w, "command") || !strcmp(w, "time") ||
			   !strcmp(w, "xargs")) {
			int x = !strcmp(w, "xargs"), su = !strcmp(w, "sudo");

			i++;
			while (i < c->argc && c->argv[i][0] == '-') {
				const char *o = c->argv[i];

				i++;
				/* xargs -I {} / -n N and sudo -u USER take a separate value. */
				if ((x && strlen(o) == 2 && strchr("InPLdEsa", o[1])) ||
				    (su && (!strcmp(o, "-u") || !strcmp(o, "-g"))))
					i++;
			}
		} else {
			return i;
		}
	}
	return i;
}

/* `docker run [opts] IMAGE args`: the image's name when it is a tool we know. */
static size_t run_image(const struct bh_ci_cmd *c, size_t s, const char **tool)
{
	static const char *const val[] = {
		"-e",	      "--env",		"-v",	      "--volume",
		"-w",	      "--workdir",	"-u",	      "--user",
		"--name",     "--network",	"--net",      "--entrypoint",
		"--env-file", "--mount",	"--platform", "-p",
		"--publish",  "--add-host",	"--pull",     "--label",
		"--cap-add",  "--security-opt", "--tmpfs",    "-m",
		"--memory",   "--gpus",		"--hostname", "--ipc"
	};

	for (size_t i = s; i < c->argc; i++) {
		const char *w = c->argv[i];
		int takes = 0;

		if (w[0] == '-') {
			for (size_t k = 0; k < sizeof(val) / sizeof(*val); k++)
				takes |= strcmp(w, val[k]) == 0;
			i += takes;
			continue;
		}
		{
			const char *b = basename_of(w);
			size_t n = strcspn(b, ":@");
			static const char *const known[] = { "trivy",	 "grype",      "syft",
							     "gitleaks", "trufflehog", "cosign",
							     "kaniko" };

			for (size_t k = 0; k < sizeof(known) / sizeof(*known); k++) {
				if (strlen(known[k]) == n && strncmp(b, known[k], n) == 0) {
					*tool = !strcmp(known[k], "kaniko") ? "executor" : known[k];
					return i;
				}
			}
		}
		return c->argc;
	}
	return c->argc;
}

static int exits_nonzero(const struct bh_ci_cmd *c)
{
	if (!strcmp(c->argv[0], "false"))
		return 1;
	return !strcmp(c->argv[0], "exit") && (c->argc < 2 || strcmp(c->argv[1], "0") != 0);
}

static void recognise_cmd(struct rc *r, const struct bh_ci_cmd *cmds, size_t n, size_t ci,
			  const char *script, int pipefail, size_t set_plus_e)
{
	const struct bh_ci_cmd *c = &cmds[ci];
	size_t t = unwrap(c, 0);
	const char *name;
	unsigned before;

	if (t >= c->argc)
		return;
	name = basename_of(c->argv[t]);
	if (!strcmp(name, "go") && sub_is(c, t + 1, "run") && t + 2 < c->argc) {
		const char *pkg = basename_of(c->argv[t + 2]);

		name = bh_arena_strndup(r->a, pkg, strcspn(pkg, "@"));
		if (!name) {
			r->err = BH_ERR_NOMEM;
			return;
		}
		t += 2;
	}
	if ((!strcmp(name, "docker") || !strcmp(name, "podman")) && sub_is(c, t + 1, "run")) {
		const char *tool = NULL;
		size_t at = run_image(c, t + 2, &tool);

		if (tool) {
			name = tool;
			t = at;
		}
	}
	r->vuln = 0;
	r->nohigh = 0;
	r->vuln_msg = NULL;
	before = r->st->does;
	for (size_t k = 0; k < sizeof(tools) / sizeof(*tools); k++) {
		if (strcmp(name, tools[k].name) == 0) {
			tools[k].fn(r, c, t);
			break;
		}
	}
	/* Where gate findings point: the first push command, else the first build command. */
	if ((!(before & (BH_CI_BUILD | BH_CI_PUSH)) &&
	     (r->st->does & (BH_CI_BUILD | BH_CI_PUSH))) ||
	    (!(before & BH_CI_PUSH) && (r->st->does & BH_CI_PUSH))) {
		r->st->img_off = c->woff[t];
		r->st->img_len = strlen(c->argv[t]);
	}
	if (r->vuln == 1) {
		/* The contexts in which a failing scan does not fail the step. */
		if (c->sep == BH_CI_SEP_OR) {
			int fails = 0;

			for (size_t k = ci + 1; k < n && k < ci + 5; k++)
				fails |= exits_nonzero(&cmds[k]);
			if (!fails) {
				r->vuln = 2;
				r->vuln_msg =
					"a failure of the scan is swallowed by the command after ||";
			}
		} else if (c->sep == BH_CI_SEP_PIPE && !pipefail) {
			r->vuln = 2;
			r->vuln_msg =
				"the scan's exit status is lost in a pipe (the default shell has no pipefail; use shell: bash or set -o pipefail)";
		} else if (c->sep == BH_CI_SEP_BG) {
			r->vuln = 2;
			r->vuln_msg =
				"the scan runs in the background, so its exit status is ignored";
		} else if (set_plus_e && c->woff[0] > set_plus_e) {
			r->vuln = 2;
			r->vuln_msg =
				"the script runs `set +e` before the scan, so its failure does not stop the step";
		}
	}
	if (r->vuln == 1) {
		r->st->does |= BH_CI_VULN;
		if (r->nohigh)
			r->st->does |= BH_CI_VULN_NOHIGH;
	} else if (r->vuln == 2 && !(r->st->does & BH_CI_VULN)) {
		r->st->does |= BH_CI_VULN_SOFT;
		r->st->soft_why = r->st->run;
		r->st->soft_msg = r->vuln_msg;
		r->st->soft_off = c->woff[t];
		r->st->soft_len = strlen(c->argv[t]);
	}
}

static bh_err recognise_run(struct rc *r, struct bh_diag *diag)
{
	const struct bh_node *run = r->st->run;
	const char *s = run->scalar.str;
	const char *sh = bh_node_str(r->st->shell);
	struct bh_ci_cmd *cmds;
	size_t n, plus_e = 0;
	int pipefail;
	const char *p;
	bh_err err;

	r->st->does |= BH_CI_RUNS_CODE;
	err = bh_ci_shell_split(r->a, s, run->scalar.len, &cmds, &n);
	if (err == BH_ERR_LIMIT)
		return bh_diag_set(
			diag, err, r->w->file, run->line, run->col,
			"run: script of step '%s' exceeds the shell command or word limit",
			r->st->label);
	if (err)
		return err;
	if (!sh)
		sh = r->j->shell;
	/* GitHub runs `shell: bash` with -o pipefail, but the default (no shell:) without it. */
	pipefail = (sh && (!strcmp(sh, "bash") || strstr(sh, "pipefail"))) ||
		   strstr(s, "pipefail") != NULL;
	p = strstr(s, "set +e");
	if (p)
		plus_e = (size_t)(p - s) + 1;
	/* Scripts that sign or federate through make targets or wrappers we cannot follow. */
	{
		static const char *const oidc_words[] = { "ACTIONS_ID_TOKEN_REQUEST",
							  "cosign",
							  "sigstore",
							  "keyless",
							  "sign-",
							  "attest",
							  "oidc",
							  "provenance",
							  "id-token",
							  "id_token",
							  "federated" };

		for (size_t i = 0; i < sizeof(oidc_words) / sizeof(*oidc_words); i++)
			if (strcasestr(s, oidc_words[i]))
				r->st->does |= BH_CI_OIDC;
	}
	for (size_t i = 0; i < n && !r->err; i++)
		recognise_cmd(r, cmds, n, i, s, pipefail, plus_e);
	return r->err;
}

/* ---- actions ---- */

static int truthy(const struct bh_node *n)
{
	int b;
	const char *s = bh_node_str(n);

	if (bh_node_bool(n, &b))
		return b;
	/* An expression may be true on some events: assume it can be. */
	return s && (strstr(s, "${{") || !strcasecmp(s, "true"));
}

static int action_is(const char *action, const char *name)
{
	size_t n = strlen(name);

	return strncmp(action, name, n) == 0 && (action[n] == '\0' || action[n] == '/');
}

static const char *with_str(const struct bh_ci_step *st, const char *key)
{
	const char *s = bh_node_str(bh_node_get(st->with, key));

	return s;
}

static void act_trivy(struct rc *r)
{
	struct bh_ci_step *st = r->st;
	const char *type = with_str(st, "scan-type"), *fmt = with_str(st, "format");
	const char *sc = with_str(st, "scanners"), *sev = with_str(st, "severity");
	const struct bh_node *exit = bh_node_get(st->with, "exit-code");
	const char *ex = bh_node_str(exit);
	int fs = type &&
		 (!strcmp(type, "fs") || !strcmp(type, "repo") || !strcmp(type, "filesystem"));

	if (type && !fs && strcmp(type, "image") && strcmp(type, "sbom") && strcmp(type, "rootfs"))
		return; /* config, k8s... */
	if (fmt &&
	    (strcasestr(fmt, "spdx") || strcasestr(fmt, "cyclonedx") || !strcmp(fmt, "github"))) {
		st->does |= BH_CI_SBOM;
		return;
	}
	if (!sc)
		sc = with_str(st, "security-checks");
	if (fs && (!sc || !*sc || list_has(sc, "secret")))
		st->does |= BH_CI_SECRETS;
	if (sc && *sc && !list_has(sc, "vuln"))
		return;
	if (!ex)
		ex = env_str(r, "TRIVY_EXIT_CODE");
	if (!sev)
		sev = env_str(r, "TRIVY_SEVERITY");
	if (fs)
		vuln_result(r, 0, NULL, SOURCE_SCAN);
	else if (!ex && with_str(st, "trivy-config"))
		vuln_result(r, 1, sev, NULL);
	else if (!ex)
		vuln_result(r, 0, NULL,
			    "trivy-action runs without exit-code, so it exits 0 whatever it finds");
	else if (!strcmp(ex, "0"))
		vuln_result(r, 0, NULL,
			    "trivy-action runs with exit-code: 0, so it never fails the job");
	else
		vuln_result(r, 1, sev, NULL);
	if (r->vuln == 2)
		st->soft_why = exit ? exit : bh_node_get_key(st->node, "uses");
}

static void act_anchore_scan(struct rc *r)
{
	struct bh_ci_step *st = r->st;
	const struct bh_node *fb = bh_node_get(st->with, "fail-build");
	const char *cut = with_str(st, "severity-cutoff");
	int b;

	/* fail-build defaults to true and severity-cutoff to medium. */
	if (fb && bh_node_bool(fb, &b) && !b) {
		vuln_result(
			r, 0, NULL,
			"anchore/scan-action runs with fail-build: false, so it never fails the job");
		st->soft_why = fb;
		return;
	}
	vuln_result(r, 1, NULL, NULL);
	if (cut && !strcasecmp(cut, "critical"))
		r->nohigh = 1;
}

static void act_scout(struct rc *r)
{
	struct bh_ci_step *st = r->st;
	const char *cmd = with_str(st, "command");

	if (!cmd || !strstr(cmd, "cves"))
		return;
	if (truthy(bh_node_get(st->with, "exit-code"))) {
		vuln_result(r, 1, with_str(st, "only-severities"), NULL);
	} else {
		vuln_result(
			r, 0, NULL,
			"docker/scout-action runs without exit-code: true, so it never fails the job");
		st->soft_why = bh_node_get_key(st->node, "uses");
	}
}

static void act_snyk(struct rc *r)
{
	const char *args = with_str(r->st, "args");

	vuln_result(r, 1, NULL, NULL);
	if (args && strstr(args, "severity-threshold=critical"))
		r->nohigh = 1;
}

static void act_build_push(struct rc *r)
{
	struct bh_ci_step *st = r->st;
	const char *out = with_str(st, "outputs");
	const char *set = with_str(st, "set");
	const struct bh_node *sb = bh_node_get(st->with, "sbom");
	int push = truthy(bh_node_get(st->with, "push")) || (out && strstr(out, "type=registry")) ||
		   (out && strstr(out, "push=true")) || (set && strstr(set, "push=true"));
	int bake = action_is(st->action, "docker/bake-action");

	/*
	 * build-push-action without outputs loads the image into Docker; with only local or tar
	 * outputs it builds files. bake-action's outputs live in the bake file, so only push, load
	 * or an image output in set: say that it builds an image.
	 */
	if (!push && !truthy(bh_node_get(st->with, "load")) && !image_output(set) &&
	    (bake ? 1 : (out && !image_output(out))))
		return;
	st->does |= BH_CI_BUILD;
	if (push)
		st->does |= BH_CI_PUSH;
	if (sb && (truthy(sb) || (bh_node_str(sb) && strstr(bh_node_str(sb), "generator"))))
		st->does |= BH_CI_SBOM;
}

static void act_build_and_push(struct rc *r)
{
	const struct bh_node *p = bh_node_get(r->st->with, "push");
	int b;

	r->st->does |= BH_CI_BUILD;
	if (!(p && bh_node_bool(p, &b) && !b))
		r->st->does |= BH_CI_PUSH;
}

static void act_build(struct rc *r)
{
	r->st->does |= BH_CI_BUILD;
}

static void act_push(struct rc *r)
{
	r->st->does |= BH_CI_PUSH;
}

static void act_sbom(struct rc *r)
{
	if (!action_is(r->st->action, "anchore/sbom-action/download-syft"))
		r->st->does |= BH_CI_SBOM;
}

static void act_attest(struct rc *r)
{
	const char *pt = with_str(r->st, "predicate-type");

	r->st->does |= BH_CI_OIDC;
	if (action_is(r->st->action, "actions/attest-sbom") || sbom_type(pt))
		r->st->does |= BH_CI_SBOM | BH_CI_SBOM_ATTEST;
	else
		r->st->does |= BH_CI_SIGN;
}

static void act_sign(struct rc *r)
{
	r->st->does |= BH_CI_SIGN;
}

static void act_sigstore(struct rc *r)
{
	if (!action_is(r->st->action, "sigstore/cosign-installer"))
		r->st->does |= BH_CI_SIGN_BLOB | BH_CI_OIDC;
}

static void act_secrets(struct rc *r)
{
	r->st->does |= BH_CI_SECRETS;
}

static void act_checkout(struct rc *r)
{
	r->st->does |= BH_CI_CHECKOUT;
	if (pr_head_text(with_str(r->st, "ref")) || pr_head_text(with_str(r->st, "repository")))
		r->st->does |= BH_CI_PR_HEAD;
}

static const struct {
	const char *name;
	void (*fn)(struct rc *r);
} actions[] = {
	{ "actions/checkout", act_checkout },
	{ "aquasecurity/trivy-action", act_trivy },
	{ "anchore/scan-action", act_anchore_scan },
	{ "docker/scout-action", act_scout },
	{ "snyk/actions/docker", act_snyk },
	{ "docker/build-push-action", act_build_push },
	{ "docker/bake-action", act_build_push },
	{ "redhat-actions/buildah-build", act_build },
	{ "redhat-actions/push-to-registry", act_push },
	{ "aevea/action-kaniko", act_build_and_push },
	{ "int128/kaniko-action", act_build_and_push },
	{ "mr-smithers-excellent/docker-build-push", act_build_and_push },
	{ "elgohr/publish-docker-github-action", act_build_and_push },
	{ "anchore/sbom-action", act_sbom },
	{ "actions/attest-sbom", act_attest },
	{ "actions/attest-build-provenance", act_attest },
	{ "actions/attest", act_attest },
	{ "notaryproject/notation-action/sign", act_sign },
	{ "sigstore", act_sigstore }, /* owner prefix, see below */
	{ "gitleaks/gitleaks-action", act_secrets },
	{ "zricethezav/gitleaks-action", act_secrets },
	{ "trufflesecurity/trufflehog", act_secrets },
	{ "gitguardian/ggshield-action", act_secrets },
	{ "gitguardian/ggshield", act_secrets },
	{ "reviewdog/action-detect-secrets", act_secrets },
};

/* Words in an action's name that suggest it exchanges the job's OIDC token. */
static int oidc_action(const char *a)
{
	static const char *const words[] = { "auth",	 "login",  "credential", "oidc",
					     "sigstore", "cosign", "attest",	 "slsa",
					     "publish",	 "deploy", "release",	 "vault",
					     "sts",	 "token",  "chainctl",	 "upload",
					     "codecov",	 "pages",  "depot",	 "jfrog",
					     "identity", "federat" };

	for (size_t i = 0; i < sizeof(words) / sizeof(*words); i++)
		if (strstr(a, words[i]))
			return 1;
	return 0;
}

static void recognise_uses(struct rc *r)
{
	struct bh_ci_step *st = r->st;
	const char *a = st->action;

	if (a[0] == '.') {
		st->does |= BH_CI_RUNS_CODE;
		return;
	}
	if (strncmp(a, "docker://", 9) == 0) {
		st->does |= BH_CI_THIRD;
		return;
	}
	if (strncmp(a, "actions/", 8) != 0 && strncmp(a, "github/", 7) != 0)
		st->does |= BH_CI_THIRD;
	if (oidc_action(a))
		st->does |= BH_CI_OIDC;
	/* Deploy actions: azure/k8s-deploy, deploy-cloudrun, amazon-ecs-deploy-task-definition. */
	if (strstr(a, "deploy") && !strstr(a, "pages"))
		st->does |= BH_CI_DEPLOY;
	if (strstr(a, "/subaction/"))
		return; /* docker/bake-action/subaction/...: helpers that print, never build */
	for (size_t i = 0; i < sizeof(actions) / sizeof(*actions); i++) {
		int hit = !strcmp(actions[i].name, "sigstore") ? strncmp(a, "sigstore/", 9) == 0
							       : action_is(a, actions[i].name);

		if (hit) {
			actions[i].fn(r);
			break;
		}
	}
	if (r->vuln == 1) {
		st->does |= BH_CI_VULN;
		if (r->nohigh)
			st->does |= BH_CI_VULN_NOHIGH;
	} else if (r->vuln == 2) {
		st->does |= BH_CI_VULN_SOFT;
		st->soft_msg = r->vuln_msg;
		if (!st->soft_why)
			st->soft_why = bh_node_get_key(st->node, "uses");
	}
	if (st->with &&
	    (bh_node_get(st->with, "github-script") || action_is(a, "actions/github-script")))
		st->does |= BH_CI_RUNS_CODE;
}

bh_err bh_ci_recognise_step(struct bh_arena *a, const struct bh_ci_workflow *w,
			    const struct bh_ci_job *j, struct bh_ci_step *st, struct bh_diag *diag)
{
	struct rc r = { .a = a, .w = w, .j = j, .st = st };
	bh_err err = BH_OK;
	int b;

	if (st->uses)
		recognise_uses(&r);
	else if (st->run)
		err = recognise_run(&r, diag);
	if (err)
		return err;
	/* continue-on-error on the step or the job turns a failing scan into a passing one. */
	if (st->does & BH_CI_VULN) {
		const struct bh_node *coe = NULL;

		if (bh_node_bool(st->coe, &b) && b)
			coe = st->coe;
		else if (bh_node_bool(j->coe, &b) && b)
			coe = j->coe;
		if (coe) {
			st->does &= ~(BH_CI_VULN | BH_CI_VULN_NOHIGH);
			st->does |= BH_CI_VULN_SOFT;
			st->soft_why = coe;
			st->soft_msg =
				w->gitlab
					? "the scan job has allow_failure: true, so its failure does not stop the pipeline"
					: "the scan runs with continue-on-error: true, so its failure does not stop the job";
		}
	}
	return BH_OK;
}
