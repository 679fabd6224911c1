/*
 * The detector's view of a rule: one or more patterns per SE rule, each an expression that
 * Vectorscan and PCRE2 both accept (so the prefilter and the confirmation never disagree on
 * syntax), the capture group that holds the secret and the checks that confirm it. Private to
 * src/secrets.
 */
#ifndef BH_SECRETS_PATTERNS_H
#define BH_SECRETS_PATTERNS_H

#include <stddef.h>

enum se_check {
	SC_NONE,
	SC_GITHUB,     /* CRC32 checksum of gh?_ tokens */
	SC_MIXED,      /* the body has upper case, lower case and digits (random, not a word) */
	SC_JWT,	       /* header decodes to JSON with "alg" */
	SC_PEM,	       /* a complete armoured private key follows */
	SC_GCP_SA,     /* a service-account JSON around the key id */
	SC_K8S_SECRET, /* values under data:/stringData: of a kind: Secret document */
	SC_K8S_SECRET_JSON, /* the same in a JSON object (kubectl -o json) */
	SC_KUBECONFIG,	    /* a credential under users: of a kubeconfig */
	SC_DBURL,	    /* the password of a connection URL */
	SC_GENERIC, /* a keyword assignment: the key must name a secret, the value look random */
	SC_DOCKER_AUTH, /* base64 "user:password" of a docker config.json */
	SC_CONNSTR,	/* the Password= of an ADO.NET/JDBC/ODBC connection string */
};

/* Pattern flags. */
#define SP_MULTILINE 0x1u /* ^ and $ match at line boundaries */
#define SP_GENERIC   0x2u /* loses to a specific rule's overlapping match */
#define SP_CASELESS  0x4u
#define SP_LINE	     0x10u /* only a key may precede the match on its line (generic) */
#define SP_ENVNAME   0x20u /* only "- name: " and a key may precede the match (generic) */
#define SP_TWOLINE   0x8u  /* the match spans the hit's line and the one before it */

struct se_pattern {
	const char *rule; /* SE rule id */
	const char *kind; /* what the message calls it */
	const char *re;
	unsigned group; /* capture group of the secret; 0 for the whole match */
	unsigned skip;	/* leading bytes of the secret (a fixed prefix) left out of the checks */
	float entropy;	/* minimum Shannon entropy of the body, bits per byte; 0 for none */
	unsigned char check;
	unsigned char flags;
	/*
	 * What Vectorscan looks for instead of re, when re is costly to find: a cheaper
	 * expression whose matches include an end inside every line where re matches (on the
	 * last line of a two-line pattern). Every hit is then confirmed with re itself, so the
	 * findings are re's; NULL means re.
	 */
	const char *pre;
};

extern const struct se_pattern se_patterns[];
extern const size_t se_npatterns;

/* The expression Vectorscan compiles for a pattern. */
#define SE_HS_EXPR(p) ((p)->pre ? (p)->pre : (p)->re)

/* Vectorscan flags of a pattern: shared by the engine and the build-time database generator. */
#define SE_HS_FLAGS(p)                                                     \
	(((p)->flags & SP_MULTILINE ? 0x4u /* HS_FLAG_MULTILINE */ : 0u) | \
	 ((p)->flags & SP_CASELESS ? 0x1u /* HS_FLAG_CASELESS */ : 0u))

/* PCRE2 options of a pattern (multi-line always: see pcre_compile in detect.c); shared with the
 * build-time check that every built-in pattern compiles. */
#define SE_PCRE2_FLAGS(p) \
	(0x400u /* PCRE2_MULTILINE */ | ((p)->flags & SP_CASELESS ? 0x8u /* PCRE2_CASELESS */ : 0u))

/*
 * The built-in patterns' database, compiled and serialised at build time (gen_hsdb.c) for the
 * build machine; the engine deserialises it and compiles at run time only when the platform
 * differs or the config adds rules.
 */
extern const unsigned char se_hsdb[];
extern const size_t se_hsdb_len;

#endif
