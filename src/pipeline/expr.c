/*
 * GitHub Actions expressions: finding ${{ }} in a string, the context references inside one,
 * and which contexts an outside attacker controls.
 *
 * The reference walker is a small tokenizer, not a full expression parser: it recognises
 * identifiers followed by .name, .*, [index] and ['name'] chains, string and number literals,
 * function calls and operators. That is enough to say which context values can flow into the
 * interpolated text: an operand of == or !, or an argument of contains() and the other
 * functions that return a boolean, cannot. Everything is bounded by the input length; paths
 * longer than the buffer are truncated (they can only match less).
 */
#include "pipeline.h"

#include <ctype.h>
#include <string.h>

#include "core/banned.h"

int bh_ci_expr_next(const char *s, size_t len, size_t *pos, struct bh_ci_expr *out)
{
	for (size_t i = *pos; i + 3 <= len; i++) {
		char q = 0;

		if (s[i] != '$' || s[i + 1] != '{' || s[i + 2] != '{')
			continue;
		for (size_t j = i + 3; j + 1 < len; j++) {
			if (q) {
				if (s[j] == q)
					q = 0;
				continue;
			}
			if (s[j] == '\'') {
				q = s[j];
				continue;
			}
			if (s[j] == '}' && s[j + 1] == '}') {
				out->off = i;
				out->len = j + 2 - i;
				out->body = i + 3;
				out->body_len = j - (i + 3);
				*pos = j + 2;
				return 1;
			}
		}
		return 0;
	}
	return 0;
}

/* Functions whose result is not their arguments' text. */
static int boolean_fn(const char *name, size_t n)
{
	static const char *const fns[] = { "contains", "startswith", "endswith",  "success",
					   "failure",  "always",     "cancelled", "hashfiles" };

	for (size_t i = 0; i < sizeof(fns) / sizeof(*fns); i++)
		if (strlen(fns[i]) == n && strncasecmp(fns[i], name, n) == 0)
			return 1;
	return 0;
}

static int ident_start(char c)
{
	return isalpha((unsigned char)c) || c == '_';
}

static int ident_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '-';
}

#define PATH_MAX_LEN 256
#define CALL_DEPTH   32

struct path_buf {
	char s[PATH_MAX_LEN];
	size_t n;
};

static void path_add(struct path_buf *p, const char *seg, size_t n)
{
	if (p->n && p->n + 1 < sizeof(p->s))
		p->s[p->n++] = '.';
	for (size_t i = 0; i < n && p->n + 1 < sizeof(p->s); i++)
		p->s[p->n++] = (char)tolower((unsigned char)seg[i]);
	p->s[p->n] = '\0';
}

static size_t skip_space(const char *b, size_t len, size_t i)
{
	while (i < len && isspace((unsigned char)b[i]))
		i++;
	return i;
}

/* Whether the text at i starts a comparison operator (the reference's value is consumed). */
static int comparison_at(const char *b, size_t len, size_t i)
{
	if (i >= len)
		return 0;
	if (b[i] == '<' || b[i] == '>')
		return 1;
	return i + 1 < len && (b[i] == '=' || b[i] == '!') && b[i + 1] == '=';
}

/* Parse a reference starting at i (an identifier); returns the index after it. */
static size_t parse_ref(const char *b, size_t len, size_t i, struct path_buf *p)
{
	size_t st = i;

	while (i < len && ident_char(b[i]))
		i++;
	path_add(p, b + st, i - st);
	for (;;) {
		size_t j = skip_space(b, len, i);

		if (j < len && b[j] == '.') {
			j = skip_space(b, len, j + 1);
			if (j < len && b[j] == '*') {
				path_add(p, "*", 1);
				i = j + 1;
				continue;
			}
			st = j;
			while (j < len && ident_char(b[j]))
				j++;
			if (j == st)
				return i;
			path_add(p, b + st, j - st);
			i = j;
			continue;
		}
		if (j < len && b[j] == '[') {
			size_t k = skip_space(b, len, j + 1);

			if (k < len && b[k] == '\'') {
				size_t e = k + 1;

				while (e < len && b[e] != '\'')
					e++;
				path_add(p, b + k + 1, e - (k + 1));
				k = e + 1;
			} else {
				int depth = 1;

				path_add(p, "*", 1);
				/* An index expression: skip to the matching bracket. */
				while (k < len && depth) {
					if (b[k] == '[')
						depth++;
					else if (b[k] == ']')
						depth--;
					if (depth)
						k++;
				}
			}
			k = skip_space(b, len, k);
			if (k < len && b[k] == ']')
				k++;
			i = k;
			continue;
		}
		return i;
	}
}

void bh_ci_expr_refs(const char *b, size_t len, bh_ci_ref_fn fn, void *arg)
{
	/* Per open parenthesis: 1 for a boolean function, 2 for toJSON, 0 otherwise. */
	unsigned char calls[CALL_DEPTH];
	size_t depth = 0, over = 0;
	int prev_op = 0; /* the previous token was ! or a comparison */
	size_t i = 0;

	while (i < len) {
		char c = b[i];

		if (isspace((unsigned char)c)) {
			i++;
			continue;
		}
		if (c == '\'') {
			i++;
			while (i < len && b[i] != '\'')
				i++;
			i++;
			prev_op = 0;
			continue;
		}
		if (ident_start(c)) {
			size_t st = i, e = i, j;

			while (e < len && ident_char(b[e]))
				e++;
			j = skip_space(b, len, e);
			if (j < len && b[j] == '(') {
				unsigned char kind = 0;

				if (boolean_fn(b + st, e - st))
					kind = 1;
				else if (e - st == 6 && strncasecmp(b + st, "tojson", 6) == 0)
					kind = 2;
				if (depth < CALL_DEPTH)
					calls[depth++] = kind;
				else
					over++;
				i = j + 1;
				prev_op = 0;
				continue;
			}
			{
				struct path_buf p = { .n = 0 };
				struct bh_ci_ref r;
				int in_bool = 0, in_json = 0;
				size_t end = parse_ref(b, len, st, &p);

				for (size_t k = 0; k < depth; k++) {
					in_bool |= calls[k] == 1;
					in_json |= calls[k] == 2;
				}
				r.path = p.s;
				r.off = st;
				r.len = end - st;
				r.passes = !in_bool && !prev_op &&
					   !comparison_at(b, len, skip_space(b, len, end));
				r.whole = in_json;
				/* Literals true, false, null are not references. */
				if (strcmp(p.s, "true") && strcmp(p.s, "false") &&
				    strcmp(p.s, "null"))
					fn(arg, &r);
				i = end > st ? end : st + 1;
				prev_op = 0;
				continue;
			}
		}
		if (c == ')') {
			if (over)
				over--;
			else if (depth)
				depth--;
			i++;
			prev_op = 0;
			continue;
		}
		if (c == '!' || comparison_at(b, len, i)) {
			prev_op = 1;
			i += (i + 1 < len && b[i + 1] == '=') ? 2 : 1;
			continue;
		}
		prev_op = 0;
		i++;
	}
}

/*
 * Fields of event payloads that whoever opens an issue, a pull request, a discussion or pushes
 * a branch writes freely. From GitHub Security Lab's list of untrusted input, extended with the
 * workflow_run and merge_group equivalents. "*" matches one segment (an array index).
 */
static const char *const tainted[] = {
	"github.head_ref",
	"github.event.issue.title",
	"github.event.issue.body",
	"github.event.pull_request.title",
	"github.event.pull_request.body",
	"github.event.pull_request.head.ref",
	"github.event.pull_request.head.label",
	"github.event.pull_request.head.repo.default_branch",
	"github.event.pull_request.head.repo.description",
	"github.event.pull_request.head.repo.homepage",
	"github.event.comment.body",
	"github.event.review.body",
	"github.event.review_comment.body",
	"github.event.pages.*.page_name",
	"github.event.commits.*.message",
	"github.event.commits.*.author.email",
	"github.event.commits.*.author.name",
	"github.event.commits.*.committer.email",
	"github.event.commits.*.committer.name",
	"github.event.head_commit.message",
	"github.event.head_commit.author.email",
	"github.event.head_commit.author.name",
	"github.event.head_commit.committer.email",
	"github.event.head_commit.committer.name",
	"github.event.discussion.title",
	"github.event.discussion.body",
	"github.event.workflow_run.head_branch",
	"github.event.workflow_run.display_title",
	"github.event.workflow_run.head_commit.message",
	"github.event.workflow_run.head_commit.author.email",
	"github.event.workflow_run.head_commit.author.name",
	"github.event.workflow_run.head_commit.committer.email",
	"github.event.workflow_run.head_commit.committer.name",
	"github.event.workflow_run.head_repository.description",
	"github.event.workflow_run.pull_requests.*.head.ref",
	"github.event.merge_group.head_commit.message",
	"github.event.merge_group.head_commit.author.email",
	"github.event.merge_group.head_commit.author.name",
	"github.event.merge_group.head_ref",
};

/* Compare path against pattern segment by segment; returns 1 match, 2 path is a prefix. */
static int seg_match(const char *path, const char *pat)
{
	for (;;) {
		const char *pe = strchr(path, '.'), *qe = strchr(pat, '.');
		size_t pn = pe ? (size_t)(pe - path) : strlen(path);
		size_t qn = qe ? (size_t)(qe - pat) : strlen(pat);

		if (!(qn == 1 && pat[0] == '*') && !(pn == 1 && path[0] == '*') &&
		    (pn != qn || strncmp(path, pat, pn) != 0))
			return 0;
		if (!pe && !qe)
			return 1;
		if (!pe)
			return 2;
		if (!qe)
			return 1; /* a field below a tainted string is still attacker text */
		path = pe + 1;
		pat = qe + 1;
	}
}

int bh_ci_ctx_tainted(const char *path, int whole)
{
	if (!path || !*path)
		return 0;
	if (whole && strcmp(path, "github") == 0)
		return 1;
	for (size_t i = 0; i < sizeof(tainted) / sizeof(*tainted); i++) {
		int m = seg_match(path, tainted[i]);

		if (m == 1 || (m == 2 && whole))
			return 1;
	}
	return 0;
}
