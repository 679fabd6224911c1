/*
 * The detector: one Vectorscan database of every pattern, scanned in block mode over windows of
 * at most BH_LIMIT_SECRETS_WINDOW bytes, and a confirmation step per hit.
 *
 * Vectorscan reports only where a match ends, and a pattern with a variable tail reports every
 * end. So a hit only says "this pattern matches on this line": the confirmation runs the same
 * expression in PCRE2 over the hit's line (at most BH_LIMIT_SECRETS_LINE_CTX bytes either
 * side), takes the capture group of the secret, and remembers how far it has confirmed that
 * pattern so the later ends of the same match cost one comparison. Multi-line formats (PEM
 * keys, Kubernetes Secrets, kubeconfigs) are confirmed by code that reads the document around
 * the hit.
 *
 * Consecutive windows overlap by BH_LIMIT_SECRETS_OVERLAP bytes and a window reports only the
 * matches that start before the next window does, so a credential cut by a window edge is
 * found whole by the next one, and none is reported twice.
 *
 * Candidates of one window are sorted, overlaps resolved (a generic rule yields to a specific
 * one), then inline `bulkhead:allow` comments are looked up on the secret's line and the line
 * above.
 */
#define _GNU_SOURCE /* memmem, memrchr */
#include "scanner.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "core/fs.h"
#include "core/limits.h"

#include "core/banned.h"

/* ---- the engine ------------------------------------------------------------------------- */

const struct bh_rule *se_builtin_rule(const char *id)
{
	for (size_t i = 0; i < bh_se_nrules; i++)
		if (!strcmp(bh_se_rules[i].id, id))
			return &bh_se_rules[i];
	return NULL;
}

/*
 * PCRE2 runs on a hit's line, not the whole buffer, so ^ must match at the line's start where
 * Vectorscan consumed the newline before it: every expression is compiled multi-line (a
 * confirmation window never holds a newline except for the multi-line formats).
 */
static pcre2_code *pcre_compile(const char *re, unsigned flags, char *err, size_t errlen)
{
	int code;
	PCRE2_SIZE off;
	struct se_pattern opt = { .flags = flags };
	pcre2_code *c = pcre2_compile((PCRE2_SPTR)re, PCRE2_ZERO_TERMINATED, SE_PCRE2_FLAGS(&opt),
				      &code, &off, NULL);

	if (!c) {
		PCRE2_UCHAR msg[256];

		pcre2_get_error_message(code, msg, sizeof(msg));
		snprintf(err, errlen, "at offset %zu: %s", (size_t)off, (const char *)msg);
		return NULL;
	}
	pcre2_jit_compile(c, PCRE2_JIT_COMPLETE);
	return c;
}

pcre2_code *se_pat_re(const struct pat *p)
{
	/* The engine is shared and const to its users; this one field is filled on demand. */
	struct pat *mp = (struct pat *)p;
	pcre2_code *c = atomic_load_explicit(&mp->re, memory_order_acquire), *none = NULL;
	char err[300];

	if (c)
		return c;
	c = pcre_compile(p->p.re, p->p.flags, err, sizeof(err));
	if (!c)
		return NULL;
	if (!atomic_compare_exchange_strong_explicit(&mp->re, &none, c, memory_order_acq_rel,
						     memory_order_acquire)) {
		pcre2_code_free(c); /* another thread compiled it first */
		c = none;
	}
	return c;
}

void bh_secrets_engine_free(struct bh_secrets_engine *e)
{
	if (!e)
		return;
	hs_free_database(e->db);
	for (size_t i = 0; i < e->npats; i++)
		pcre2_code_free(e->pats[i].re);
	for (size_t i = 0; i < e->nallow; i++)
		pcre2_code_free(e->allow[i]);
	free(e->allow);
	free(e->pats);
	free(e->user_rules);
	free(e);
}

/* Read the config's secrets: section into user rules and patterns. */
static bh_err load_user(struct bh_secrets_engine *e, const struct bh_node *sec, const char *file,
			struct bh_arena *a, size_t nbuiltin, struct bh_diag *diag)
{
	const struct bh_node *rules, *allow;
	char err[300];

	if (!bh_node_is_map(sec))
		return bh_diag_set(diag, BH_ERR_PARSE, file, sec ? sec->line : 1,
				   sec ? sec->col : 1, "secrets must be a mapping");
	for (size_t i = 0; i < sec->map.n; i++) {
		const char *k = bh_node_str(sec->map.pairs[i].key);

		if (!k || (strcmp(k, "rules") && strcmp(k, "allow")))
			return bh_diag_set(diag, BH_ERR_PARSE, file, sec->map.pairs[i].key->line,
					   sec->map.pairs[i].key->col,
					   "unknown key '%s' in secrets (rules, allow)",
					   k ? k : "?");
	}
	rules = bh_node_get(sec, "rules");
	allow = bh_node_get(sec, "allow");
	if (rules && !bh_node_is_seq(rules))
		return bh_diag_set(diag, BH_ERR_PARSE, file, rules->line, rules->col,
				   "secrets.rules must be a list");
	if (allow && !bh_node_is_seq(allow))
		return bh_diag_set(diag, BH_ERR_PARSE, file, allow->line, allow->col,
				   "secrets.allow must be a list of regular expressions");
	if (rules && rules->seq.n > BH_LIMIT_SECRETS_USER_RULES)
		return bh_diag_set(diag, BH_ERR_LIMIT, file, rules->line, rules->col,
				   "more than %u secrets rules", BH_LIMIT_SECRETS_USER_RULES);
	if (rules && rules->seq.n) {
		e->user_rules = calloc(rules->seq.n, sizeof(*e->user_rules));
		if (!e->user_rules)
			return BH_ERR_NOMEM;
		for (size_t i = 0; i < rules->seq.n; i++) {
			const struct bh_node *r = rules->seq.items[i];
			const char *id = bh_node_str(bh_node_get(r, "id"));
			const char *re = bh_node_str(bh_node_get(r, "regex"));
			const char *sev = bh_node_str(bh_node_get(r, "severity"));
			const char *title = bh_node_str(bh_node_get(r, "title"));
			const char *ent = bh_node_str(bh_node_get(r, "entropy"));
			long long group = 0;
			struct bh_rule *ur = &e->user_rules[e->nuser];
			struct pat *p = &e->pats[nbuiltin + e->nuser];

			if (!bh_node_is_map(r) || !id || !re || !*id || !*re)
				return bh_diag_set(diag, BH_ERR_PARSE, file, r->line, r->col,
						   "a secrets rule needs an id and a regex");
			ur->id = id;
			ur->layer = BH_LAYER_SE;
			ur->severity = BH_SEV_HIGH;
			if (sev && bh_severity_parse(sev, &ur->severity))
				return bh_diag_set(diag, BH_ERR_PARSE, file, r->line, r->col,
						   "bad severity '%s' in secrets rule %s", sev, id);
			ur->title = title ? title : bh_arena_printf(a, "Custom secret rule %s", id);
			ur->attack = "Anyone who reads the input can use the credential.";
			ur->fix = "Revoke and rotate it, then load it from a secret store.";
			ur->refs = file;
			if (bh_node_get(r, "group") &&
			    !bh_node_int(bh_node_get(r, "group"), &group))
				return bh_diag_set(diag, BH_ERR_PARSE, file, r->line, r->col,
						   "group must be an integer");
			p->p.rule = id;
			p->p.kind = ur->title;
			p->p.re = re;
			p->p.group = (unsigned)(group < 0 || group > 9 ? 0 : group);
			p->p.entropy = ent ? (float)strtod(ent, NULL) : 0;
			p->p.check = SC_NONE;
			p->rule = ur;
			p->re = pcre_compile(re, 0, err, sizeof(err));
			if (!atomic_load(&p->re))
				return bh_diag_set(diag, BH_ERR_PARSE, file, r->line, r->col,
						   "secrets rule %s: bad regex %s", id, err);
			e->nuser++;
		}
	}
	if (allow && allow->seq.n) {
		e->allow = calloc(allow->seq.n, sizeof(*e->allow));
		if (!e->allow)
			return BH_ERR_NOMEM;
		for (size_t i = 0; i < allow->seq.n; i++) {
			const char *re = bh_node_str(allow->seq.items[i]);

			if (!re)
				return bh_diag_set(diag, BH_ERR_PARSE, file, allow->line,
						   allow->col,
						   "secrets.allow entries are regular expressions");
			e->allow[e->nallow] = pcre_compile(re, 0, err, sizeof(err));
			if (!e->allow[e->nallow])
				return bh_diag_set(diag, BH_ERR_PARSE, file,
						   allow->seq.items[i]->line,
						   allow->seq.items[i]->col,
						   "secrets.allow: bad regex %s", err);
			e->nallow++;
		}
	}
	return BH_OK;
}

/*
 * Vectorscan's databases and scratch regions, and the streaming window, are hundreds of
 * kilobytes or megabytes that are written in full as soon as they are allocated. Touching fresh
 * pages one by one costs a page fault each, which on virtual machines is ten times the cost of
 * having the kernel fill them in one call; large blocks are therefore mapped with MAP_POPULATE. A
 * small header records how a block was allocated, so that free can undo it.
 */
#define POP_HEADER 16u
#define POP_MMAP   (64u * 1024)

static void *populated_alloc(size_t size)
{
	size_t total = size + POP_HEADER;
	unsigned char *p;

	if (total < size)
		return NULL;
	if (total >= POP_MMAP) {
		p = mmap(NULL, total, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
		if (p == MAP_FAILED)
			return NULL;
	} else {
		p = malloc(total);
		if (!p)
			return NULL;
	}
	memcpy(p, &total, sizeof(total));
	return p + POP_HEADER;
}

static void populated_free(void *ptr)
{
	unsigned char *p = ptr;
	size_t total;

	if (!p)
		return;
	p -= POP_HEADER;
	memcpy(&total, p, sizeof(total));
	if (total >= POP_MMAP)
		munmap(p, total);
	else
		free(p);
}

static pthread_once_t hs_alloc_once = PTHREAD_ONCE_INIT;

static void set_hs_allocators(void)
{
	hs_set_database_allocator(populated_alloc, populated_free);
	hs_set_scratch_allocator(populated_alloc, populated_free);
}

bh_err bh_secrets_engine_new(const struct bh_node *cfg_secrets, const char *cfg_file,
			     struct bh_arena *a, struct bh_secrets_engine **out,
			     struct bh_diag *diag)
{
	struct bh_secrets_engine *e = calloc(1, sizeof(*e));
	size_t nuser_max = 0, n;
	const char **exprs = NULL;
	unsigned *flags = NULL, *ids = NULL;
	hs_compile_error_t *cerr = NULL;
	bh_err rc = BH_ERR_NOMEM;

	if (!e)
		return BH_ERR_NOMEM;
	/* Before the first database or scratch exists, so every block is freed by its allocator. */
	pthread_once(&hs_alloc_once, set_hs_allocators);
	if (cfg_secrets && bh_node_is_seq(bh_node_get(cfg_secrets, "rules")))
		nuser_max = bh_node_get(cfg_secrets, "rules")->seq.n;
	if (nuser_max > BH_LIMIT_SECRETS_USER_RULES)
		nuser_max = BH_LIMIT_SECRETS_USER_RULES;
	e->pats = calloc(se_npatterns + nuser_max, sizeof(*e->pats));
	if (!e->pats)
		goto out;
	for (size_t i = 0; i < se_npatterns; i++) {
		struct pat *p = &e->pats[i];

		p->p = se_patterns[i];
		p->rule = se_builtin_rule(p->p.rule);
		if (!p->rule) {
			rc = bh_diag_set(diag, BH_ERR_INTERNAL, "secrets", 1, 1,
					 "built-in pattern %zu names an unknown rule %s", i,
					 p->p.rule);
			e->npats = i + 1;
			goto out;
		}
	}
	e->npats = se_npatterns;
	if (cfg_secrets) {
		rc = load_user(e, cfg_secrets, cfg_file, a, se_npatterns, diag);
		e->npats = se_npatterns + e->nuser;
		if (rc)
			goto out;
	}
	n = e->npats;
	exprs = calloc(n, sizeof(*exprs));
	flags = calloc(n, sizeof(*flags));
	ids = calloc(n, sizeof(*ids));
	rc = BH_ERR_NOMEM;
	if (!exprs || !flags || !ids)
		goto out;
	/* The built-in rules alone: the database serialised at build time, when this machine
	 * can run it. */
	if (n == se_npatterns &&
	    hs_deserialize_database((const char *)se_hsdb, se_hsdb_len, &e->db) == HS_SUCCESS) {
		rc = BH_OK;
		goto out;
	}
	e->db = NULL;
	for (size_t i = 0; i < n; i++) {
		exprs[i] = SE_HS_EXPR(&e->pats[i].p);
		ids[i] = (unsigned)i;
		flags[i] = SE_HS_FLAGS(&e->pats[i].p) | (i >= se_npatterns ? HS_FLAG_PREFILTER : 0);
	}
	if (hs_compile_multi(exprs, flags, ids, (unsigned)n, HS_MODE_BLOCK, NULL, &e->db, &cerr) !=
	    HS_SUCCESS) {
		int bad = cerr ? cerr->expression : -1;

		if (bad >= (int)se_npatterns && bad < (int)n)
			rc = bh_diag_set(diag, BH_ERR_PARSE, cfg_file, 1, 1,
					 "secrets rule %s: Vectorscan cannot compile its regex: %s",
					 e->pats[bad].p.rule, cerr->message);
		else
			rc = bh_diag_set(diag, BH_ERR_INTERNAL, "secrets", 1, 1,
					 "pattern %d does not compile: %s", bad,
					 cerr ? cerr->message : "?");
		hs_free_compile_error(cerr);
		e->db = NULL;
		goto out;
	}
	rc = BH_OK;
out:
	free(exprs);
	free(flags);
	free(ids);
	if (rc) {
		bh_secrets_engine_free(e);
		return rc;
	}
	*out = e;
	return BH_OK;
}

static struct bh_secrets_engine *default_engine;
static pthread_once_t default_once = PTHREAD_ONCE_INIT;

static void build_default(void)
{
	struct bh_diag d;

	if (bh_secrets_engine_new(NULL, NULL, NULL, &default_engine, &d))
		default_engine = NULL;
}

const struct bh_secrets_engine *bh_secrets_engine_default(void)
{
	pthread_once(&default_once, build_default);
	return default_engine;
}

const struct bh_rule *bh_secrets_engine_rule(const struct bh_secrets_engine *e, size_t i)
{
	if (i < bh_se_nrules)
		return &bh_se_rules[i];
	i -= bh_se_nrules;
	return i < e->nuser ? &e->user_rules[i] : NULL;
}

size_t bh_secrets_engine_nrules(const struct bh_secrets_engine *e)
{
	return bh_se_nrules + e->nuser;
}

bh_err bh_secrets_scanner_new(const struct bh_secrets_engine *e, struct bh_secrets_scanner **out)
{
	struct bh_secrets_scanner *sc = calloc(1, sizeof(*sc));

	if (!sc)
		return BH_ERR_NOMEM;
	sc->e = e;
	sc->done = calloc(e->npats, sizeof(*sc->done));
	sc->md = pcre2_match_data_create(12, NULL);
	if (!sc->done || !sc->md || hs_alloc_scratch(e->db, &sc->scratch) != HS_SUCCESS) {
		bh_secrets_scanner_free(sc);
		return BH_ERR_NOMEM;
	}
	*out = sc;
	return BH_OK;
}

void bh_secrets_scanner_free(struct bh_secrets_scanner *sc)
{
	if (!sc)
		return;
	hs_free_scratch(sc->scratch);
	pcre2_match_data_free(sc->md);
	free(sc->done);
	free(sc->cands);
	populated_free(sc->buf);
	free(sc);
}

/* ---- confirmation ----------------------------------------------------------------------- */

void se_add_cand(struct bh_secrets_scanner *sc, const struct pat *p, const struct bh_rule *r,
		 const char *kind, size_t start, size_t end)
{
	if (sc->ncands == sc->capcands) {
		size_t ncap = sc->capcands ? sc->capcands * 2 : 64;
		struct cand *c;

		if (ncap > BH_LIMIT_SECRETS_CANDIDATES ||
		    !(c = realloc(sc->cands, ncap * sizeof(*c)))) {
			sc->overflow = 1;
			return;
		}
		sc->cands = c;
		sc->capcands = ncap;
	}
	sc->cands[sc->ncands++] = (struct cand){ p, r, kind, start, end, 0 };
}

/*
 * Newlines in p[0, n). A byte-wide counter over blocks of 255 bytes lets the compiler keep one
 * byte lane per input byte in vector registers (it cannot overflow within a block), which is
 * many times faster than a memchr per line on source text's short lines.
 */
static size_t count_nl(const char *p, size_t n)
{
	size_t c = 0;

	while (n) {
		size_t k = n < 255 ? n : 255;
		unsigned char b = 0;

		for (size_t i = 0; i < k; i++)
			b += p[i] == '\n';
		c += b;
		p += k;
		n -= k;
	}
	return c;
}

size_t se_line_start(const char *d, size_t pos, size_t floor)
{
	while (pos > floor && d[pos - 1] != '\n')
		pos--;
	return pos;
}

size_t se_line_end(const char *d, size_t len, size_t pos)
{
	const char *nl = memchr(d + pos, '\n', len - pos);

	return nl ? (size_t)(nl - d) : len;
}

/* Whether a pattern's own expression matches on the line that ends at or after to, ending at to
 * (where Vectorscan's hit ended). */
static int line_matches(struct bh_secrets_scanner *sc, const struct pat *p, size_t to)
{
	pcre2_code *re = se_pat_re(p);
	size_t lo = to > BH_LIMIT_SECRETS_LINE_CTX ? to - BH_LIMIT_SECRETS_LINE_CTX : 0;
	size_t ls = to ? se_line_start(sc->data, to - 1, lo) : 0;
	size_t off = ls;

	while (re && off <= to) {
		PCRE2_SIZE *ov;

		if (pcre2_match(re, (PCRE2_SPTR)sc->data, to, off, 0, sc->md, NULL) < 0)
			return 0;
		ov = pcre2_get_ovector_pointer(sc->md);
		if (ov[1] == to)
			return 1;
		off = ov[1] > ov[0] ? ov[1] : ov[0] + 1;
	}
	return 0;
}

static int on_hit(unsigned int id, unsigned long long from, unsigned long long to,
		  unsigned int flags, void *ctx)
{
	struct bh_secrets_scanner *sc = ctx;
	const struct pat *p = &sc->e->pats[id];
	size_t ws, we, lo;

	(void)from;
	(void)flags;
	if (to <= sc->done[id] || sc->overflow)
		return sc->overflow;
	if (p->p.check == SC_K8S_SECRET) {
		/* This check is code, not re; when Vectorscan looked for a cheaper expression,
		 * the hit's line must still be re's "kind: Secret". */
		if (p->p.pre && !line_matches(sc, p, (size_t)to))
			return 0;
		se_confirm_k8s_secret(sc, p, (size_t)to ? (size_t)to - 1 : 0);
		return 0;
	}
	/* The hit's line, bounded either side. */
	lo = to > BH_LIMIT_SECRETS_LINE_CTX ? (size_t)to - BH_LIMIT_SECRETS_LINE_CTX : 0;
	ws = to ? se_line_start(sc->data, (size_t)to - 1, lo) : 0;
	if ((p->p.flags & SP_TWOLINE) && ws > lo)
		ws = se_line_start(sc->data, ws - 1, lo);
	we = se_line_end(sc->data,
			 to + BH_LIMIT_SECRETS_LINE_CTX < sc->len
				 ? (size_t)to + BH_LIMIT_SECRETS_LINE_CTX
				 : sc->len,
			 to ? (size_t)to - 1 : 0);
	if (we < to)
		we = (size_t)to;
	se_confirm(sc, p, ws, we);
	if (sc->done[id] < we)
		sc->done[id] = we;
	return 0;
}

static int cand_cmp(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	if ((x->pat->p.flags & SP_GENERIC) != (y->pat->p.flags & SP_GENERIC))
		return (x->pat->p.flags & SP_GENERIC) ? 1 : -1;
	if (x->end != y->end)
		return x->end > y->end ? -1 : 1;
	return x->pat < y->pat ? -1 : x->pat > y->pat;
}

/* Drop duplicates and overlaps: a generic candidate loses to a specific one, else the first. */
static void resolve(struct bh_secrets_scanner *sc)
{
	if (sc->ncands > 1)
		qsort(sc->cands, sc->ncands, sizeof(*sc->cands), cand_cmp);
	for (size_t i = 0; i < sc->ncands; i++) {
		struct cand *c = &sc->cands[i];

		for (size_t j = i; j-- > 0;) {
			struct cand *k = &sc->cands[j];

			if (k->dropped)
				continue;
			if (k->end <= c->start) {
				/* Earlier candidates end earlier only for short ones; keep looking
				 * a little, a PEM block may cover many. */
				if (i - j > 64)
					break;
				continue;
			}
			if ((c->pat->p.flags & SP_GENERIC) && !(k->pat->p.flags & SP_GENERIC)) {
				c->dropped = 1;
			} else if ((k->pat->p.flags & SP_GENERIC) &&
				   !(c->pat->p.flags & SP_GENERIC)) {
				k->dropped = 1;
				continue;
			} else {
				c->dropped = 1;
			}
			break;
		}
	}
}

static int is_id_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_';
}

/* "bulkhead:allow" alone allows any SE rule; followed by ids, only those. */
static int allow_in_line(const char *l, size_t len, const char *id)
{
	static const char *const markers[] = { "bulkhead:allow", "bulkhead:ignore" };

	for (size_t m = 0; m < 2; m++) {
		size_t ml = strlen(markers[m]);
		const char *p = len >= ml ? memmem(l, len, markers[m], ml) : NULL;
		const char *end = l + len;
		int ids = 0;

		if (!p)
			continue;
		p += ml;
		for (;;) {
			const char *w;

			while (p < end && (*p == ' ' || *p == '\t' || *p == ','))
				p++;
			w = p;
			while (p < end && is_id_char(*p))
				p++;
			if (p == w || !(p - w >= 4 && w[2] == '-' && w[3] >= '0' && w[3] <= '9'))
				break;
			ids++;
			if ((size_t)(p - w) == strlen(id) && !strncasecmp(w, id, strlen(id)))
				return 1;
		}
		if (!ids)
			return 1;
	}
	return 0;
}

struct window {
	size_t base;	  /* offset of the window in the input, for reported offsets */
	unsigned line;	  /* line number at the window's start */
	unsigned col;	  /* column (0-based) at the window's start */
	size_t accept_to; /* report only matches starting before this */
};

static void redact(const char *s, size_t len, const struct cand *c, char *out, size_t cap)
{
	size_t keep = c->pat->p.skip + 4;

	if (c->pat->p.check == SC_PEM) {
		const char *nl = memchr(s, '\n', len);
		size_t hl = nl ? (size_t)(nl - s) : (len < 40 ? len : 40);
		const char *esc = memmem(s, hl, "\\n", 2);

		if (esc)
			hl = (size_t)(esc - s);
		snprintf(out, cap, "%.*s", (int)(hl < cap - 1 ? hl : cap - 1), s);
		return;
	}
	if (keep > len / 3)
		keep = len / 3;
	if (keep > 16)
		keep = 16;
	snprintf(out, cap, "%.*s***", (int)keep, s);
}

static bh_err scan_window(struct bh_secrets_scanner *sc, const char *data, size_t len,
			  const struct window *w, bh_secret_cb cb, void *ctx)
{
	unsigned line = w->line;
	size_t pos = 0, lstart = 0;
	int first_line = 1;

	sc->data = data;
	sc->len = len;
	sc->ncands = 0;
	sc->overflow = 0;
	memset(sc->done, 0, sc->e->npats * sizeof(*sc->done));
	if (hs_scan(sc->e->db, data, (unsigned)len, 0, sc->scratch, on_hit, sc) != HS_SUCCESS &&
	    !sc->overflow)
		return BH_ERR_INTERNAL;
	resolve(sc);
	for (size_t i = 0; i < sc->ncands; i++) {
		const struct cand *c = &sc->cands[i];
		struct bh_secret_match m = { 0 };
		char red[160];
		size_t le;

		if (c->dropped || c->start >= w->accept_to)
			continue;
		/* Advance the line count to the candidate (candidates are in offset order). */
		if (pos < c->start) {
			const char *nl = memrchr(data + pos, '\n', c->start - pos);

			if (nl) {
				line += (unsigned)count_nl(data + pos, c->start - pos);
				lstart = (size_t)(nl - data) + 1;
				first_line = 0;
			}
			pos = c->start;
		}
		m.rule = c->rule;
		m.offset = w->base + c->start;
		m.len = c->end - c->start;
		m.line = line;
		m.col = (unsigned)(c->start - lstart) + 1 + (first_line ? w->col : 0);
		m.end_line = line;
		m.end_col = m.col + (unsigned)m.len;
		{
			unsigned nls = 0;
			size_t last = c->start;

			for (size_t k = c->start; k < c->end; k++)
				if (data[k] == '\n') {
					nls++;
					last = k + 1;
				}
			if (nls) {
				m.end_line = line + nls;
				m.end_col = (unsigned)(c->end - last) + 1;
			}
		}
		m.secret = data + c->start;
		m.kind = c->kind;
		redact(data + c->start, m.len, c, red, sizeof(red));
		m.redacted = red;
		le = se_line_end(data, len, c->start);
		if (allow_in_line(data + lstart, le - lstart, c->rule->id)) {
			m.allowed = 1;
			m.allow_line = line;
		} else if (lstart > 0) {
			size_t ps =
				se_line_start(data, lstart - 1, lstart > 4096 ? lstart - 4096 : 0);

			if (allow_in_line(data + ps, lstart - 1 - ps, c->rule->id)) {
				m.allowed = 1;
				m.allow_line = line - 1;
			}
		}
		cb(&m, ctx);
	}
	return sc->overflow ? BH_ERR_LIMIT : BH_OK;
}

/* Advance a window's line and column past data[0, n). */
static void advance(struct window *w, const char *data, size_t n)
{
	const char *last = memrchr(data, '\n', n);

	w->line += (unsigned)count_nl(data, n);
	if (last)
		w->col = (unsigned)(data + n - last - 1);
	else
		w->col += (unsigned)n;
	w->base += n;
}

bh_err bh_secrets_scanner_scan(struct bh_secrets_scanner *sc, const char *data, size_t len,
			       bh_secret_cb cb, void *ctx)
{
	struct window w = { 0, 1, 0, 0 };
	bh_err err = BH_OK;

	for (;;) {
		size_t wl = len - w.base;
		int last = wl <= BH_LIMIT_SECRETS_WINDOW;
		bh_err e;

		if (!last)
			wl = BH_LIMIT_SECRETS_WINDOW;
		w.accept_to = last ? wl : wl - BH_LIMIT_SECRETS_OVERLAP;
		e = scan_window(sc, data + w.base, wl, &w, cb, ctx);
		if (e && e != BH_ERR_LIMIT)
			return e;
		if (e)
			err = e;
		if (last)
			return err;
		advance(&w, data + w.base, w.accept_to);
	}
}

bh_err bh_secrets_scanner_scan_fd(struct bh_secrets_scanner *sc, int fd, size_t size,
				  int skip_binary, int *binary, bh_secret_cb cb, void *ctx,
				  struct bh_diag *diag)
{
	struct window w = { 0, 1, 0, 0 };
	size_t have = 0, total = 0;
	int eof = 0, first = 1;
	bh_err err = BH_OK;

	if (binary)
		*binary = 0;
	if (!sc->buf && !(sc->buf = populated_alloc(BH_LIMIT_SECRETS_WINDOW)))
		return BH_ERR_NOMEM;
	for (;;) {
		bh_err e;

		while (!eof && have < BH_LIMIT_SECRETS_WINDOW) {
			ssize_t n = read(fd, sc->buf + have, BH_LIMIT_SECRETS_WINDOW - have);

			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0)
				return bh_diag_set(diag, BH_ERR_IO, NULL, 0, 0, "read: %s",
						   strerror(errno));
			if (n == 0)
				eof = 1;
			have += (size_t)n;
			total += (size_t)n;
			/* The size fstat gave: no last read(2) just to see the end, which is a
			 * fifth of the cost of a small file. */
			if (size && total >= size)
				eof = 1;
		}
		if (first && skip_binary && bh_fs_looks_binary(sc->buf, have)) {
			if (binary)
				*binary = 1;
			return BH_OK;
		}
		first = 0;
		w.accept_to = eof ? have : have - BH_LIMIT_SECRETS_OVERLAP;
		e = scan_window(sc, sc->buf, have, &w, cb, ctx);
		if (e && e != BH_ERR_LIMIT)
			return e;
		if (e)
			err = e;
		if (eof)
			return err;
		advance(&w, sc->buf, w.accept_to);
		memmove(sc->buf, sc->buf + w.accept_to, have - w.accept_to);
		have -= w.accept_to;
	}
}

struct filter_ctx {
	bh_secret_cb cb;
	void *ctx;
};

static void skip_allowed(const struct bh_secret_match *m, void *ctx)
{
	struct filter_ctx *f = ctx;

	if (!m->allowed)
		f->cb(m, f->ctx);
}

/* A thread's cached scanner (bh_secrets_scan_buffer) is freed when the thread ends: the
 * webhook's request threads come and go, and each would otherwise leave its scanner behind. */
static pthread_key_t cached_key;
static pthread_once_t cached_key_once = PTHREAD_ONCE_INIT;

static void free_cached(void *sc)
{
	bh_secrets_scanner_free(sc);
}

static void make_cached_key(void)
{
	pthread_key_create(&cached_key, free_cached);
}

bh_err bh_secrets_scan_buffer(const char *label, const char *data, size_t len, bh_secret_cb cb,
			      void *ctx)
{
	/*
	 * Other layers call this once per small value (an ENV line, a layer file), so the scanner
	 * (Vectorscan scratch and buffers) is kept per thread instead of allocated per call; that
	 * was a quarter of a Dockerfile corpus scan. A nested call (from inside cb) gets its own.
	 */
	static _Thread_local struct bh_secrets_scanner *cached;
	static _Thread_local int busy;
	const struct bh_secrets_engine *e = bh_secrets_engine_default();
	struct bh_secrets_scanner *sc;
	struct filter_ctx f = { cb, ctx };
	bh_err err;

	(void)label;
	if (!e)
		return BH_ERR_NOMEM;
	if (busy || !cached) {
		err = bh_secrets_scanner_new(e, &sc);
		if (err)
			return err;
		if (!busy) {
			cached = sc;
			pthread_once(&cached_key_once, make_cached_key);
			pthread_setspecific(cached_key, sc);
		}
	} else {
		sc = cached;
	}
	if (sc == cached)
		busy = 1;
	err = bh_secrets_scanner_scan(sc, data, len, skip_allowed, &f);
	if (sc == cached)
		busy = 0;
	else
		bh_secrets_scanner_free(sc);
	return err;
}
