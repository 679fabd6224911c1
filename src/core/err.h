/*
 * One error type for the whole library, and the diagnostic that travels with it.
 *
 * Every function that can fail returns a bh_err; BH_OK is zero so that callers can write
 * "if (err) goto out;". The details of a failure (file, line, column, reason) go into an
 * optional struct bh_diag that the caller owns. Library code never prints: only src/cli does.
 */
#ifndef BH_ERR_H
#define BH_ERR_H

#include <stdarg.h>

enum bh_err {
	BH_OK = 0,
	BH_ERR_NOMEM,	 /* an allocation failed */
	BH_ERR_IO,	 /* a file could not be read or written */
	BH_ERR_PARSE,	 /* the input is malformed */
	BH_ERR_LIMIT,	 /* the input exceeds one of the limits in limits.h */
	BH_ERR_USAGE,	 /* the caller asked for something that does not make sense */
	BH_ERR_VERIFY,	 /* a signature or digest did not verify */
	BH_ERR_NET,	 /* a network peer failed or could not be reached */
	BH_ERR_NOTFOUND, /* the peer answered that the named thing does not exist (HTTP 404) */
	BH_ERR_INTERNAL,
};
typedef enum bh_err bh_err;

#define BH_DIAG_MSG_MAX	 512
#define BH_DIAG_FILE_MAX 1024

/*
 * Where and why something failed. line and col are 1-based; 0 means unknown. The diag may be
 * NULL everywhere it is accepted.
 */
struct bh_diag {
	char file[BH_DIAG_FILE_MAX];
	unsigned line;
	unsigned col;
	char msg[BH_DIAG_MSG_MAX];
};

/*
 * qsort(3) order of diagnostics: by file, line, column, then message. Threads and layers record
 * errors in whatever order they meet them; reports sort them so the same input gives the same
 * bytes.
 */
int bh_diag_cmp(const void *a, const void *b);

/* Fill diag (if non-NULL) and return err, so that "return bh_diag_set(...)" reads naturally. */
bh_err bh_diag_set(struct bh_diag *diag, bh_err err, const char *file, unsigned line, unsigned col,
		   const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* A short lower-case name for an error code, for messages. */
const char *bh_err_name(bh_err err);

/* The process exit code that an error maps to: 2 for input and usage errors, 3 otherwise. */
int bh_err_exit_code(bh_err err);

#endif
