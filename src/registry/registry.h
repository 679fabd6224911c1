/*
 * The OCI distribution (registry) client: image references, and manifests and blobs pushed to
 * and pulled from one registry host over HTTPS.
 *
 * References follow the distribution reference grammar. The client speaks the distribution
 * API v2 through libcurl, which is loaded on first use (core/dynlib.h), so commands that never
 * talk to a registry do not pay for it. Authentication is anonymous, Basic from a docker
 * config.json "auths" entry, or the Bearer token flow a 401 asks for, with tokens cached per
 * scope. Every response is read into a capped buffer (core/limits.h), every body fetched by
 * digest is verified against it, and error messages name the URL (never credentials), the
 * HTTP status and the registry's own error code and message.
 */
#ifndef BH_REGISTRY_H
#define BH_REGISTRY_H

#include <stdbool.h>
#include <stddef.h>

#include "core/buf.h"
#include "core/err.h"

/* The media types the client asks for when it fetches a manifest. */
#define BH_MT_OCI_MANIFEST    "application/vnd.oci.image.manifest.v1+json"
#define BH_MT_OCI_INDEX	      "application/vnd.oci.image.index.v1+json"
#define BH_MT_DOCKER_MANIFEST "application/vnd.docker.distribution.manifest.v2+json"
#define BH_MT_DOCKER_LIST     "application/vnd.docker.distribution.manifest.list.v2+json"

/* The registry a reference without a host names, and the path prefix its one-word names get. */
#define BH_REF_DEFAULT_REGISTRY "docker.io"
#define BH_REF_DEFAULT_PREFIX	"library/"

/* "sha256:" and 64 hex digits, and the NUL; digest buffers are this size. */
#define BH_DIGEST_BUF 72

/*
 * A parsed image reference. All strings are malloc'd and owned by the struct; tag and digest
 * may be NULL (both may be set: the digest is what counts, the tag is kept for display).
 */
struct bh_ref {
	char *registry;	  /* host[:port], never NULL after a successful parse */
	char *repository; /* path components joined by '/', lower case */
	char *tag;	  /* may be NULL */
	char *digest;	  /* "sha256:<64 lower-case hex>", may be NULL */
};

/*
 * Parse s as [host[:port]/]path[:tag][@sha256:<hex>]. The first component is a host when it
 * contains '.' or ':' or is "localhost"; otherwise the registry is BH_REF_DEFAULT_REGISTRY and
 * a one-component path gets BH_REF_DEFAULT_PREFIX. Path components must already be lower case.
 * BH_OK and *out filled, or BH_ERR_PARSE with diag saying which part is wrong and why (out
 * untouched), or BH_ERR_NOMEM.
 */
bh_err bh_ref_parse(const char *s, struct bh_ref *out, struct bh_diag *diag);
/* Free the strings of r and zero it; safe on a zeroed struct. */
void bh_ref_free(struct bh_ref *r);
/* registry/repository[:tag][@digest], malloc'd (caller frees), or NULL when out of memory. */
char *bh_ref_format(const struct bh_ref *r);

/* True when s is "sha256:" followed by exactly 64 lower-case hex digits. */
bool bh_digest_valid(const char *s);
/* The digest of data as "sha256:<hex>" into out (BH_DIGEST_BUF bytes). */
void bh_digest_of(const void *data, size_t len, char out[BH_DIGEST_BUF]);

struct bh_registry_opts {
	bool plain_http;       /* use http:// (allowed only for loopback hosts unless insecure) */
	bool insecure;	       /* skip TLS verification */
	const char *ca_file;   /* extra CA bundle, or NULL */
	const char *auth_file; /* docker config.json with "auths"; NULL = $DOCKER_CONFIG/config.json
				  or ~/.docker/config.json if present */
};

/* One registry host: the curl handle, its credentials and cached bearer tokens. Not shared
 * between threads: open one per thread. */
struct bh_registry;

/*
 * Load libcurl, read credentials for registry_host (host[:port]) and prepare a handle. Nothing
 * is sent yet. BH_ERR_USAGE for plain HTTP to a host that is not loopback without insecure;
 * BH_ERR_PARSE for an auth file that is not a docker config or whose entry for the host is
 * malformed; BH_ERR_IO when the auth file or libcurl cannot be loaded.
 */
bh_err bh_registry_open(struct bh_registry **out, const char *registry_host,
			const struct bh_registry_opts *o, struct bh_diag *diag);
/* Close the handle and wipe its credentials and tokens; NULL is fine. */
void bh_registry_close(struct bh_registry *r);

/*
 * GET the manifest repo:ref, ref being a tag or a digest. The Accept header lists the four
 * BH_MT_* types. A body fetched by digest must hash to it (BH_ERR_VERIFY otherwise); bodies over
 * BH_LIMIT_REG_MANIFEST_BYTES fail with BH_ERR_LIMIT. On BH_OK the bytes are appended to body
 * (earlier contents are kept and not hashed), *media_type is the Content-Type without
 * parameters, or the body's mediaType when the registry sends none (malloc'd, caller frees),
 * and digest the sha256 of the bytes. On failure body is as it was.
 * BH_ERR_NOTFOUND when the registry answers 404 (no such tag, manifest or repository), so that
 * callers can tell "nothing there yet" from a failure; BH_ERR_NET for other failures.
 */
bh_err bh_registry_get_manifest(struct bh_registry *r, const char *repo, const char *ref,
				struct bh_buf *body, char **media_type, char digest[BH_DIGEST_BUF],
				struct bh_diag *diag);
/* PUT a manifest under ref (a tag, or its own digest); digest_out gets the sha256 of body. A
 * digest the registry reports that differs from ours fails with BH_ERR_VERIFY. */
bh_err bh_registry_put_manifest(struct bh_registry *r, const char *repo, const char *ref,
				const char *media_type, const void *body, size_t len,
				char digest_out[BH_DIGEST_BUF], struct bh_diag *diag);
/* GET a blob into out (appended), at most max bytes (BH_ERR_LIMIT past it), verified against
 * digest (BH_ERR_VERIFY). BH_ERR_NOTFOUND on 404. */
bh_err bh_registry_get_blob(struct bh_registry *r, const char *repo, const char *digest, size_t max,
			    struct bh_buf *out, struct bh_diag *diag);
/* Upload a blob unless the registry has it already (HEAD), with one POST and one monolithic
 * PUT ?digest=; digest_out gets its sha256. */
bh_err bh_registry_put_blob(struct bh_registry *r, const char *repo, const void *data, size_t len,
			    char digest_out[BH_DIGEST_BUF], struct bh_diag *diag);

/*
 * A WWW-Authenticate challenge, parsed: the scheme and the realm, service and scope parameters
 * (each malloc'd, NULL when absent). Exposed for the tests and the fuzz target.
 */
struct bh_challenge {
	char *scheme; /* "Bearer", "Basic", ... as sent */
	char *realm;
	char *service;
	char *scope;
};
/* Parse one challenge header value. BH_ERR_PARSE with diag for malformed input (c untouched),
 * BH_ERR_NOMEM, or BH_OK. */
bh_err bh_challenge_parse(const char *value, struct bh_challenge *c, struct bh_diag *diag);
void bh_challenge_free(struct bh_challenge *c);

#endif
