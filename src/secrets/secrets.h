/*
 * The secrets layer: the SE rule table, the detector and (with its issue) the git history
 * walk. Other layers call bh_secrets_scan_buffer() to find credentials in a file of an image
 * layer, a Kubernetes env value or a workflow.
 */
#ifndef BH_SECRETS_H
#define BH_SECRETS_H

#include <stddef.h>

#include "core/err.h"
#include "core/rule.h"

/* One credential found in a buffer. */
struct bh_secret_match {
	const struct bh_rule *rule; /* the SE rule that matched */
	size_t offset, len;	    /* the secret's bytes in the buffer */
	unsigned line, col;	    /* 1-based position of offset */
	const char *redacted;	    /* a printable, redacted form (valid during the callback) */
};

typedef void (*bh_secret_cb)(const struct bh_secret_match *m, void *ctx);

/*
 * Scan a buffer labelled label (a path, "image:/etc/app.env", "env FOO") and call cb for each
 * confirmed credential, in offset order. Binary buffers are scanned too: the caller decides.
 * Thread-safe after the first call.
 */
bh_err bh_secrets_scan_buffer(const char *label, const char *data, size_t len, bh_secret_cb cb,
			      void *ctx);

extern const struct bh_rule bh_se_rules[];
extern const size_t bh_se_nrules;

#endif
