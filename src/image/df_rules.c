/*
 * The DF rule table and its checks. Every check receives a struct bh_df_subject: the parsed
 * Dockerfile, its stages, and which stages make up the final image (the last stage and the
 * stages it builds FROM). Rules about what ships (base image, USER, installed tools, caches,
 * HEALTHCHECK, EXPOSE) judge that final chain; rules about what a build does (curl | sh, sudo,
 * SUID bits, remote ADD, secrets in ARG/ENV, base image pinning) judge every stage, because a
 * compromised builder poisons the artifacts it hands to the final stage.
 *
 * RUN commands are read with a small shell lexer (quotes, escapes, $( ), redirections, pipes,
 * && || ; and newlines) over the shell form, the exec form and heredoc scripts, so a finding
 * points at the offending word. Variables are substituted where BuildKit substitutes them
 * (FROM with global ARGs; USER, EXPOSE, COPY --from and ENV with the stage's ARG and ENV).
 */
#include "dockerfile.h"

#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/banned.h"
#include "core/limits.h"
#include "core/scan.h"
#include "image.h"
#include "secrets/secrets.h"

/* ---- subject ---- */

struct script;

/* An instruction's RUN scripts, once lexed (see cached_scripts). */
struct bh_df_script_cache {
	struct script *scs;
	size_t n;
	int done;
};

bh_err bh_df_subject_init(struct bh_arena *a, const struct bh_dockerfile *df, int dockerignore,
			  struct bh_df_subject *out)
{
	struct bh_df_subject s = { .df = df, .dockerignore = dockerignore };
	bh_err err = bh_dockerfile_stages(a, df, &s.stages, &s.nstages, &s.globals);

	if (err)
		return err;
	s.in_final = bh_arena_alloc(a, s.nstages + 1);
	s.scripts = bh_arena_alloc(a, (df->n ? df->n : 1) * sizeof(*s.scripts));
	if (!s.in_final || !s.scripts)
		return BH_ERR_NOMEM;
	if (s.nstages) {
		long k = (long)s.nstages - 1;
		size_t guard = 0;

		while (k >= 0 && guard++ <= s.nstages) {
			s.in_final[k] = 1;
			k = s.stages[k].parent_index;
		}
	}
	*out = s;
	return BH_OK;
}

/* ---- small string helpers ---- */

static int streq(const char *a, const char *b)
{
	return strcmp(a, b) == 0;
}

static const char *base_name(const char *w)
{
	const char *s = strrchr(w, '/');

	return s ? s + 1 : w;
}

static int all_digits(const char *s, size_t n)
{
	if (n == 0)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

static int in_list(const char *w, const char *const *list)
{
	for (size_t i = 0; list[i]; i++)
		if (streq(w, list[i]))
			return 1;
	return 0;
}

static const char *ci_strstr(const char *h, const char *n)
{
	size_t l = strlen(n);

	for (; *h; h++)
		if (strncasecmp(h, n, l) == 0)
			return h;
	return NULL;
}

/* ---- reporting at a token ---- */

static void report_off(struct bh_ctx *ctx, const struct bh_df_instr *in, size_t off, size_t len,
		       const char *key, const char *msg)
{
	unsigned l, c, el, ec;

	bh_df_locate(in, off, &l, &c);
	bh_df_locate(in, off + (len ? len : 1), &el, &ec);
	if (el != l)
		el = l, ec = c + 1;
	bh_report_at(ctx, l, c, el, ec, key, "%s", msg);
}

/* Offset of needle in in->original at or after from, or 0 when absent. */
static size_t find_in(const struct bh_df_instr *in, const char *needle, size_t from)
{
	size_t ol = strlen(in->original);
	const char *p;

	if (!needle || !*needle || from > ol)
		return 0;
	p = strstr(in->original + from, needle);
	return p ? (size_t)(p - in->original) : 0;
}

/* Offset where the instruction's arguments start (past the keyword and flags). */
static size_t args_off(const struct bh_df_instr *in)
{
	size_t o = in->nargs ? find_in(in, in->args[0], strlen(in->cmd)) : 0;

	return o ? o : 0;
}

static void report_word(struct bh_ctx *ctx, const struct bh_df_instr *in, const char *word,
			const char *key, const char *msg)
{
	size_t o = find_in(in, word, strlen(in->cmd));

	report_off(ctx, in, o, o ? strlen(word) : strlen(in->cmd), key, msg);
}

/* A COPY/ADD word as BuildKit reads it: quotes and escapes removed, variables left as written. */
static const char *unq(struct bh_ctx *ctx, const struct bh_df_subject *s, const char *w)
{
	size_t n = strlen(w);
	const char *u;

	if (n >= 2 && (w[0] == '"' || w[0] == '\'') && w[n - 1] == w[0] &&
	    !memchr(w + 1, w[0], n - 2)) {
		u = bh_arena_strndup(&ctx->scan->arena, w + 1, n - 2);
		return u ? u : w;
	}
	if (!strpbrk(w, "\"'\\`") || strchr(w, '$'))
		return w;
	u = bh_df_expand(&ctx->scan->arena, w, s->df->escape, NULL, NULL);
	return u ? u : w;
}

/* COPY --from's value with the global ARGs substituted, as BuildKit resolves it; or NULL. */
static const char *copy_from(struct bh_ctx *ctx, const struct bh_df_subject *s,
			     const struct bh_df_instr *in)
{
	const char *f = bh_df_flag(in, "from"), *x;

	if (!f || !strpbrk(f, "$\"'"))
		return f;
	x = bh_df_expand(&ctx->scan->arena, f, s->df->escape, &s->globals, NULL);
	return x ? x : f;
}

/* ---- stage variables: ARG and ENV as BuildKit sees them at an instruction ---- */

struct walk {
	const struct bh_df_subject *sub;
	struct bh_arena *a;
	struct bh_df_vars vars;
};

/* Update w->vars with ARG or ENV instruction in (values substituted as BuildKit does). */
static void vars_apply(struct walk *w, const struct bh_df_instr *in)
{
	char esc = w->sub->df->escape;

	if (streq(in->kw, "ENV")) {
		for (size_t i = 0; i + 2 < in->nargs + 1 && i + 1 < in->nargs; i += 3) {
			const char *v = bh_df_expand(w->a, in->args[i + 1], esc, &w->vars, NULL);

			bh_df_vars_set(w->a, &w->vars, in->args[i], v ? v : in->args[i + 1]);
		}
	} else if (streq(in->kw, "ARG")) {
		for (size_t i = 0; i < in->nargs; i++) {
			const char *eq = strchr(in->args[i], '=');
			char *name = bh_arena_strndup(w->a, in->args[i],
						      eq ? (size_t)(eq - in->args[i])
							 : strlen(in->args[i]));
			const char *val = NULL;
			const struct bh_df_var *g;

			if (!name)
				return;
			if (eq)
				val = bh_df_expand(w->a, eq + 1, esc, &w->vars, NULL);
			else if ((g = bh_df_vars_get(&w->sub->globals, name)))
				val = g->value;
			else if (bh_df_vars_get(&w->vars, name))
				continue;
			bh_df_vars_set(w->a, &w->vars, name, val);
		}
	}
}

/* ---- image references ---- */

struct imgref {
	char name[512]; /* registry/repo, lower case */
	char tag[256];
	int digest;
};

static void parse_image(const char *img, struct imgref *r)
{
	const char *at = strchr(img, '@'), *end = at ? at : img + strlen(img);
	const char *slash = NULL, *colon = NULL;
	size_t nl;

	memset(r, 0, sizeof(*r));
	r->digest = at != NULL;
	for (const char *p = img; p < end; p++) {
		if (*p == '/')
			slash = p, colon = NULL;
		else if (*p == ':')
			colon = p;
	}
	(void)slash;
	nl = (size_t)((colon ? colon : end) - img);
	if (nl >= sizeof(r->name))
		nl = sizeof(r->name) - 1;
	for (size_t i = 0; i < nl; i++)
		r->name[i] = (img[i] >= 'A' && img[i] <= 'Z') ? (char)(img[i] + 32) : img[i];
	if (colon) {
		size_t tl = (size_t)(end - colon - 1);

		if (tl >= sizeof(r->tag))
			tl = sizeof(r->tag) - 1;
		memcpy(r->tag, colon + 1, tl);
	}
}

enum base_class { BASE_MINIMAL, BASE_SLIM, BASE_FULL, BASE_UNKNOWN };

/*
 * Repositories known to be full distributions, or official language and server images built
 * on one (Debian or Ubuntu unless their tag says alpine, slim or chiseled). An image we do not
 * know is not judged: a private base may well be minimal.
 */
static const char *const full_repos[] = {
	"ubuntu",
	"debian",
	"centos",
	"fedora",
	"rockylinux",
	"almalinux",
	"amazonlinux",
	"oraclelinux",
	"archlinux",
	"opensuse",
	"leap",
	"tumbleweed",
	"ubi",
	"ubi8",
	"ubi9",
	"buildpack-deps",
	"python",
	"node",
	"golang",
	"openjdk",
	"eclipse-temurin",
	"amazoncorretto",
	"ruby",
	"php",
	"perl",
	"rust",
	"gcc",
	"maven",
	"gradle",
	"haskell",
	"elixir",
	"erlang",
	"clojure",
	"swift",
	"julia",
	"r-base",
	"dotnet",
	"sdk",
	"aspnet",
	"runtime",
	"runtime-deps",
	"nginx",
	"httpd",
	"tomcat",
	"jetty",
	"mono",
	"kali-rolling",
	"bitnami/minideb",
	"docker",
	"ubuntu-debootstrap",
	"neurodebian",
	"sapmachine",
	"ibmjava",
	"ibm-semeru-runtimes",
	NULL,
};

static enum base_class classify(const struct imgref *r)
{
	const char *repo = base_name(r->name);

	/* Chainguard's -dev variants add apk and a busybox shell to the minimal image. */
	if (strstr(r->name, "chainguard") && ci_strstr(r->tag, "-dev"))
		return BASE_SLIM;

	if (streq(r->name, "scratch") || strstr(r->name, "distroless") ||
	    ci_strstr(r->tag, "distroless") || streq(repo, "alpine") ||
	    ci_strstr(r->tag, "alpine") || strstr(r->name, "chainguard") ||
	    strstr(r->name, "wolfi") || ci_strstr(r->tag, "chiseled") || strstr(repo, "-micro") ||
	    streq(repo, "static"))
		return BASE_MINIMAL;
	if (ci_strstr(r->tag, "slim") || ci_strstr(r->tag, "minimal") || strstr(repo, "minimal") ||
	    streq(repo, "busybox"))
		return BASE_SLIM;
	return in_list(repo, full_repos) ? BASE_FULL : BASE_UNKNOWN;
}

/* The external image the final chain starts from, or NULL (unresolved ARG). */
static const struct bh_df_stage *root_stage(const struct bh_df_subject *s, size_t k)
{
	size_t guard = 0;

	while (s->stages[k].parent_index >= 0 && guard++ <= s->nstages)
		k = (size_t)s->stages[k].parent_index;
	return &s->stages[k];
}

static int distroless_like(const struct bh_df_stage *st)
{
	struct imgref r;

	parse_image(st->image, &r);
	return streq(r.name, "scratch") || strstr(r.name, "distroless") ||
	       ci_strstr(r.tag, "chiseled") || streq(base_name(r.name), "static");
}

/* ---- checks on FROM ---- */

static void check_base_minimal(struct bh_ctx *ctx, const void *subject)
{
	const struct bh_df_subject *s = subject;
	const struct bh_df_stage *root;
	const struct bh_df_instr *in;
	struct imgref r;
	enum base_class c;
	char msg[700];

	if (!s->nstages)
		return;
	root = root_stage(s, s->nstages - 1);
	if (!root->image_resolved || !*root->image)
		return;
	parse_image(root->image, &r);
	c = classify(&r);
	in = &s->df->instrs[root->from];
	if (c == BASE_MINIMAL || c == BASE_UNKNOWN)
		return;
	if (c == BASE_SLIM && ctx->rule->severity > BH_SEV_LOW)
		return; /* reported by the -slim variant of the rule */
	if (c == BASE_FULL && ctx->rule->severity <= BH_SEV_LOW)
		return;
	snprintf(
		msg, sizeof(msg),
		c == BASE_SLIM
			? "final image is built on '%s', a slim image that still ships a shell and a package manager"
			: "final image is built on '%s', a full distribution with a shell, package manager and tools",
		root->image);
	report_off(ctx, in, args_off(in), strlen(in->nargs ? in->args[0] : ""), root->image, msg);
}

static int external(const struct bh_df_stage *st)
{
	return st->parent_index < 0 && st->image_resolved && *st->image &&
	       strcasecmp(st->image, "scratch") != 0;
}

static void check_digest(struct bh_ctx *ctx, const void *subject)
{
	const struct bh_df_subject *s = subject;
	char msg[700];

	for (size_t k = 0; k < s->nstages; k++) {
		const struct bh_df_stage *st = &s->stages[k];
		const struct bh_df_instr *in = &s->df->instrs[st->from];

		if (!external(st) || strchr(st->image, '@'))
			continue;
		snprintf(msg, sizeof(msg), "base image '%s' is not pinned by digest", st->image);
		report_off(ctx, in, args_off(in), strlen(in->args[0]), st->image, msg);
	}
}

/*
 * A FROM whose build argument has no value here: it names no tag when the text around the
 * variables has a repository name but no ':' or '@' (alpine$TAG, ${REGISTRY}/ubuntu). A
 * reference that is only a variable (${IMAGE}) says nothing either way.
 */
static int untagged_template(const struct bh_df_subject *s, const char *raw)
{
	char pat[256];
	size_t n = 0;
	int literal = 0;

	if (strpbrk(raw, ":@"))
		return 0;
	for (const char *p = raw; *p;) {
		if (n + 2 >= sizeof(pat))
			return 0;
		if (*p == '$' && p[1] == '{') {
			const char *e = strchr(p, '}');

			if (!e)
				return 0;
			p = e + 1;
			pat[n++] = '*';
		} else if (*p == '$') {
			p++;
			while (*p == '_' || (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
			       (*p >= '0' && *p <= '9'))
				p++;
			pat[n++] = '*';
		} else if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			   (*p >= '0' && *p <= '9')) {
			literal = 1;
			pat[n++] = *p++;
		} else if (*p == '/' || *p == '-' || *p == '.' || *p == '_') {
			pat[n++] = *p++;
		} else {
			return 0; /* not an image reference at all */
		}
	}
	pat[n] = 0;
	if (!literal)
		return 0;
	/* FROM binaries-$TARGETOS names one of the stages binaries-linux, binaries-windows. */
	for (size_t k = 0; k < s->nstages; k++)
		if (s->stages[k].name && fnmatch(pat, s->stages[k].name, FNM_CASEFOLD) == 0)
			return 0;
	return 1;
}

static void check_latest(struct bh_ctx *ctx, const void *subject)
{
	const struct bh_df_subject *s = subject;
	char msg[700];

	for (size_t k = 0; k < s->nstages; k++) {
		const struct bh_df_stage *st = &s->stages[k];
		const struct bh_df_instr *in = &s->df->instrs[st->from];
		struct imgref r;

		if (st->parent_index < 0 && !st->image_resolved && streq(in->kw, "FROM") &&
		    in->nargs && untagged_template(s, in->args[0])) {
			snprintf(
				msg, sizeof(msg),
				"base image '%.400s' has no tag outside its build arguments, so it means 'latest' unless every build passes one",
				in->args[0]);
			report_off(ctx, in, args_off(in), strlen(in->args[0]), in->args[0], msg);
			continue;
		}
		if (!external(st))
			continue;
		parse_image(st->image, &r);
		if (r.digest || (r.tag[0] && strcmp(r.tag, "latest") != 0))
			continue;
		/* Distroless names carry the release (static-debian12); its default tag follows
		 * that release, and pinning it is DF-002's job. */
		if (!r.tag[0] && strstr(r.name, "distroless/") &&
		    strpbrk(base_name(r.name), "0123456789"))
			continue;
		snprintf(msg, sizeof(msg),
			 r.tag[0] ? "base image '%s' uses the 'latest' tag"
				  : "base image '%s' has no tag, so it means 'latest'",
			 st->image);
		report_off(ctx, in, args_off(in), strlen(in->args[0]), st->image, msg);
	}
}

/* ---- USER ---- */

struct user_state {
	const struct bh_df_instr *last;	   /* last USER of the final chain */
	const char *value;		   /* its substituted value (NULL if unresolved) */
	const struct bh_df_instr *nonroot; /* a non-root USER before it */
};

static int user_is_root(const char *u)
{
	size_t n = strcspn(u, ":");

	return (n == 4 && strncmp(u, "root", 4) == 0) || (all_digits(u, n) && strspn(u, "0") == n);
}

/* Walk the final chain in order and find the effective USER. */
static void final_user(struct bh_ctx *ctx, const struct bh_df_subject *s, struct user_state *us)
{
	struct walk w = { .sub = s, .a = &ctx->scan->arena };

	memset(us, 0, sizeof(*us));
	for (size_t k = 0; k < s->nstages; k++) {
		const struct bh_df_stage *st = &s->stages[k];

		if (!s->in_final[k])
			continue;
		for (size_t i = st->body; i <= st->last; i++) {
			const struct bh_df_instr *in = &s->df->instrs[i];
			const char *v;
			int unres = 0;

			vars_apply(&w, in);
			if (!streq(in->kw, "USER") || !in->nargs)
				continue;
			v = bh_df_expand(w.a, in->args[0], s->df->escape, &w.vars, &unres);
			if (us->last && us->value && !user_is_root(us->value))
				us->nonroot = us->last;
			if (v && user_is_root(v) == 0 && !unres)
				us->nonroot = NULL;
			us->last = in;
			us->value = unres ? NULL : v;
		}
	}
}

static int nonroot_image(const struct bh_df_subject *s)
{
	struct imgref r;

	parse_image(root_stage(s, s->nstages - 1)->image, &r);
	/* distroless :nonroot tags and Chainguard images (not their -dev variants) default to
	 * UID 65532. */
	return ci_strstr(r.tag, "nonroot") != NULL ||
	       (!strncmp(r.name, "cgr.dev/chainguard/", 19) && !ci_strstr(r.tag, "dev"));
}

static void check_no_user(struct bh_ctx *ctx, const void *subject)
{
	const struct bh_df_subject *s = subject;
	struct user_state us;
	const struct bh_df_instr *in;

	if (!s->nstages)
		return;
	final_user(ctx, s, &us);
	if (us.last || nonroot_image(s))
		return;
	in = &s->df->instrs[s->stages[s->nstages - 1].from];
	report_off(ctx, in, 0, strlen(in->cmd), "final",
		   "the final stage sets no USER, so the container runs as root");
}

static void check_user_root(struct bh_ctx *ctx, const void *subject)
{
	const struct bh_df_subject *s = subject;
	struct user_state us;
	char msg[600];

	if (!s->nstages)
		return;
	final_user(ctx, s, &us);
	/*
	 * Root after an earlier non-root USER is still root: hadolint's DL3002 reads only the last
	 * USER, so this fires beside DF-007, which names the switch back.
	 */
	if (us.last && us.value && user_is_root(us.value)) {
		snprintf(msg, sizeof(msg), "the final stage runs as root (USER %.500s)", us.value);
		report_off(ctx, us.last, args_off(us.last), strlen(us.last->args[0]), "final", msg);
	}
	/*
	 * Other stages that end on an explicit root USER: whatever is built FROM them or run
	 * with --target inherits root (hadolint's DL3002 reads every stage the same way).
	 */
	for (size_t k = 0; k < s->nstages; k++) {
		struct walk w = { .sub = s, .a = &ctx->scan->arena };
		const struct bh_df_instr *last = NULL;
		const char *val = NULL;

		if (s->in_final[k])
			continue;
		for (size_t i = s->stages[k].body; i <= s->stages[k].last; i++) {
			const struct bh_df_instr *in = &s->df->instrs[i];
			int unres = 0;

			vars_apply(&w, in);
			if (!streq(in->kw, "USER") || !in->nargs)
				continue;
			last = in;
			val = bh_df_expand(w.a, in->args[0], s->df->escape, &w.vars, &unres);
			if (unres)
				val = NULL;
		}
		if (!last || !val || !user_is_root(val))
			continue;
		snprintf(msg, sizeof(msg), "stage '%.200s' ends as root (USER %.200s)",
			 s->stages[k].name ? s->stages[k].name : "(unnamed)", val);
		report_off(ctx, last, args_off(last), strlen(last->args[0]),
			   s->stages[k].name ? s->stages[k].name : "stage", msg);
	}
}

static void check_user_back_to_root(struct bh_ctx *ctx, const void *subject)
{
	const struct bh_df_subject *s = subject;
	struct user_state us;
	char msg[600];

	if (!s->nstages)
		return;
	final_user(ctx, s, &us);
	if (!us.last || !us.value || !user_is_root(us.value) || !us.nonroot)
		return;
	snprintf(
		msg, sizeof(msg),
		"USER switches back to root (%.200s) after the non-root USER on line %u and stays root",
		us.value, us.nonroot->start_line);
	report_off(ctx, us.last, args_off(us.last), strlen(us.last->args[0]), "final", msg);
}

static void check_user_name(struct bh_ctx *ctx, const void *subject)
{
	const struct bh_df_subject *s = subject;
	struct user_state us;
	char msg[600];
	size_t n;

	if (!s->nstages)
		return;
	final_user(ctx, s, &us);
	if (!us.last || !us.value || user_is_root(us.value))
		return;
	n = strcspn(us.value, ":");
	if (all_digits(us.value, n))
		return;
	snprintf(
		msg, sizeof(msg),
		"USER '%.*s' is a name: Kubernetes cannot verify runAsNonRoot for it unless runAsUser is set",
		(int)(n > 400 ? 400 : n), us.value);
	report_off(ctx, us.last, args_off(us.last), strlen(us.last->args[0]), "final", msg);
}

/* ---- a shell lexer for RUN ---- */

struct sh_word {
	const char *s; /* unquoted */
	size_t off;    /* offset of the raw word in the script */
	size_t len;    /* raw length */
};

struct sh_cmd {
	struct sh_word *w;
	size_t n, cap;
	int pipe_next; /* stdout feeds the next command */
};

struct sh_script {
	struct sh_cmd *c;
	size_t n, cap;
	const char *raw;
};

static struct sh_cmd *sh_new_cmd(struct bh_arena *a, struct sh_script *sc)
{
	if (sc->n && sc->c[sc->n - 1].n == 0)
		return &sc->c[sc->n - 1];
	if (sc->n == sc->cap) {
		size_t nc = sc->cap ? sc->cap * 2 : 8;
		struct sh_cmd *c =
			bh_arena_realloc(a, sc->c, sc->cap * sizeof(*c), nc * sizeof(*c));

		if (!c)
			return NULL;
		sc->c = c;
		sc->cap = nc;
	}
	memset(&sc->c[sc->n], 0, sizeof(sc->c[0]));
	return &sc->c[sc->n++];
}

static int sh_add_word(struct bh_arena *a, struct sh_cmd *c, struct bh_buf *b, size_t off,
		       size_t len)
{
	if (c->n == c->cap) {
		size_t nc = c->cap ? c->cap * 2 : 8;
		struct sh_word *w = bh_arena_realloc(a, c->w, c->cap * sizeof(*w), nc * sizeof(*w));

		if (!w)
			return -1;
		c->w = w;
		c->cap = nc;
	}
	c->w[c->n].s = bh_arena_strndup(a, bh_buf_str(b), b->len);
	c->w[c->n].off = off;
	c->w[c->n].len = len;
	if (!c->w[c->n].s)
		return -1;
	c->n++;
	return 0;
}

/* Skip a $( ... ) or <( ... ) body starting after the '(' ; returns the index after ')'. */
static size_t sh_skip_paren(const char *t, size_t i, size_t n, struct bh_buf *b)
{
	int depth = 1;

	while (i < n && depth > 0) {
		char c = t[i];

		if (c == '\\' && i + 1 < n) {
			bh_buf_add(b, t + i, 2);
			i += 2;
			continue;
		}
		if (c == '(')
			depth++;
		else if (c == ')')
			depth--;
		if (depth > 0)
			bh_buf_addc(b, c);
		i++;
	}
	bh_buf_addc(b, ')');
	return i;
}

/* Lex script t[0..n) into commands; words keep their offsets. */
static void sh_lex(struct bh_arena *a, const char *t, size_t n, struct sh_script *sc)
{
	struct bh_buf b = BH_BUF_INIT;
	struct sh_cmd *cur;
	size_t i = 0, ws = 0;
	int inword = 0, skip_next = 0;

	memset(sc, 0, sizeof(*sc));
	sc->raw = t;
	bh_buf_init(&b, 0);
	cur = sh_new_cmd(a, sc);
	if (!cur)
		goto out;
#define END_WORD()                                                    \
	do {                                                          \
		if (inword) {                                         \
			if (skip_next)                                \
				skip_next = 0;                        \
			else if (sh_add_word(a, cur, &b, ws, i - ws)) \
				goto out;                             \
			bh_buf_reset(&b);                             \
			inword = 0;                                   \
		}                                                     \
	} while (0)
	while (i < n) {
		char c = t[i];

		if (c == '\\' && i + 1 < n && (t[i + 1] == '\n' || t[i + 1] == '\r')) {
			i += 2;
			continue;
		}
		if (c == ' ' || c == '\t' || c == '\r') {
			END_WORD();
			i++;
			continue;
		}
		if (c == '#' && !inword) {
			while (i < n && t[i] != '\n')
				i++;
			continue;
		}
		if (c == '\n' || c == ';' || c == '&' || c == '|' || c == '(' || c == ')') {
			int pipe = c == '|' && !(i + 1 < n && t[i + 1] == '|');

			if (c == '&' && i + 1 < n && t[i + 1] == '>') {
				/* &> redirection */
				END_WORD();
				i += 2;
				skip_next = 1;
				continue;
			}
			END_WORD();
			if (skip_next)
				skip_next = 0;
			if (pipe && cur->n)
				cur->pipe_next = 1;
			if ((c == '&' || c == '|') && i + 1 < n && t[i + 1] == c)
				i++;
			i++;
			if (cur->n && !(cur = sh_new_cmd(a, sc)))
				goto out;
			continue;
		}
		if (c == '>' || c == '<') {
			if (c == '<' && i + 1 < n && t[i + 1] == '(') {
				if (!inword)
					ws = i, inword = 1;
				bh_buf_add(&b, "<(", 2);
				i = sh_skip_paren(t, i + 2, n, &b);
				continue;
			}
			/* A redirection: drop an fd number before it and the target after it. */
			if (inword && all_digits(bh_buf_str(&b), b.len)) {
				bh_buf_reset(&b);
				inword = 0;
			}
			END_WORD();
			while (i < n && (t[i] == '>' || t[i] == '<' || t[i] == '&' || t[i] == '-'))
				i++;
			skip_next = 1;
			continue;
		}
		if (!inword) {
			ws = i;
			inword = 1;
		}
		if (c == '\'') {
			i++;
			while (i < n && t[i] != '\'')
				bh_buf_addc(&b, t[i++]);
			i++;
		} else if (c == '"') {
			i++;
			while (i < n && t[i] != '"') {
				if (t[i] == '\\' && i + 1 < n &&
				    (t[i + 1] == '"' || t[i + 1] == '\\' || t[i + 1] == '$' ||
				     t[i + 1] == '`')) {
					bh_buf_addc(&b, t[i + 1]);
					i += 2;
				} else if (t[i] == '\\' && i + 1 < n && t[i + 1] == '\n') {
					i += 2;
				} else {
					bh_buf_addc(&b, t[i++]);
				}
			}
			i++;
		} else if (c == '\\' && i + 1 < n) {
			bh_buf_addc(&b, t[i + 1]);
			i += 2;
		} else if (c == '$' && i + 1 < n && t[i + 1] == '(') {
			bh_buf_add(&b, "$(", 2);
			i = sh_skip_paren(t, i + 2, n, &b);
		} else {
			bh_buf_addc(&b, c);
			i++;
		}
		if (i > n)
			i = n;
	}
	END_WORD();
#undef END_WORD
out:
	if (sc->n && sc->c[sc->n - 1].n == 0)
		sc->n--;
	bh_buf_release(&b);
}

/* Index of the command word: past VAR=value assignments and wrappers (env, nohup, time...). */
static size_t cmd_start(const struct sh_cmd *c, int *sudo)
{
	static const char *const wrappers[] = { "env",	 "nohup", "time", "exec", "command",
						"nice",	 "xargs", "eval", "then", "do",
						"else",	 "if",	  "!",	  "{",	  "while",
						"until", NULL };
	size_t i = 0;

	if (sudo)
		*sudo = 0;
	while (i < c->n) {
		const char *w = c->w[i].s;
		const char *eq = strchr(w, '=');

		if (eq && eq > w && w[0] != '-' &&
		    strspn(w, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_") ==
			    (size_t)(eq - w)) {
			i++;
			continue;
		}
		if (streq(base_name(w), "sudo") || streq(w, "doas")) {
			if (sudo)
				*sudo = 1;
			i++;
			while (i < c->n && c->w[i].s[0] == '-') {
				/* -u user, -g group take an argument */
				if (streq(c->w[i].s, "-u") || streq(c->w[i].s, "-g"))
					i++;
				i++;
			}
			continue;
		}
		if (in_list(w, wrappers)) {
			i++;
			while (i < c->n && c->w[i].s[0] == '-' && c->w[i].s[1])
				i++;
			continue;
		}
		break;
	}
	return i < c->n ? i : c->n; /* "sudo -u" at the end skips past the last word */
}

/* A RUN-like script with where its offsets point. */
struct script {
	const struct bh_df_instr *in;
	const struct bh_df_heredoc *hd; /* NULL: offsets are in in->original */
	size_t base;			/* offset of the script in in->original */
	struct sh_script sh;
	const char *text;
	int exec;	   /* exec form: one command, no shell */
	unsigned reported; /* findings of the current rule, capped */
};

static void script_report(struct bh_ctx *ctx, struct script *sc, size_t off, size_t len,
			  const char *key, const char *msg)
{
	if (sc->reported++ >= BH_LIMIT_DF_FINDINGS_PER_INSTR)
		return;
	if (sc->hd) {
		unsigned line = sc->hd->start_line, col = 1;

		for (size_t i = 0; i < off && sc->text[i]; i++) {
			if (sc->text[i] == '\n')
				line++, col = 1;
			else
				col++;
		}
		bh_report_at(ctx, line, col, line, col + (unsigned)(len ? len : 1), key, "%s", msg);
		return;
	}
	report_off(ctx, sc->in, sc->base + off, len, key, msg);
}

static int is_shell(const char *w)
{
	static const char *const shells[] = { "sh",  "bash", "ash",	"dash", "zsh",
					      "ksh", "mksh", "busybox", NULL };

	return in_list(base_name(w), shells);
}

/* Collect the scripts of a RUN (shell form, exec form, heredocs) and of ONBUILD RUN. */
static size_t scripts_of(struct bh_arena *a, const struct bh_df_instr *top, struct script *out,
			 size_t max)
{
	const struct bh_df_instr *in = top->sub ? top->sub : top;
	size_t n = 0;

	if (!streq(in->kw, "RUN") || !in->nargs)
		return 0;
	if (in->json) {
		struct script *s = &out[n++];

		memset(s, 0, sizeof(*s));
		s->in = top;
		if (in->nargs >= 3 && is_shell(in->args[0]) && streq(in->args[1], "-c")) {
			s->text = in->args[2];
			s->base = find_in(top, in->args[2], 0);
			sh_lex(a, s->text, strlen(s->text), &s->sh);
		} else {
			/* No shell: the arguments are the words of one command. */
			struct sh_cmd *c;
			struct bh_buf b = BH_BUF_INIT;
			size_t from = 0;

			s->exec = 1;
			s->text = top->original;
			c = sh_new_cmd(a, &s->sh);
			for (size_t i = 0; c && i < in->nargs; i++) {
				size_t o = find_in(top, in->args[i], from);

				bh_buf_reset(&b);
				bh_buf_adds(&b, in->args[i]);
				sh_add_word(a, c, &b, o, strlen(in->args[i]));
				if (o)
					from = o;
			}
			bh_buf_release(&b);
		}
	} else {
		struct script *s = &out[n++];

		memset(s, 0, sizeof(*s));
		s->in = top;
		s->text = in->args[0];
		s->base = find_in(top, in->args[0], strlen(top->cmd));
		sh_lex(a, s->text, strlen(s->text), &s->sh);
	}
	for (size_t h = 0; h < in->nheredocs && n < max; h++) {
		const struct bh_df_heredoc *hd = &in->heredocs[h];
		struct script *s;
		struct sh_script first;
		int shell_body = 0;

		/* The body is a script when the heredoc feeds a shell or is the command itself. */
		sh_lex(a, in->args[0], strlen(in->args[0]), &first);
		if (first.n == 0 || first.c[0].n == 0)
			shell_body = 1;
		else
			shell_body = is_shell(first.c[0]
						      .w[cmd_start(&first.c[0], NULL) < first.c[0].n
								 ? cmd_start(&first.c[0], NULL)
								 : 0]
						      .s);
		if (!shell_body)
			continue;
		s = &out[n++];
		memset(s, 0, sizeof(*s));
		s->in = top;
		s->hd = hd;
		s->text = hd->content;
		sh_lex(a, hd->content, strlen(hd->content), &s->sh);
	}
	return n;
}

#define MAX_SCRIPTS 16

/*
 * A dozen rules read the scripts of every RUN. Lexing them again for each rule put a dozen
 * copies of every word list into the scan's arena, and touching that much fresh memory was
 * half of a Dockerfile corpus scan: each instruction's scripts are lexed once per subject.
 */

/* The scripts of instruction i; each use starts with no finding reported, as a fresh lex did. */
static size_t cached_scripts(struct bh_ctx *ctx, const struct bh_df_subject *s, size_t i,
			     struct script **out)
{
	struct bh_df_script_cache *c = &s->scripts[i];

	if (!c->done) {
		struct script tmp[MAX_SCRIPTS];
		size_t n = scripts_of(&ctx->scan->arena, &s->df->instrs[i], tmp, MAX_SCRIPTS);

		c->scs = n ? bh_arena_alloc(&ctx->scan->arena, n * sizeof(*c->scs)) : NULL;
		c->n = c->scs ? n : 0;
		if (c->n)
			memcpy(c->scs, tmp, n * sizeof(*c->scs));
		c->done = 1;
	}
	for (size_t j = 0; j < c->n; j++)
		c->scs[j].reported = 0;
	*out = c->scs;
	return c->n;
}

/* Call fn on every script of every RUN in the stages selected (all, or the final chain). */
typedef void (*script_fn)(struct bh_ctx *ctx, const struct bh_df_subject *s, struct script *sc,
			  void *arg);

static void each_script(struct bh_ctx *ctx, const struct bh_df_subject *s, int final_only,
			script_fn fn, void *arg)
{
	for (size_t k = 0; k < s->nstages; k++) {
		if (final_only && !s->in_final[k])
			continue;
		for (size_t i = s->stages[k].first; i <= s->stages[k].last; i++) {
			struct script *scs;
			size_t n = cached_scripts(ctx, s, i, &scs);

			for (size_t j = 0; j < n; j++)
				fn(ctx, s, &scs[j], arg);
		}
	}
}

/* ---- curl | sh ---- */

static int is_fetch(const char *w)
{
	const char *b = base_name(w);

	return streq(b, "curl") || streq(b, "wget") || streq(b, "fetch");
}

static int is_interp(const char *w)
{
	static const char *const interps[] = { "python", "python2", "python3", "perl",
					       "ruby",	 "node",    "php",     NULL };

	return is_shell(w) || in_list(base_name(w), interps);
}

/*
 * Whether interpreter command c (at index st) runs its standard input as code: no script file
 * and no inline code (-c, -e, -m), or an explicit "-" or -s. `curl ... | python3 -c '...'`
 * parses the download as data and is fine.
 */
static int reads_script_from_stdin(const struct sh_cmd *c, size_t st)
{
	int shell = is_shell(c->w[st].s);

	for (size_t j = st + 1; j < c->n; j++) {
		const char *w = c->w[j].s;

		if (streq(w, "-"))
			return 1;
		if (streq(w, "--"))
			return 1;
		if (w[0] != '-')
			return 0; /* a script file; stdin is its data */
		if (w[1] == '-')
			continue;
		if (shell && strchr(w, 's'))
			return 1;
		if (shell ? strchr(w, 'c') != NULL
			  : (streq(w, "-c") || streq(w, "-e") || streq(w, "-m") || streq(w, "-E") ||
			     streq(w, "-r")))
			return 0;
	}
	return 1;
}

static void pipe_fn(struct bh_ctx *ctx, const struct bh_df_subject *s, struct script *sc, void *arg)
{
	for (size_t i = 0; i < sc->sh.n; i++) {
		struct sh_cmd *c = &sc->sh.c[i];
		size_t st = cmd_start(c, NULL);

		/* sh -c "$(curl ...)" and bash <(curl ...) */
		if (st < c->n && is_interp(c->w[st].s)) {
			for (size_t j = st + 1; j < c->n; j++) {
				const char *w = c->w[j].s;

				if ((!strncmp(w, "$(", 2) || !strncmp(w, "<(", 2)) &&
				    (strstr(w, "curl") || strstr(w, "wget"))) {
					script_report(
						ctx, sc, c->w[j].off, c->w[j].len, c->w[j].s,
						"a script downloaded at build time is run without verification");
					break;
				}
			}
		}
		if (st >= c->n || !is_fetch(c->w[st].s) || !c->pipe_next)
			continue;
		/* Follow the pipeline: curl | tee x | sh still runs the download. */
		for (size_t j = i + 1; j < sc->sh.n; j++) {
			struct sh_cmd *d = &sc->sh.c[j];
			size_t ds = cmd_start(d, NULL);

			if (ds < d->n && is_interp(d->w[ds].s) && reads_script_from_stdin(d, ds)) {
				char msg[300];

				snprintf(
					msg, sizeof(msg),
					"%s output is piped into %s: a compromised or spoofed download runs as code",
					base_name(c->w[st].s), base_name(d->w[ds].s));
				script_report(ctx, sc, c->w[st].off, c->w[st].len, d->w[ds].s, msg);
				break;
			}
			if (!d->pipe_next)
				break;
		}
	}
}

static void check_curl_pipe(struct bh_ctx *ctx, const void *subject)
{
	each_script(ctx, subject, 0, pipe_fn, NULL);
}

/* ---- sudo ---- */

static void sudo_fn(struct bh_ctx *ctx, const struct bh_df_subject *s, struct script *sc, void *arg)
{
	for (size_t i = 0; i < sc->sh.n; i++) {
		struct sh_cmd *c = &sc->sh.c[i];

		for (size_t j = 0; j < c->n; j++) {
			const char *w = c->w[j].s;

			if (streq(base_name(w), "sudo") &&
			    (j == 0 || strchr(c->w[j - 1].s, '=') ||
			     streq(c->w[j - 1].s, "xargs") || streq(c->w[j - 1].s, "env"))) {
				script_report(
					ctx, sc, c->w[j].off, c->w[j].len, "sudo",
					"sudo in a Dockerfile: build steps already choose their USER, and sudo left in the image lets a process regain root");
				return;
			}
		}
	}
}

static void check_sudo(struct bh_ctx *ctx, const void *subject)
{
	each_script(ctx, subject, 0, sudo_fn, NULL);
}

/* ---- SUID / SGID ---- */

/* True when mode (chmod syntax) sets the setuid or setgid bit. */
static int mode_sets_suid(const char *m)
{
	size_t n = strlen(m);

	if (n >= 4 && n <= 5 && all_digits(m, n) && strspn(m, "01234567") == n) {
		int d = m[n - 4] - '0';

		return (d & 6) != 0;
	}
	if (all_digits(m, n))
		return 0;
	/* Symbolic: clauses [ugoa]*[+=][rwxXst]*, comma separated. */
	for (const char *p = m; *p;) {
		const char *op = p + strspn(p, "ugoa");
		const char *e;

		if (*op != '+' && *op != '=' && *op != '-')
			return 0;
		e = op + 1 + strcspn(op + 1, ",");
		if (*op != '-') {
			const char *who = p;
			size_t wl = (size_t)(op - p);
			int applies = wl == 0 || memchr(who, 'u', wl) || memchr(who, 'g', wl) ||
				      memchr(who, 'a', wl);

			for (const char *q = op + 1; q < e; q++)
				if (*q == 's' && applies)
					return 1;
		}
		p = *e ? e + 1 : e;
	}
	return 0;
}

static void suid_fn(struct bh_ctx *ctx, const struct bh_df_subject *s, struct script *sc, void *arg)
{
	for (size_t i = 0; i < sc->sh.n; i++) {
		struct sh_cmd *c = &sc->sh.c[i];

		for (size_t j = 0; j < c->n; j++) {
			const char *b = base_name(c->w[j].s);
			int is_chmod = streq(b, "chmod"), is_install = streq(b, "install");

			if (!is_chmod && !is_install)
				continue;
			for (size_t k = j + 1; k < c->n; k++) {
				const char *m = c->w[k].s;

				if (is_install) {
					if (!strncmp(m, "--mode=", 7))
						m += 7;
					else if (streq(m, "-m") && k + 1 < c->n)
						m = c->w[++k].s;
					else
						continue;
				} else if (m[0] == '-') {
					continue;
				}
				if (mode_sets_suid(m)) {
					char msg[200];

					snprintf(
						msg, sizeof(msg),
						"%s sets the setuid/setgid bit (%.40s): a local exploit path to the file owner's privileges",
						b, m);
					script_report(ctx, sc, c->w[k].off, c->w[k].len, m, msg);
				}
				if (is_chmod)
					break; /* the first non-option word is the mode */
			}
		}
	}
}

static void check_suid(struct bh_ctx *ctx, const void *subject)
{
	const struct bh_df_subject *s = subject;

	each_script(ctx, s, 0, suid_fn, NULL);
	for (size_t i = 0; i < s->df->n; i++) {
		const struct bh_df_instr *in = &s->df->instrs[i];
		const char *m;

		if ((streq(in->kw, "COPY") || streq(in->kw, "ADD")) &&
		    (m = bh_df_flag(in, "chmod")) && mode_sets_suid(m)) {
			char msg[200];

			snprintf(msg, sizeof(msg),
				 "%s --chmod=%.40s sets the setuid/setgid bit on the copied files",
				 in->kw, m);
			report_word(ctx, in, m, m, msg);
		}
	}
}

/* ---- package installs in the final image ---- */

static const char *const build_tools[] = {
	"gcc",
	"g++",
	"gcc-c++",
	"cpp",
	"clang",
	"llvm",
	"make",
	"cmake",
	"build-essential",
	"build-base",
	"autoconf",
	"automake",
	"libtool",
	"pkg-config",
	"pkgconf",
	"binutils",
	"musl-dev",
	"libc6-dev",
	"libc-dev",
	"linux-headers",
	"golang",
	"golang-go",
	"go",
	"rustc",
	"cargo",
	"gfortran",
	"nasm",
	"bison",
	"flex",
	"ninja-build",
	"ccache",
	"git",
	"curl",
	"wget",
	"netcat",
	"netcat-openbsd",
	"netcat-traditional",
	"ncat",
	"nmap",
	"socat",
	"telnet",
	"openssh-client",
	"openssh-server",
	"strace",
	"gdb",
	"tcpdump",
	"bash",
	"zsh",
	"ksh",
	"tcsh",
	"csh",
	"fish",
	"busybox",
	"python3-pip",
	"python-pip",
	"py3-pip",
	"py-pip",
	"npm",
	"yarn",
	"apk-tools",
	"dnf",
	"yum",
	"sudo",
	NULL,
};

static const char *const versioned_tools[] = { "gcc-",	   "g++-", "clang-", "llvm-",
					       "golang-1", "cpp-", NULL };

/* The package name of an install argument without version or architecture suffixes. */
static void pkg_name(const char *w, char *out, size_t cap)
{
	size_t n = strcspn(w, "=<>~:");

	if (n >= cap)
		n = cap - 1;
	memcpy(out, w, n);
	out[n] = '\0';
}

static int is_tool(const char *pkg)
{
	if (in_list(pkg, build_tools))
		return 1;
	for (size_t i = 0; versioned_tools[i]; i++) {
		size_t l = strlen(versioned_tools[i]);

		if (!strncmp(pkg, versioned_tools[i], l) && pkg[l] >= '0' && pkg[l] <= '9' &&
		    strspn(pkg + l, "0123456789.") == strlen(pkg + l))
			return 1;
	}
	return 0;
}

enum pkg_op { PKG_NONE, PKG_INSTALL, PKG_REMOVE };

/* Recognise a package manager command; *first is the index of the first package argument. */
static enum pkg_op pkg_command(const struct sh_cmd *c, size_t st, size_t *first, int *apk)
{
	const char *m;
	size_t i = st + 1;

	*apk = 0;
	if (st >= c->n)
		return PKG_NONE;
	m = base_name(c->w[st].s);
	if (streq(m, "apt-get") || streq(m, "apt") || streq(m, "aptitude") || streq(m, "yum") ||
	    streq(m, "dnf") || streq(m, "microdnf") || streq(m, "tdnf") || streq(m, "zypper") ||
	    streq(m, "apk")) {
		*apk = streq(m, "apk");
		while (i < c->n && c->w[i].s[0] == '-') {
			/* Options with a separate argument before the subcommand. */
			if (streq(c->w[i].s, "-o") || streq(c->w[i].s, "-c") ||
			    streq(c->w[i].s, "-X") || streq(c->w[i].s, "--repository"))
				i++;
			i++;
		}
		if (i >= c->n)
			return PKG_NONE;
		*first = i + 1;
		m = c->w[i].s;
		if (streq(m, "install") || streq(m, "in") || streq(m, "add"))
			return PKG_INSTALL;
		if (streq(m, "remove") || streq(m, "purge") || streq(m, "del") ||
		    streq(m, "erase") || streq(m, "rm"))
			return PKG_REMOVE;
	}
	return PKG_NONE;
}

struct installed {
	const char *pkg;
	const char *virt; /* apk --virtual group */
	const struct bh_df_instr *in;
	size_t off, len;
	const struct bh_df_heredoc *hd;
	const char *text;
	size_t base;
	int removed;
};

struct install_state {
	struct installed *v;
	size_t n, cap;
	struct bh_arena *a;
};

static void tools_fn(struct bh_ctx *ctx, const struct bh_df_subject *s, struct script *sc,
		     void *arg)
{
	struct install_state *is = arg;

	for (size_t i = 0; i < sc->sh.n; i++) {
		struct sh_cmd *c = &sc->sh.c[i];
		size_t st = cmd_start(c, NULL), first;
		int apk;
		enum pkg_op op = pkg_command(c, st, &first, &apk);
		const char *virt = NULL;

		if (op == PKG_NONE)
			continue;
		for (size_t k = first; k < c->n; k++) {
			const char *w = c->w[k].s;
			char name[128];

			if (w[0] == '-') {
				if (apk && (streq(w, "--virtual") || streq(w, "-t")) &&
				    k + 1 < c->n)
					virt = c->w[++k].s;
				else if (streq(w, "-o") || streq(w, "--repository") ||
					 streq(w, "-X") || streq(w, "--setopt"))
					k++;
				continue;
			}
			pkg_name(w, name, sizeof(name));
			if (op == PKG_REMOVE) {
				for (size_t j = 0; j < is->n; j++)
					if (streq(is->v[j].pkg, name) ||
					    (is->v[j].virt && streq(is->v[j].virt, name)))
						is->v[j].removed = 1;
				continue;
			}
			if (!is_tool(name))
				continue;
			{
				/* One entry per tool keeps the list (and the report) bounded; a
				 * tool installed again after its removal is live again. */
				size_t j;

				for (j = 0; j < is->n && !streq(is->v[j].pkg, name); j++)
					;
				if (j < is->n) {
					if (is->v[j].removed)
						is->v[j].removed = 0, is->v[j].virt = virt;
					continue;
				}
			}
			if (is->n == is->cap) {
				size_t nc = is->cap ? is->cap * 2 : 16;
				struct installed *nv = bh_arena_realloc(
					is->a, is->v, is->cap * sizeof(*nv), nc * sizeof(*nv));

				if (!nv)
					return;
				is->v = nv;
				is->cap = nc;
			}
			is->v[is->n] = (struct installed){ .pkg = bh_arena_strdup(is->a, name),
							   .virt = virt,
							   .in = sc->in,
							   .off = c->w[k].off,
							   .len = c->w[k].len,
							   .hd = sc->hd,
							   .text = sc->text,
							   .base = sc->base };
			if (is->v[is->n].pkg)
				is->n++;
		}
	}
}

static void check_build_tools(struct bh_ctx *ctx, const void *subject)
{
	const struct bh_df_subject *s = subject;
	struct install_state is = { .a = &ctx->scan->arena };

	each_script(ctx, s, 1, tools_fn, &is);
	for (size_t j = 0; j < is.n; j++) {
		struct script sc = { .in = is.v[j].in,
				     .hd = is.v[j].hd,
				     .text = is.v[j].text,
				     .base = is.v[j].base };
		char msg[300];
		const char *p = is.v[j].pkg;
		const char *kind =
			is_shell(p) ? "a shell"
			: (strstr(p, "pip") || streq(p, "npm") || streq(p, "yarn") ||
			   streq(p, "apk-tools") || streq(p, "dnf") || streq(p, "yum"))
				? "a package manager"
			: (streq(p, "curl") || streq(p, "wget") || streq(p, "git") ||
			   strstr(p, "netcat") || streq(p, "ncat") || streq(p, "socat") ||
			   streq(p, "nmap") || streq(p, "telnet") || strstr(p, "ssh"))
				? "a download/network tool"
				: "a compiler or build tool";

		if (is.v[j].removed || streq(p, "sudo"))
			continue;
		snprintf(
			msg, sizeof(msg),
			"the final image installs %s (%s): it hands an attacker who gets code execution the means to build or fetch tools",
			kind, p);
		script_report(ctx, &sc, is.v[j].off, is.v[j].len, p, msg);
	}
}

/* ---- a shell added to a distroless or scratch stage ---- */

static void check_shell_in_distroless(struct bh_ctx *ctx, const void *subject)
{
	const struct bh_df_subject *s = subject;
	static const char *const shells[] = { "sh", "bash", "ash", "dash", "zsh", "busybox", NULL };

	if (!s->nstages || !distroless_like(root_stage(s, s->nstages - 1)))
		return;
	for (size_t k = 0; k < s->nstages; k++) {
		if (!s->in_final[k])
			continue;
		for (size_t i = s->stages[k].body; i <= s->stages[k].last; i++) {
			const struct bh_df_instr *in = &s->df->instrs[i];
			const char *from = copy_from(ctx, s, in);

			if (!streq(in->kw, "COPY") && !streq(in->kw, "ADD"))
				continue;
			if (from && ci_strstr(from, "busybox")) {
				report_word(
					ctx, in, bh_df_flag(in, "from"), from,
					"files copied from a busybox image add a shell to a distroless image");
				continue;
			}
			for (size_t a = 0; a < in->nargs; a++) {
				const char *b = base_name(unq(ctx, s, in->args[a]));

				if (in_list(b, shells)) {
					char msg[300];

					snprintf(
						msg, sizeof(msg),
						"'%.100s' adds a shell to a distroless image, undoing what distroless removes",
						in->args[a]);
					report_word(ctx, in, in->args[a], in->args[a], msg);
					break;
				}
			}
		}
	}
}

/* ---- ADD ---- */

static int is_url(const char *s)
{
	return !strncasecmp(s, "http://", 7) || !strncasecmp(s, "https://", 8) ||
	       !strncasecmp(s, "git@", 4) || !strncasecmp(s, "git://", 6);
}

static int is_archive(const char *s)
{
	static const char *const ext[] = { ".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2",
					   ".tbz", ".tar.xz", ".txz", ".tar.zst", ".gz",
					   ".bz2", ".xz",     ".zst", NULL };
	size_t n = strlen(s);

	for (size_t i = 0; ext[i]; i++) {
		size_t l = strlen(ext[i]);

		if (n > l && !strcasecmp(s + n - l, ext[i]))
			return 1;
	}
	return 0;
}

static void check_add_url(struct bh_ctx *ctx, const void *subject)
{
	const struct bh_df_subject *s = subject;

	for (size_t i = 0; i < s->df->n; i++) {
		const struct bh_df_instr *in = &s->df->instrs[i];

		if (in->sub)
			in = in->sub;
		if (!streq(in->kw, "ADD") || in->nargs < 2 || bh_df_flag(in, "checksum"))
			continue;
		for (size_t a = 0; a + 1 < in->nargs; a++)
			if (is_url(unq(ctx, s, in->args[a]))) {
				char msg[600];

				snprintf(
					msg, sizeof(msg),
					"ADD fetches '%.400s' at build time without a checksum: what is downloaded is not verified",
					unq(ctx, s, in->args[a]));
				report_word(ctx, &s->df->instrs[i], in->args[a], in->args[a], msg);
			}
	}
}

static void check_add_local(struct bh_ctx *ctx, const void *subject)
{
	const struct bh_df_subject *s = subject;

	for (size_t i = 0; i < s->df->n; i++) {
		const struct bh_df_instr *in = &s->df->instrs[i];
		int plain = 1;

		if (in->sub)
			in = in->sub;
		if (!streq(in->kw, "ADD") || in->nargs < 2 || in->nheredocs)
			continue;
		for (size_t a = 0; a + 1 < in->nargs; a++)
			if (is_url(unq(ctx, s, in->args[a])) ||
			    is_archive(unq(ctx, s, in->args[a])) || strchr(in->args[a], '$') ||
			    strchr(in->args[a], '*'))
				plain = 0;
		if (plain)
			report_off(
				ctx, &s->df->instrs[i], 0, strlen(s->df->instrs[i].cmd), NULL,
				"ADD of local files: COPY does the same without ADD's implicit URL fetching and archive extraction");
	}
}

/* ---- secrets in ARG / ENV ---- */

static int secret_name(const char *name)
{
	static const char *const secret[] = { "password",   "passwd",	   "pword", "pwd",
					      "secret",	    "secrets",	   "token", "apikey",
					      "credential", "credentials", "key",   "privatekey",
					      "accesskey",  "auth",	   "psw",   "pass",
					      NULL };
	/* Tokens that make the name describe a secret rather than hold one: where it lives, its
	 * format or its policy. A name part like ID or USER does not: AWS_ACCESS_KEY_ID is a
	 * credential and DB_USER_PASSWORD a password. */
	static const char *const allow[] = {
		"public",    "file",	 "path",    "version",	   "url",    "dir",	 "name",
		"type",	     "host",	 "port",    "fingerprint", "server", "keyring",	 "mode",
		"method",    "size",	 "length",  "gpg",	   "pgp",    "enabled",	 "endpoint",
		"region",    "location", "format",  "uri",	   "header", "prefix",	 "suffix",
		"ttl",	     "timeout",	 "expiry",  "expires",	   "issuer", "audience", "scope",
		"algorithm", "alg",	 "field",   "param",	   "cookie", "count",	 "max",
		"min",	     "limit",	 "pattern", "regex",	   NULL
	};
	char tok[64];
	int hit = 0;
	size_t n = 0;

	for (const char *p = name;; p++) {
		if (*p && *p != '_' && *p != '-' && *p != '.') {
			if (n + 1 < sizeof(tok))
				tok[n++] = (char)((*p >= 'A' && *p <= 'Z') ? *p + 32 : *p);
			continue;
		}
		tok[n] = '\0';
		if (n) {
			if (in_list(tok, allow))
				return 0;
			if (in_list(tok, secret))
				hit = 1;
		}
		n = 0;
		if (!*p)
			break;
	}
	if (hit)
		return 1;
	/* Single-word names like DBPASSWORD or GITHUBTOKEN. */
	return ci_strstr(name, "password") || ci_strstr(name, "secret") ||
	       ci_strstr(name, "apikey") || ci_strstr(name, "api_key") || ci_strstr(name, "passwd");
}

/* A literal value that is only a reference ($VAR) or empty carries nothing by itself. */
static int literal_value(const char *v)
{
	if (!v)
		return 0;
	while (*v == '"' || *v == '\'')
		v++;
	return *v && *v != '$' && *v != '"' && *v != '\'';
}

/*
 * A value that is a file path (GOOGLE_APPLICATION_CREDENTIALS=/var/secrets/key.json) names
 * where a secret lives, not the secret: it only leaks when that file is in the image, which
 * the Dockerfile shows as a COPY or ADD whose destination holds the path (Trivy DS-0031 reads
 * it the same way).
 */
static int path_value(const char *v)
{
	if (!v)
		return 0;
	while (*v == '"' || *v == '\'')
		v++;
	if (!(v[0] == '/' || (v[0] == '.' && v[1] == '/') ||
	      (v[0] == '.' && v[1] == '.' && v[2] == '/') || (v[0] == '~' && v[1] == '/')))
		return 0;
	for (; *v; v++)
		if (*v == ' ' || *v == '\t' || *v == '$')
			return 0;
	return 1;
}

/* A path without quotes, leading ./ and / and a trailing quote, into buf. */
static const char *path_norm(const char *p, char *buf, size_t n)
{
	size_t l;

	while (*p == '"' || *p == '\'')
		p++;
	for (;;) {
		if (p[0] == '.' && p[1] == '/')
			p += 2;
		else if (p[0] == '/')
			p++;
		else
			break;
	}
	if (p[0] == '.' && !p[1])
		p++;
	snprintf(buf, n, "%s", p);
	l = strlen(buf);
	while (l && (buf[l - 1] == '"' || buf[l - 1] == '\''))
		buf[--l] = 0;
	return buf;
}

static int path_copied(const struct bh_df_subject *s, const char *val)
{
	char pv[512], dv[512];

	path_norm(val, pv, sizeof(pv));
	for (size_t k = 0; k < s->nstages; k++) {
		if (!s->in_final[k])
			continue;
		for (size_t i = s->stages[k].body; i <= s->stages[k].last; i++) {
			const struct bh_df_instr *in = &s->df->instrs[i];
			size_t l;

			if ((!streq(in->kw, "COPY") && !streq(in->kw, "ADD")) || in->nargs < 2)
				continue;
			path_norm(in->args[in->nargs - 1], dv, sizeof(dv));
			l = strlen(dv);
			if (!l ||
			    (!strncmp(pv, dv, l) && (dv[l - 1] == '/' || pv[l] == '/' || !pv[l])))
				return 1;
		}
	}
	return 0;
}

struct value_hit {
	const char *title;
	int found;
};

static void secret_cb(const struct bh_secret_match *m, void *arg)
{
	struct value_hit *h = arg;

	if (!h->found) {
		h->found = 1;
		h->title = m->rule ? m->rule->title : "credential";
	}
}

/* Well-known credential shapes, for when the secrets detector is not linked in. */
static const char *value_shape(const char *v)
{
	size_t n = strlen(v);
	int pk = strstr(v, "PRIVATE KEY") != NULL, jwt = strstr(v, ".eyJ") != NULL;

	for (size_t i = 0; i < n; i++) {
		const char *p = v + i;

		if (!strncmp(p, "AKIA", 4) && n - i >= 20 &&
		    strspn(p + 4, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") >= 16)
			return "AWS access key id";
		if ((!strncmp(p, "ghp_", 4) || !strncmp(p, "gho_", 4) || !strncmp(p, "ghs_", 4) ||
		     !strncmp(p, "ghu_", 4)) &&
		    strspn(p + 4,
			   "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789") >= 36)
			return "GitHub token";
		if (!strncmp(p, "github_pat_", 11) && n - i >= 40)
			return "GitHub token";
		if (!strncmp(p, "glpat-", 6) && n - i >= 26)
			return "GitLab token";
		if ((!strncmp(p, "xoxb-", 5) || !strncmp(p, "xoxp-", 5)) && n - i >= 20)
			return "Slack token";
		if ((!strncmp(p, "sk_live_", 8) || !strncmp(p, "rk_live_", 8)) && n - i >= 24)
			return "Stripe key";
		if (!strncmp(p, "AIza", 4) && n - i >= 39)
			return "Google API key";
		if (!strncmp(p, "npm_", 4) &&
		    strspn(p + 4,
			   "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789") >= 36)
			return "npm token";
		if (!strncmp(p, "-----BEGIN", 10) && pk)
			return "private key";
		if (!strncmp(p, "eyJ", 3) && jwt)
			return "JSON web token";
	}
	return NULL;
}

static void check_secret_env(struct bh_ctx *ctx, const void *subject, int by_value)
{
	const struct bh_df_subject *s = subject;

	for (size_t i = 0; i < s->df->n; i++) {
		const struct bh_df_instr *in = &s->df->instrs[i];
		int env;

		/* ONBUILD ENV/ARG lands in every child image's config and history just the same. */
		if (streq(in->kw, "ONBUILD") && in->sub)
			in = in->sub;
		env = streq(in->kw, "ENV");
		if (!env && !streq(in->kw, "ARG"))
			continue;
		unsigned reported = 0;

		for (size_t a = 0; a < in->nargs && reported < BH_LIMIT_DF_FINDINGS_PER_INSTR;
		     a += env ? 3 : 1) {
			const char *name = in->args[a], *val = NULL;
			char nm[256], msg[600];
			const char *eq;

			if (env) {
				if (a + 1 >= in->nargs)
					break;
				val = in->args[a + 1];
				snprintf(nm, sizeof(nm), "%s", name);
			} else {
				eq = strchr(name, '=');
				snprintf(nm, sizeof(nm), "%.*s",
					 (int)(eq ? (size_t)(eq - name) : strlen(name)), name);
				val = eq ? eq + 1 : NULL;
			}
			if (by_value) {
				struct value_hit h = { 0 };
				const char *shape;

				if (!val || !*val)
					continue;
				bh_secrets_scan_buffer(nm, val, strlen(val), secret_cb, &h);
				shape = h.found ? h.title : value_shape(val);
				if (!shape)
					continue;
				snprintf(
					msg, sizeof(msg),
					"%s %.100s holds a credential (%.100s): it is stored in the image config and history",
					in->kw, nm, shape);
				report_word(ctx, in, val, nm, msg);
				reported++;
			} else if (secret_name(nm)) {
				if (path_value(val) && !path_copied(s, val))
					continue;
				reported++;
				if (!env && !val)
					snprintf(
						msg, sizeof(msg),
						"ARG %.100s looks like a secret: build arguments are recorded in the image history; use RUN --mount=type=secret",
						nm);
				else if (!literal_value(val) && env)
					snprintf(
						msg, sizeof(msg),
						"ENV %.100s looks like a secret: its value is stored in the image config for every container to read",
						nm);
				else
					snprintf(
						msg, sizeof(msg),
						"%s %.100s sets a secret-looking value at build time: it is stored in the image",
						in->kw, nm);
				report_word(ctx, in, nm, nm, msg);
			}
		}
	}
}

static void check_secret_name(struct bh_ctx *ctx, const void *subject)
{
	check_secret_env(ctx, subject, 0);
}

static void check_secret_value(struct bh_ctx *ctx, const void *subject)
{
	check_secret_env(ctx, subject, 1);
}

/* ---- EXPOSE 22 ---- */

static void check_expose_ssh(struct bh_ctx *ctx, const void *subject)
{
	const struct bh_df_subject *s = subject;
	struct walk w = { .sub = s, .a = &ctx->scan->arena };

	for (size_t k = 0; k < s->nstages; k++) {
		if (!s->in_final[k])
			continue;
		for (size_t i = s->stages[k].body; i <= s->stages[k].last; i++) {
			const struct bh_df_instr *in = &s->df->instrs[i];

			vars_apply(&w, in);
			if (!streq(in->kw, "EXPOSE"))
				continue;
			for (size_t a = 0; a < in->nargs; a++) {
				const char *p = bh_df_expand(w.a, in->args[a], s->df->escape,
							     &w.vars, NULL);
				unsigned long lo = 0, hi;
				char *end;

				if (!p || !*p || *p < '0' || *p > '9')
					continue;
				lo = strtoul(p, &end, 10);
				hi = lo;
				if (*end == '-')
					hi = strtoul(end + 1, &end, 10);
				if (*end && strncasecmp(end, "/tcp", 4) != 0)
					continue;
				if (lo <= 22 && hi >= 22) {
					report_word(
						ctx, in, in->args[a], "22",
						"EXPOSE 22: an SSH server in a container is a way in that bypasses the orchestrator");
					break; /* one finding per instruction: the key is the port
						*/
				}
			}
		}
	}
}

/* ---- COPY . . without .dockerignore ---- */

static void check_copy_context(struct bh_ctx *ctx, const void *subject)
{
	const struct bh_df_subject *s = subject;

	if (s->dockerignore != 0)
		return;
	for (size_t i = 0; i < s->df->n; i++) {
		const struct bh_df_instr *in = &s->df->instrs[i];

		if ((!streq(in->kw, "COPY") && !streq(in->kw, "ADD")) || bh_df_flag(in, "from") ||
		    in->nargs < 2)
			continue;
		for (size_t a = 0; a + 1 < in->nargs; a++) {
			const char *src = unq(ctx, s, in->args[a]);

			if (streq(src, ".") || streq(src, "./") || streq(src, "./*") ||
			    streq(src, "*")) {
				report_word(
					ctx, in, src, "context",
					"the whole build context is copied and there is no .dockerignore: .git, .env files and keys end up in the image");
				return;
			}
		}
	}
}

/* ---- caches left in the image ---- */

static int has_cache_mount(const struct bh_df_instr *in, const char *target)
{
	for (size_t i = 0; i < in->nflags; i++)
		if (!strncmp(in->flags[i], "--mount=", 8) && strstr(in->flags[i], "type=cache") &&
		    (!target || strstr(in->flags[i], target)))
			return 1;
	return 0;
}

/* pip's reading of a boolean environment value: -1 when it is not one. */
static int env_bool(const char *v)
{
	static const char *const yes[] = { "1", "y", "yes", "t", "true", "on", NULL };
	static const char *const no[] = { "0", "n", "no", "f", "false", "off", NULL };

	for (size_t i = 0; yes[i]; i++)
		if (!strcasecmp(v, yes[i]))
			return 1;
	for (size_t i = 0; no[i]; i++)
		if (!strcasecmp(v, no[i]))
			return 0;
	return -1;
}

/* A PIP_NO_CACHE_DIR=value word: 1 or 0 for its setting, -1 when the word is something else. */
static int pip_assign(const char *w)
{
	static const char key[] = "PIP_NO_CACHE_DIR=";

	return strncmp(w, key, sizeof(key) - 1) ? -1 : env_bool(w + sizeof(key) - 1) == 1;
}

static void pip_fn(struct bh_ctx *ctx, const struct bh_df_subject *s, struct script *sc, void *arg)
{
	int no_cache = *(const int *)arg;

	if (has_cache_mount(sc->in->sub ? sc->in->sub : sc->in, NULL))
		return;
	for (size_t i = 0; i < sc->sh.n; i++) {
		struct sh_cmd *c = &sc->sh.c[i];
		size_t st = cmd_start(c, NULL), k;
		const char *b;
		int ok = no_cache;

		if (c->n && streq(c->w[0].s, "export")) {
			/* export PIP_NO_CACHE_DIR=1 holds for the rest of the script */
			for (size_t j = 1; j < c->n; j++)
				if (pip_assign(c->w[j].s) >= 0)
					no_cache = pip_assign(c->w[j].s);
			continue;
		}
		for (size_t j = 0; j < st; j++)
			if (pip_assign(c->w[j].s) >= 0)
				ok = pip_assign(c->w[j].s);
		if (st >= c->n)
			continue;
		b = base_name(c->w[st].s);
		k = st + 1;
		if (!strncmp(b, "python", 6) && k + 1 < c->n && streq(c->w[k].s, "-m") &&
		    !strncmp(c->w[k + 1].s, "pip", 3))
			k += 2;
		else if (strncmp(b, "pip", 3) != 0 || strspn(b + 3, "0123456789.") != strlen(b + 3))
			continue;
		while (k < c->n && c->w[k].s[0] == '-')
			k++;
		if (k >= c->n || !streq(c->w[k].s, "install"))
			continue;
		for (size_t j = st; j < c->n; j++)
			if (!strncmp(c->w[j].s, "--no-cache-dir", 14))
				ok = 1;
		if (!ok)
			script_report(
				ctx, sc, c->w[st].off, c->w[st].len, "pip",
				"pip install without --no-cache-dir leaves the download cache in the image");
	}
}

static void check_pip_cache(struct bh_ctx *ctx, const void *subject)
{
	const struct bh_df_subject *s = subject;
	struct walk w = { .sub = s, .a = &ctx->scan->arena };
	int no_cache = 0;

	for (size_t k = 0; k < s->nstages; k++) {
		if (!s->in_final[k])
			continue;
		for (size_t i = s->stages[k].body; i <= s->stages[k].last; i++)
			vars_apply(&w, &s->df->instrs[i]);
	}
	{
		const struct bh_df_var *v = bh_df_vars_get(&w.vars, "PIP_NO_CACHE_DIR");

		no_cache = v && v->value && env_bool(v->value) == 1;
	}
	each_script(ctx, s, 1, pip_fn, &no_cache);
}

/* Whether a RUN --mount=type=cache has exactly this target (or a directory below it). */
static int mount_target(const struct bh_df_instr *in, const char *dir)
{
	size_t dl = strlen(dir);

	for (size_t i = 0; i < in->nflags; i++) {
		const char *f = in->flags[i], *t;

		if (strncmp(f, "--mount=", 8) != 0 || !strstr(f, "type=cache"))
			continue;
		for (t = f + 8; t && *t; t = strchr(t, ',') ? strchr(t, ',') + 1 : NULL) {
			const char *v = NULL;

			if (!strncmp(t, "target=", 7))
				v = t + 7;
			else if (!strncmp(t, "dst=", 4))
				v = t + 4;
			else if (!strncmp(t, "destination=", 12))
				v = t + 12;
			if (v && !strncmp(v, dir, dl) &&
			    (v[dl] == ',' || v[dl] == '\0' || v[dl] == '/'))
				return 1;
		}
	}
	return 0;
}

static void apt_fn(struct bh_ctx *ctx, const struct bh_df_subject *s, struct script *sc, void *arg)
{
	size_t upd = (size_t)-1, updc = 0;
	int cleaned = 0;

	const struct bh_df_instr *in = sc->in->sub ? sc->in->sub : sc->in;

	/* A cache mount on the lists, or on both apt directories, keeps them out of the layer. */
	if (mount_target(in, "/var/lib/apt/lists") ||
	    (mount_target(in, "/var/lib/apt") && mount_target(in, "/var/cache/apt")))
		return;
	for (size_t i = 0; i < sc->sh.n; i++) {
		struct sh_cmd *c = &sc->sh.c[i];
		size_t st = cmd_start(c, NULL);

		if (st >= c->n)
			continue;
		if ((streq(base_name(c->w[st].s), "apt-get") ||
		     streq(base_name(c->w[st].s), "apt")) &&
		    upd == (size_t)-1) {
			for (size_t k = st + 1; k < c->n; k++)
				if (streq(c->w[k].s, "update")) {
					upd = i;
					updc = st;
				}
		}
		if (streq(base_name(c->w[st].s), "rm"))
			for (size_t k = st + 1; k < c->n; k++)
				if (strstr(c->w[k].s, "/var/lib/apt/lists"))
					cleaned = 1;
	}
	if (upd != (size_t)-1 && !cleaned)
		script_report(
			ctx, sc, sc->sh.c[upd].w[updc].off, sc->sh.c[upd].w[updc].len, "apt",
			"apt-get update without rm -rf /var/lib/apt/lists/* in the same RUN leaves the package lists in the image");
}

static void check_apt_lists(struct bh_ctx *ctx, const void *subject)
{
	const struct bh_df_subject *s = subject;
	struct script *scs;

	/* The final image's stages, and ONBUILD triggers anywhere (they run in child images). */
	for (size_t k = 0; k < s->nstages; k++)
		for (size_t i = s->stages[k].first; i <= s->stages[k].last; i++) {
			const struct bh_df_instr *in = &s->df->instrs[i];
			size_t n;

			if (!s->in_final[k] && !in->sub)
				continue;
			n = cached_scripts(ctx, s, i, &scs);
			for (size_t j = 0; j < n; j++)
				apt_fn(ctx, s, &scs[j], NULL);
		}
}

/* ---- HEALTHCHECK ---- */

static void check_healthcheck(struct bh_ctx *ctx, const void *subject)
{
	const struct bh_df_subject *s = subject;
	const struct bh_df_instr *from;

	if (!s->nstages)
		return;
	for (size_t k = 0; k < s->nstages; k++) {
		if (!s->in_final[k])
			continue;
		for (size_t i = s->stages[k].first; i <= s->stages[k].last; i++)
			if (streq(s->df->instrs[i].kw, "HEALTHCHECK"))
				return;
	}
	from = &s->df->instrs[s->stages[s->nstages - 1].from];
	report_off(
		ctx, from, 0, strlen(from->cmd), "final",
		"the final stage has no HEALTHCHECK (Kubernetes uses probes instead; add one for plain Docker runs)");
}

/* ---- TLS and signature verification turned off ---- */

/* An environment assignment that turns verification off, or NULL. */
static const char *insecure_env(const char *name, const char *v)
{
	if (!v)
		return NULL;
	if (!strcmp(name, "NODE_TLS_REJECT_UNAUTHORIZED") && !strcmp(v, "0"))
		return "NODE_TLS_REJECT_UNAUTHORIZED=0";
	if (!strcmp(name, "PYTHONHTTPSVERIFY") && !strcmp(v, "0"))
		return "PYTHONHTTPSVERIFY=0";
	if (!strcmp(name, "GIT_SSL_NO_VERIFY") && *v && env_bool(v) != 0)
		return "GIT_SSL_NO_VERIFY";
	if (!strcasecmp(name, "NPM_CONFIG_STRICT_SSL") && env_bool(v) == 0)
		return "NPM_CONFIG_STRICT_SSL=false";
	if (!strcmp(name, "PIP_TRUSTED_HOST") && *v)
		return "PIP_TRUSTED_HOST";
	return NULL;
}

static const char *insecure_word(const char *tool, const struct sh_cmd *c, size_t j)
{
	const char *w = c->w[j].s;

	if (strchr(w, '=')) {
		char name[64];
		size_t n = (size_t)(strchr(w, '=') - w);

		if (n < sizeof(name) && w[0] != '-') {
			memcpy(name, w, n);
			name[n] = '\0';
			if (insecure_env(name, w + n + 1))
				return insecure_env(name, w + n + 1);
		}
	}
	if (ci_strstr(w, "sslverify=0") || ci_strstr(w, "sslverify=false") ||
	    ci_strstr(w, "gpgcheck=0") || ci_strstr(w, "Verify-Peer=false") ||
	    ci_strstr(w, "AllowInsecureRepositories=true"))
		return w;
	if (!tool)
		return NULL;
	if (streq(tool, "curl") &&
	    (streq(w, "--insecure") || (w[0] == '-' && w[1] != '-' && strchr(w, 'k'))))
		return "curl --insecure";
	if (streq(tool, "wget") && streq(w, "--no-check-certificate"))
		return "wget --no-check-certificate";
	if (!strncmp(tool, "pip", 3) && !strncmp(w, "--trusted-host", 14))
		return "pip --trusted-host";
	if (streq(tool, "apk") && streq(w, "--allow-untrusted"))
		return "apk --allow-untrusted";
	if ((streq(tool, "apt-get") || streq(tool, "apt")) &&
	    (streq(w, "--allow-unauthenticated") || streq(w, "--allow-insecure-repositories") ||
	     streq(w, "--force-yes")))
		return w;
	if ((streq(tool, "yum") || streq(tool, "dnf") || streq(tool, "microdnf") ||
	     streq(tool, "tdnf") || streq(tool, "zypper")) &&
	    (streq(w, "--nogpgcheck") || streq(w, "--no-gpg-checks")))
		return w;
	if (streq(tool, "rpm") && streq(w, "--nosignature"))
		return "rpm --nosignature";
	if ((streq(tool, "npm") || streq(tool, "yarn") || streq(tool, "pnpm")) &&
	    ((streq(w, "strict-ssl") && j + 1 < c->n && env_bool(c->w[j + 1].s) == 0) ||
	     !strcmp(w, "--strict-ssl=false")))
		return "strict-ssl false";
	if (streq(tool, "git") &&
	    (ci_strstr(w, "http.sslverify=false") ||
	     (!strcasecmp(w, "http.sslVerify") && j + 1 < c->n && env_bool(c->w[j + 1].s) == 0)))
		return "git http.sslVerify false";
	return NULL;
}

static void tls_fn(struct bh_ctx *ctx, const struct bh_df_subject *s, struct script *sc, void *arg)
{
	for (size_t i = 0; i < sc->sh.n; i++) {
		struct sh_cmd *c = &sc->sh.c[i];
		size_t st = cmd_start(c, NULL);
		const char *tool = st < c->n ? base_name(c->w[st].s) : NULL;

		for (size_t j = 0; j < c->n; j++) {
			const char *what = insecure_word(j > st ? tool : NULL, c, j);
			char msg[300];

			if (!what)
				continue;
			snprintf(
				msg, sizeof(msg),
				"%.100s turns off TLS or signature verification: a network attacker can substitute what the build downloads",
				what);
			script_report(ctx, sc, c->w[j].off, c->w[j].len, what, msg);
		}
	}
}

static void check_insecure(struct bh_ctx *ctx, const void *subject)
{
	const struct bh_df_subject *s = subject;

	each_script(ctx, s, 0, tls_fn, NULL);
	for (size_t i = 0; i < s->df->n; i++) {
		const struct bh_df_instr *in = &s->df->instrs[i];

		if (!streq(in->kw, "ENV") && !streq(in->kw, "ARG"))
			continue;
		for (size_t a = 0; a < in->nargs && a < BH_LIMIT_DF_FINDINGS_PER_INSTR * 3; a++) {
			const char *name = in->args[a], *v = NULL, *what;
			char nm[64];

			if (streq(in->kw, "ENV")) {
				if (a % 3 || a + 1 >= in->nargs)
					continue;
				v = in->args[a + 1];
				snprintf(nm, sizeof(nm), "%s", name);
			} else {
				const char *eq = strchr(name, '=');

				if (!eq)
					continue;
				snprintf(nm, sizeof(nm), "%.*s", (int)(eq - name), name);
				v = eq + 1;
			}
			v = unq(ctx, s, v);
			if ((what = insecure_env(nm, v))) {
				char msg[300];

				snprintf(
					msg, sizeof(msg),
					"%s %s turns off TLS verification for every later step and for the running container",
					in->kw, what);
				report_word(ctx, in, nm, what, msg);
			}
		}
	}
}

/* ---- COPY --from=stage / / ---- */

/* The stage named by a COPY --from value (a name or an index), or NULL for an image. */
static const struct bh_df_stage *stage_named(const struct bh_df_subject *s, const char *from)
{
	for (size_t k = 0; k < s->nstages; k++)
		if (s->stages[k].name && !strcasecmp(s->stages[k].name, from))
			return &s->stages[k];
	if (all_digits(from, strlen(from)) && strlen(from) < 6 &&
	    (size_t)strtoul(from, NULL, 10) < s->nstages)
		return &s->stages[strtoul(from, NULL, 10)];
	return NULL;
}

/*
 * Judged on the final image only: a builder stage that imports a toolchain image whole
 * (COPY --from=tonistiigi/xx / /) ships nothing, and a scratch stage holds only what was
 * copied into it, so importing it whole is the usual way to collect artifacts.
 */
static void check_copy_rootfs(struct bh_ctx *ctx, const void *subject)
{
	const struct bh_df_subject *s = subject;

	for (size_t k = 0; k < s->nstages; k++) {
		if (!s->in_final[k])
			continue;
		for (size_t i = s->stages[k].body; i <= s->stages[k].last; i++) {
			const struct bh_df_instr *in = &s->df->instrs[i];
			const char *from = copy_from(ctx, s, in);
			const struct bh_df_stage *src;

			if (!streq(in->kw, "COPY") || !from || !*from || in->nargs < 2)
				continue;
			src = stage_named(s, from);
			if (src && !strcasecmp(root_stage(s, src->index)->image, "scratch"))
				continue;
			if (!streq(unq(ctx, s, in->args[in->nargs - 1]), "/"))
				continue;
			for (size_t a = 0; a + 1 < in->nargs; a++)
				if (streq(unq(ctx, s, in->args[a]), "/")) {
					char msg[300];

					snprintf(
						msg, sizeof(msg),
						"COPY --from=%.100s / / imports that stage's whole filesystem into the final image, with its compilers, shells and caches",
						from);
					report_word(ctx, in, bh_df_flag(in, "from"), from, msg);
					break;
				}
		}
	}
}

/* ---- pipes without pipefail ---- */

/* The pipefail state a SHELL instruction sets: 1 on, 0 off, -1 not a POSIX shell. */
static int shell_pipefail(const struct bh_df_instr *in)
{
	static const char *const posix[] = { "sh",  "bash", "zsh",     "ash", "dash",
					     "ksh", "mksh", "busybox", NULL };
	static const char *const strong[] = { "bash", "zsh", "ash", "ksh", "mksh", NULL };
	const char *b;

	if (!in->json || !in->nargs)
		return 0;
	b = base_name(in->args[0]);
	if (!in_list(b, posix))
		return -1;
	if (!in_list(b, strong))
		return 0;
	for (size_t i = 1; i + 1 < in->nargs; i++) {
		const char *o = in->args[i];
		size_t l = strlen(o);

		if (o[0] == '-' && o[1] != '-' && l >= 2 && o[l - 1] == 'o' &&
		    streq(in->args[i + 1], "pipefail"))
			return 1;
	}
	return 0;
}

static void check_pipefail(struct bh_ctx *ctx, const void *subject)
{
	const struct bh_df_subject *s = subject;
	struct script *scs;

	for (size_t k = 0; k < s->nstages; k++) {
		int state = 0; /* each stage starts with the default /bin/sh -c */

		for (size_t i = s->stages[k].first; i <= s->stages[k].last; i++) {
			const struct bh_df_instr *in = &s->df->instrs[i];
			size_t n;

			if (streq(in->kw, "SHELL")) {
				state = shell_pipefail(in);
				continue;
			}
			if (state != 0)
				continue;
			n = cached_scripts(ctx, s, i, &scs);
			for (size_t j = 0; j < n; j++) {
				struct script *sc = &scs[j];
				int set = 0;

				/* The exec form names its own shell; only the default shell is
				 * judged. */
				if (sc->exec || (in->sub ? in->sub : in)->json)
					continue;
				for (size_t c = 0; c < sc->sh.n; c++) {
					const struct sh_cmd *cm = &sc->sh.c[c];

					if (cm->n >= 2 && streq(cm->w[0].s, "set"))
						for (size_t w = 1; w + 1 < cm->n; w++)
							if (cm->w[w].s[0] == '-' &&
							    strchr(cm->w[w].s, 'o') &&
							    streq(cm->w[w + 1].s, "pipefail"))
								set = 1;
					if (cm->pipe_next && !set && cm->n) {
						script_report(
							ctx, sc, cm->w[0].off, cm->w[0].len, "pipe",
							"a pipeline runs without pipefail: if the first command (a download) fails, the build goes on with what it got");
						break;
					}
				}
			}
		}
	}
}

/* ---- registries ---- */

/* The registry of an image reference: its first component when that is a host, else docker.io. */
static void image_registry(const char *img, char *out, size_t cap)
{
	const char *slash = strchr(img, '/');
	size_t n;

	if (slash &&
	    (memchr(img, '.', (size_t)(slash - img)) || memchr(img, ':', (size_t)(slash - img)) ||
	     ((size_t)(slash - img) == 9 && !strncmp(img, "localhost", 9)))) {
		n = (size_t)(slash - img);
		if (n >= cap)
			n = cap - 1;
		memcpy(out, img, n);
		out[n] = '\0';
		return;
	}
	snprintf(out, cap, "docker.io");
}

static int registry_allowed(const struct bh_config *cfg, const char *img, const char *reg)
{
	for (size_t i = 0; i < cfg->nregistries; i++) {
		const char *r = cfg->registries[i];
		size_t l = strlen(r);

		if (!strcasecmp(r, reg) || fnmatch(r, reg, FNM_CASEFOLD) == 0)
			return 1;
		/* registry.example.com/team allows that path and below */
		if (strchr(r, '/') && !strncasecmp(img, r, l) &&
		    (img[l] == '/' || img[l] == ':' || img[l] == '@' || !img[l]))
			return 1;
		if (!strcasecmp(reg, "docker.io") &&
		    (!strcasecmp(r, "index.docker.io") || !strcasecmp(r, "registry-1.docker.io")))
			return 1;
	}
	return 0;
}

static void check_registry(struct bh_ctx *ctx, const void *subject)
{
	const struct bh_df_subject *s = subject;
	const struct bh_config *cfg = &ctx->scan->cfg;

	if (!cfg->nregistries)
		return;
	for (size_t k = 0; k < s->nstages; k++) {
		const struct bh_df_stage *st = &s->stages[k];
		const struct bh_df_instr *in = &s->df->instrs[st->from];
		char reg[256], msg[800];

		if (!external(st))
			continue;
		image_registry(st->image, reg, sizeof(reg));
		if (registry_allowed(cfg, st->image, reg))
			continue;
		snprintf(
			msg, sizeof(msg),
			"base image '%.300s' comes from %.200s, which is not an allowed registry (registries: in %s)",
			st->image, reg, cfg->path ? cfg->path : ".bulkhead.yaml");
		report_off(ctx, in, args_off(in), strlen(in->args[0]), st->image, msg);
	}
}

/* ---- OS packages without a pinned version ---- */

/* Package managers whose installs DF-027 reads, and the subcommand that installs. */
enum pin_pm { PIN_APT, PIN_APK, PIN_RPM, PIN_ZYPPER };

static int pin_manager(const char *m, enum pin_pm *pm)
{
	if (streq(m, "apt-get"))
		*pm = PIN_APT;
	else if (streq(m, "apk"))
		*pm = PIN_APK;
	else if (streq(m, "yum") || streq(m, "dnf") || streq(m, "microdnf"))
		*pm = PIN_RPM;
	else if (streq(m, "zypper"))
		*pm = PIN_ZYPPER;
	else
		return 0;
	return 1;
}

static int pin_subcommand(enum pin_pm pm, const char *w)
{
	switch (pm) {
	case PIN_APT:
		return streq(w, "install");
	case PIN_APK:
		return streq(w, "add");
	case PIN_RPM:
		return streq(w, "install");
	case PIN_ZYPPER:
		return streq(w, "install") || streq(w, "in");
	}
	return 0;
}

/* Options of the four managers that take their value as the next word. */
static int pin_option_takes_value(const char *w)
{
	return streq(w, "-o") || streq(w, "-c") || streq(w, "-t") || streq(w, "-X") ||
	       streq(w, "-r") || streq(w, "--repository") || streq(w, "--target-release") ||
	       streq(w, "--virtual") || streq(w, "--repositories-file") || streq(w, "--root") ||
	       streq(w, "-p") || streq(w, "--repo") || streq(w, "--installroot") ||
	       streq(w, "--releasever") || streq(w, "--type");
}

static int ends_with(const char *w, const char *suffix)
{
	size_t lw = strlen(w), ls = strlen(suffix);

	return lw > ls && !strcmp(w + lw - ls, suffix);
}

/* name-version as rpm spells it: a '-' followed by a digit; a module pins its stream. */
static int rpm_versioned(const char *w, int module)
{
	if (module)
		return strchr(w, ':') != NULL;
	for (const char *p = strchr(w, '-'); p; p = strchr(p + 1, '-'))
		if (p[1] >= '0' && p[1] <= '9')
			return 1;
	return 0;
}

/*
 * Whether an install argument names a version. rpm managers spell it name-version (a '-'
 * followed by a digit, as in openssl-1:1.1.1k or gcc-c++-1.1.1; a module as name:stream);
 * zypper also takes name=1.2 and the comparisons name>=1.2; apt and apk use '=' (apk also '~').
 */
static int pin_versioned(enum pin_pm pm, const char *w, int module)
{
	if (strchr(w, '/') || strchr(w, '$') || ends_with(w, ".deb") || ends_with(w, ".apk") ||
	    ends_with(w, ".rpm"))
		return 1;
	switch (pm) {
	case PIN_APT:
		return strchr(w, '=') != NULL;
	case PIN_APK:
		return strchr(w, '=') || strchr(w, '~');
	case PIN_ZYPPER:
		return strpbrk(w, "=<>") || rpm_versioned(w, module);
	case PIN_RPM:
		return rpm_versioned(w, module);
	}
	return 0;
}

static const char *pin_label(enum pin_pm pm, const char *m)
{
	switch (pm) {
	case PIN_APT:
		return "apt-get install";
	case PIN_APK:
		return "apk add";
	case PIN_RPM:
	case PIN_ZYPPER:
		return m;
	}
	return m;
}

static void pin_fn(struct bh_ctx *ctx, const struct bh_df_subject *s, struct script *sc, void *arg)
{
	for (size_t i = 0; i < sc->sh.n; i++) {
		struct sh_cmd *c = &sc->sh.c[i];
		size_t st = cmd_start(c, NULL), k;
		const char *m;
		enum pin_pm pm;
		int module = 0;

		if (st >= c->n)
			continue;
		m = base_name(c->w[st].s);
		if (!pin_manager(m, &pm))
			continue;
		/* Find the install subcommand; options before it may take an argument. */
		for (k = st + 1; k < c->n; k++) {
			const char *w = c->w[k].s;

			if (pin_subcommand(pm, w))
				break;
			if (pm == PIN_RPM && streq(w, "module"))
				module = 1;
			else if (pin_option_takes_value(w))
				k++;
			else if (w[0] != '-')
				k = c->n;
		}
		for (k++; k < c->n; k++) {
			const char *w = c->w[k].s;
			char msg[300];

			if (w[0] == '-') {
				if (pin_option_takes_value(w))
					k++;
				continue;
			}
			if (pin_versioned(pm, w, module))
				continue;
			snprintf(
				msg, sizeof(msg),
				"%s installs '%.100s' without a version: every build may get a different package",
				pin_label(pm, m), w);
			script_report(ctx, sc, c->w[k].off, c->w[k].len, w, msg);
			break; /* one finding per install command */
		}
	}
}

static void check_pkg_pin(struct bh_ctx *ctx, const void *subject)
{
	each_script(ctx, subject, 0, pin_fn, NULL);
}

/* ---- pip packages without a pinned version ---- */

static int pip_arg_option(const char *w)
{
	static const char *const with_arg[] = {
		"-r",
		"--requirement",
		"-c",
		"--constraint",
		"-e",
		"--editable",
		"-i",
		"--index-url",
		"--extra-index-url",
		"-f",
		"--find-links",
		"--trusted-host",
		"-b",
		"--build",
		"--prefix",
		"--root",
		"-t",
		"--target",
		"--src",
		"--upgrade-strategy",
		"--platform",
		"--python-version",
		"--implementation",
		"--abi",
		"--global-option",
		"--install-option",
		"--progress-bar",
		"--proxy",
		"--retries",
		"--timeout",
		"--exists-action",
		"--cert",
		"--client-cert",
		"--cache-dir",
		"--log",
		"--report",
		NULL,
	};

	return in_list(w, with_arg);
}

static int pip_pinned(const char *w)
{
	size_t n = strlen(w);

	if (!strncmp(w, "git+", 4)) {
		/* git+https://host/repo.git@ref#egg=name is pinned by its @ref */
		const char *host = strstr(w, "://");
		const char *path = host ? strchr(host + 3, '/') : NULL;
		const char *frag = strchr(w, '#');
		const char *at = path ? strchr(path, '@') : NULL;

		return at && (!frag || at < frag);
	}
	if (strpbrk(w, "=<>~!"))
		return 1;
	if (strchr(w, '@'))
		return 1; /* name @ url */
	/* Local archives, wheels, directories and paths are what the context holds. */
	return w[0] == '.' || w[0] == '/' || strchr(w, '/') || strchr(w, '$') ||
	       (n > 4 && (!strcmp(w + n - 4, ".whl") || !strcmp(w + n - 4, ".zip"))) ||
	       (n > 7 && !strcmp(w + n - 7, ".tar.gz"));
}

static void pip_pin_fn(struct bh_ctx *ctx, const struct bh_df_subject *s, struct script *sc,
		       void *arg)
{
	for (size_t i = 0; i < sc->sh.n; i++) {
		struct sh_cmd *c = &sc->sh.c[i];
		size_t st = cmd_start(c, NULL), k;
		const char *b, *bad = NULL;
		size_t bad_k = 0;
		int constrained = 0;

		if (st >= c->n)
			continue;
		b = base_name(c->w[st].s);
		k = st + 1;
		if (!strncmp(b, "python", 6) && k + 1 < c->n && streq(c->w[k].s, "-m") &&
		    streq(c->w[k + 1].s, "pip"))
			k += 2;
		else if (strncmp(b, "pip", 3) != 0 || strspn(b + 3, "0123456789.") != strlen(b + 3))
			continue;
		while (k < c->n && c->w[k].s[0] == '-')
			k++;
		if (k >= c->n || !streq(c->w[k].s, "install"))
			continue;
		for (k++; k < c->n; k++) {
			const char *w = c->w[k].s;

			if (w[0] == '-') {
				if (streq(w, "-r") || streq(w, "--requirement") || streq(w, "-c") ||
				    streq(w, "--constraint") || !strncmp(w, "--requirement=", 14) ||
				    !strncmp(w, "--constraint=", 13))
					constrained = 1;
				if (pip_arg_option(w))
					k++;
				continue;
			}
			if (!bad && !pip_pinned(w))
				bad = w, bad_k = k;
		}
		if (bad && !constrained) {
			char msg[300];

			snprintf(
				msg, sizeof(msg),
				"pip installs '%.100s' without a version: every build may get a different release",
				bad);
			script_report(ctx, sc, c->w[bad_k].off, c->w[bad_k].len, bad, msg);
		}
	}
}

static int npm_pinned(const char *w)
{
	size_t n = strlen(w);

	if (!strncmp(w, "git+", 4) || !strncmp(w, "git://", 6))
		return strchr(w, '#') != NULL; /* #tag, #commit or #semver:range */
	if (w[0] == '/' || !strncmp(w, "./", 2) || !strncmp(w, "../", 3) || !strncmp(w, "~/", 2) ||
	    strstr(w, "://") || strchr(w, '$'))
		return 1;
	if ((n > 4 && (!strcmp(w + n - 4, ".tar") || !strcmp(w + n - 4, ".tgz"))) ||
	    (n > 7 && !strcmp(w + n - 7, ".tar.gz")))
		return 1;
	return strchr(w[0] == '@' ? w + 1 : w, '@') != NULL;
}

static void npm_pin_fn(struct bh_ctx *ctx, const struct bh_df_subject *s, struct script *sc,
		       void *arg)
{
	static const char *const with_arg[] = { "--loglevel",  "--registry",   "--prefix",
						"--cache",     "--tag",	       "-w",
						"--workspace", "--userconfig", NULL };

	for (size_t i = 0; i < sc->sh.n; i++) {
		struct sh_cmd *c = &sc->sh.c[i];
		size_t st = cmd_start(c, NULL), k;

		if (st >= c->n || !streq(base_name(c->w[st].s), "npm"))
			continue;
		for (k = st + 1; k < c->n && c->w[k].s[0] == '-'; k++)
			if (in_list(c->w[k].s, with_arg))
				k++;
		if (k >= c->n || !(streq(c->w[k].s, "install") || streq(c->w[k].s, "i")))
			continue;
		for (k++; k < c->n; k++) {
			const char *w = c->w[k].s;

			if (w[0] == '-') {
				if (in_list(w, with_arg))
					k++;
				continue;
			}
			if (!npm_pinned(w)) {
				char msg[300];

				snprintf(
					msg, sizeof(msg),
					"npm installs '%.100s' without a version: every build may get a different release",
					w);
				script_report(ctx, sc, c->w[k].off, c->w[k].len, w, msg);
				break;
			}
		}
	}
}

static void check_pip_pin(struct bh_ctx *ctx, const void *subject)
{
	each_script(ctx, subject, 0, pip_pin_fn, NULL);
	each_script(ctx, subject, 0, npm_pin_fn, NULL);
}

/* ---- WORKDIR in a system directory ---- */

/*
 * A WORKDIR under /proc, /sys, /dev or the boot directories makes every later relative path
 * (COPY, RUN output, the process's files) land in a kernel or boot filesystem when the
 * container runs, which is how host files get overwritten from a container that has them
 * mounted (Trivy DS-0030 lists /proc, /boot, /dev, /initrd, /lost+found; /sys is the same).
 */
static int system_dir(const char *p)
{
	static const char *const dirs[] = { "/proc",   "/sys",	      "/dev", "/boot",
					    "/initrd", "/lost+found", NULL };

	while (p[0] == '/' && p[1] == '/')
		p++;
	for (size_t i = 0; dirs[i]; i++) {
		size_t l = strlen(dirs[i]);

		if (!strncmp(p, dirs[i], l) && (p[l] == '/' || !p[l]))
			return 1;
	}
	return 0;
}

static void check_workdir_sys(struct bh_ctx *ctx, const void *subject)
{
	const struct bh_df_subject *s = subject;
	struct walk w = { .sub = s, .a = &ctx->scan->arena };

	for (size_t k = 0; k < s->nstages; k++) {
		for (size_t i = s->stages[k].body; i <= s->stages[k].last; i++) {
			const struct bh_df_instr *in = &s->df->instrs[i];
			const char *p;
			char buf[512], msg[700];
			size_t l;

			vars_apply(&w, in);
			if (!streq(in->kw, "WORKDIR") || !in->nargs)
				continue;
			p = bh_df_expand(w.a, in->args[0], s->df->escape, &w.vars, NULL);
			if (!p)
				continue;
			while (*p == '"' || *p == '\'')
				p++;
			snprintf(buf, sizeof(buf), "%s", p);
			l = strlen(buf);
			while (l && (buf[l - 1] == '"' || buf[l - 1] == '\''))
				buf[--l] = 0;
			if (!system_dir(buf))
				continue;
			snprintf(
				msg, sizeof(msg),
				"WORKDIR %.400s is inside a kernel or boot filesystem: relative paths of the build and the container land there",
				buf);
			report_off(ctx, in, args_off(in), strlen(in->args[0]), buf, msg);
		}
	}
}

/* ---- cloud credentials configured in a RUN ---- */

/*
 * Commands that log a CLI in and keep the credential in a file under the user's home
 * directory: the file stays in the layer even when the value came from a secret mount
 * (Trivy DS-0031 reads these commands). A later `rm` of that directory in the same RUN is
 * the one way the layer does not keep it.
 */
struct cred_cmd {
	const char *cli, *sub1, *sub2, *store;
};

static const struct cred_cmd cred_cmds[] = {
	{ "aws", "configure", "set", ".aws" },
	{ "gcloud", "auth", "activate-service-account", ".config/gcloud" },
	{ "az", "login", NULL, ".azure" },
	{ "docker", "login", NULL, ".docker" },
};

static int cred_value_key(const char *w)
{
	const char *dot = strrchr(w, '.');

	if (dot)
		w = dot + 1;
	return streq(w, "aws_access_key_id") || streq(w, "aws_secret_access_key") ||
	       streq(w, "aws_session_token");
}

/* docker login keeps nothing unless a password is given on the command line or stdin. */
static int docker_login_with_password(const struct sh_cmd *c, size_t st)
{
	for (size_t j = st + 2; j < c->n; j++) {
		const char *w = c->w[j].s;

		if (streq(w, "-p") || !strncmp(w, "--password", 10))
			return 1;
	}
	return 0;
}

static int cred_store_removed(struct script *sc, size_t from, const char *store)
{
	for (size_t i = from + 1; i < sc->sh.n; i++) {
		struct sh_cmd *c = &sc->sh.c[i];
		size_t st = cmd_start(c, NULL);

		if (st >= c->n || !streq(base_name(c->w[st].s), "rm"))
			continue;
		for (size_t j = st + 1; j < c->n; j++)
			if (strstr(c->w[j].s, store))
				return 1;
	}
	return 0;
}

static void cred_fn(struct bh_ctx *ctx, const struct bh_df_subject *s, struct script *sc, void *arg)
{
	for (size_t i = 0; i < sc->sh.n; i++) {
		struct sh_cmd *c = &sc->sh.c[i];
		size_t st = cmd_start(c, NULL);

		if (st + 1 >= c->n)
			continue;
		for (size_t t = 0; t < sizeof(cred_cmds) / sizeof(*cred_cmds); t++) {
			const struct cred_cmd *cc = &cred_cmds[t];
			char msg[400];

			if (!streq(base_name(c->w[st].s), cc->cli) ||
			    !streq(c->w[st + 1].s, cc->sub1))
				continue;
			if (cc->sub2 && (st + 2 >= c->n || !streq(c->w[st + 2].s, cc->sub2)))
				continue;
			if (!strcmp(cc->cli, "aws") &&
			    (st + 3 >= c->n || !cred_value_key(c->w[st + 3].s)))
				continue;
			if (!strcmp(cc->cli, "docker") && !docker_login_with_password(c, st))
				continue;
			if (cred_store_removed(sc, i, cc->store))
				continue;
			snprintf(
				msg, sizeof(msg),
				"%s %s writes a credential under ~/%s in this layer, where anyone who pulls the image reads it",
				cc->cli, cc->sub1, cc->store);
			script_report(ctx, sc, c->w[st].off, c->w[st].len, cc->cli, msg);
		}
	}
}

static void check_cred_run(struct bh_ctx *ctx, const void *subject)
{
	each_script(ctx, subject, 1, cred_fn, NULL);
}

/* ---- passwords set at build time ---- */

/*
 * chpasswd, passwd --stdin and useradd/usermod -p put a password hash into /etc/shadow of the
 * image and the cleartext into the build history (Checkov CKV2_DOCKER_17 reads chpasswd).
 */
static void passwd_fn(struct bh_ctx *ctx, const struct bh_df_subject *s, struct script *sc,
		      void *arg)
{
	for (size_t i = 0; i < sc->sh.n; i++) {
		struct sh_cmd *c = &sc->sh.c[i];
		size_t st = cmd_start(c, NULL);
		const char *m;
		int hit = 0;

		if (st >= c->n)
			continue;
		m = base_name(c->w[st].s);
		if (streq(m, "chpasswd"))
			hit = 1;
		for (size_t j = st + 1; j < c->n && !hit; j++) {
			const char *w = c->w[j].s;

			if (streq(m, "passwd") && streq(w, "--stdin"))
				hit = 1;
			else if ((streq(m, "useradd") || streq(m, "usermod") ||
				  streq(m, "adduser")) &&
				 (streq(w, "-p") || !strncmp(w, "--password", 10)))
				hit = 1;
		}
		if (hit)
			script_report(
				ctx, sc, c->w[st].off, c->w[st].len, m,
				"a password is set at build time: its hash ships in /etc/shadow and the command in the image history");
	}
}

static void check_passwd(struct bh_ctx *ctx, const void *subject)
{
	each_script(ctx, subject, 0, passwd_fn, NULL);
}

/* ---- the table ---- */

#define DF(id_, sev_, title_, attack_, fix_, refs_, check_)                         \
	{                                                                           \
		.id = id_, .layer = BH_LAYER_DF, .severity = sev_, .title = title_, \
		.attack = attack_, .fix = fix_, .refs = refs_, .check = check_,     \
	}

static void check_base_slim(struct bh_ctx *ctx, const void *subject)
{
	check_base_minimal(ctx, subject);
}

const struct bh_rule bh_df_rules[] = {
	DF("DF-001", BH_SEV_MEDIUM, "Final image is built on a full distribution",
	   "A shell, package manager and utilities in the image turn code execution into a full toolkit for the attacker.",
	   "Build the final stage FROM a distroless, alpine, wolfi/chainguard or scratch image; compile in an earlier stage.",
	   "CIS Docker Benchmark 4.3; NIST SP 800-190 4.1", check_base_minimal),
	DF("DF-002", BH_SEV_MEDIUM, "Base image is not pinned by digest",
	   "A tag can be moved to a different image, so a registry compromise or a mistaken push changes what you build on.",
	   "Pin FROM to an image digest: FROM image:tag@sha256:<digest>, and let a bot update it.",
	   "SLSA build L3; CIS Docker Benchmark 4.2", check_digest),
	DF("DF-003", BH_SEV_MEDIUM, "Base image uses the latest tag or no tag",
	   "Every build may pull a different image, so a build cannot be reproduced or audited.",
	   "Use an explicit version tag (and a digest).", "hadolint DL3006, DL3007; Trivy DS-0001",
	   check_latest),
	DF("DF-004", BH_SEV_HIGH, "The final stage sets no USER",
	   "The container runs as root, so code execution in the agent is root in the container, one step from the node.",
	   "Add USER 65532:65532 (or another non-zero numeric UID) to the final stage.",
	   "CIS Docker Benchmark 4.1; Trivy DS-0002; Checkov CKV_DOCKER_3", check_no_user),
	DF("DF-005", BH_SEV_HIGH, "The final stage runs as root",
	   "USER root (or 0) makes every process in the container root.",
	   "Set USER to a non-zero numeric UID in the final stage.",
	   "hadolint DL3002; Trivy DS-0002; Checkov CKV_DOCKER_8", check_user_root),
	DF("DF-006", BH_SEV_LOW, "USER is a name, not a numeric UID",
	   "Kubernetes cannot verify runAsNonRoot for a user name, so a name that maps to UID 0 passes unnoticed.",
	   "Use a numeric UID (and GID): USER 65532:65532, or set runAsUser in the pod.",
	   "hadolint DL3066; PSS restricted: Running as Non-root", check_user_name),
	DF("DF-007", BH_SEV_HIGH, "USER switches back to root after a non-root user",
	   "The image ends up running as root although it was meant to drop privileges.",
	   "Switch back to the non-root USER after the steps that need root.", "hadolint DL3002",
	   check_user_back_to_root),
	DF("DF-008", BH_SEV_MEDIUM,
	   "Build tools, shells or package managers installed in the final image",
	   "Compilers, curl, git or a package manager let code execution in the container build or fetch its next stage.",
	   "Install build tools in a builder stage and COPY --from it only the artifacts the final stage needs.",
	   "NIST SP 800-190 4.1.1; CIS Docker Benchmark 4.3", check_build_tools),
	DF("DF-009", BH_SEV_HIGH, "A shell is added to a distroless image",
	   "A shell gives code execution in a distroless image the interactive foothold distroless removes.",
	   "Do not copy sh, bash or busybox into a distroless or scratch stage; use exec-form commands.",
	   "NIST SP 800-190 4.1.1", check_shell_in_distroless),
	DF("DF-010", BH_SEV_HIGH, "chmod sets the setuid or setgid bit",
	   "A setuid/setgid binary is a ready privilege-escalation path for any code running in the container.",
	   "Do not set u+s/g+s or 4xxx/2xxx modes; grant a capability or run the step at build time instead.",
	   "CIS Docker Benchmark 4.8; dockle CIS-DI-0008", check_suid),
	DF("DF-011", BH_SEV_MEDIUM, "ADD fetches a URL without a checksum",
	   "A remote file fetched at build time is not verified, so a compromised server or a spoofed response ends up in the image.",
	   "Download with a verified checksum (ADD --checksum=sha256:... or curl plus sha256sum -c), or COPY a vendored file.",
	   "CIS Docker Benchmark 4.9; Dockerfile reference: ADD --checksum", check_add_url),
	DF("DF-012", BH_SEV_LOW, "ADD used where COPY would do",
	   "ADD also fetches URLs and unpacks archives, so a file that later becomes a URL or archive changes the image silently.",
	   "Use COPY for local files and directories; keep ADD for archives you mean to extract.",
	   "hadolint DL3020; Trivy DS-0005; Checkov CKV_DOCKER_4", check_add_local),
	DF("DF-013", BH_SEV_HIGH, "A downloaded script is piped into a shell",
	   "Piping curl into sh runs whatever the server (or anyone on the path) returns, with no integrity check.",
	   "Download to a file, verify its checksum or signature, then run it.",
	   "CIS Docker Benchmark 4.9; NIST SP 800-190 4.1.4", check_curl_pipe),
	DF("DF-014", BH_SEV_HIGH, "Secret-looking name in ARG or ENV",
	   "ARG and ENV values are stored in the image config and history; anyone who can pull the image reads them.",
	   "Pass secrets with RUN --mount=type=secret and read them at runtime from a mounted Secret.",
	   "Trivy DS-0031; hadolint DL3064; BuildKit SecretsUsedInArgOrEnv; CIS 4.10",
	   check_secret_name),
	DF("DF-015", BH_SEV_CRITICAL, "Credential value in ARG or ENV",
	   "A live credential baked into the image is readable by anyone who can pull it, forever.",
	   "Revoke the credential, remove it from the Dockerfile and pass it with RUN --mount=type=secret.",
	   "CIS Docker Benchmark 4.10; dockle CIS-DI-0010", check_secret_value),
	DF("DF-016", BH_SEV_HIGH, "sudo is used in RUN",
	   "Having sudo in an image means a process can regain root; in a build it hides which steps run privileged.",
	   "Run privileged steps under USER root and drop to a non-root USER afterwards; do not install sudo.",
	   "hadolint DL3004; Trivy DS-0010", check_sudo),
	DF("DF-017", BH_SEV_MEDIUM, "Port 22 is exposed",
	   "An SSH server in a container is a remote way in that bypasses kubectl access control and audit.",
	   "Remove the SSH server and EXPOSE 22; use kubectl exec or debug containers.",
	   "Trivy DS-0004; Checkov CKV_DOCKER_1", check_expose_ssh),
	DF("DF-018", BH_SEV_MEDIUM, "The whole build context is copied without a .dockerignore",
	   "COPY . . without a .dockerignore ships .git history, .env files and local keys in the image.",
	   "Add a .dockerignore next to the Dockerfile (exclude .git, .env*, *.pem, secrets) or copy explicit paths.",
	   "Docker build best practices: .dockerignore", check_copy_context),
	DF("DF-019", BH_SEV_LOW, "pip install without --no-cache-dir",
	   "The pip cache bloats the final image and keeps downloaded wheels an attacker can inspect or reuse.",
	   "Add --no-cache-dir (or ENV PIP_NO_CACHE_DIR=1, or a RUN --mount=type=cache).",
	   "hadolint DL3042", check_pip_cache),
	DF("DF-020", BH_SEV_LOW, "apt lists are left in the image",
	   "Package lists left in the final image grow it and date its package metadata.",
	   "End the RUN that calls apt-get update with && rm -rf /var/lib/apt/lists/*.",
	   "hadolint DL3009", check_apt_lists),
	DF("DF-021", BH_SEV_INFO, "The final stage has no HEALTHCHECK",
	   "Without a health check a hung agent keeps receiving work under plain Docker.",
	   "Add HEALTHCHECK CMD [...] or rely on Kubernetes liveness and readiness probes.",
	   "hadolint DL3057; Trivy DS-0026; Checkov CKV_DOCKER_2; CIS Docker Benchmark 4.6",
	   check_healthcheck),
	DF("DF-022", BH_SEV_LOW, "Final image is built on a slim distribution image",
	   "A -slim image still ships a shell and a package manager that code execution can use.",
	   "Build the final stage FROM a distroless, alpine, wolfi/chainguard or scratch image.",
	   "NIST SP 800-190 4.1", check_base_slim),
	DF("DF-023", BH_SEV_HIGH, "TLS or signature verification is turned off",
	   "Flags such as curl -k, --no-check-certificate, --trusted-host, --allow-untrusted or --nogpgcheck let anyone on the network path replace what the build installs.",
	   "Remove the flag or variable; install the CA certificate the mirror needs, or verify downloads by checksum.",
	   "Checkov CKV2_DOCKER_2..16; CIS Docker Benchmark 4.11", check_insecure),
	DF("DF-024", BH_SEV_MEDIUM, "A whole stage filesystem is copied",
	   "COPY --from=stage / / brings the builder's compilers, shells, package managers and caches into the image, undoing the multi-stage build.",
	   "Copy only the artifacts the image needs: COPY --from=build /out/app /app.",
	   "hadolint DL3067", check_copy_rootfs),
	DF("DF-025", BH_SEV_LOW, "A RUN pipeline runs without pipefail",
	   "Without pipefail, curl ... | tar or wget -O- | sh succeeds on a failed or truncated download and the build ships what it got.",
	   "Add SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"] before the RUN, or start the script with set -o pipefail.",
	   "hadolint DL4006", check_pipefail),
	DF("DF-026", BH_SEV_MEDIUM, "Base image from a registry that is not allowed",
	   "An image pulled from an unvetted registry bypasses the mirror, scanning and signing the organisation relies on.",
	   "Pull base images through an allowed registry (the registries: list of .bulkhead.yaml).",
	   "hadolint DL3026; CIS Docker Benchmark 4.2", check_registry),
	DF("DF-027", BH_SEV_LOW, "OS packages are installed without a pinned version",
	   "Unpinned apt-get/apk/yum/dnf/zypper installs pull whatever the mirror serves that day, so a build cannot be reproduced and a bad package update lands unnoticed.",
	   "Pin versions: apt-get install pkg=1.2.3-1, apk add pkg=1.2.3-r0 (or pkg~1.2), yum/dnf install pkg-1.2.3, zypper install pkg=1.2.3, and update them deliberately.",
	   "hadolint DL3008, DL3018, DL3033, DL3037, DL3041", check_pkg_pin),
	DF("DF-028", BH_SEV_LOW, "pip or npm packages are installed without a pinned version",
	   "An unpinned pip or npm install takes whatever the index serves, so a hijacked or broken release reaches the image on the next build.",
	   "Pin versions (pkg==1.2.3, pkg@1.2.3), or install from a lock file (pip --require-hashes -r requirements.txt, npm ci).",
	   "hadolint DL3013, DL3016", check_pip_pin),
	DF("DF-029", BH_SEV_HIGH, "WORKDIR is inside a kernel or boot filesystem",
	   "A WORKDIR under /proc, /sys, /dev or /boot sends the build's and the process's relative writes into a kernel or host-mounted filesystem, a known container breakout path.",
	   "Use an application directory such as WORKDIR /app.", "Trivy DS-0030",
	   check_workdir_sys),
	DF("DF-030", BH_SEV_HIGH, "A RUN step stores cloud or registry credentials in the image",
	   "Logging a CLI in (aws configure set, gcloud auth activate-service-account, az login, docker login --password) writes the credential under the home directory, so it stays in the layer for anyone who pulls the image.",
	   "Pass the credential with RUN --mount=type=secret (or env=) to the one command that needs it instead of logging the CLI in, or remove the credential directory in the same RUN.",
	   "Trivy DS-0031; CIS Docker Benchmark 4.10", check_cred_run),
	DF("DF-031", BH_SEV_HIGH, "A password is set in a RUN step",
	   "A password set with chpasswd, passwd --stdin or useradd -p is readable in the image history and its hash in /etc/shadow can be cracked offline, giving a login that su or sshd accept.",
	   "Create users without a password (useradd -r, or a locked account) and authenticate with keys or tokens mounted at runtime.",
	   "Checkov CKV2_DOCKER_17; CIS Docker Benchmark 4.10", check_passwd),
};
const size_t bh_df_nrules = sizeof(bh_df_rules) / sizeof(*bh_df_rules);
