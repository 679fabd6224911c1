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
#define _GNU_SOURCE /* memmem */
#include "secrets.h"

#include <ctype.h>
#include <errno.h>
#include <hs/hs.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "core/banned.h"
#include "core/fs.h"
#include "core/limits.h"
#include "patterns.h"

struct pat {
	struct se_pattern p;
	const struct bh_rule *rule;
	pcre2_code *re;
};

struct bh_secrets_engine {
	hs_database_t *db;
	struct pat *pats;
	size_t npats;
	struct bh_rule *user_rules; /* malloc'd; strings in the caller's arena */
	size_t nuser;
	pcre2_code **allow;
	size_t nallow;
};

struct cand {
	const struct pat *pat;
	const struct bh_rule *rule;
	const char *kind;
	size_t start, end; /* the secret, window offsets */
	int dropped;
};

struct bh_secrets_scanner {
	const struct bh_secrets_engine *e;
	hs_scratch_t *scratch;
	pcre2_match_data *md;
	size_t *done; /* per pattern: window offset confirmed up to */
	struct cand *cands;
	size_t ncands, capcands;
	int overflow;
	char *buf; /* the streaming window, allocated on first fd scan */
	/* The window being scanned. */
	const char *data;
	size_t len;
};

/* ---- small helpers ---------------------------------------------------------------------- */

double bh_secrets_entropy(const char *s, size_t len)
{
	unsigned counts[256] = { 0 };
	double h = 0;

	if (!len)
		return 0;
	for (size_t i = 0; i < len; i++)
		counts[(unsigned char)s[i]]++;
	for (size_t i = 0; i < 256; i++) {
		if (counts[i]) {
			double p = (double)counts[i] / (double)len;

			h -= p * log2(p);
		}
	}
	return h;
}

/* The IEEE 802.3 polynomial, reflected, as zlib and GitHub use it. */
static uint32_t crc_table[256];
static pthread_once_t crc_once = PTHREAD_ONCE_INIT;

static void crc_init(void)
{
	for (uint32_t n = 0; n < 256; n++) {
		uint32_t c = n;

		for (int k = 0; k < 8; k++)
			c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
		crc_table[n] = c;
	}
}

uint32_t bh_secrets_crc32(const char *s, size_t len)
{
	uint32_t c = 0xffffffffu;

	pthread_once(&crc_once, crc_init);
	for (size_t i = 0; i < len; i++)
		c = crc_table[(c ^ (unsigned char)s[i]) & 0xff] ^ (c >> 8);
	return c ^ 0xffffffffu;
}

static const char base62[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

int bh_secrets_github_checksum_ok(const char *tok, size_t len)
{
	const char *us = memchr(tok, '_', len < 8 ? len : 8);
	const char *body;
	size_t blen;
	uint32_t crc;
	char want[6];

	if (!us)
		return 0;
	body = us + 1;
	blen = len - (size_t)(body - tok);
	if (blen < 7)
		return 0;
	crc = bh_secrets_crc32(body, blen - 6);
	for (int i = 5; i >= 0; i--) {
		want[i] = base62[crc % 62];
		crc /= 62;
	}
	return memcmp(want, body + blen - 6, 6) == 0;
}

static int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

static int contains_ci(const char *s, size_t len, const char *word)
{
	size_t wl = strlen(word);

	for (size_t i = 0; i + wl <= len; i++) {
		size_t j = 0;

		while (j < wl && lower((unsigned char)s[i + j]) == word[j])
			j++;
		if (j == wl)
			return 1;
	}
	return 0;
}

int bh_secrets_is_placeholder(const char *s, size_t len)
{
	static const char *const words[] = {
		"example",    "xxxx",	  "sample",    "dummy",	    "placeholder", "changeme",
		"change_me",  "redacted", "your_",     "your-",	    "yourkey",	   "yourtoken",
		"yoursecret", "insert",	  "replace",   "fake",	    "notreal",	   "not_real",
		"not-a-",     "_here",	  "-here",     "<",	    ">",	   "${",
		"{{",	      "$(",	  "%(",	       "****",	    "...",	   "\xe2\x80\xa6",
		"lorem",      "foobar",	  "secret123", "password1", "todo",	   "fixme",
	};
	/* Keys published in providers' documentation, pasted into countless READMEs. */
	static const char *const doc_examples[] = {
		"4eC39HqLyjWDarjtT1zdp7dc",		   /* Stripe's test key in its API docs */
		"BQokikJOvBiI2HlWgH4olfQ2",		   /* Stripe's older docs key */
		"AIzaSyDaGmWKa4JsXZ-HjGw7ISLn_3namBGewQe", /* Google's API key example */
		"16C7e42F292c6912E7710c838347Ae178B4a",	   /* GitHub's docs token example */
		"SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c", /* the jwt.io example signature */
		"2YotnFZFEjr1zCsicMWpAA",		       /* RFC 6749's access token */
		"tGzv3JOkF0XG5Qx2TlKWIA",		       /* RFC 6749's refresh token */
		"SplxlOBeZQQYbYS6WxSbIA",		       /* RFC 6749's authorization code */
	};
	unsigned char seen[256] = { 0 };
	size_t distinct = 0, run = 1, up = 1, down = 1;

	if (!len)
		return 1;
	if (s[0] == '$' || s[0] == '%')
		return 1;
	for (size_t i = 0; i < sizeof(words) / sizeof(*words); i++)
		if (contains_ci(s, len, words[i]))
			return 1;
	for (size_t i = 0; i < sizeof(doc_examples) / sizeof(*doc_examples); i++)
		if (len >= strlen(doc_examples[i]) &&
		    memmem(s, len, doc_examples[i], strlen(doc_examples[i])))
			return 1;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (!seen[c]++)
			distinct++;
		if (i) {
			unsigned char p = (unsigned char)s[i - 1];

			run = c == p ? run + 1 : 1;
			up = c == p + 1 ? up + 1 : 1;
			down = c + 1 == p ? down + 1 : 1;
			if (run >= 6 || ((up >= 6 || down >= 6) && isalnum(c)))
				return 1;
		}
	}
	return len >= 16 && distinct < 6;
}

/* ---- the engine ------------------------------------------------------------------------- */

static const struct bh_rule *builtin_rule(const char *id)
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
	pcre2_code *c = pcre2_compile((PCRE2_SPTR)re, PCRE2_ZERO_TERMINATED,
				      PCRE2_MULTILINE | (flags & SP_CASELESS ? PCRE2_CASELESS : 0),
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
			if (!p->re)
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

bh_err bh_secrets_engine_new(const struct bh_node *cfg_secrets, const char *cfg_file,
			     struct bh_arena *a, struct bh_secrets_engine **out,
			     struct bh_diag *diag)
{
	struct bh_secrets_engine *e = calloc(1, sizeof(*e));
	size_t nuser_max = 0, n;
	const char **exprs = NULL;
	unsigned *flags = NULL, *ids = NULL;
	hs_compile_error_t *cerr = NULL;
	char err[300];
	bh_err rc = BH_ERR_NOMEM;

	if (!e)
		return BH_ERR_NOMEM;
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
		p->rule = builtin_rule(p->p.rule);
		p->re = pcre_compile(p->p.re, p->p.flags, err, sizeof(err));
		if (!p->rule || !p->re) {
			rc = bh_diag_set(diag, BH_ERR_INTERNAL, "secrets", 1, 1,
					 "built-in pattern %zu (%s) does not compile: %s", i,
					 p->p.rule, p->rule ? err : "unknown rule");
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
		exprs[i] = e->pats[i].p.re;
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
	free(sc->buf);
	free(sc);
}

/* ---- confirmation ----------------------------------------------------------------------- */

static void add_cand(struct bh_secrets_scanner *sc, const struct pat *p, const struct bh_rule *r,
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

static size_t line_start(const char *d, size_t pos, size_t floor)
{
	while (pos > floor && d[pos - 1] != '\n')
		pos--;
	return pos;
}

static size_t line_end(const char *d, size_t len, size_t pos)
{
	const char *nl = memchr(d + pos, '\n', len - pos);

	return nl ? (size_t)(nl - d) : len;
}

static int has_classes(const char *s, size_t len)
{
	int up = 0, lo = 0, dg = 0;

	for (size_t i = 0; i < len; i++) {
		up |= s[i] >= 'A' && s[i] <= 'Z';
		lo |= s[i] >= 'a' && s[i] <= 'z';
		dg |= s[i] >= '0' && s[i] <= '9';
	}
	return up + lo + dg >= 2;
}

static int b64val(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+' || c == '-')
		return 62;
	if (c == '/' || c == '_')
		return 63;
	return -1;
}

/* Decode base64 or base64url into out (at most cap bytes); returns the decoded length. */
static size_t b64_decode(const char *s, size_t len, char *out, size_t cap)
{
	unsigned acc = 0;
	int bits = 0;
	size_t n = 0;

	for (size_t i = 0; i < len && n < cap; i++) {
		int v = b64val((unsigned char)s[i]);

		if (v < 0)
			break;
		acc = (acc << 6) | (unsigned)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[n++] = (char)((acc >> bits) & 0xff);
		}
	}
	return n;
}

static int jwt_ok(const char *s, size_t len)
{
	char hdr[256];
	const char *dot = memchr(s, '.', len);
	size_t n;

	/* The example token of RFC 7519's tooling pages, pasted into countless docs. */
	if (contains_ci(s, len, "sflkxwrjsmekkf2qt4fwpmejf36pok6yjv_adqssw5c"))
		return 0;
	if (!dot)
		return 0;
	n = b64_decode(s, (size_t)(dot - s), hdr, sizeof(hdr) - 1);
	hdr[n] = '\0';
	if (n <= 8 || hdr[0] != '{' || !strstr(hdr, "\"alg\""))
		return 0;
	/* The payload of documentation examples. */
	{
		char pl[512];
		const char *p = dot + 1, *dot2 = memchr(p, '.', len - (size_t)(p - s));
		size_t m = dot2 ? b64_decode(p, (size_t)(dot2 - p), pl, sizeof(pl) - 1) : 0;

		pl[m] = '\0';
		if (m && (strstr(pl, "John Doe") || strstr(pl, "\"1234567890\"")))
			return 0;
		/* Issued tokens carry registered claims; {"some": "payload"} is a library's
		 * documentation. A payload too long for pl is kept. */
		if (m && m < sizeof(pl) - 1 && !strstr(pl, "\"iss\"") && !strstr(pl, "\"sub\"") &&
		    !strstr(pl, "\"exp\"") && !strstr(pl, "\"iat\"") && !strstr(pl, "\"aud\"") &&
		    !strstr(pl, "\"nbf\"") && !strstr(pl, "\"jti\""))
			return 0;
	}
	return 1;
}

static int all_digits(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/* A short all-lowercase word ("test", "admin", "guest"): a sample password, not a leak. */
static int weak_word(const char *s, size_t len)
{
	if (len > 8)
		return 0;
	for (size_t i = 0; i < len; i++)
		if (s[i] < 'a' || s[i] > 'z')
			return 0;
	return 1;
}

/* Whether the key of a generic assignment names a secret rather than something about one. */
static int generic_key_ok(const char *k, size_t klen)
{
	static const char *const not_secret[] = {
		"name",	       "path",	"file",	       "ref",	  "url",      "uri",	 "env",
		"type",	       "len",	"size",	       "field",	  "header",   "prefix",	 "format",
		"mode",	       "kind",	"count",       "hash",	  "version",  "dir",	 "mount",
		"public",      "_id",	"-id",	       "policy",  "regex",    "pattern", "label",
		"length",      "expir", "rotation",    "store",	  "provider", "manager", "template",
		"placeholder", "param", "description", "help",	  "hint",     "prompt",	 "message",
		"title",       "ttl",	"timeout",     "enabled", "required",
	};

	for (size_t i = 0; i < sizeof(not_secret) / sizeof(*not_secret); i++)
		if (contains_ci(k, klen, not_secret[i]))
			return 0;
	return 1;
}

static int generic_value_ok(const char *v, size_t len)
{
	int hex = 1, digit = 0, alpha = 0;

	for (size_t i = 0; i < len; i++) {
		char c = v[i];

		digit |= c >= '0' && c <= '9';
		alpha |= (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))
			hex = 0;
	}
	/* Hex strings are digests and ids far more often than secrets in config. */
	if (hex || !digit || !alpha)
		return 0;
	/* A value that names what it is ("MyTestDatabaseSecret1", "generatedpassword2") is an
	 * example written by a person, not a generated secret. */
	if (contains_ci(v, len, "password") || contains_ci(v, len, "passwd") ||
	    contains_ci(v, len, "secret") || contains_ci(v, len, "token") ||
	    contains_ci(v, len, "test") || contains_ci(v, len, "apikey") ||
	    contains_ci(v, len, "api_key"))
		return 0;
	/* Paths, dotted names and versions. */
	if (memchr(v, '/', len) && !memchr(v, '+', len) && !memchr(v, '=', len))
		return 0;
	return has_classes(v, len);
}

static int allowlisted(const struct bh_secrets_scanner *sc, const char *s, size_t len)
{
	for (size_t i = 0; i < sc->e->nallow; i++)
		if (pcre2_match(sc->e->allow[i], (PCRE2_SPTR)s, len, 0, 0, sc->md, NULL) >= 0)
			return 1;
	return 0;
}

/* The shared checks of a token: placeholder words, entropy, character classes, checksums. */
static int token_ok(const struct bh_secrets_scanner *sc, const struct pat *p, const char *s,
		    size_t len)
{
	const char *body = s + (p->p.skip < len ? p->p.skip : 0);
	size_t blen = len - (size_t)(body - s);

	if (bh_secrets_is_placeholder(body, blen) || bh_secrets_is_placeholder(s, len))
		return 0;
	if (p->p.entropy > 0 && bh_secrets_entropy(body, blen) < p->p.entropy)
		return 0;
	switch (p->p.check) {
	case SC_GITHUB:
		return bh_secrets_github_checksum_ok(s, len);
	case SC_MIXED:
		return has_classes(body, blen);
	case SC_JWT:
		return jwt_ok(s, len);
	default:
		return 1;
	}
	(void)sc;
}

/* -----BEGIN ... PRIVATE KEY----- at [hs, he): a body of base64 and the END line follow. */
static void confirm_pem(struct bh_secrets_scanner *sc, const struct pat *p, size_t hs, size_t he)
{
	const char *d = sc->data;
	size_t i = he, limit = he + BH_LIMIT_SECRETS_OVERLAP / 2, b64 = 0;
	const char *hdr = d + hs;
	size_t hlen = he - hs;
	const struct bh_rule *r = p->rule;

	if (limit > sc->len)
		limit = sc->len;
	/* Armour headers (Proc-Type, DEK-Info, Version, Comment) come before the body. */
	while (i < limit) {
		char c = d[i];

		if (c == '-')
			break;
		if (c == '\\' && i + 1 < limit && (d[i + 1] == 'n' || d[i + 1] == 'r')) {
			i += 2;
			continue;
		}
		if (b64val((unsigned char)c) >= 0 || c == '=') {
			b64++;
			i++;
			continue;
		}
		if (c == '\n' || c == '\r' || c == ' ' || c == '\t' || c == '"' || c == '\'') {
			i++;
			continue;
		}
		if (c == ':' && b64 < 64) {
			/* A header line: skip it whole. */
			i = line_end(d, limit, i);
			continue;
		}
		return;
	}
	if (b64 < 64 || i + 8 > limit || memcmp(d + i, "-----END", 8) != 0)
		return;
	{
		size_t e = i + 8;
		const char *close = NULL;

		while (e + 5 <= limit && e < i + 64) {
			if (!memcmp(d + e, "-----", 5)) {
				close = d + e + 5;
				break;
			}
			e++;
		}
		if (!close)
			return;
		if (memmem(hdr, hlen, "OPENSSH", 7))
			r = builtin_rule("SE-039");
		else if (memmem(hdr, hlen, "PGP", 3))
			r = builtin_rule("SE-040");
		if (allowlisted(sc, d + hs, (size_t)(close - d) - hs))
			return;
		add_cand(sc, p, r, "private key", hs, (size_t)(close - d));
	}
}

/* Whether lit starts at d[pos], reading nothing past len. */
static int at(const char *d, size_t len, size_t pos, const char *lit)
{
	size_t n = strlen(lit);

	return pos <= len && len - pos >= n && !memcmp(d + pos, lit, n);
}

/* Whether the document around pos is a kubeconfig's users: list. */
static int under_users(const char *d, size_t pos)
{
	size_t floor = pos > BH_LIMIT_SECRETS_OVERLAP ? pos - BH_LIMIT_SECRETS_OVERLAP : 0;
	size_t ls = line_start(d, pos, floor);

	/* Walk up to the enclosing top-level key, a bounded distance back. */
	while (ls > floor) {
		size_t end = ls, prev = line_start(d, ls - 1, floor);
		char c = d[prev];

		ls = prev;
		if (c == ' ' || c == '\t' || c == '-' || c == '#' || c == '\n' || c == '\r')
			continue;
		return at(d, end, prev, "users:");
	}
	return 0;
}

static int value_placeholder(const char *v, size_t len)
{
	if (!len || (len == 2 && (v[0] == '"' || v[0] == '\'')))
		return 1;
	if ((len == 4 && !memcmp(v, "null", 4)) || (len == 1 && v[0] == '~'))
		return 1;
	return bh_secrets_is_placeholder(v, len);
}

/* Whether a Secret's decoded value looks like a credential rather than a sample. */
static int k8s_value_ok(const char *v, size_t n)
{
	static const char *const public_material[] = {
		"ssh-rsa ",	     "ssh-ed25519 ", "ecdsa-sha2-", "-----BEGIN CERTIFICATE",
		"-----BEGIN PUBLIC", "http://",	     "https://",    "tcp://"
	};

	for (size_t i = 0; i < sizeof(public_material) / sizeof(*public_material); i++)
		if (n >= strlen(public_material[i]) &&
		    !memcmp(v, public_material[i], strlen(public_material[i])))
			return 0;
	if (n >= 11 && !memcmp(v, "-----BEGIN ", 11))
		return memmem(v, n, "PRIVATE KEY", 11) != NULL;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)v[i] < 0x20 && v[i] != '\n' && v[i] != '\r' && v[i] != '\t')
			return 0; /* binary: not base64 of text, or not base64 at all */
	return n >= 12 && has_classes(v, n) && bh_secrets_entropy(v, n) >= 3.0 &&
	       !bh_secrets_is_placeholder(v, n);
}

/* One "key: value" line of data: or stringData:, key starting at k. */
static void secret_entry(struct bh_secrets_scanner *sc, const struct pat *p, int is_data, size_t k,
			 size_t e2)
{
	const char *d = sc->data;
	size_t vs, ve;
	char dec[512];
	size_t n;

	while (k < e2 && d[k] != ':')
		k++;
	if (k >= e2)
		return;
	vs = k + 1;
	while (vs < e2 && (d[vs] == ' ' || d[vs] == '\t'))
		vs++;
	ve = e2;
	while (ve > vs && (d[ve - 1] == ' ' || d[ve - 1] == '\r' || d[ve - 1] == '\t'))
		ve--;
	/* A trailing comment. */
	for (size_t i = vs; i + 1 < ve; i++)
		if (d[i] == ' ' && d[i + 1] == '#') {
			ve = i;
			break;
		}
	if (ve > vs + 1 && (d[vs] == '"' || d[vs] == '\'') && d[ve - 1] == d[vs]) {
		vs++;
		ve--;
	}
	if (ve <= vs || d[vs] == '|' || d[vs] == '>' || value_placeholder(d + vs, ve - vs))
		return;
	if (is_data) {
		n = b64_decode(d + vs, ve - vs, dec, sizeof(dec));
		if (!k8s_value_ok(dec, n))
			return;
	} else if (!k8s_value_ok(d + vs, ve - vs)) {
		return;
	}
	if (!allowlisted(sc, d + vs, ve - vs))
		add_cand(sc, p, p->rule, is_data ? "Secret data value" : "Secret stringData value",
			 vs, ve);
}

/* kind: Secret: report the values under data: and stringData: of the document. */
static void confirm_k8s_secret(struct bh_secrets_scanner *sc, const struct pat *p, size_t hit)
{
	const char *d = sc->data;
	size_t ds = line_start(d, hit, 0), de;

	/* The document: from the previous "---" line (or the start) to the next one, at most
	 * BH_LIMIT_SECRETS_OVERLAP either side of the hit. */
	{
		size_t floor = hit > BH_LIMIT_SECRETS_OVERLAP ? hit - BH_LIMIT_SECRETS_OVERLAP : 0;

		while (ds > floor) {
			size_t prev = line_start(d, ds - 1, floor);

			if (at(d, sc->len, prev, "---"))
				break;
			ds = prev;
		}
	}
	de = line_end(d, sc->len, hit);
	while (de < sc->len) {
		size_t next = de + 1;

		if (next >= sc->len || at(d, sc->len, next, "---") ||
		    next - hit > BH_LIMIT_SECRETS_OVERLAP)
			break;
		de = line_end(d, sc->len, next);
	}
	sc->done[p - sc->e->pats] = de;
	for (size_t ls = ds; ls < de;) {
		size_t le = line_end(d, de, ls);
		int is_data = at(d, de, ls, "data:"), is_string = at(d, de, ls, "stringData:");

		ls = le + 1;
		if (!is_data && !is_string)
			continue;
		/* Indented "key: value" entries follow, all at the first entry's indentation;
		 * deeper lines belong to a block scalar and are not entries. */
		{
			size_t indent = 0;

			while (ls < de && (d[ls] == ' ' || d[ls] == '\t' || d[ls] == '#' ||
					   d[ls] == '\n' || d[ls] == '\r')) {
				size_t e2 = line_end(d, de, ls), k = ls;

				while (k < e2 && (d[k] == ' ' || d[k] == '\t'))
					k++;
				if (k == e2 || d[k] == '#' || d[k] == '\r') {
					ls = e2 + 1;
					continue;
				}
				if (!indent)
					indent = k - ls;
				if (k - ls == indent)
					secret_entry(sc, p, is_data, k, e2);
				ls = e2 + 1;
			}
		}
	}
}

/* The JSON string starting at d[i] == '"': its end (the closing quote), or 0. */
static size_t json_string_end(const char *d, size_t len, size_t i)
{
	for (size_t k = i + 1; k < len && k < i + 8192; k++) {
		if (d[k] == '\\')
			k++;
		else if (d[k] == '"')
			return k;
		else if (d[k] == '\n')
			return 0;
	}
	return 0;
}

static size_t skip_ws(const char *d, size_t len, size_t i)
{
	while (i < len && (d[i] == ' ' || d[i] == '\t' || d[i] == '\n' || d[i] == '\r'))
		i++;
	return i;
}

/* "data": {"k": "v", ...} at d[i] (the opening quote of the key): report each value. */
static void json_secret_map(struct bh_secrets_scanner *sc, const struct pat *p, size_t i,
			    int is_data)
{
	const char *d = sc->data;
	size_t len = sc->len, e = json_string_end(d, len, i);

	if (!e)
		return;
	i = skip_ws(d, len, e + 1);
	if (i >= len || d[i] != ':')
		return;
	i = skip_ws(d, len, i + 1);
	if (i >= len || d[i] != '{')
		return;
	for (unsigned n = 0; n < 1000; n++) {
		size_t ke, vs, ve;

		i = skip_ws(d, len, i + 1);
		if (i >= len || d[i] != '"' || !(ke = json_string_end(d, len, i)))
			return;
		i = skip_ws(d, len, ke + 1);
		if (i >= len || d[i] != ':')
			return;
		i = skip_ws(d, len, i + 1);
		if (i >= len || d[i] != '"' || !(ve = json_string_end(d, len, i)))
			return;
		vs = i + 1;
		if (ve > vs) {
			char dec[512];
			size_t m = is_data ? b64_decode(d + vs, ve - vs, dec, sizeof(dec)) : 0;

			if (!value_placeholder(d + vs, ve - vs) &&
			    (is_data ? k8s_value_ok(dec, m) : k8s_value_ok(d + vs, ve - vs)) &&
			    !allowlisted(sc, d + vs, ve - vs))
				add_cand(sc, p, p->rule,
					 is_data ? "Secret data value" : "Secret stringData value",
					 vs, ve);
		}
		i = skip_ws(d, len, ve + 1);
		if (i >= len || d[i] != ',')
			return;
	}
}

/*
 * "kind": "Secret" in JSON: the object's "data" and "stringData" maps, looked for between the
 * neighbouring "apiVersion"/"kind" keys (kubectl sorts keys, so data comes before kind).
 */
static void confirm_k8s_secret_json(struct bh_secrets_scanner *sc, const struct pat *p, size_t hs,
				    size_t he)
{
	const char *d = sc->data;
	size_t lo = hs > BH_LIMIT_SECRETS_OVERLAP / 2 ? hs - BH_LIMIT_SECRETS_OVERLAP / 2 : 0;
	size_t hi = he + BH_LIMIT_SECRETS_OVERLAP / 2 < sc->len ? he + BH_LIMIT_SECRETS_OVERLAP / 2
								: sc->len;
	size_t from = lo, to = hi;
	const char *q;

	/* The object's own span: after the previous "kind" and before the next one. */
	for (size_t k = hs; k > lo; k--)
		if (d[k - 1] == '"' && at(d, hs, k - 1, "\"kind\"")) {
			from = k;
			break;
		}
	q = memmem(d + he, hi - he, "\"kind\"", 6);
	if (q)
		to = (size_t)(q - d);
	for (size_t k = from; k + 6 < to; k++) {
		if (d[k] != '"')
			continue;
		if (at(d, to, k, "\"data\""))
			json_secret_map(sc, p, k, 1);
		else if (at(d, to, k, "\"stringData\""))
			json_secret_map(sc, p, k, 0);
	}
}

/* Run the pattern's PCRE2 over [ws, we) and confirm each match. */
static void confirm_regex(struct bh_secrets_scanner *sc, const struct pat *p, size_t ws, size_t we)
{
	const char *d = sc->data;
	size_t off = ws;

	while (off < we) {
		int rc = pcre2_match(p->re, (PCRE2_SPTR)d, we, off, 0, sc->md, NULL);
		PCRE2_SIZE *ov;
		size_t ms, me, ss, se;

		if (rc < 0)
			return;
		ov = pcre2_get_ovector_pointer(sc->md);
		ms = ov[0];
		me = ov[1];
		if ((unsigned)rc > p->p.group && ov[2 * p->p.group] != PCRE2_UNSET) {
			ss = ov[2 * p->p.group];
			se = ov[2 * p->p.group + 1];
		} else {
			ss = ms;
			se = me;
		}
		off = me > ms ? me : ms + 1;
		if (se <= ss)
			continue;
		switch (p->p.check) {
		case SC_PEM:
			confirm_pem(sc, p, ms, me);
			continue;
		case SC_K8S_SECRET_JSON:
			confirm_k8s_secret_json(sc, p, ms, me);
			continue;
		case SC_GCP_SA: {
			size_t lo = ms > 8192 ? ms - 8192 : 0;
			size_t hi = me + 8192 < sc->len ? me + 8192 : sc->len;

			if (!memmem(d + lo, hi - lo, "service_account", 15) ||
			    !memmem(d + lo, hi - lo, "PRIVATE KEY", 11))
				continue;
			break;
		}
		case SC_KUBECONFIG:
			if (!under_users(d, ms))
				continue;
			if (memmem(d + ms, me - ms, "client-key-data", 15) &&
			    (se - ss < 14 || memcmp(d + ss, "LS0tLS1CRUdJTi", 14) != 0))
				continue;
			if (value_placeholder(d + ss, se - ss) ||
			    bh_secrets_entropy(d + ss, se - ss) < 3.0)
				continue;
			break;
		case SC_DBURL: {
			size_t us = ov[2], ue = ov[3];

			if (value_placeholder(d + ss, se - ss) ||
			    (ue - us == se - ss && !memcmp(d + us, d + ss, se - ss)) ||
			    contains_ci(d + ss, se - ss, "password") ||
			    contains_ci(d + ss, se - ss, "passwd") ||
			    contains_ci(d + ss, se - ss, "secret") ||
			    (se - ss <= 5 && contains_ci(d + ss, se - ss, "pass")) ||
			    d[ss] == '$' || d[ss] == '{' || d[ss] == '%' || d[ss] == '*' ||
			    d[ss] == '[' || weak_word(d + ss, se - ss) || se - ss < 6 ||
			    all_digits(d + ss, se - ss) || memchr(d + ss, ',', se - ss))
				continue;
			break;
		}
		case SC_DOCKER_AUTH: {
			char dec[512];
			size_t n = b64_decode(d + ss, se - ss, dec, sizeof(dec) - 1);
			const char *colon = n ? memchr(dec, ':', n) : NULL;
			size_t plen = colon ? n - (size_t)(colon + 1 - dec) : 0;

			/* "user:password" with a real password (or a registry token). */
			if (!colon || colon == dec || plen < 6 ||
			    value_placeholder(colon + 1, plen) || weak_word(colon + 1, plen) ||
			    contains_ci(colon + 1, plen, "password"))
				continue;
			break;
		}
		case SC_GENERIC: {
			size_t ke = ms;

			while (ke < ss && !strchr("\"' \t:=", d[ke]))
				ke++;
			if (!generic_key_ok(d + ms, ke - ms) ||
			    !generic_value_ok(d + ss, se - ss) || !token_ok(sc, p, d + ss, se - ss))
				continue;
			break;
		}
		default:
			if (!token_ok(sc, p, d + ss, se - ss))
				continue;
		}
		if (p->p.check == SC_KUBECONFIG || p->p.check == SC_DBURL)
			if (bh_secrets_is_placeholder(d + ss, se - ss) && se - ss < 64)
				continue;
		if (allowlisted(sc, d + ss, se - ss))
			continue;
		add_cand(sc, p, p->rule, p->p.kind, ss, se);
	}
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
		confirm_k8s_secret(sc, p, (size_t)to ? (size_t)to - 1 : 0);
		return 0;
	}
	/* The hit's line, bounded either side. */
	lo = to > BH_LIMIT_SECRETS_LINE_CTX ? (size_t)to - BH_LIMIT_SECRETS_LINE_CTX : 0;
	ws = to ? line_start(sc->data, (size_t)to - 1, lo) : 0;
	we = line_end(sc->data,
		      to + BH_LIMIT_SECRETS_LINE_CTX < sc->len
			      ? (size_t)to + BH_LIMIT_SECRETS_LINE_CTX
			      : sc->len,
		      to ? (size_t)to - 1 : 0);
	if (we < to)
		we = (size_t)to;
	confirm_regex(sc, p, ws, we);
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
		le = line_end(data, len, c->start);
		if (allow_in_line(data + lstart, le - lstart, c->rule->id)) {
			m.allowed = 1;
			m.allow_line = line;
		} else if (lstart > 0) {
			size_t ps = line_start(data, lstart - 1, lstart > 4096 ? lstart - 4096 : 0);

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

bh_err bh_secrets_scanner_scan_fd(struct bh_secrets_scanner *sc, int fd, int skip_binary,
				  int *binary, bh_secret_cb cb, void *ctx, struct bh_diag *diag)
{
	struct window w = { 0, 1, 0, 0 };
	size_t have = 0;
	int eof = 0, first = 1;
	bh_err err = BH_OK;

	if (binary)
		*binary = 0;
	if (!sc->buf && !(sc->buf = malloc(BH_LIMIT_SECRETS_WINDOW)))
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

bh_err bh_secrets_scan_buffer(const char *label, const char *data, size_t len, bh_secret_cb cb,
			      void *ctx)
{
	const struct bh_secrets_engine *e = bh_secrets_engine_default();
	struct bh_secrets_scanner *sc;
	struct filter_ctx f = { cb, ctx };
	bh_err err;

	(void)label;
	if (!e)
		return BH_ERR_NOMEM;
	err = bh_secrets_scanner_new(e, &sc);
	if (err)
		return err;
	err = bh_secrets_scanner_scan(sc, data, len, skip_allowed, &f);
	bh_secrets_scanner_free(sc);
	return err;
}
