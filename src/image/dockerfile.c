/*
 * The Dockerfile parser, written from BuildKit's documented behaviour and its parser test corpus
 * (frontend/dockerfile/parser). It follows BuildKit step by step because users compare our
 * reading of a Dockerfile with what `docker build` does: a line is read, directives are looked
 * for while the leading comment block lasts, a trailing escape character joins the next line
 * (comment lines and blank lines inside a continuation are dropped), the logical line is split
 * into instruction, flags and arguments by the instruction's own argument parser, and heredoc
 * bodies are read after the instruction that opens them.
 *
 * Some of BuildKit's quirks are kept on purpose so that the dump matches byte for byte: flags
 * are read byte by byte and a byte >= 0x80 becomes the Latin-1 code point (Go's rune(byte)),
 * words are decoded as UTF-8 with invalid bytes turned into U+FFFD, and the JSON exec form
 * ignores anything after the closing bracket as Go's json.Decoder does.
 *
 * All memory is the caller's arena; work buffers are bh_bufs released before returning.
 */
#include "dockerfile.h"

#include <stdint.h>
#include <string.h>

#include "core/banned.h"
#include "core/limits.h"

/* ---- UTF-8 and Go's unicode.IsSpace ---- */

/* Go's utf8.DecodeRune: invalid sequences decode as U+FFFD of width 1. */
static uint32_t decode_rune(const char *s, size_t n, size_t *w)
{
	const unsigned char *u = (const unsigned char *)s;
	uint32_t r;
	size_t need;

	if (n == 0) {
		*w = 0;
		return 0xFFFD;
	}
	if (u[0] < 0x80) {
		*w = 1;
		return u[0];
	}
	if (u[0] >= 0xC2 && u[0] <= 0xDF) {
		need = 2;
		r = u[0] & 0x1F;
	} else if (u[0] >= 0xE0 && u[0] <= 0xEF) {
		need = 3;
		r = u[0] & 0x0F;
	} else if (u[0] >= 0xF0 && u[0] <= 0xF4) {
		need = 4;
		r = u[0] & 0x07;
	} else {
		*w = 1;
		return 0xFFFD;
	}
	if (n < need)
		goto bad;
	for (size_t i = 1; i < need; i++) {
		unsigned char lo = 0x80, hi = 0xBF;

		if (i == 1) {
			if (u[0] == 0xE0)
				lo = 0xA0;
			else if (u[0] == 0xED)
				hi = 0x9F;
			else if (u[0] == 0xF0)
				lo = 0x90;
			else if (u[0] == 0xF4)
				hi = 0x8F;
		}
		if (u[i] < lo || u[i] > hi)
			goto bad;
		r = (r << 6) | (u[i] & 0x3F);
	}
	*w = need;
	return r;
bad:
	*w = 1;
	return 0xFFFD;
}

static bh_err add_rune(struct bh_buf *b, uint32_t r)
{
	char e[4];
	size_t n;

	if (r > 0x10FFFF || (r >= 0xD800 && r <= 0xDFFF))
		r = 0xFFFD;
	if (r < 0x80) {
		e[0] = (char)r;
		n = 1;
	} else if (r < 0x800) {
		e[0] = (char)(0xC0 | (r >> 6));
		e[1] = (char)(0x80 | (r & 0x3F));
		n = 2;
	} else if (r < 0x10000) {
		e[0] = (char)(0xE0 | (r >> 12));
		e[1] = (char)(0x80 | ((r >> 6) & 0x3F));
		e[2] = (char)(0x80 | (r & 0x3F));
		n = 3;
	} else {
		e[0] = (char)(0xF0 | (r >> 18));
		e[1] = (char)(0x80 | ((r >> 12) & 0x3F));
		e[2] = (char)(0x80 | ((r >> 6) & 0x3F));
		e[3] = (char)(0x80 | (r & 0x3F));
		n = 4;
	}
	return bh_buf_add(b, e, n);
}

static int go_isspace(uint32_t r)
{
	switch (r) {
	case '\t':
	case '\n':
	case '\v':
	case '\f':
	case '\r':
	case ' ':
	case 0x85:
	case 0xA0:
	case 0x1680:
	case 0x2028:
	case 0x2029:
	case 0x202F:
	case 0x205F:
	case 0x3000:
		return 1;
	default:
		return r >= 0x2000 && r <= 0x200A;
	}
}

/* Bytes of leading Unicode white space (bytes.TrimLeftFunc(s, unicode.IsSpace)). */
static size_t lspace(const char *s, size_t n)
{
	size_t i = 0, w;

	while (i < n && go_isspace(decode_rune(s + i, n - i, &w)))
		i += w;
	return i;
}

/* Length of s without trailing Unicode white space (strings.TrimRightFunc). */
static size_t rtrim_len(const char *s, size_t n)
{
	size_t i = 0, keep = 0, w;

	while (i < n) {
		if (!go_isspace(decode_rune(s + i, n - i, &w)))
			keep = i + w;
		i += w;
	}
	return keep;
}

/* The separators of BuildKit's reWhitespace: [\t\v\f\r ]. */
static int ws_sep(char c)
{
	return c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\r';
}

/* ---- growable string vectors in the arena ---- */

/* Strings with their lengths: a JSON "\u0000" puts a NUL inside an argument. */
struct strv {
	const char **v;
	size_t *len;
	size_t n, cap;
};

static bh_err strv_pushn(struct bh_arena *a, struct strv *sv, const char *s, size_t n)
{
	char *c;

	if (sv->n == sv->cap) {
		size_t nc = sv->cap ? sv->cap * 2 : 8;
		const char **nv =
			bh_arena_realloc(a, sv->v, sv->cap * sizeof(*nv), nc * sizeof(*nv));
		size_t *nl = bh_arena_realloc(a, sv->len, sv->cap * sizeof(*nl), nc * sizeof(*nl));

		if (!nv || !nl)
			return BH_ERR_NOMEM;
		sv->v = nv;
		sv->len = nl;
		sv->cap = nc;
	}
	c = bh_arena_alloc(a, n + 1);
	if (!c)
		return BH_ERR_NOMEM;
	memcpy(c, s, n);
	sv->v[sv->n] = c;
	sv->len[sv->n++] = n;
	return BH_OK;
}

static bh_err strv_push(struct bh_arena *a, struct strv *sv, const char *s)
{
	return strv_pushn(a, sv, s, strlen(s));
}

/* ---- the parse state ---- */

struct parser {
	struct bh_arena *a;
	const char *path;
	const char *p, *end; /* unread input */
	unsigned line;	     /* lines read so far */
	char escape;
	int dir_done;	   /* the directive block has ended */
	unsigned dir_seen; /* bit per directive name seen */
	struct bh_buf word;
	struct bh_dockerfile *df;
	struct bh_diag *diag;
};

/* The next line including its '\n' (BuildKit's scanLines keeps it for heredoc bodies). */
static int next_line(struct parser *ps, const char **s, size_t *n)
{
	const char *nl;

	if (ps->p >= ps->end)
		return 0;
	nl = memchr(ps->p, '\n', (size_t)(ps->end - ps->p));
	*s = ps->p;
	*n = nl ? (size_t)(nl - ps->p) + 1 : (size_t)(ps->end - ps->p);
	ps->p += *n;
	return 1;
}

static size_t trim_newline(const char *s, size_t n)
{
	while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r'))
		n--;
	return n;
}

static int is_comment(const char *s, size_t n)
{
	size_t i = lspace(s, n);

	return i < n && s[i] == '#';
}

/*
 * BuildKit's directive parser: while every line so far matched
 * ^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$ with a known name, record it; the first other
 * line ends the block for good.
 */
static bh_err directive_line(struct parser *ps, const char *s, size_t n, unsigned lineno)
{
	static const char *const names[] = { "syntax", "escape", "check" };
	size_t i = 0, ns, ne, vs, ve;
	char name[16];
	unsigned which = 3;

	if (ps->dir_done)
		return BH_OK;
	ps->dir_done = 1;
	if (i >= n || s[i] != '#')
		return BH_OK;
	i++;
	while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\f' || s[i] == '\r'))
		i++;
	ns = i;
	if (i >= n || !((s[i] | 0x20) >= 'a' && (s[i] | 0x20) <= 'z'))
		return BH_OK;
	while (i < n &&
	       (((s[i] | 0x20) >= 'a' && (s[i] | 0x20) <= 'z') || (s[i] >= '0' && s[i] <= '9')))
		i++;
	ne = i;
	while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\f' || s[i] == '\r'))
		i++;
	if (i >= n || s[i] != '=')
		return BH_OK;
	i++;
	while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\f' || s[i] == '\r'))
		i++;
	vs = i;
	ve = n;
	while (ve > vs &&
	       (s[ve - 1] == ' ' || s[ve - 1] == '\t' || s[ve - 1] == '\f' || s[ve - 1] == '\r'))
		ve--;
	if (ve == vs || ne - ns >= sizeof(name))
		return BH_OK;
	for (size_t k = 0; k < ne - ns; k++)
		name[k] = (char)(s[ns + k] | 0x20);
	name[ne - ns] = '\0';
	for (unsigned k = 0; k < 3; k++)
		if (strcmp(name, names[k]) == 0)
			which = k;
	if (which == 3)
		return BH_OK;
	if (ps->dir_seen & (1u << which))
		return bh_diag_set(ps->diag, BH_ERR_PARSE, ps->path, lineno, 1,
				   "only one %s parser directive can be used", names[which]);
	ps->dir_seen |= 1u << which;
	ps->dir_done = 0;
	if (which == 1) {
		if (ve - vs != 1 || (s[vs] != '\\' && s[vs] != '`'))
			return bh_diag_set(ps->diag, BH_ERR_PARSE, ps->path, lineno, 1,
					   "invalid escape token '%.*s' does not match ` or \\",
					   (int)(ve - vs), s + vs);
		ps->escape = s[vs];
	} else {
		char *v = bh_arena_strndup(ps->a, s + vs, ve - vs);

		if (!v)
			return BH_ERR_NOMEM;
		if (which == 0)
			ps->df->syntax = v;
		else
			ps->df->check = v;
	}
	return BH_OK;
}

/*
 * A line continues when it ends with one escape character, optionally followed by spaces or
 * tabs, that is not itself escaped. Returns the kept length; *eol is 0 for a continuation.
 */
static size_t trim_continuation(const char *s, size_t n, char esc, int *eol)
{
	size_t k = n;

	while (k > 0 && (s[k - 1] == ' ' || s[k - 1] == '\t'))
		k--;
	if (k >= 1 && s[k - 1] == esc && (k == 1 || s[k - 2] != esc)) {
		*eol = 0;
		return k - 1;
	}
	*eol = 1;
	return n;
}

/* ---- argument parsers, one per instruction shape ---- */

struct node_out {
	struct strv args;
	int json;
	struct bh_df_instr *sub;
};

/* BuildKit's extractBuilderFlags: leading --words; returns the offset where arguments start. */
static bh_err extract_flags(struct parser *ps, const char *s, size_t n, struct strv *flags,
			    size_t *rest)
{
	enum { IN_SPACES, IN_WORD, IN_QUOTE } phase = IN_SPACES;
	struct bh_buf *w = &ps->word;
	char quote = 0;
	int blank_ok = 0;
	bh_err err;

	bh_buf_reset(w);
	for (size_t pos = 0; pos <= n; pos++) {
		unsigned char ch = pos < n ? (unsigned char)s[pos] : 0;

		if (phase == IN_SPACES) {
			if (pos == n)
				break;
			if (go_isspace(ch))
				continue;
			if (ch != '-' || pos + 1 == n || s[pos + 1] != '-') {
				*rest = pos;
				return BH_OK;
			}
			phase = IN_WORD;
		}
		if (pos == n) {
			if (!(w->len == 2 && memcmp(w->data, "--", 2) == 0) && (blank_ok || w->len))
				if ((err = strv_pushn(ps->a, flags, bh_buf_str(w), w->len)))
					return err;
			break;
		}
		if (phase == IN_WORD) {
			if (go_isspace(ch)) {
				phase = IN_SPACES;
				if (w->len == 2 && memcmp(w->data, "--", 2) == 0) {
					*rest = pos;
					return BH_OK;
				}
				if (blank_ok || w->len)
					if ((err = strv_pushn(ps->a, flags, bh_buf_str(w), w->len)))
						return err;
				bh_buf_reset(w);
				blank_ok = 0;
				continue;
			}
			if (ch == '\'' || ch == '"') {
				quote = (char)ch;
				blank_ok = 1;
				phase = IN_QUOTE;
				continue;
			}
			if (ch == '\\') {
				if (pos + 1 == n)
					continue;
				ch = (unsigned char)s[++pos];
			}
		} else {
			if (ch == (unsigned char)quote) {
				phase = IN_WORD;
				continue;
			}
			if (ch == '\\') {
				if (pos + 1 == n) {
					phase = IN_WORD;
					continue;
				}
				ch = (unsigned char)s[++pos];
			}
		}
		/* Go appends string(rune(byte)): a high byte becomes its Latin-1 code point. */
		if ((err = add_rune(w, ch)))
			return err;
	}
	*rest = n;
	return BH_OK;
}

/* BuildKit's parseWords: split on white space, keeping quotes and escapes in the words. */
static bh_err parse_words(struct parser *ps, const char *s, size_t n, struct strv *out)
{
	enum { IN_SPACES, IN_WORD, IN_QUOTE } phase = IN_SPACES;
	struct bh_buf *w = &ps->word;
	uint32_t quote = 0, ch = 0, esc = (unsigned char)ps->escape;
	size_t cw = 0;
	int blank_ok = 0;
	bh_err err;

	bh_buf_reset(w);
	for (size_t pos = 0; pos <= n; pos += cw) {
		if (pos != n)
			ch = decode_rune(s + pos, n - pos, &cw);
		else
			cw = 1;
		if (phase == IN_SPACES) {
			if (pos == n)
				break;
			if (go_isspace(ch))
				continue;
			phase = IN_WORD;
		}
		if (pos == n) {
			if (blank_ok || w->len)
				if ((err = strv_pushn(ps->a, out, bh_buf_str(w), w->len)))
					return err;
			break;
		}
		if (phase == IN_WORD) {
			if (go_isspace(ch)) {
				phase = IN_SPACES;
				if (blank_ok || w->len)
					if ((err = strv_pushn(ps->a, out, bh_buf_str(w), w->len)))
						return err;
				bh_buf_reset(w);
				blank_ok = 0;
				continue;
			}
			if (ch == '\'' || ch == '"') {
				quote = ch;
				blank_ok = 1;
				phase = IN_QUOTE;
			}
			if (ch == esc) {
				if (pos + cw == n)
					continue;
				if ((err = add_rune(w, ch)))
					return err;
				pos += cw;
				ch = decode_rune(s + pos, n - pos, &cw);
			}
			if ((err = add_rune(w, ch)))
				return err;
			continue;
		}
		/* IN_QUOTE */
		if (ch == quote)
			phase = IN_WORD;
		if (ch == esc && quote != '\'') {
			if (pos + cw == n) {
				phase = IN_WORD;
				continue;
			}
			pos += cw;
			if ((err = add_rune(w, ch)))
				return err;
			ch = decode_rune(s + pos, n - pos, &cw);
		}
		if ((err = add_rune(w, ch)))
			return err;
	}
	return BH_OK;
}

/* reWhitespace.Split(rest, -1) on an already trimmed rest. */
static bh_err split_ws(struct parser *ps, const char *s, size_t n, struct strv *out)
{
	size_t i = 0;
	bh_err err;

	if (n == 0)
		return BH_OK;
	for (;;) {
		size_t j = i;

		while (j < n && !ws_sep(s[j]))
			j++;
		if ((err = strv_pushn(ps->a, out, s + i, j - i)))
			return err;
		if (j == n)
			return BH_OK;
		while (j < n && ws_sep(s[j]))
			j++;
		i = j;
	}
}

/* ---- JSON exec form ---- */

struct jp {
	const char *s;
	size_t i, n;
};

static void jws(struct jp *p)
{
	while (p->i < p->n && (p->s[p->i] == ' ' || p->s[p->i] == '\t' || p->s[p->i] == '\n' ||
			       p->s[p->i] == '\r'))
		p->i++;
}

static int hex4(const char *s, size_t n, uint32_t *out)
{
	uint32_t v = 0;

	if (n < 4)
		return -1;
	for (int k = 0; k < 4; k++) {
		char c = s[k];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (uint32_t)(c - '0');
		else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
			v |= (uint32_t)((c | 0x20) - 'a' + 10);
		else
			return -1;
	}
	*out = v;
	return 0;
}

/* A JSON string at p->i (the opening quote), decoded as Go does into out when not NULL. */
static int jstring(struct jp *p, struct bh_buf *out)
{
	p->i++;
	while (p->i < p->n) {
		unsigned char c = (unsigned char)p->s[p->i];
		size_t w;
		uint32_t r;

		if (c == '"') {
			p->i++;
			return 0;
		}
		if (c < 0x20)
			return -1;
		if (c == '\\') {
			if (p->i + 1 >= p->n)
				return -1;
			c = (unsigned char)p->s[p->i + 1];
			p->i += 2;
			switch (c) {
			case '"':
			case '\\':
			case '/':
				r = c;
				break;
			case 'b':
				r = '\b';
				break;
			case 'f':
				r = '\f';
				break;
			case 'n':
				r = '\n';
				break;
			case 'r':
				r = '\r';
				break;
			case 't':
				r = '\t';
				break;
			case 'u':
				if (hex4(p->s + p->i, p->n - p->i, &r))
					return -1;
				p->i += 4;
				if (r >= 0xD800 && r <= 0xDFFF) {
					uint32_t r2;

					if (r < 0xDC00 && p->i + 1 < p->n && p->s[p->i] == '\\' &&
					    p->s[p->i + 1] == 'u' &&
					    !hex4(p->s + p->i + 2, p->n - p->i - 2, &r2) &&
					    r2 >= 0xDC00 && r2 <= 0xDFFF) {
						r = 0x10000 + ((r - 0xD800) << 10) + (r2 - 0xDC00);
						p->i += 6;
					} else {
						r = 0xFFFD;
					}
				}
				break;
			default:
				return -1;
			}
			if (out && add_rune(out, r))
				return -1;
			continue;
		}
		r = decode_rune(p->s + p->i, p->n - p->i, &w);
		if (out) {
			if (r == 0xFFFD && w == 1) {
				if (add_rune(out, r))
					return -1;
			} else if (bh_buf_add(out, p->s + p->i, w)) {
				return -1;
			}
		}
		p->i += w;
	}
	return -1;
}

static int jdigits(struct jp *p)
{
	size_t s = p->i;

	while (p->i < p->n && p->s[p->i] >= '0' && p->s[p->i] <= '9')
		p->i++;
	return p->i > s ? 0 : -1;
}

static int jscalar(struct jp *p)
{
	static const char *const lits[] = { "true", "false", "null" };
	char c;

	if (p->i >= p->n)
		return -1;
	c = p->s[p->i];
	if (c == '"')
		return jstring(p, NULL);
	for (int k = 0; k < 3; k++) {
		size_t l = strlen(lits[k]);

		if (p->n - p->i >= l && memcmp(p->s + p->i, lits[k], l) == 0) {
			p->i += l;
			return 0;
		}
	}
	if (c == '-')
		p->i++;
	if (p->i < p->n && p->s[p->i] == '0')
		p->i++;
	else if (jdigits(p))
		return -1;
	if (p->i < p->n && p->s[p->i] == '.') {
		p->i++;
		if (jdigits(p))
			return -1;
	}
	if (p->i < p->n && (p->s[p->i] | 0x20) == 'e') {
		p->i++;
		if (p->i < p->n && (p->s[p->i] == '+' || p->s[p->i] == '-'))
			p->i++;
		if (jdigits(p))
			return -1;
	}
	return 0;
}

/* Validate one JSON value of any shape without recursion; depth is the enclosing depth. */
static int jskip(struct jp *p, size_t depth)
{
	char stack[BH_LIMIT_DF_JSON_DEPTH];
	size_t sp = 0;

	for (;;) {
		jws(p);
		if (p->i >= p->n)
			return -1;
		if (p->s[p->i] == '[' || p->s[p->i] == '{') {
			char open = p->s[p->i++];

			if (depth + sp + 1 > BH_LIMIT_DF_JSON_DEPTH)
				return -1;
			stack[sp++] = open == '[' ? ']' : '}';
			jws(p);
			if (p->i < p->n && p->s[p->i] == stack[sp - 1]) {
				p->i++;
				sp--;
			} else {
				if (open == '{') {
					if (p->i >= p->n || p->s[p->i] != '"' || jstring(p, NULL))
						return -1;
					jws(p);
					if (p->i >= p->n || p->s[p->i++] != ':')
						return -1;
				}
				continue;
			}
		} else if (jscalar(p)) {
			return -1;
		}
		/* After a value: close containers or move to the next element. */
		for (;;) {
			if (sp == 0)
				return 0;
			jws(p);
			if (p->i >= p->n)
				return -1;
			if (p->s[p->i] == stack[sp - 1]) {
				p->i++;
				sp--;
				continue;
			}
			if (p->s[p->i] != ',')
				return -1;
			p->i++;
			if (stack[sp - 1] == '}') {
				jws(p);
				if (p->i >= p->n || p->s[p->i] != '"' || jstring(p, NULL))
					return -1;
				jws(p);
				if (p->i >= p->n || p->s[p->i++] != ':')
					return -1;
			}
			break;
		}
	}
}

enum { JSON_OK, JSON_INVALID, JSON_NOT_STRINGS };

/* BuildKit's parseJSON: a JSON array of strings at the start of s (trailing bytes ignored). */
static int parse_json(struct parser *ps, const char *s, size_t n, struct strv *out, bh_err *err)
{
	struct jp p = { .s = s, .n = n };
	int nonstring = 0;

	*err = BH_OK;
	p.i = lspace(s, n);
	if (p.i >= n || s[p.i] != '[')
		return JSON_INVALID;
	p.i++;
	jws(&p);
	if (p.i < n && s[p.i] == ']')
		return JSON_OK;
	for (;;) {
		jws(&p);
		if (p.i >= n)
			return JSON_INVALID;
		if (s[p.i] == '"') {
			bh_buf_reset(&ps->word);
			if (jstring(&p, &ps->word))
				return JSON_INVALID;
			if (!nonstring &&
			    (*err = strv_pushn(ps->a, out, bh_buf_str(&ps->word), ps->word.len)))
				return JSON_INVALID;
		} else {
			if (jskip(&p, 1))
				return JSON_INVALID;
			nonstring = 1;
		}
		jws(&p);
		if (p.i >= n)
			return JSON_INVALID;
		if (s[p.i] == ']')
			return nonstring ? JSON_NOT_STRINGS : JSON_OK;
		if (s[p.i] != ',')
			return JSON_INVALID;
		p.i++;
	}
}

/* ---- instructions ---- */

static bh_err line_error(struct parser *ps, unsigned line, const char *key, const char *what)
{
	return bh_diag_set(ps->diag, BH_ERR_PARSE, ps->path, line, 1, "%s %s", key, what);
}

static bh_err parse_name_val(struct parser *ps, const char *key, const char *s, size_t n,
			     struct node_out *no, unsigned line)
{
	struct strv words = { 0 };
	bh_err err;

	if ((err = parse_words(ps, s, n, &words)))
		return err;
	if (words.n == 0)
		return line_error(ps, line, key, "requires at least one argument");
	if (!strchr(words.v[0], '=')) {
		size_t i = 0, j;

		while (i < n && !ws_sep(s[i]))
			i++;
		j = i;
		while (j < n && ws_sep(s[j]))
			j++;
		if (i == n)
			return line_error(ps, line, key, "must have two arguments");
		if ((err = strv_pushn(ps->a, &no->args, s, i)) ||
		    (err = strv_pushn(ps->a, &no->args, s + j, n - j)) ||
		    (err = strv_push(ps->a, &no->args, "")))
			return err;
		return BH_OK;
	}
	for (size_t k = 0; k < words.n; k++) {
		const char *eq = strchr(words.v[k], '=');

		if (!eq)
			return bh_diag_set(
				ps->diag, BH_ERR_PARSE, ps->path, line, 1,
				"syntax error - can't find = in \"%s\"; must be of the form: name=value",
				words.v[k]);
		if ((err = strv_pushn(ps->a, &no->args, words.v[k], (size_t)(eq - words.v[k]))) ||
		    (err = strv_push(ps->a, &no->args, eq + 1)) ||
		    (err = strv_push(ps->a, &no->args, "=")))
			return err;
	}
	return BH_OK;
}

static bh_err maybe_json(struct parser *ps, const char *s, size_t n, struct node_out *no,
			 int to_list, unsigned line)
{
	size_t keep = no->args.n;
	bh_err err;
	int r;

	if (n == 0 && !to_list)
		return BH_OK;
	r = parse_json(ps, s, n, &no->args, &err);
	if (err)
		return err;
	if (r == JSON_OK) {
		no->json = 1;
		return BH_OK;
	}
	no->args.n = keep;
	if (r == JSON_NOT_STRINGS)
		return bh_diag_set(ps->diag, BH_ERR_PARSE, ps->path, line, 1,
				   "exec form must be a JSON array of strings");
	if (to_list)
		return split_ws(ps, s, n, &no->args);
	return strv_pushn(ps->a, &no->args, s, n);
}

static bh_err new_instr(struct parser *ps, const char *line, size_t len, unsigned lineno,
			struct bh_df_instr *in);

enum shape {
	SH_IGNORE,
	SH_LIST,    /* ADD, COPY, VOLUME */
	SH_NAMEVAL, /* ARG */
	SH_JSON,    /* CMD, ENTRYPOINT, RUN, SHELL */
	SH_ENV,	    /* ENV, LABEL */
	SH_WS,	    /* EXPOSE, FROM */
	SH_HEALTH,  /* HEALTHCHECK */
	SH_STRING,  /* MAINTAINER, STOPSIGNAL, USER, WORKDIR */
	SH_SUB,	    /* ONBUILD */
};

static const struct {
	const char *kw;
	enum shape shape;
} shapes[] = {
	{ "ADD", SH_LIST },    { "ARG", SH_NAMEVAL },	    { "CMD", SH_JSON },
	{ "COPY", SH_LIST },   { "ENTRYPOINT", SH_JSON },   { "ENV", SH_ENV },
	{ "EXPOSE", SH_WS },   { "FROM", SH_WS },	    { "HEALTHCHECK", SH_HEALTH },
	{ "LABEL", SH_ENV },   { "MAINTAINER", SH_STRING }, { "ONBUILD", SH_SUB },
	{ "RUN", SH_JSON },    { "SHELL", SH_JSON },	    { "STOPSIGNAL", SH_STRING },
	{ "USER", SH_STRING }, { "VOLUME", SH_LIST },	    { "WORKDIR", SH_STRING },
};

static enum shape shape_of(const char *kw)
{
	for (size_t i = 0; i < sizeof(shapes) / sizeof(*shapes); i++)
		if (strcmp(kw, shapes[i].kw) == 0)
			return shapes[i].shape;
	return SH_IGNORE;
}

static bh_err parse_args(struct parser *ps, struct bh_df_instr *in, const char *s, size_t n,
			 struct node_out *no, unsigned lineno)
{
	bh_err err;

	switch (shape_of(in->kw)) {
	case SH_IGNORE:
		return strv_push(ps->a, &no->args, "");
	case SH_LIST:
		return maybe_json(ps, s, n, no, 1, lineno);
	case SH_JSON:
		return maybe_json(ps, s, n, no, 0, lineno);
	case SH_NAMEVAL:
		return parse_words(ps, s, n, &no->args);
	case SH_ENV:
		return parse_name_val(ps, strcmp(in->kw, "ENV") == 0 ? "ENV" : "LABEL", s, n, no,
				      lineno);
	case SH_WS:
		return split_ws(ps, s, n, &no->args);
	case SH_STRING:
		return n ? strv_pushn(ps->a, &no->args, s, n) : BH_OK;
	case SH_HEALTH: {
		size_t sep = 0, next;

		while (sep < n && !go_isspace((unsigned char)s[sep]))
			sep++;
		next = sep;
		while (next < n && go_isspace((unsigned char)s[next]))
			next++;
		if (sep == 0)
			return BH_OK;
		if ((err = strv_pushn(ps->a, &no->args, s, sep)))
			return err;
		return maybe_json(ps, s + next, n - next, no, 0, lineno);
	}
	case SH_SUB:
		if (n == 0)
			return BH_OK;
		no->sub = bh_arena_alloc(ps->a, sizeof(*no->sub));
		if (!no->sub)
			return BH_ERR_NOMEM;
		return new_instr(ps, s, n, lineno, no->sub);
	}
	return BH_OK;
}

/* BuildKit's newNodeFromLine: instruction word, flags, then the instruction's own parser. */
static bh_err new_instr(struct parser *ps, const char *line, size_t len, unsigned lineno,
			struct bh_df_instr *in)
{
	struct strv flags = { 0 };
	struct node_out no = { 0 };
	size_t b = lspace(line, len), e = rtrim_len(line, len), c, r, rest = 0;
	bh_err err;

	if (e < b)
		e = b;
	c = b;
	while (c < e && !ws_sep(line[c]))
		c++;
	r = c;
	while (r < e && ws_sep(line[r]))
		r++;
	in->cmd = bh_arena_strndup(ps->a, line + b, c - b);
	in->original = bh_arena_strndup(ps->a, line, len);
	if (!in->cmd || !in->original)
		return BH_ERR_NOMEM;
	if (c - b < sizeof(in->kw)) {
		for (size_t k = 0; k < c - b; k++) {
			char ch = line[b + k];

			in->kw[k] = (ch >= 'a' && ch <= 'z') ? (char)(ch - 32) : ch;
		}
		in->kw[c - b] = '\0';
	}
	if (r < e) {
		size_t as, ae;

		if ((err = extract_flags(ps, line + r, e - r, &flags, &rest)))
			return err;
		as = r + rest;
		as += lspace(line + as, e - as);
		ae = rtrim_len(line + as, e - as) + as;
		if ((err = parse_args(ps, in, line + as, ae - as, &no, lineno)))
			return err;
	} else if ((err = parse_args(ps, in, "", 0, &no, lineno))) {
		return err;
	}
	in->flags = flags.v;
	in->nflags = flags.n;
	in->args = no.args.v;
	in->arg_lens = no.args.len;
	in->nargs = no.args.n;
	in->json = no.json;
	in->sub = no.sub;
	return BH_OK;
}

/* ---- heredocs ---- */

/* Shell words of line with quotes and escapes kept (BuildKit's RawQuotes/RawEscapes lexing). */
static bh_err raw_words(struct parser *ps, const char *s, size_t n, struct strv *out)
{
	size_t i = 0;
	bh_err err;

	for (;;) {
		size_t st;

		while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
			i++;
		if (i >= n)
			return BH_OK;
		st = i;
		while (i < n && !(s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) {
			char q = s[i];

			if (q == '\\') {
				i += i + 1 < n ? 2 : 1;
			} else if (q == '\'' || q == '"') {
				i++;
				while (i < n && s[i] != q) {
					if (q == '"' && s[i] == '\\' && i + 1 < n)
						i++;
					i++;
				}
				if (i < n)
					i++;
			} else {
				i++;
			}
		}
		if ((err = strv_pushn(ps->a, out, s + st, i - st)))
			return err;
	}
}

/* A word of the form [fd]<<[-]NAME; returns 1 and fills h when it is one. */
static int heredoc_word(struct parser *ps, const char *w, struct bh_df_heredoc *h)
{
	const char *p = w, *name;
	unsigned long fd = 0;
	int quoted = 0;
	struct bh_buf *b = &ps->word;

	while (*p >= '0' && *p <= '9') {
		if (fd < 100000)
			fd = fd * 10 + (unsigned long)(*p - '0');
		p++;
	}
	if (p[0] != '<' || p[1] != '<')
		return 0;
	p += 2;
	h->chomp = *p == '-';
	if (h->chomp)
		p++;
	if (*p == '\0' || strchr(p, '<'))
		return 0;
	bh_buf_reset(b);
	for (const char *q = p; *q; q++) {
		if (*q == '\'' || *q == '"') {
			char c = *q++;

			quoted = 1;
			while (*q && *q != c) {
				if (c == '"' && *q == '\\' && q[1])
					q++;
				if (bh_buf_addc(b, *q))
					return 0;
				q++;
			}
			if (!*q)
				return 0;
		} else if (*q == '\\' && q[1]) {
			quoted = 1;
			if (bh_buf_addc(b, *++q))
				return 0;
		} else if (bh_buf_addc(b, *q)) {
			return 0;
		}
	}
	name = bh_arena_strndup(ps->a, bh_buf_str(b), b->len);
	if (!name || b->len == 0)
		return 0;
	h->name = name;
	h->expand = !quoted;
	h->fd = (unsigned)fd;
	return 1;
}

static int can_heredoc(const struct bh_df_instr *in)
{
	if (strcmp(in->kw, "ONBUILD") == 0 && in->sub)
		in = in->sub;
	return !in->json &&
	       (!strcmp(in->kw, "RUN") || !strcmp(in->kw, "COPY") || !strcmp(in->kw, "ADD"));
}

static bh_err read_heredocs(struct parser *ps, struct bh_df_instr *in, const char *line, size_t len,
			    unsigned start)
{
	struct strv words = { 0 };
	struct bh_df_heredoc hs[BH_LIMIT_DF_HEREDOCS];
	size_t nh = 0;
	bh_err err;

	if ((err = raw_words(ps, line, len, &words)))
		return err;
	for (size_t i = 0; i < words.n; i++) {
		struct bh_df_heredoc h = { 0 };
		struct bh_buf body = BH_BUF_INIT;
		const char *s;
		size_t n;
		int done = 0;

		if (!heredoc_word(ps, words.v[i], &h))
			continue;
		if (nh == BH_LIMIT_DF_HEREDOCS)
			return bh_diag_set(ps->diag, BH_ERR_LIMIT, ps->path, start, 1,
					   "more than %d heredocs in one instruction",
					   BH_LIMIT_DF_HEREDOCS);
		bh_buf_init(&body, BH_LIMIT_FILE_BYTES);
		h.start_line = ps->line + 1;
		while (next_line(ps, &s, &n)) {
			size_t t = trim_newline(s, n), k = 0;

			ps->line++;
			if (h.chomp)
				while (k < t && s[k] == '\t')
					k++;
			if (t - k == strlen(h.name) && memcmp(s + k, h.name, t - k) == 0) {
				done = 1;
				break;
			}
			if ((err = bh_buf_add(&body, s, n))) {
				bh_buf_release(&body);
				return err;
			}
		}
		h.end_line = ps->line;
		if (!done) {
			bh_buf_release(&body);
			return bh_diag_set(
				ps->diag, BH_ERR_PARSE, ps->path, start, 1,
				"unterminated heredoc '%s' (opened here, file ends at line %u)",
				h.name, ps->line);
		}
		h.content = bh_arena_strndup(ps->a, bh_buf_str(&body), body.len);
		bh_buf_release(&body);
		if (!h.content)
			return BH_ERR_NOMEM;
		hs[nh++] = h;
	}
	if (nh) {
		in->heredocs = bh_arena_alloc(ps->a, nh * sizeof(*hs));
		if (!in->heredocs)
			return BH_ERR_NOMEM;
		memcpy(in->heredocs, hs, nh * sizeof(*hs));
		in->nheredocs = nh;
	}
	return BH_OK;
}

/* ---- the main loop ---- */

static bh_err add_seg(struct parser *ps, struct bh_buf *segs, size_t off, unsigned line,
		      unsigned col)
{
	struct bh_df_seg sg = { off, line, col };

	return bh_buf_add(segs, &sg, sizeof(sg));
}

bh_err bh_dockerfile_parse(struct bh_arena *a, const char *path, const char *data, size_t len,
			   struct bh_dockerfile *out, struct bh_diag *diag)
{
	struct parser ps = {
		.a = a, .path = path, .p = data, .end = data + len, .escape = '\\', .diag = diag
	};
	struct bh_dockerfile df = { .path = path, .escape = '\\' };
	struct bh_buf line = BH_BUF_INIT, segs = BH_BUF_INIT, instrs = BH_BUF_INIT;
	const char *s;
	size_t n;
	bh_err err = BH_OK;

	ps.df = &df;
	bh_buf_init(&ps.word, BH_LIMIT_FILE_BYTES * 4);
	bh_buf_init(&line, BH_LIMIT_FILE_BYTES);
	bh_buf_init(&segs, 0);
	bh_buf_init(&instrs, 0);
	while (next_line(&ps, &s, &n)) {
		struct bh_df_instr in = { 0 };
		size_t t, l, k;
		unsigned start;
		int eol;

		if (ps.line == 0 && n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) {
			s += 3;
			n -= 3;
		}
		t = trim_newline(s, n);
		l = lspace(s, t);
		ps.line++;
		if ((err = directive_line(&ps, s + l, t - l, ps.line)))
			goto out;
		df.escape = ps.escape;
		if (is_comment(s + l, t - l))
			t = l;
		start = ps.line;
		k = trim_continuation(s + l, t - l, ps.escape, &eol);
		if (eol && k == 0)
			continue;
		bh_buf_reset(&line);
		bh_buf_reset(&segs);
		if ((err = add_seg(&ps, &segs, 0, start, (unsigned)l + 1)) ||
		    (err = bh_buf_add(&line, s + l, k)))
			goto out;
		while (!eol && next_line(&ps, &s, &n)) {
			t = trim_newline(s, n);
			ps.line++;
			if ((err = directive_line(&ps, s, t, ps.line)))
				goto out;
			if (is_comment(s, t))
				continue;
			if (lspace(s, t) == t) {
				df.empty_continuation_lines++;
				continue;
			}
			k = trim_continuation(s, t, ps.escape, &eol);
			if ((err = add_seg(&ps, &segs, line.len, ps.line, 1)) ||
			    (err = bh_buf_add(&line, s, k)))
				goto out;
		}
		if (instrs.len / sizeof(in) >= BH_LIMIT_DF_INSTRUCTIONS) {
			err = bh_diag_set(diag, BH_ERR_LIMIT, path, start, 1,
					  "more than %d instructions", BH_LIMIT_DF_INSTRUCTIONS);
			goto out;
		}
		if ((err = new_instr(&ps, bh_buf_str(&line), line.len, start, &in)))
			goto out;
		if (can_heredoc(&in) && strstr(in.original, "<<") &&
		    (err = read_heredocs(&ps, &in, in.original, line.len, start)))
			goto out;
		in.start_line = start;
		in.end_line = ps.line;
		in.nsegs = segs.len / sizeof(struct bh_df_seg);
		in.segs = bh_arena_alloc(a, segs.len);
		if (!in.segs) {
			err = BH_ERR_NOMEM;
			goto out;
		}
		memcpy(in.segs, segs.data, segs.len);
		if (in.sub) {
			in.sub->start_line = in.start_line;
			in.sub->end_line = in.end_line;
		}
		if ((err = bh_buf_add(&instrs, &in, sizeof(in))))
			goto out;
	}
	if (instrs.len == 0) {
		err = bh_diag_set(diag, BH_ERR_PARSE, path, ps.line ? ps.line : 1, 1,
				  "file with no instructions");
		goto out;
	}
	df.n = instrs.len / sizeof(struct bh_df_instr);
	df.instrs = bh_arena_alloc(a, instrs.len);
	if (!df.instrs) {
		err = BH_ERR_NOMEM;
		goto out;
	}
	memcpy(df.instrs, instrs.data, instrs.len);
	*out = df;
out:
	if (err == BH_ERR_LIMIT && diag && !diag->msg[0])
		bh_diag_set(diag, BH_ERR_LIMIT, path, ps.line, 1, "line too long");
	bh_buf_release(&ps.word);
	bh_buf_release(&line);
	bh_buf_release(&segs);
	bh_buf_release(&instrs);
	return err;
}

/* ---- validation beyond the parser ---- */

/* The argument counts BuildKit's instruction parser enforces (instructions/parse.go). */
static bh_err check_args(const struct bh_dockerfile *df, const struct bh_df_instr *in,
			 struct bh_diag *diag)
{
	const char *k = in->kw;

	if ((!strcmp(k, "COPY") || !strcmp(k, "ADD")) && in->nargs < 2 && !in->nheredocs)
		return bh_diag_set(diag, BH_ERR_PARSE, df->path, in->start_line, 1,
				   "%s requires at least two arguments, but only %zu provided", k,
				   in->nargs);
	if ((!strcmp(k, "USER") || !strcmp(k, "WORKDIR") || !strcmp(k, "EXPOSE") ||
	     !strcmp(k, "ARG") || !strcmp(k, "STOPSIGNAL")) &&
	    in->nargs == 0)
		return bh_diag_set(diag, BH_ERR_PARSE, df->path, in->start_line, 1,
				   "%s requires at least one argument", k);
	if (!strcmp(k, "ENV") || !strcmp(k, "LABEL")) {
		for (size_t i = 0; i < in->nargs; i += 3)
			if (!in->args[i][0])
				return bh_diag_set(diag, BH_ERR_PARSE, df->path, in->start_line, 1,
						   "%s names can not be blank", k);
	}
	if (!strcmp(k, "ARG")) {
		for (size_t i = 0; i < in->nargs; i++)
			if (in->args[i][0] == '=' || !in->args[i][0])
				return bh_diag_set(diag, BH_ERR_PARSE, df->path, in->start_line, 1,
						   "ARG names can not be blank");
	}
	return BH_OK;
}

bh_err bh_dockerfile_validate(const struct bh_dockerfile *df, struct bh_diag *diag)
{
	bh_err err;

	size_t stages = 0;

	for (size_t i = 0; i < df->n; i++) {
		const struct bh_df_instr *in = &df->instrs[i];

		if (shape_of(in->kw) == SH_IGNORE)
			return bh_diag_set(diag, BH_ERR_PARSE, df->path, in->start_line, 1,
					   "unknown instruction: %.60s", in->cmd);
		if (!strcmp(in->kw, "FROM")) {
			if (in->nargs != 1 && !(in->nargs == 3 && !strcasecmp(in->args[1], "as")))
				return bh_diag_set(
					diag, BH_ERR_PARSE, df->path, in->start_line, 1,
					"FROM requires either one or three arguments (image [AS name])");
			if (++stages > BH_LIMIT_DF_STAGES)
				return bh_diag_set(diag, BH_ERR_LIMIT, df->path, in->start_line, 1,
						   "more than %d build stages", BH_LIMIT_DF_STAGES);
		}
		/* Instructions before FROM are accepted: BuildKit's parser takes them, and a
		 * snippet (a linter test case, a fragment) is still worth judging. */
		if ((err = check_args(df, in, diag)))
			return err;
		if (in->sub) {
			const char *k = in->sub->kw;

			if (shape_of(k) == SH_IGNORE)
				return bh_diag_set(diag, BH_ERR_PARSE, df->path, in->start_line, 1,
						   "unknown instruction in ONBUILD: %.60s",
						   in->sub->cmd);
			if (!strcmp(k, "ONBUILD") || !strcmp(k, "FROM") || !strcmp(k, "MAINTAINER"))
				return bh_diag_set(diag, BH_ERR_PARSE, df->path, in->start_line, 1,
						   "%s isn't allowed as an ONBUILD trigger", k);
		}
	}
	return BH_OK;
}

/* ---- the dump ---- */

/* unicode.IsPrint for code points >= 0x80, minus the unassigned ones (rare in Dockerfiles). */
static int go_isprint(uint32_t r)
{
	static const uint32_t no[][2] = {
		{ 0x80, 0xA0 },	      { 0xAD, 0xAD },	    { 0x600, 0x605 },
		{ 0x61C, 0x61C },     { 0x6DD, 0x6DD },	    { 0x70F, 0x70F },
		{ 0x890, 0x891 },     { 0x8E2, 0x8E2 },	    { 0x1680, 0x1680 },
		{ 0x180E, 0x180E },   { 0x2000, 0x200F },   { 0x2028, 0x202F },
		{ 0x205F, 0x2064 },   { 0x2066, 0x206F },   { 0x3000, 0x3000 },
		{ 0xD800, 0xF8FF },   { 0xFDD0, 0xFDEF },   { 0xFEFF, 0xFEFF },
		{ 0xFFF9, 0xFFFB },   { 0xFFFE, 0xFFFF },   { 0x110BD, 0x110BD },
		{ 0x110CD, 0x110CD }, { 0x13430, 0x1343F }, { 0x1BCA0, 0x1BCA3 },
		{ 0x1D173, 0x1D17A }, { 0xE0000, 0xE0FFF }, { 0xF0000, 0x10FFFF },
	};

	for (size_t i = 0; i < sizeof(no) / sizeof(*no); i++)
		if (r >= no[i][0] && r <= no[i][1])
			return 0;
	return (r & 0xFFFE) != 0xFFFE;
}

/* Go's strconv.Quote. */
static bh_err go_quote(struct bh_buf *b, const char *s, size_t n)
{
	size_t i = 0, w;
	bh_err err = bh_buf_addc(b, '"');

	while (!err && i < n) {
		uint32_t r = decode_rune(s + i, n - i, &w);
		unsigned char c = (unsigned char)s[i];

		if (r == 0xFFFD && w == 1) {
			err = bh_buf_printf(b, "\\x%02x", c);
		} else if (r == '"' || r == '\\') {
			err = bh_buf_addc(b, '\\');
			if (!err)
				err = bh_buf_addc(b, (char)r);
		} else if (r < 0x80) {
			static const char esc[] = "abtnvfr";

			if (r >= 0x20 && r < 0x7F)
				err = bh_buf_addc(b, (char)r);
			else if (r >= 7 && r <= 13)
				err = bh_buf_printf(b, "\\%c", esc[r - 7]);
			else
				err = bh_buf_printf(b, "\\x%02x", (unsigned)r);
		} else if (go_isprint(r)) {
			err = bh_buf_add(b, s + i, w);
		} else if (r < 0x10000) {
			err = bh_buf_printf(b, "\\u%04x", (unsigned)r);
		} else {
			err = bh_buf_printf(b, "\\U%08x", (unsigned)r);
		}
		i += w;
	}
	return err ? err : bh_buf_addc(b, '"');
}

static bh_err dump_instr(const struct bh_df_instr *in, struct bh_buf *out)
{
	bh_err err = BH_OK;

	for (const char *c = in->cmd; *c && !err; c++)
		err = bh_buf_addc(out, (*c >= 'A' && *c <= 'Z') ? (char)(*c + 32) : *c);
	if (!err && in->nflags) {
		err = bh_buf_adds(out, " [");
		for (size_t i = 0; i < in->nflags && !err; i++) {
			if (i)
				err = bh_buf_addc(out, ' ');
			if (!err)
				err = go_quote(out, in->flags[i], strlen(in->flags[i]));
		}
		if (!err)
			err = bh_buf_addc(out, ']');
	}
	for (size_t i = 0; i < in->nargs && !err; i++) {
		err = bh_buf_addc(out, ' ');
		if (!err)
			err = go_quote(out, in->args[i], in->arg_lens[i]);
	}
	if (!err && in->sub) {
		err = bh_buf_adds(out, " (");
		if (!err)
			err = dump_instr(in->sub, out);
		if (!err)
			err = bh_buf_addc(out, ')');
	}
	return err;
}

bh_err bh_dockerfile_dump(const struct bh_dockerfile *df, struct bh_buf *out)
{
	bh_err err = BH_OK;

	for (size_t i = 0; i < df->n && !err; i++) {
		err = bh_buf_addc(out, '(');
		if (!err)
			err = dump_instr(&df->instrs[i], out);
		if (!err)
			err = bh_buf_adds(out, ")\n");
	}
	return err;
}

/* ---- helpers for rules ---- */

void bh_df_locate(const struct bh_df_instr *in, size_t off, unsigned *line, unsigned *col)
{
	size_t k = 0;

	if (!in->nsegs) {
		*line = in->start_line;
		*col = 1;
		return;
	}
	{
		/* Binary search: the last segment starting at or before off. */
		size_t lo = 0, hi = in->nsegs;

		while (hi - lo > 1) {
			size_t mid = lo + (hi - lo) / 2;

			if (in->segs[mid].off <= off)
				lo = mid;
			else
				hi = mid;
		}
		k = lo;
	}
	*line = in->segs[k].line;
	*col = in->segs[k].col + (unsigned)(off - in->segs[k].off);
}

const char *bh_df_flag(const struct bh_df_instr *in, const char *name)
{
	size_t l = strlen(name);

	for (size_t i = 0; i < in->nflags; i++) {
		const char *f = in->flags[i];

		if (strncmp(f, "--", 2) != 0 || strncasecmp(f + 2, name, l) != 0)
			continue;
		if (f[2 + l] == '=')
			return f + 3 + l;
		if (f[2 + l] == '\0')
			return f + 2 + l;
	}
	return NULL;
}

bh_err bh_df_vars_set(struct bh_arena *a, struct bh_df_vars *vars, const char *name,
		      const char *value)
{
	for (size_t i = 0; i < vars->n; i++)
		if (strcmp(vars->v[i].name, name) == 0) {
			vars->v[i].value = value;
			return BH_OK;
		}
	/* Past the cap later variables stay unset: substitution then reports them unresolved. */
	if (vars->n >= BH_LIMIT_DF_VARS)
		return BH_OK;
	if (vars->n == vars->cap) {
		size_t nc = vars->cap ? vars->cap * 2 : 16;
		struct bh_df_var *nv =
			bh_arena_realloc(a, vars->v, vars->cap * sizeof(*nv), nc * sizeof(*nv));

		if (!nv)
			return BH_ERR_NOMEM;
		vars->v = nv;
		vars->cap = nc;
	}
	vars->v[vars->n].name = name;
	vars->v[vars->n].value = value;
	vars->n++;
	return BH_OK;
}

const struct bh_df_var *bh_df_vars_get(const struct bh_df_vars *vars, const char *name)
{
	for (size_t i = vars ? vars->n : 0; i > 0; i--)
		if (strcmp(vars->v[i - 1].name, name) == 0)
			return &vars->v[i - 1];
	return NULL;
}

struct expander {
	struct bh_arena *a;
	char esc;
	const struct bh_df_vars *vars;
	int unresolved;
	int failed;
};

static int name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_';
}

static void ex_add(struct expander *x, struct bh_buf *b, const char *s, size_t n)
{
	if (bh_buf_add(b, s, n))
		x->failed = 1;
}

static size_t ex_word(struct expander *x, const char *s, size_t i, size_t n, char stop,
		      struct bh_buf *out, unsigned depth);

/* $NAME or ${...} at s[i] == '$'; returns the index after it. */
static size_t ex_dollar(struct expander *x, const char *s, size_t i, size_t n, struct bh_buf *out,
			unsigned depth)
{
	size_t st;
	char name[256];
	const struct bh_df_var *v;
	const char *val;

	i++;
	if (i < n && s[i] == '{') {
		char op = 0;
		int colon = 0;
		struct bh_buf alt = BH_BUF_INIT;

		i++;
		st = i;
		while (i < n && name_char(s[i]))
			i++;
		if (i - st == 0 || i - st >= sizeof(name)) {
			x->failed = 1;
			return n;
		}
		memcpy(name, s + st, i - st);
		name[i - st] = '\0';
		if (i < n && s[i] == ':') {
			colon = 1;
			i++;
		}
		if (i < n && s[i] != '}')
			op = s[i++];
		bh_buf_init(&alt, BH_LIMIT_DF_EXPAND_BYTES);
		if (op) {
			if (depth >= BH_LIMIT_DF_EXPAND_DEPTH) {
				x->failed = 1;
				bh_buf_release(&alt);
				return n;
			}
			i = ex_word(x, s, i, n, '}', &alt, depth + 1);
		}
		if (i >= n || s[i] != '}') {
			x->failed = 1;
			bh_buf_release(&alt);
			return n;
		}
		i++;
		v = bh_df_vars_get(x->vars, name);
		val = v ? v->value : NULL;
		switch (op) {
		case 0:
			if (!val)
				x->unresolved = 1;
			else
				ex_add(x, out, val, strlen(val));
			break;
		case '-':
		case '=':
			if (val && (!colon || *val))
				ex_add(x, out, val, strlen(val));
			else
				ex_add(x, out, bh_buf_str(&alt), alt.len);
			break;
		case '+':
			if (val && (!colon || *val))
				ex_add(x, out, bh_buf_str(&alt), alt.len);
			break;
		case '?':
			if (val && (!colon || *val))
				ex_add(x, out, val, strlen(val));
			else
				x->unresolved = 1;
			break;
		default:
			/* ${a#p} ${a%p} ${a/p/r}: keep the value; patterns rarely matter here. */
			if (!val)
				x->unresolved = 1;
			else
				ex_add(x, out, val, strlen(val));
			break;
		}
		bh_buf_release(&alt);
		return i;
	}
	st = i;
	while (i < n && name_char(s[i]))
		i++;
	if (i == st) {
		ex_add(x, out, "$", 1);
		return i;
	}
	if (i - st >= sizeof(name)) {
		x->failed = 1;
		return n;
	}
	memcpy(name, s + st, i - st);
	name[i - st] = '\0';
	v = bh_df_vars_get(x->vars, name);
	if (!v || !v->value)
		x->unresolved = 1;
	else
		ex_add(x, out, v->value, strlen(v->value));
	return i;
}

static size_t ex_word(struct expander *x, const char *s, size_t i, size_t n, char stop,
		      struct bh_buf *out, unsigned depth)
{
	while (i < n && !x->failed) {
		char c = s[i];

		if (stop && c == stop)
			return i;
		if (c == x->esc) {
			if (i + 1 < n)
				ex_add(x, out, s + i + 1, 1);
			i += 2;
		} else if (c == '\'') {
			size_t e = i + 1;

			while (e < n && s[e] != '\'')
				e++;
			ex_add(x, out, s + i + 1, (e < n ? e : n) - i - 1);
			i = e + 1;
		} else if (c == '"') {
			i++;
			while (i < n && s[i] != '"' && !x->failed) {
				if (s[i] == x->esc && i + 1 < n &&
				    (s[i + 1] == '"' || s[i + 1] == '$' || s[i + 1] == x->esc)) {
					ex_add(x, out, s + i + 1, 1);
					i += 2;
				} else if (s[i] == '$') {
					i = ex_dollar(x, s, i, n, out, depth);
				} else {
					ex_add(x, out, s + i, 1);
					i++;
				}
			}
			i++;
		} else if (c == '$') {
			i = ex_dollar(x, s, i, n, out, depth);
		} else {
			ex_add(x, out, s + i, 1);
			i++;
		}
	}
	return i > n ? n : i;
}

const char *bh_df_expand(struct bh_arena *a, const char *word, char escape,
			 const struct bh_df_vars *vars, int *unresolved)
{
	struct expander x = { .a = a, .esc = escape, .vars = vars };
	struct bh_buf out = BH_BUF_INIT;
	const char *res = NULL;

	bh_buf_init(&out, BH_LIMIT_DF_EXPAND_BYTES);
	ex_word(&x, word, 0, strlen(word), 0, &out, 0);
	if (!x.failed)
		res = bh_arena_strndup(a, bh_buf_str(&out), out.len);
	bh_buf_release(&out);
	if (unresolved)
		*unresolved = x.unresolved || x.failed;
	return res;
}

/* ---- stages ---- */

bh_err bh_dockerfile_stages(struct bh_arena *a, const struct bh_dockerfile *df,
			    struct bh_df_stage **out, size_t *n, struct bh_df_vars *globals)
{
	struct bh_df_stage *st;
	size_t ns = 0, k = 0;
	bh_err err;

	for (size_t i = 0; i < df->n; i++)
		ns += !strcmp(df->instrs[i].kw, "FROM");
	if (ns > BH_LIMIT_DF_STAGES)
		return BH_ERR_LIMIT;
	/* One more for the implicit stage of a snippet whose first instructions precede FROM. */
	st = bh_arena_alloc(a, (ns + 1) * sizeof(*st));
	if (!st)
		return BH_ERR_NOMEM;
	for (size_t i = 0; i < df->n; i++) {
		const struct bh_df_instr *in = &df->instrs[i];

		if (!strcmp(in->kw, "ARG") && k == 0) {
			for (size_t j = 0; j < in->nargs; j++) {
				const char *eq = strchr(in->args[j], '=');
				char *name = bh_arena_strndup(a, in->args[j],
							      eq ? (size_t)(eq - in->args[j])
								 : strlen(in->args[j]));
				const char *val = NULL;
				const struct bh_df_var *old;

				if (!name)
					return BH_ERR_NOMEM;
				if (eq) {
					val = bh_df_expand(a, eq + 1, df->escape, globals, NULL);
					if (!val)
						val = eq + 1;
				} else if ((old = bh_df_vars_get(globals, name))) {
					val = old->value;
				}
				if ((err = bh_df_vars_set(a, globals, name, val)))
					return err;
			}
			continue;
		}
		if (strcmp(in->kw, "FROM") != 0) {
			if (k == 0) {
				/* A snippet without FROM (as linters' test cases are): an implicit
				 * stage on an unknown image, so its instructions are still judged.
				 */
				memset(&st[0], 0, sizeof(st[0]));
				st[0].from = st[0].first = st[0].body = i;
				st[0].parent_index = -1;
				st[0].image = "";
				st[0].implicit = 1;
				k = 1;
			}
			st[k - 1].last = i;
			continue;
		}
		{
			struct bh_df_stage *s = &st[k];
			int unres = 0;

			memset(s, 0, sizeof(*s));
			s->index = k;
			s->from = s->first = s->last = i;
			s->body = i + 1;
			s->parent_index = -1;
			s->image = in->nargs ? bh_df_expand(a, in->args[0], df->escape, globals,
							    &unres)
					     : "";
			if (!s->image)
				s->image = in->nargs ? in->args[0] : "";
			s->image_resolved = !unres;
			if (in->nargs >= 3 && !strcasecmp(in->args[1], "as")) {
				char *nm = bh_arena_strdup(a, in->args[2]);

				if (!nm)
					return BH_ERR_NOMEM;
				for (char *c = nm; *c; c++)
					if (*c >= 'A' && *c <= 'Z')
						*c = (char)(*c + 32);
				s->name = nm;
			}
			for (size_t j = 0; j < k; j++)
				if (st[j].name && !strcasecmp(st[j].name, s->image)) {
					s->parent = st[j].name;
					s->parent_index = (long)j;
				}
			k++;
		}
	}
	*out = st;
	*n = k;
	return BH_OK;
}
