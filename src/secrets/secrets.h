/*
 * The secrets layer: the SE rule table, the detector and the git history walk. Other layers
 * call bh_secrets_scan_buffer() to find credentials in a file of an image layer, a Kubernetes
 * env value or a workflow.
 *
 * The detector compiles every rule's pattern into one Vectorscan database. A hit is confirmed
 * by code: the same expression in PCRE2 for the capture groups, then per-format checks
 * (entropy, the CRC32 of GitHub tokens, the decoded header of a JWT, a complete PEM body) and a
 * shared allowlist of placeholders and documentation examples. Large inputs are scanned in
 * overlapping windows, so memory does not grow with the input.
 */
#ifndef BH_SECRETS_H
#define BH_SECRETS_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/rule.h"
#include "core/scan.h"

/* One credential found in a buffer. */
struct bh_secret_match {
	const struct bh_rule *rule; /* the SE rule that matched */
	size_t offset, len;	    /* the secret's bytes in the buffer */
	unsigned line, col;	    /* 1-based position of offset */
	const char *redacted;	    /* a printable, redacted form (valid during the callback) */
	/* Added with the detector; callers of bh_secrets_scan_buffer() may ignore them. */
	const char *secret;  /* the secret's bytes (len of them; valid during the callback) */
	const char *kind;    /* what it is, e.g. "OpenAI project key" */
	unsigned end_line;   /* 1-based line of the secret's last byte */
	unsigned end_col;    /* 1-based column just past the secret on end_line */
	int allowed;	     /* an inline bulkhead:allow comment covers it */
	unsigned allow_line; /* the line holding that comment */
};

typedef void (*bh_secret_cb)(const struct bh_secret_match *m, void *ctx);

/*
 * Scan a buffer labelled label (a path, "image:/etc/app.env", "env FOO") and call cb for each
 * confirmed credential, in offset order. Credentials under an inline `bulkhead:allow` comment
 * are not reported. Binary buffers are scanned too: the caller decides. Thread-safe.
 */
bh_err bh_secrets_scan_buffer(const char *label, const char *data, size_t len, bh_secret_cb cb,
			      void *ctx);

extern const struct bh_rule bh_se_rules[];
extern const size_t bh_se_nrules;

/*
 * A compiled rule set: the built-in rules plus the user's rules from the config's secrets:
 * section. Immutable once built and shared by every thread.
 */
struct bh_secrets_engine;

/*
 * Build an engine from the built-in rules and, when cfg_secrets is not NULL, the config's
 * `secrets:` mapping (rules: [{id, regex, severity, title, entropy, group}], allow: [regex]).
 * User rules live in arena a. Errors name the config's file:line.
 */
bh_err bh_secrets_engine_new(const struct bh_node *cfg_secrets, const char *cfg_file,
			     struct bh_arena *a, struct bh_secrets_engine **out,
			     struct bh_diag *diag);
void bh_secrets_engine_free(struct bh_secrets_engine *e);
/* The shared engine of the built-in rules, built on first use; NULL only when out of memory. */
const struct bh_secrets_engine *bh_secrets_engine_default(void);
/* The engine's rules (built-in then user), for the catalogue of a run. */
const struct bh_rule *bh_secrets_engine_rule(const struct bh_secrets_engine *e, size_t i);
size_t bh_secrets_engine_nrules(const struct bh_secrets_engine *e);

/* Per-thread scanning state (Vectorscan scratch, PCRE2 match data, the window buffer). */
struct bh_secrets_scanner;

bh_err bh_secrets_scanner_new(const struct bh_secrets_engine *e, struct bh_secrets_scanner **out);
void bh_secrets_scanner_free(struct bh_secrets_scanner *sc);

/*
 * Scan a buffer in memory; matches under bulkhead:allow are reported with allowed set.
 * Buffers of any size are scanned in overlapping windows.
 */
bh_err bh_secrets_scanner_scan(struct bh_secrets_scanner *sc, const char *data, size_t len,
			       bh_secret_cb cb, void *ctx);

/*
 * Scan an open file descriptor by streaming it in overlapping windows of
 * BH_LIMIT_SECRETS_WINDOW bytes: memory stays flat whatever the file size. size is the file's
 * size when known (fstat of a regular file; reading stops there), 0 to read to end of file.
 * When skip_binary is set and the first bytes look binary, nothing is scanned and *binary is
 * set to 1.
 */
bh_err bh_secrets_scanner_scan_fd(struct bh_secrets_scanner *sc, int fd, size_t size,
				  int skip_binary, int *binary, bh_secret_cb cb, void *ctx,
				  struct bh_diag *diag);

/* Options of a `bulkhead secrets` run. */
struct bh_secrets_opts {
	const char *const *paths; /* files, directories, "-" for stdin */
	size_t npaths;
	int git;				/* scan the git history of paths[0] (or ".") */
	const char *git_range;			/* "A..B", a ref, or NULL for every ref and HEAD */
	unsigned jobs;				/* worker threads; 0 means the number of CPUs */
	int show_secrets;			/* put the secret itself into messages */
	const struct bh_secrets_engine *engine; /* NULL: the default engine */
};

/*
 * Scan opts' inputs into s: findings through bh_report_at() with the key "rule:sha256(secret)"
 * (so a baseline survives line moves), input errors recorded in s. Returns BH_ERR_NOMEM, or
 * BH_ERR_IO / BH_ERR_PARSE with diag for a repository that cannot be opened or a bad range.
 */
bh_err bh_secrets_run(struct bh_scan *s, const struct bh_secrets_opts *opts, struct bh_diag *diag);

/* Helpers exposed for unit tests. */
double bh_secrets_entropy(const char *s, size_t len);
uint32_t bh_secrets_crc32(const char *s, size_t len);
/* 1 when a GitHub-format token (prefix_, 30 base62 chars, 6 base62 CRC32 digits) verifies. */
int bh_secrets_github_checksum_ok(const char *tok, size_t len);
/* 1 when the value is a placeholder, a template variable or a documentation example. */
int bh_secrets_is_placeholder(const char *s, size_t len);

#endif
