/*
 * Signatures and attestations compatible with Sigstore cosign in key-pair mode: the encrypted
 * private key files cosign writes and reads, ECDSA P-256 signatures over SHA-256, the
 * simple-signing payload of a `.sig` tag, DSSE envelopes holding in-toto statements for a
 * `.att` tag, and the OCI manifests that carry both. Everything here is a pure function of its
 * inputs (bytes in, bytes or a verdict out); talking to a registry is remote.c's job.
 *
 * Keyless signing (Fulcio certificates, Rekor transparency log entries) is out of scope.
 *
 * Errors: BH_ERR_PARSE for malformed input (a key, an envelope, a signature that is not DER),
 * BH_ERR_VERIFY when well-formed input does not verify (wrong key, tampered bytes, a digest
 * that does not match), BH_ERR_USAGE for a wrong password or an unsupported key type, with the
 * reason in the diag.
 */
#ifndef BH_SIGN_H
#define BH_SIGN_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/err.h"

/* The media types and annotations cosign uses for its `.sig` and `.att` manifests. */
#define BH_SIGN_MT_MANIFEST	 "application/vnd.oci.image.manifest.v1+json"
#define BH_SIGN_MT_CONFIG	 "application/vnd.oci.image.config.v1+json"
#define BH_SIGN_MT_SIMPLESIGNING "application/vnd.dev.cosign.simplesigning.v1+json"
#define BH_SIGN_MT_DSSE		 "application/vnd.dsse.envelope.v1+json"
#define BH_SIGN_ANN_SIGNATURE	 "dev.cosignproject.cosign/signature"
#define BH_SIGN_ANN_PREDICATE	 "predicateType"
#define BH_SIGN_PAYLOAD_TYPE	 "cosign container image signature"
#define BH_SIGN_INTOTO_TYPE	 "application/vnd.in-toto+json"
#define BH_SIGN_STATEMENT_V01	 "https://in-toto.io/Statement/v0.1"

/* ---- base64 (standard alphabet) ---- */

/* Append the padded standard base64 of data to out. */
bh_err bh_b64_encode(struct bh_buf *out, const void *data, size_t len);
/*
 * Decode base64 into a malloc'd buffer the caller frees. Whitespace (line breaks of PEM or of a
 * signature file) is skipped; the URL-safe alphabet and missing padding are accepted, as the
 * DSSE reference implementation accepts them. Anything else is BH_ERR_PARSE, with what in the
 * message ("the signature", "the payload").
 */
bh_err bh_b64_decode(const char *s, size_t len, unsigned char **out, size_t *outlen,
		     const char *what, struct bh_diag *diag);

/* ---- keys ---- */

struct bh_sign_key; /* an ECDSA P-256 key, public or private */

/*
 * Read an encrypted cosign private key (PEM "ENCRYPTED SIGSTORE PRIVATE KEY" or "ENCRYPTED
 * COSIGN PRIVATE KEY": base64 of JSON naming scrypt and nacl/secretbox), decrypt it with
 * password and parse the PKCS#8 key inside. A wrong password is BH_ERR_USAGE ("wrong password");
 * a SEC1 key inside is refused as cosign refuses it. path names the file in messages. The
 * scrypt cost is bounded (limits.h) so a hostile key cannot ask for gigabytes.
 */
bh_err bh_sign_key_load_private(const char *path, const char *pem, size_t len, const char *password,
				struct bh_sign_key **out, struct bh_diag *diag);
/* Read a PEM "PUBLIC KEY" (PKIX SubjectPublicKeyInfo); only ECDSA P-256 is accepted. */
bh_err bh_sign_key_load_public(const char *path, const char *pem, size_t len,
			       struct bh_sign_key **out, struct bh_diag *diag);
void bh_sign_key_free(struct bh_sign_key *k);

/*
 * A new key pair: key_pem receives the encrypted private key in the format cosign reads
 * (ENCRYPTED SIGSTORE PRIVATE KEY, scrypt N=32768 r=8 p=1, secretbox), pub_pem the PKIX public
 * key. The caller writes them out.
 */
bh_err bh_sign_keygen(const char *password, struct bh_buf *key_pem, struct bh_buf *pub_pem,
		      struct bh_diag *diag);
/* Encrypt the PKCS#8 DER of a private key as cosign does (used by keygen and by tests). */
bh_err bh_sign_key_encrypt(const unsigned char *pkcs8, size_t len, const char *password,
			   struct bh_buf *key_pem, struct bh_diag *diag);
/* The PEM of k's public key. */
bh_err bh_sign_key_public_pem(const struct bh_sign_key *k, struct bh_buf *out,
			      struct bh_diag *diag);

/* ECDSA over SHA-256 of data; *sig is a malloc'd ASN.1 DER signature the caller frees. */
bh_err bh_sign_data(const struct bh_sign_key *k, const void *data, size_t len, unsigned char **sig,
		    size_t *siglen, struct bh_diag *diag);
/*
 * Whether sig (ASN.1 DER, strictly encoded) is k's signature over data: BH_OK, BH_ERR_VERIFY
 * when it is not, BH_ERR_PARSE when sig is not a DER ECDSA signature at all.
 */
bh_err bh_sign_verify_data(const struct bh_sign_key *k, const void *data, size_t len,
			   const unsigned char *sig, size_t siglen, struct bh_diag *diag);

/* ---- simple signing (the `.sig` payload) ---- */

/* One annotation of the payload's "optional" object (cosign's -a key=value). */
struct bh_sign_annotation {
	const char *key;
	const char *value;
};

/*
 * The payload cosign signs for an image, byte for byte as Go's encoding/json writes it:
 * {"critical":{"identity":{"docker-reference":REF},"image":{"docker-manifest-digest":DIGEST},
 * "type":"cosign container image signature"},"optional":null or {sorted annotations}}.
 */
bh_err bh_sign_payload_build(struct bh_buf *out, const char *docker_ref, const char *digest,
			     const struct bh_sign_annotation *ann, size_t nann);

/* What a verified payload claims; strings are malloc'd, released by bh_sign_claims_release. */
struct bh_sign_claims {
	char *docker_ref;
	char *digest;
	char *type;
};
void bh_sign_claims_release(struct bh_sign_claims *c);

/*
 * Read the claims of a payload (the raw bytes that were signed) and check them: the type must
 * be cosign's, the digest must equal want_digest (when not NULL), and each of want_ann must be
 * in "optional" with the same string value. BH_ERR_PARSE for a payload that is not such JSON,
 * BH_ERR_VERIFY for a claim that does not match. docker-reference is read, not compared: cosign
 * does not compare it either, so an image copied to another registry keeps its signatures.
 */
bh_err bh_sign_payload_check(const char *data, size_t len, const char *want_digest,
			     const struct bh_sign_annotation *want_ann, size_t nann,
			     struct bh_sign_claims *claims, struct bh_diag *diag);

/* ---- DSSE and in-toto ---- */

/* The DSSE pre-authentication encoding: "DSSEv1 <len> <type> <len> <payload>". */
bh_err bh_dsse_pae(struct bh_buf *out, const char *payload_type, const void *payload, size_t len);

struct bh_dsse_sig {
	unsigned char *sig;
	size_t len;
	char *keyid;
};

struct bh_dsse_envelope {
	char *payload_type;
	unsigned char *payload; /* decoded, NUL-terminated */
	size_t payload_len;
	struct bh_dsse_sig *sigs;
	size_t nsigs;
};

/* Parse an envelope's JSON; every field is checked and decoded. path names it in messages. */
bh_err bh_dsse_envelope_parse(const char *path, const char *data, size_t len,
			      struct bh_dsse_envelope *env, struct bh_diag *diag);
void bh_dsse_envelope_release(struct bh_dsse_envelope *env);
/* The envelope's JSON as cosign writes it (compact, one signature with an empty keyid). */
bh_err bh_dsse_envelope_build(struct bh_buf *out, const char *payload_type, const void *payload,
			      size_t len, const unsigned char *sig, size_t siglen);
/*
 * BH_OK when one of the envelope's signatures is k's signature over the PAE of its payload,
 * else BH_ERR_VERIFY (or BH_ERR_PARSE when no signature is even DER).
 */
bh_err bh_dsse_verify(const struct bh_dsse_envelope *env, const struct bh_sign_key *k,
		      struct bh_diag *diag);

/*
 * The predicate type URI that cosign's --type name stands for (slsaprovenance, slsaprovenance1,
 * spdx, spdxjson, cyclonedx, vuln, openvex, link, custom); a value with "://" is itself a URI.
 * NULL for an unknown name.
 */
const char *bh_intoto_predicate_type(const char *name);

/*
 * An in-toto Statement v0.1 as cosign attest writes it: subject [{name, digest {sha256}}], the
 * predicate type, and the predicate (JSON, re-encoded compactly; for the custom type cosign's
 * wrapper {"data": <text>, "timestamp": ...} with timestamp as given). Malformed predicate JSON
 * is BH_ERR_PARSE naming path:line:col.
 */
bh_err bh_intoto_statement_build(struct bh_buf *out, const char *predicate_type,
				 const char *subject_name, const char *sha256_hex, const char *path,
				 const char *predicate, size_t len, const char *timestamp,
				 struct bh_diag *diag);

/*
 * Check a statement (an envelope's decoded payload) as cosign verify-attestation does after
 * the signature: it must be an in-toto statement; when sha256_hex is set one of its subjects
 * must carry that sha256 digest; when want_type is set its predicateType must equal it.
 * *predicate_type (may be NULL) receives a malloc'd copy of the statement's type.
 */
bh_err bh_intoto_check(const unsigned char *payload, size_t len, const char *sha256_hex,
		       const char *want_type, char **predicate_type, struct bh_diag *diag);

/* ---- the `.sig` / `.att` manifest ---- */

struct bh_sig_layer {
	char *media_type;
	char *digest; /* "sha256:<hex>" */
	uint64_t size;
	char *signature;      /* base64, the dev.cosignproject.cosign/signature annotation */
	char *predicate_type; /* the predicateType annotation of an attestation, or NULL */
};

struct bh_sig_manifest {
	struct bh_sig_layer *layers;
	size_t n;
};

/* The config blob cosign puts under every signature and attestation manifest. */
extern const char bh_sig_config_blob[];
extern const char bh_sig_config_digest[];

/* Parse a `.sig` or `.att` manifest (an OCI image manifest); each layer is checked. */
bh_err bh_sig_manifest_parse(const char *data, size_t len, struct bh_sig_manifest *m,
			     struct bh_diag *diag);
void bh_sig_manifest_release(struct bh_sig_manifest *m);
/*
 * The manifest to push with layer l added: a new one (cosign's config blob, l as the only layer)
 * when existing is NULL, else existing with l appended after its layers, everything else in it
 * (other layers' annotations, a different config) kept as it was. Compact JSON, annotations in
 * sorted order, as cosign pushes it. A malformed existing manifest is BH_ERR_PARSE.
 */
bh_err bh_sig_manifest_append(const char *existing, size_t len, const struct bh_sig_layer *l,
			      struct bh_buf *out, struct bh_diag *diag);

/* "sha256:<64 hex>" of data into out (72 bytes). */
void bh_sign_sha256_digest(const void *data, size_t len, char out[72]);
/* Whether s is "sha256:" and 64 lower-case hex digits. */
int bh_sign_digest_valid(const char *s);

/* Go's encoding/json string encoding of s (quotes included), for byte-compatible payloads. */
bh_err bh_sign_json_string(struct bh_buf *out, const char *s);

#endif
