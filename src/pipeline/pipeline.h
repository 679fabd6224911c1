/*
 * The CI/CD layer: the GitHub Actions workflow model and the CI rules.
 *
 * A workflow is a YAML document with `on` (the YAML 1.1 reading "true" is accepted too) and
 * `jobs`; an action is a document with `runs.using` (action.yml); a GitLab CI configuration is
 * a .gitlab-ci.yml (gitlab.c, for the gate rules only). All are turned into one model:
 * triggers, permissions, jobs, steps, and for every step what it does to a container image
 * (build, push, scan, sign, SBOM, deploy) as recognised from its `uses:` action and inputs or
 * from the commands of its `run:` script. The CI rules judge that model; finish() first links
 * workflows of one directory (local reusable workflows and composite actions, a sibling's
 * secret scan). Findings are reported in finish(), once every file has been read.
 *
 * The expression scanner (${{ }}) and the shell command splitter are exposed for the fuzz
 * target and the unit tests; both are bounded by the BH_LIMIT_CI_* limits.
 */
#ifndef BH_PIPELINE_H
#define BH_PIPELINE_H

#include <stddef.h>

#include "core/arena.h"
#include "core/doc.h"
#include "core/err.h"
#include "core/layer.h"
#include "core/rule.h"

/* ---- ${{ }} expressions ---- */

struct bh_ci_expr {
	size_t off;  /* offset of "${{" in the scanned string */
	size_t len;  /* through the closing "}}" */
	size_t body; /* offset of the text between the braces */
	size_t body_len;
};

/*
 * The next expression at or after *pos in s; 1 and *pos moved past it, or 0 when there is
 * none (an unterminated "${{" ends the scan). Closing braces inside string literals do not end
 * an expression, as in GitHub's own parser.
 */
int bh_ci_expr_next(const char *s, size_t len, size_t *pos, struct bh_ci_expr *out);

/*
 * Called for each context reference of an expression body (github.event.issue.title,
 * env.FOO, steps.x.outputs.y). path is normalised: lower case, one '.' between segments,
 * `[0]`, `[*]` and `.*` become "*", `['x']` becomes "x". off/len locate the reference in the
 * body. passes is 0 when the reference's value cannot reach the result as text (an operand of
 * a comparison or of `!`, an argument of contains() and the other boolean functions); whole is
 * 1 when it is an argument of toJSON(), which renders every field below it.
 */
struct bh_ci_ref {
	const char *path;
	size_t off, len;
	int passes;
	int whole;
};
typedef void (*bh_ci_ref_fn)(void *arg, const struct bh_ci_ref *ref);
void bh_ci_expr_refs(const char *body, size_t len, bh_ci_ref_fn fn, void *arg);

/*
 * Whether a normalised context path carries text an outside attacker controls (an issue
 * title, a branch name, a commit message...). With whole set, a path above such a field
 * (github.event.issue, github.event, github) counts too.
 */
int bh_ci_ctx_tainted(const char *path, int whole);

/* ---- shell scripts ---- */

/* What separates a command from the next one. */
enum bh_ci_sep {
	BH_CI_SEP_END,	/* newline, ';', end of script */
	BH_CI_SEP_AND,	/* && */
	BH_CI_SEP_OR,	/* || */
	BH_CI_SEP_PIPE, /* | */
	BH_CI_SEP_BG,	/* & */
};

struct bh_ci_cmd {
	const char **argv;  /* words with quotes removed; ${{ }} and $VAR kept verbatim */
	const size_t *woff; /* offset of each word in the script */
	size_t argc;
	enum bh_ci_sep sep;	 /* after this command */
	enum bh_ci_sep prev_sep; /* before it */
	int condition;		 /* follows if/while/until/! */
};

/*
 * Split a run: script into simple commands: words, quotes, backslash continuations, comments,
 * here-documents (skipped), and the separators ; && || | & and newlines. Shell keywords that
 * start a compound command (if, then, do...) are dropped so that the command after them is
 * seen. Fails with BH_ERR_LIMIT past BH_LIMIT_CI_SHELL_COMMANDS or BH_LIMIT_CI_SHELL_WORDS.
 */
bh_err bh_ci_shell_split(struct bh_arena *a, const char *s, size_t len, struct bh_ci_cmd **out,
			 size_t *n);

/* ---- the workflow model ---- */

/* What a step does, as recognised from its action or its commands. */
#define BH_CI_BUILD	  0x0001u /* builds a container image */
#define BH_CI_PUSH	  0x0002u /* pushes an image to a registry */
#define BH_CI_VULN	  0x0004u /* a vulnerability scan that fails the step on findings */
#define BH_CI_VULN_SOFT	  0x0008u /* a vulnerability scan that cannot fail the step */
#define BH_CI_SIGN	  0x0010u /* signs the image (or attests its provenance) */
#define BH_CI_SBOM	  0x0020u /* generates an SBOM */
#define BH_CI_SBOM_ATTEST 0x0040u /* attests an SBOM to the image */
#define BH_CI_SECRETS	  0x0080u /* scans the repository for secrets */
#define BH_CI_CHECKOUT	  0x0100u /* actions/checkout */
#define BH_CI_PR_HEAD	  0x0200u /* checks out the pull request's head */
#define BH_CI_OIDC	  0x0400u /* may use the job's OIDC token */
#define BH_CI_THIRD	  0x0800u /* runs a third-party action */
#define BH_CI_RUNS_CODE	  0x1000u /* runs commands or local code */
#define BH_CI_VULN_NOHIGH 0x2000u /* its blocking threshold is above HIGH */
#define BH_CI_SIGN_BLOB	  0x4000u /* signs something, for id-token purposes */
#define BH_CI_DEPLOY	  0x8000u /* deploys: kubectl apply, helm upgrade, a deploy action */

/* A triggering event. */
#define BH_CI_ON_PUSH	       0x0001u
#define BH_CI_ON_PR	       0x0002u
#define BH_CI_ON_PR_TARGET     0x0004u
#define BH_CI_ON_WORKFLOW_RUN  0x0008u
#define BH_CI_ON_ISSUE_COMMENT 0x0010u
#define BH_CI_ON_WORKFLOW_CALL 0x0020u
#define BH_CI_ON_PR_REVIEW     0x0040u
#define BH_CI_ON_OTHER	       0x8000u

/* A signing key argument seen in a command (cosign sign --key X, notation --key X). */
struct bh_ci_key {
	const char *value;
	unsigned line, col, end_col; /* position in the source, when found */
};

struct bh_ci_step {
	const struct bh_node *node;
	size_t index;
	const char *label;	    /* name, id, uses or "step N" for messages */
	const struct bh_node *uses; /* scalar or NULL */
	const char *action;	    /* "owner/repo[/path]" lower-cased, without the ref */
	const char *ref;	    /* the part after '@', or NULL */
	const struct bh_node *run;
	const struct bh_node *with;
	const struct bh_node *env;
	const struct bh_node *if_;
	const struct bh_node *coe; /* continue-on-error */
	const struct bh_node *shell;
	unsigned does;			/* BH_CI_* flags */
	const struct bh_node *soft_why; /* the node that makes a scan non-blocking */
	const char *soft_msg;
	size_t soft_off, soft_len; /* the scan command in run:, when soft_why is the run node */
	size_t img_off, img_len;   /* the first build or push command in run: */
	struct bh_ci_key *keys;
	size_t nkeys;
};

struct bh_ci_job {
	const char *id;
	const char *ref; /* "jobs.<id>" */
	const struct bh_node *key;
	const struct bh_node *node;
	const struct bh_node *runs_on;
	const struct bh_node *needs;
	const struct bh_node *if_;
	const struct bh_node *permissions;
	const struct bh_node *env;
	const struct bh_node *uses; /* reusable workflow call */
	const struct bh_node *secrets;
	const struct bh_node *coe;
	const struct bh_node *container;
	const struct bh_node *services;
	const char *shell; /* defaults.run.shell of the job or the workflow, or NULL */
	struct bh_ci_step *steps;
	size_t nsteps;
	size_t *needs_idx; /* indexes of the jobs it needs, resolved */
	size_t nneeds;
	unsigned char *before; /* before[k]: job k finishes before this job starts (transitive) */
	unsigned does;	       /* union of its steps' flags (a reusable call's: its callee's) */
	const char *soft_msg;  /* why a step-less job's scan does not gate (GitLab templates) */
};

struct bh_ci_workflow {
	const char *file;
	const struct bh_doc *doc;
	struct bh_source *src;
	const struct bh_node *root;
	int is_action; /* an action.yml rather than a workflow */
	int gitlab;    /* a .gitlab-ci.yml: only the gate rules apply */
	const struct bh_node *on;
	unsigned triggers; /* BH_CI_ON_* */
	const struct bh_node *permissions;
	const struct bh_node *env;
	struct bh_ci_job *jobs;
	size_t njobs;
	unsigned does;	       /* union over its jobs */
	int dir_secret_scan;   /* a workflow of the same directory scans for secrets */
	const char *dir;       /* the directory, for finish() */
	const char *call_path; /* "./.github/workflows/x.yml" as a caller would name it */
};

/* Build the model of a workflow or action document into the arena. */
bh_err bh_ci_model(struct bh_arena *a, const char *file, struct bh_source *src,
		   const struct bh_doc *doc, struct bh_ci_workflow *out, struct bh_diag *diag);

/*
 * The source position of str[off, off+len), a piece of the scalar node's value, found by
 * searching the node's source lines for the same text (the right occurrence when it repeats).
 * Works for every scalar style, including block scalars whose lines carry indentation; falls
 * back to the node's own position when the text cannot be found (escapes in quoted scalars).
 */
void bh_ci_locate(struct bh_arena *a, struct bh_source *src, const struct bh_node *n,
		  const char *str, size_t off, size_t len, unsigned *line, unsigned *col,
		  unsigned *end_col);

/* Fill each job's before[] (allocated, n bytes) from the needs_idx graph, transitively. */
bh_err bh_ci_order_close(struct bh_arena *a, struct bh_ci_workflow *w);

/* Whether a document is a GitLab CI configuration: by file name, or by its shape. */
int bh_ci_gitlab_doc(const char *path, const struct bh_node *root);

/* Build the model of a GitLab CI configuration (jobs, script lines, stages and needs). */
bh_err bh_ci_gitlab_model(struct bh_arena *a, const char *file, struct bh_source *src,
			  const struct bh_doc *doc, struct bh_ci_workflow *out,
			  struct bh_diag *diag);

/* Whether a document is a workflow (1) or an action (2); 0 otherwise. */
int bh_ci_doc_kind(const struct bh_node *root);

/* The value of an env variable as seen by a step: step env, then job, then workflow. */
const struct bh_node *bh_ci_env_lookup(const struct bh_ci_workflow *w, const struct bh_ci_job *j,
				       const struct bh_ci_step *s, const char *name);

/* Run the CI rules over a workflow (ctx.file set by the caller). */
void bh_ci_check(struct bh_ctx *ctx, const struct bh_ci_workflow *w);

extern const struct bh_layer_ops bh_pipeline_layer;
extern const struct bh_rule bh_ci_rules[];
extern const size_t bh_ci_nrules;

#endif
