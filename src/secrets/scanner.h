/*
 * The detector's private state, shared by the engine and scan loop (detect.c) and the
 * per-format confirmation (confirm.c): the compiled engine, a scanner's window and its
 * candidate list. Private to src/secrets.
 */
#ifndef BH_SECRETS_SCANNER_H
#define BH_SECRETS_SCANNER_H

#include <hs/hs.h>
#include <stdatomic.h>
#include <stddef.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "patterns.h"
#include "secrets.h"

struct pat {
	struct se_pattern p;
	const struct bh_rule *rule;
	/* Compiled on the pattern's first Vectorscan hit (se_pat_re): most rules never hit in a
	 * run, and compiling all of them was most of a small run's time. Set once, atomically,
	 * by whichever thread gets there first. */
	_Atomic(pcre2_code *) re;
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

/* The pattern's PCRE2 code, compiled now if this is its first use; NULL only when out of memory
 * (built-in patterns are checked to compile at build time, user ones when the config loads). */
pcre2_code *se_pat_re(const struct pat *p);

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

/* The built-in rule with this id, or NULL. */
const struct bh_rule *se_builtin_rule(const char *id);
/* Record a confirmed secret at window offsets [start, end); drops it past the candidate limit. */
void se_add_cand(struct bh_secrets_scanner *sc, const struct pat *p, const struct bh_rule *r,
		 const char *kind, size_t start, size_t end);
/* The start of pos's line, not before floor; the end of pos's line (its newline, or len). */
size_t se_line_start(const char *d, size_t pos, size_t floor);
size_t se_line_end(const char *d, size_t len, size_t pos);
/* Whether the config's secrets.allow patterns allow this secret. */
int se_allowlisted(const struct bh_secrets_scanner *sc, const char *s, size_t len);
/* Confirm pattern p's matches on the window's bytes [ws, we) (a hit's line). */
void se_confirm(struct bh_secrets_scanner *sc, const struct pat *p, size_t ws, size_t we);
/* Confirm a "kind: Secret" hit ending at hit: the values of its data and stringData. */
void se_confirm_k8s_secret(struct bh_secrets_scanner *sc, const struct pat *p, size_t hit);

#endif
