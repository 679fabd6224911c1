/*
 * Registration of the Dockerfile part of the image layer with the scan driver. A file is a
 * Dockerfile by name (Dockerfile, Containerfile, Dockerfile.*, *.Dockerfile, *.dockerfile) or,
 * for any other name, by content: its first instruction is FROM or ARG and every instruction
 * line starts with a Dockerfile keyword. scan_text parses the file, rejects what `docker build`
 * rejects (an input error with file:line), and runs the DF rules on it. The build context is
 * the Dockerfile's directory: a .dockerignore there (or <name>.dockerignore beside it) counts.
 */
#include "image.h"

#include <string.h>
#include <unistd.h>

#include "core/banned.h"
#include "core/limits.h"
#include "core/scan.h"
#include "dockerfile.h"

#define BH_STR_(x) #x
#define BH_STR(x)  BH_STR_(x)

static int is_keyword(const char *s, size_t n)
{
	static const char *const kws[] = { "ADD",	  "ARG",     "CMD",	   "COPY",
					   "ENTRYPOINT",  "ENV",     "EXPOSE",	   "FROM",
					   "HEALTHCHECK", "LABEL",   "MAINTAINER", "ONBUILD",
					   "RUN",	  "SHELL",   "STOPSIGNAL", "USER",
					   "VOLUME",	  "WORKDIR", NULL };

	for (size_t i = 0; kws[i]; i++)
		if (strlen(kws[i]) == n && strncasecmp(s, kws[i], n) == 0)
			return 1;
	return 0;
}

static int name_is_dockerfile(const char *path)
{
	const char *b = strrchr(path, '/');
	size_t n;

	b = b ? b + 1 : path;
	n = strlen(b);
	if (!strcmp(b, "Dockerfile") || !strcmp(b, "Containerfile") || !strcmp(b, "dockerfile") ||
	    !strcmp(b, "containerfile"))
		return 1;
	if (!strncmp(b, "Dockerfile.", 11) || !strncmp(b, "Containerfile.", 14)) {
		/* Dockerfile.dev is a Dockerfile; Dockerfile.md, .j2 or .dockerignore are not,
		 * and are judged by content like any other file. */
		static const char *const not_df[] = {
			".dockerignore", ".md",	  ".txt", ".rst",      ".j2",	 ".jinja",
			".jinja2",	 ".tmpl", ".tpl", ".template", ".erb",	 ".in",
			".orig",	 ".bak",  ".swp", ".rej",      ".patch", ".diff",
			".json",	 ".yaml", ".yml", ".sh",       ".lock",	 NULL
		};

		for (size_t i = 0; not_df[i]; i++) {
			size_t l = strlen(not_df[i]);

			if (n > l && !strcasecmp(b + n - l, not_df[i]))
				return 0;
		}
		return 1;
	}
	return n > 11 &&
	       (!strcmp(b + n - 11, ".Dockerfile") || !strcmp(b + n - 11, ".dockerfile") ||
		(n > 14 && !strcmp(b + n - 14, ".Containerfile")));
}

/* A FROM line's rest: optional --flags, then an image, optionally "AS name"; no template. */
static int from_line_ok(const char *s, size_t n)
{
	size_t i = 0, words = 0, as = 0;

	while (i < n) {
		size_t st;

		while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r'))
			i++;
		if (i >= n)
			break;
		st = i;
		while (i < n && s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
			i++;
		if (i - st >= 2 && s[st] == '-' && s[st + 1] == '-' && words == 0)
			continue;
		if (memchr(s + st, '{', i - st) &&
		    (memchr(s + st, '%', i - st) ||
		     (i - st >= 2 && s[st] == '{' && s[st + 1] == '{')))
			return 0;
		if (words == 1 && i - st == 2 && !strncasecmp(s + st, "as", 2))
			as = 1;
		words++;
	}
	return words == 1 || (words == 3 && as);
}

/*
 * Content detection for files with other names: skip comments and blank lines; the first
 * instruction must be FROM or ARG, and of the first lines that start an instruction, all must
 * start with a keyword followed by white space. YAML, shell scripts and prose fail quickly.
 */
static int content_is_dockerfile(const char *d, size_t len)
{
	size_t i = 0, seen = 0;
	int cont = 0, from = 0;

	while (i < len && seen < 50) {
		size_t e = i, s, w;

		while (e < len && d[e] != '\n')
			e++;
		s = i;
		while (s < e && (d[s] == ' ' || d[s] == '\t'))
			s++;
		if (s < e && d[s] != '#' && !cont) {
			w = s;
			while (w < e && ((d[w] | 0x20) >= 'a' && (d[w] | 0x20) <= 'z'))
				w++;
			if (!is_keyword(d + s, w - s) || (w < e && d[w] != ' ' && d[w] != '\t'))
				return 0;
			if (seen == 0 && !(w - s == 4 && !strncasecmp(d + s, "FROM", 4)) &&
			    !(w - s == 3 && !strncasecmp(d + s, "ARG", 3)))
				return 0;
			if (w - s == 4 && !strncasecmp(d + s, "FROM", 4) && !from) {
				if (!from_line_ok(d + w, e - w))
					return 0;
				from = 1;
			}
			seen++;
		}
		if (s < e && d[s] != '#') {
			size_t t = e;

			while (t > s && (d[t - 1] == ' ' || d[t - 1] == '\t' || d[t - 1] == '\r'))
				t--;
			cont = t > s && (d[t - 1] == '\\' || d[t - 1] == '`');
		}
		i = e + 1;
	}
	return from && seen >= 1;
}

static int claims_text(const char *path, const char *data, size_t len)
{
	if (name_is_dockerfile(path))
		return 1;
	return content_is_dockerfile(data, len);
}

/* 1 when a .dockerignore applies to path's build context, 0 when none, -1 for stdin. */
static int dockerignore_for(struct bh_arena *a, const char *path)
{
	const char *slash = strrchr(path, '/');
	char *p;

	if (!strcmp(path, "-"))
		return -1;
	p = bh_arena_printf(a, "%s.dockerignore", path);
	if (p && access(p, F_OK) == 0)
		return 1;
	p = slash ? bh_arena_printf(a, "%.*s/.dockerignore", (int)(slash - path), path)
		  : bh_arena_strdup(a, ".dockerignore");
	return p && access(p, F_OK) == 0;
}

static bh_err scan_text(struct bh_scan *s, const struct bh_input *in, struct bh_diag *diag)
{
	struct bh_dockerfile df;
	struct bh_df_subject sub;
	struct bh_ctx ctx = { .scan = s, .file = in->src->path };
	bh_err err;

	err = bh_dockerfile_parse(&s->arena, in->src->path, in->src->data, in->src->len, &df, diag);
	if (!err)
		err = bh_dockerfile_validate(&df, diag);
	if (!err)
		err = bh_df_subject_init(&s->arena, &df, dockerignore_for(&s->arena, in->src->path),
					 &sub);
	if (err) {
		if (diag && !diag->msg[0])
			bh_diag_set(
				diag, err, in->src->path, 0, 0, "%s",
				err == BH_ERR_LIMIT
					? "more than " BH_STR(BH_LIMIT_DF_STAGES) " build stages"
					: "out of memory");
		return err;
	}
	bh_rules_run(&ctx, bh_df_rules, bh_df_nrules, &sub);
	return BH_OK;
}

const struct bh_layer_ops bh_dockerfile_layer = {
	.name = "dockerfile",
	.layer = BH_LAYER_DF,
	.claims_text = claims_text,
	.scan_text = scan_text,
};
