/*
 * cosign's signature and attestation tags at a registry: resolving an image to its digest,
 * reading the sha256-<hex>.sig / .att manifest beside it and its layer blobs, and appending a
 * layer to it. Built on the registry client (registry/registry.h); the formats are sign.h's.
 *
 * Appending reads the tag, adds the layer and writes the tag back, as cosign does: two signers
 * racing on the same image can lose one signature (the registry API has no compare-and-swap).
 */
#ifndef BH_SIGN_REMOTE_H
#define BH_SIGN_REMOTE_H

#include "registry/registry.h"
#include "sign/sign.h"

/* An image at its registry. Owns everything; bh_sign_remote_close releases it. */
struct bh_sign_target {
	struct bh_ref ref;
	struct bh_registry *reg;
	char *docker_ref;	    /* registry/repository: the payload's docker-reference and the
				       statement's subject name, as cosign writes them */
	char digest[BH_DIGEST_BUF]; /* the digest of the image's manifest (or index) */
};

/*
 * Parse image, open its registry and resolve its digest (the reference's own digest, checked
 * to exist, or the tag's). BH_ERR_PARSE for a bad reference, BH_ERR_NOTFOUND when the image is
 * not there, BH_ERR_NET for registry failures.
 */
bh_err bh_sign_remote_open(const char *image, const struct bh_registry_opts *o,
			   struct bh_sign_target *t, struct bh_diag *diag);
void bh_sign_remote_close(struct bh_sign_target *t);

/* The tag for suffix ("sig" or "att"): "sha256-<hex>.<suffix>", into out (80 bytes). */
void bh_sign_remote_tag(const struct bh_sign_target *t, const char *suffix, char out[80]);

/*
 * Read and parse the suffix tag's manifest. BH_ERR_VERIFY when the tag does not exist (the
 * image has no signatures or attestations: a verification failure, not an input error).
 */
bh_err bh_sign_remote_fetch(struct bh_sign_target *t, const char *suffix, struct bh_sig_manifest *m,
			    struct bh_diag *diag);

/*
 * Fetch a layer's blob (malloc'd, NUL-terminated; the caller frees it). Its digest is verified
 * by the client and its length must be the layer's size; a mismatch is BH_ERR_VERIFY.
 */
bh_err bh_sign_remote_blob(struct bh_sign_target *t, const struct bh_sig_layer *l, char **data,
			   size_t *len, struct bh_diag *diag);

/*
 * Push blob and cosign's config blob, then the suffix tag's manifest with a layer for blob
 * appended (media_type, signature annotation sig_b64, predicateType annotation when not NULL).
 * tag_digest receives the new manifest's digest.
 */
bh_err bh_sign_remote_append(struct bh_sign_target *t, const char *suffix, const void *blob,
			     size_t len, const char *media_type, const char *sig_b64,
			     const char *predicate_type, char tag_digest[BH_DIGEST_BUF],
			     struct bh_diag *diag);

#endif
