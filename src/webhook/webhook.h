/*
 * The admission webhook: Kubernetes sends an AdmissionReview (admission.k8s.io/v1) for each
 * object it is about to create or update, and bulkhead answers with the Kubernetes layer's
 * verdict on request.object, the same checks `bulkhead scan` runs, under the same config.
 *
 * bh_webhook_review() is the whole decision and knows nothing of HTTP: bytes in, status and
 * response body out, so that tests and fuzzers drive it directly. bh_webhook_start() serves it
 * over HTTPS (libmicrohttpd with GnuTLS, loaded when the server starts) with the limits of
 * core/limits.h. Library code never prints: the server reports each request through a callback.
 */
#ifndef BH_WEBHOOK_H
#define BH_WEBHOOK_H

#include <stddef.h>
#include <sys/socket.h>

#include "core/buf.h"
#include "core/config.h"
#include "core/err.h"
#include "core/scan.h"

/*
 * The Pod Security labels of the Namespaces the webhook has admitted (when the webhook
 * configuration sends it Namespaces), so that a workload is judged at its namespace's enforce
 * level and version. Each replica knows the Namespaces it saw since it started; a workload in
 * a namespace it has not seen is judged at the run's default version. Thread-safe.
 */
struct bh_webhook_ns_cache;
struct bh_webhook_ns_cache *bh_webhook_ns_cache_new(void);
void bh_webhook_ns_cache_free(struct bh_webhook_ns_cache *c);

struct bh_webhook_policy {
	const struct bh_config *cfg;	/* disable, severity, ignore, pss-version; read-only */
	enum bh_severity fail_on;	/* findings at or above it deny; below it warn */
	enum bh_pss_level pss;		/* BH_PSS_NONE, or judge only that level's PSS controls */
	struct bh_webhook_ns_cache *ns; /* may be NULL */
	int no_annotation_ignore;	/* the bulkhead.dev/ignore annotation exempts nothing */
};

struct bh_webhook_verdict {
	int status;	   /* HTTP status: 200 with an AdmissionReview, 400 with a reason */
	int allowed;	   /* for a 200: the response's allowed */
	char summary[512]; /* one line for the server's log */
};

/*
 * Decide one request body. out receives the response body: the AdmissionReview response for a
 * 200, a one-line plain-text reason for a 400 (malformed JSON, not an AdmissionReview, no uid).
 * Returns BH_ERR_NOMEM (or BH_ERR_LIMIT when out's cap is hit) only; bad input is a 400.
 */
bh_err bh_webhook_review(const struct bh_webhook_policy *p, const char *body, size_t len,
			 struct bh_buf *out, struct bh_webhook_verdict *v);

struct bh_webhook_server_opts {
	const char *cert_pem; /* NUL-terminated PEM: the certificate chain */
	const char *key_pem;  /* NUL-terminated PEM: its private key */
	const struct sockaddr *addr;
	unsigned threads;
	const struct bh_webhook_policy *policy;
	/* Called from server threads with one line per request; may be NULL. */
	void (*log)(void *arg, const char *line);
	void *log_arg;
};

struct bh_webhook_server;

/*
 * Load libmicrohttpd, bind and start serving: POST /validate (and any path under it) decides
 * an AdmissionReview, GET /healthz answers 200. *port receives the bound port (useful with port
 * 0). Errors: BH_ERR_IO (library, TLS material, bind) with diag saying why.
 */
bh_err bh_webhook_start(const struct bh_webhook_server_opts *o, struct bh_webhook_server **out,
			unsigned *port, struct bh_diag *diag);
/*
 * Serve a new certificate and key (NUL-terminated PEM, kept alive by the caller until the next
 * reload or stop) without closing the listening socket: the pair is checked first (a
 * certificate, an unencrypted key, the key of the certificate), and anything wrong keeps the
 * current pair in service. BH_ERR_PARSE with diag naming label and the reason; BH_ERR_IO when
 * the server could not be restarted at all (the caller should exit).
 */
bh_err bh_webhook_reload(struct bh_webhook_server *srv, const char *cert_pem, const char *key_pem,
			 const char *label, struct bh_diag *diag);
/* Stop accepting, finish the requests in flight, and free the server. */
void bh_webhook_stop(struct bh_webhook_server *srv);
/* The library's version string, for the log. */
const char *bh_webhook_library_version(void);

#endif
