/*
 * A shell-script splitter for run: blocks: enough of POSIX sh's lexical rules to find the
 * simple commands a CI script runs and their arguments, so that rules can recognise
 * `docker push`, `trivy image --exit-code 1` or `cosign sign --key ...` wherever they stand:
 * after `if`, in a pipeline, continued over several lines with backslashes.
 *
 * It does not expand anything: $VAR, ${VAR}, $(...) contents and ${{ }} expressions stay as
 * text inside the word (a ${{ }} may hold spaces and quotes and is kept whole). Here-document
 * bodies are skipped, since they are data. Quotes are removed from words. The cost is linear
 * in the script and bounded by the command and word limits.
 */
#include "pipeline.h"

#include <string.h>

#include "core/banned.h"
#include "core/buf.h"
#include "core/limits.h"

struct splitter {
	struct bh_arena *a;
	const char *s;
	size_t len, i;
	struct bh_ci_cmd *cmds;
	size_t n, cap;
	/* the command being built */
	const char **argv;
	size_t *woff;
	size_t argc, wcap;
	int condition;
	enum bh_ci_sep prev;
	/* a here-document delimiter waiting for the end of the line */
	char heredoc[64];
	int heredoc_tabs;
	struct bh_buf word;
	/*
	 * Open ( and $( : SUB_SHELL for a subshell, SUB_CMD for a $( in a word, SUB_CMD_DQ for one
	 * inside double quotes (to go back into them at the closing parenthesis).
	 */
	unsigned char subst[32];
	size_t nsubst;
	int in_dq;
	/* Where the current word starts in word: above the unfinished words of outer commands. */
	size_t word_base;
	/*
	 * The command a $( interrupted, per open $(: its words so far and its unfinished word,
	 * restored at the closing parenthesis, so that `docker run -u "$(id -u)" IMAGE` stays one
	 * command with the substitution's text inside its word.
	 */
	struct outer {
		const char **argv;
		size_t *woff;
		size_t argc, wcap;
		int condition;
		enum bh_ci_sep prev;
		size_t word_base; /* its unfinished word is word.data[word_base..] */
		int in_word;
		size_t word_off;
		size_t start; /* offset of the $ */
	} outer[32];
};

enum { SUB_SHELL, SUB_CMD, SUB_CMD_DQ };

/* Cut the word buffer back to len bytes (the words of interrupted commands stay below). */
static void truncate_word(struct splitter *sp, size_t len)
{
	if (sp->word.data) {
		sp->word.len = len;
		sp->word.data[len] = '\0';
	}
}

static bh_err add_word(struct splitter *sp, size_t off)
{
	const char *w;

	if (sp->argc == BH_LIMIT_CI_SHELL_WORDS)
		return BH_ERR_LIMIT;
	if (sp->argc == sp->wcap) {
		size_t ncap = sp->wcap ? sp->wcap * 2 : 8;
		const char **na = bh_arena_realloc(sp->a, sp->argv, sp->wcap * sizeof(*na),
						   ncap * sizeof(*na));
		size_t *no = bh_arena_realloc(sp->a, sp->woff, sp->wcap * sizeof(*no),
					      ncap * sizeof(*no));

		if (!na || !no)
			return BH_ERR_NOMEM;
		sp->argv = na;
		sp->woff = no;
		sp->wcap = ncap;
	}
	w = bh_arena_strndup(sp->a, sp->word.data + sp->word_base, sp->word.len - sp->word_base);
	if (!w)
		return BH_ERR_NOMEM;
	truncate_word(sp, sp->word_base);
	/* Keywords that open a compound command: the real command follows them. */
	if (sp->argc == 0) {
		static const char *const kw[] = { "if",	   "then", "else", "elif", "do",  "while",
						  "until", "!",	   "{",	   "(",	   "time" };
		static const char *const end[] = { "fi", "done", "esac", "}", ")" };

		for (size_t k = 0; k < sizeof(kw) / sizeof(*kw); k++) {
			if (strcmp(w, kw[k]) == 0) {
				if (k == 0 || k == 3 || k == 5 || k == 6 || k == 7)
					sp->condition = 1;
				return BH_OK;
			}
		}
		for (size_t k = 0; k < sizeof(end) / sizeof(*end); k++)
			if (strcmp(w, end[k]) == 0)
				return BH_OK;
	}
	sp->argv[sp->argc] = w;
	sp->woff[sp->argc] = off;
	sp->argc++;
	return BH_OK;
}

static bh_err end_cmd(struct splitter *sp, enum bh_ci_sep sep)
{
	struct bh_ci_cmd *c;

	if (sp->argc == 0) {
		/* "then", "do" alone on a line: keep the condition flag only for "if x; then". */
		if (sep != BH_CI_SEP_END)
			sp->prev = sep;
		return BH_OK;
	}
	if (sp->n == BH_LIMIT_CI_SHELL_COMMANDS)
		return BH_ERR_LIMIT;
	if (sp->n == sp->cap) {
		size_t ncap = sp->cap ? sp->cap * 2 : 16;
		struct bh_ci_cmd *nc = bh_arena_realloc(sp->a, sp->cmds, sp->cap * sizeof(*nc),
							ncap * sizeof(*nc));

		if (!nc)
			return BH_ERR_NOMEM;
		sp->cmds = nc;
		sp->cap = ncap;
	}
	c = &sp->cmds[sp->n++];
	c->argv = sp->argv;
	c->woff = sp->woff;
	c->argc = sp->argc;
	c->sep = sep;
	c->prev_sep = sp->prev;
	c->condition = sp->condition;
	sp->argv = NULL;
	sp->woff = NULL;
	sp->argc = sp->wcap = 0;
	sp->condition = 0;
	sp->prev = sep;
	return BH_OK;
}

/* Skip here-document lines up to the delimiter line; sp->i is at the start of a line. */
static void skip_heredoc(struct splitter *sp)
{
	size_t dl = strlen(sp->heredoc);

	while (sp->i < sp->len) {
		size_t st = sp->i, e;

		while (sp->i < sp->len && sp->s[sp->i] != '\n')
			sp->i++;
		e = sp->i;
		if (sp->i < sp->len)
			sp->i++;
		if (sp->heredoc_tabs)
			while (st < e && (sp->s[st] == '\t' || sp->s[st] == ' '))
				st++;
		if (e > st && sp->s[e - 1] == '\r')
			e--;
		if (e - st == dl && memcmp(sp->s + st, sp->heredoc, dl) == 0)
			break;
	}
	sp->heredoc[0] = '\0';
}

/* Read the here-document delimiter after "<<" or "<<-" at sp->i. */
static void read_heredoc(struct splitter *sp)
{
	size_t k = 0;
	char q = 0;

	sp->heredoc_tabs = 0;
	if (sp->i < sp->len && sp->s[sp->i] == '-') {
		sp->heredoc_tabs = 1;
		sp->i++;
	}
	while (sp->i < sp->len && (sp->s[sp->i] == ' ' || sp->s[sp->i] == '\t'))
		sp->i++;
	while (sp->i < sp->len) {
		char c = sp->s[sp->i];

		if (!q && (c == '\'' || c == '"')) {
			q = c;
			sp->i++;
			continue;
		}
		if (q && c == q) {
			q = 0;
			sp->i++;
			continue;
		}
		if (!q && (c == ' ' || c == '\t' || c == '\n' || c == ';' || c == '|' || c == '&' ||
			   c == '<' || c == '>' || c == ')'))
			break;
		if (c == '\\') {
			sp->i++;
			continue;
		}
		if (k + 1 < sizeof(sp->heredoc))
			sp->heredoc[k++] = c;
		sp->i++;
	}
	sp->heredoc[k] = '\0';
}

/* Copy a ${{ ... }} expression verbatim into the word; sp->i is at '$'. */
static bh_err copy_expr(struct splitter *sp)
{
	struct bh_ci_expr e;
	size_t pos = sp->i;

	if (bh_ci_expr_next(sp->s, sp->len, &pos, &e) && e.off == sp->i) {
		bh_err err = bh_buf_add(&sp->word, sp->s + e.off, e.len);

		sp->i = e.off + e.len;
		return err;
	}
	sp->i++;
	return bh_buf_addc(&sp->word, '$');
}

/* At a $( : save the interrupted command and start an empty one for the substitution. */
static bh_err open_subst(struct splitter *sp, int kind, int in_word, size_t word_off)
{
	struct outer *o = &sp->outer[sp->nsubst];

	o->word_base = sp->word_base;
	o->argv = sp->argv;
	o->woff = sp->woff;
	o->argc = sp->argc;
	o->wcap = sp->wcap;
	o->condition = sp->condition;
	o->prev = sp->prev;
	o->in_word = in_word;
	o->word_off = word_off;
	o->start = sp->i;
	sp->subst[sp->nsubst++] = (unsigned char)kind;
	/* The unfinished word stays in the buffer; the substitution's words go above it. */
	sp->word_base = sp->word.len;
	sp->argv = NULL;
	sp->woff = NULL;
	sp->argc = sp->wcap = 0;
	sp->condition = 0;
	sp->prev = BH_CI_SEP_END;
	sp->i += 2;
	return BH_OK;
}

/*
 * At the ) of a $( : the substitution's command is done; the interrupted command comes back
 * with its unfinished word, which takes the substitution's text ($(...)) as it stands.
 */
static bh_err close_subst(struct splitter *sp, int closed, int *in_word, size_t *word_off)
{
	struct outer *o = &sp->outer[sp->nsubst];
	bh_err err;

	if (closed)
		sp->i++;
	if ((err = end_cmd(sp, BH_CI_SEP_END)))
		return err;
	truncate_word(sp, sp->word_base);
	sp->word_base = o->word_base;
	if ((err = bh_buf_add(&sp->word, sp->s + o->start, sp->i - o->start)))
		return err;
	sp->argv = o->argv;
	sp->woff = o->woff;
	sp->argc = o->argc;
	sp->wcap = o->wcap;
	sp->condition = o->condition;
	sp->prev = o->prev;
	*in_word = 1;
	*word_off = o->in_word ? o->word_off : o->start;
	return BH_OK;
}

static bh_err split(struct splitter *sp)
{
	int in_word = 0;
	size_t woff = 0;
	bh_err err = BH_OK;

#define FLUSH()                                   \
	do {                                      \
		if (in_word) {                    \
			err = add_word(sp, woff); \
			in_word = 0;              \
			if (err)                  \
				return err;       \
		}                                 \
	} while (0)
#define START()                       \
	do {                          \
		if (!in_word) {       \
			in_word = 1;  \
			woff = sp->i; \
		}                     \
	} while (0)

	while (sp->i < sp->len) {
		char c = sp->s[sp->i];
		char d = sp->i + 1 < sp->len ? sp->s[sp->i + 1] : '\0';

		if (c == '"' || sp->in_dq) {
			int left = 0;

			if (!sp->in_dq) {
				START();
				sp->i++;
				sp->in_dq = 1;
			}
			while (sp->i < sp->len && sp->s[sp->i] != '"') {
				char e = sp->s[sp->i];

				if (e == '$' && sp->i + 1 < sp->len && sp->s[sp->i + 1] == '(' &&
				    sp->nsubst < sizeof(sp->subst)) {
					/* "$(cmd)": split cmd, then come back into the quotes at
					 * ')'. */
					sp->in_dq = 0;
					if ((err = open_subst(sp, SUB_CMD_DQ, in_word, woff)))
						return err;
					in_word = 0;
					left = 1;
					break;
				}
				if (e == '$' && sp->i + 2 < sp->len && sp->s[sp->i + 1] == '{' &&
				    sp->s[sp->i + 2] == '{') {
					if ((err = copy_expr(sp)))
						return err;
					continue;
				}
				if (e == '\\' && sp->i + 1 < sp->len &&
				    strchr("\"\\$`\n", sp->s[sp->i + 1])) {
					sp->i++;
					e = sp->s[sp->i];
					if (e == '\n') {
						sp->i++;
						continue;
					}
				}
				if ((err = bh_buf_addc(&sp->word, e)))
					return err;
				sp->i++;
			}
			if (!left) {
				sp->i++;
				sp->in_dq = 0;
			}
			continue;
		}
		if (c == '\\' && d == '\n') {
			sp->i += 2;
			continue;
		}
		if (c == '\\' && d == '\r' && sp->i + 2 < sp->len && sp->s[sp->i + 2] == '\n') {
			sp->i += 3;
			continue;
		}
		if (c == ' ' || c == '\t' || c == '\r') {
			FLUSH();
			sp->i++;
			continue;
		}
		if (c == '#' && !in_word) {
			while (sp->i < sp->len && sp->s[sp->i] != '\n')
				sp->i++;
			continue;
		}
		if (c == '\n') {
			FLUSH();
			if ((err = end_cmd(sp, BH_CI_SEP_END)))
				return err;
			sp->i++;
			if (sp->heredoc[0])
				skip_heredoc(sp);
			continue;
		}
		if (c == ')' && sp->nsubst) {
			int kind = sp->subst[--sp->nsubst];

			FLUSH();
			if (kind == SUB_SHELL) {
				sp->i++;
				if ((err = end_cmd(sp, BH_CI_SEP_END)))
					return err;
				continue;
			}
			if ((err = close_subst(sp, 1, &in_word, &woff)))
				return err;
			if (kind == SUB_CMD_DQ)
				sp->in_dq = 1; /* the rest of "...$(cmd)..." is the same word */
			continue;
		}
		if (c == ';' || c == '&' || c == '|' || c == '(' || c == ')' || c == '`') {
			enum bh_ci_sep sep = BH_CI_SEP_END;

			FLUSH();
			if (c == '(' && sp->nsubst < sizeof(sp->subst))
				sp->subst[sp->nsubst++] = SUB_SHELL;
			if (c == '&' && d == '&')
				sep = BH_CI_SEP_AND;
			else if (c == '|' && d == '|')
				sep = BH_CI_SEP_OR;
			else if (c == '|')
				sep = BH_CI_SEP_PIPE;
			else if (c == '&' && d != '>')
				sep = BH_CI_SEP_BG;
			else if (c == '&') {
				sp->i += 2; /* &> redirection */
				continue;
			}
			if (c == ';' && d == ';')
				sp->i++;
			sp->i += (sep == BH_CI_SEP_AND || sep == BH_CI_SEP_OR) ? 2 : 1;
			if ((err = end_cmd(sp, sep)))
				return err;
			continue;
		}
		if (c == '<' && d == '<' && !in_word) {
			sp->i += 2;
			if (sp->i < sp->len && sp->s[sp->i] == '<') {
				sp->i++; /* here-string: the word that follows is data */
				continue;
			}
			read_heredoc(sp);
			continue;
		}
		if (c == '\'') {
			START();
			sp->i++;
			while (sp->i < sp->len && sp->s[sp->i] != '\'') {
				if ((err = bh_buf_addc(&sp->word, sp->s[sp->i])))
					return err;
				sp->i++;
			}
			sp->i++;
			continue;
		}
		if (c == '$' && d == '{' && sp->i + 2 < sp->len && sp->s[sp->i + 2] == '{') {
			START();
			if ((err = copy_expr(sp)))
				return err;
			continue;
		}
		if (c == '$' && d == '(' && sp->nsubst < sizeof(sp->subst)) {
			/* Command substitution: its command is split like any other, and the
			 * command around it goes on after the ')'. */
			if ((err = open_subst(sp, SUB_CMD, in_word, woff)))
				return err;
			in_word = 0;
			continue;
		}
		if (c == '\\' && d) {
			START();
			sp->i++;
			c = sp->s[sp->i];
		} else {
			START();
		}
		if ((err = bh_buf_addc(&sp->word, c)))
			return err;
		sp->i++;
	}
	FLUSH();
	/* A $( left open at the end: its command ends there, and so do the ones it interrupted. */
	while (sp->nsubst) {
		if (sp->subst[--sp->nsubst] == SUB_SHELL)
			continue;
		if ((err = close_subst(sp, 0, &in_word, &woff)))
			return err;
		FLUSH();
	}
	return end_cmd(sp, BH_CI_SEP_END);
#undef FLUSH
#undef START
}

bh_err bh_ci_shell_split(struct bh_arena *a, const char *s, size_t len, struct bh_ci_cmd **out,
			 size_t *n)
{
	struct splitter sp = { .a = a, .s = s, .len = len };
	bh_err err;

	bh_buf_init(&sp.word, len + 1);
	err = split(&sp);
	bh_buf_release(&sp.word);
	if (err)
		return err;
	*out = sp.cmds;
	*n = sp.n;
	return BH_OK;
}
