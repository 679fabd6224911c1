/*
 * cosign's key files and ECDSA P-256 signatures.
 *
 * An encrypted private key is PEM whose body is the base64 of a JSON object (the format of
 * go-securesystemslib's encrypted package): scrypt parameters and salt, a secretbox nonce, and
 * the ciphertext (the 16-byte Poly1305 tag, then the encrypted PKCS#8 DER). scrypt and secretbox
 * come from libsodium (loaded on first use); everything else from OpenSSL 3's EVP interface.
 * Plaintext key bytes and derived keys are wiped before their memory is freed.
 */
#include "sign.h"

#include <jansson.h>
#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdlib.h>
#include <string.h>

#include "core/limits.h"
#include "sodium_api.h"

#include "core/banned.h"

#define LABEL_SIGSTORE	"ENCRYPTED SIGSTORE PRIVATE KEY"
#define LABEL_COSIGN	"ENCRYPTED COSIGN PRIVATE KEY"
#define SECRETBOX_TAG	16
#define SECRETBOX_NONCE 24
#define BOX_KEY		32
#define SALT_BYTES	32

struct bh_sign_key {
	EVP_PKEY *pkey;
	int has_private;
};

void bh_sign_key_free(struct bh_sign_key *k)
{
	if (!k)
		return;
	EVP_PKEY_free(k->pkey);
	free(k);
}

/* The first PEM block of pem: its label and decoded body (OpenSSL-allocated). */
static bh_err read_pem(const char *path, const char *pem, size_t len, char **label,
		       unsigned char **body, long *body_len, struct bh_diag *diag)
{
	BIO *bio;
	char *header = NULL;
	int ok;

	if (len > BH_LIMIT_SIGN_KEY_BYTES)
		return bh_diag_set(diag, BH_ERR_LIMIT, path, 0, 0,
				   "a key file is at most %u bytes; this one has %zu",
				   BH_LIMIT_SIGN_KEY_BYTES, len);
	bio = BIO_new_mem_buf(pem, (int)len);
	if (!bio)
		return bh_diag_set(diag, BH_ERR_NOMEM, path, 0, 0, "out of memory");
	ok = PEM_read_bio(bio, label, &header, body, body_len);
	BIO_free(bio);
	OPENSSL_free(header);
	ERR_clear_error();
	if (!ok)
		return bh_diag_set(
			diag, BH_ERR_PARSE, path, 1, 1,
			"not a PEM file (no -----BEGIN ...----- block with valid base64)");
	return BH_OK;
}

/* Only ECDSA P-256 keys are supported, the curve cosign generates. */
static bh_err check_p256(const char *path, EVP_PKEY *pkey, struct bh_diag *diag)
{
	char group[64] = "";

	if (!EVP_PKEY_is_a(pkey, "EC"))
		return bh_diag_set(diag, BH_ERR_USAGE, path, 0, 0,
				   "the key is %s, not ECDSA; only ECDSA P-256 keys are supported",
				   EVP_PKEY_get0_type_name(pkey) ? EVP_PKEY_get0_type_name(pkey)
								 : "of an unknown type");
	if (!EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group),
					    NULL) ||
	    strcmp(group, "prime256v1") != 0)
		return bh_diag_set(diag, BH_ERR_USAGE, path, 0, 0,
				   "the key is on curve %s; only ECDSA P-256 keys are supported",
				   group[0] ? group : "(unnamed)");
	return BH_OK;
}

static bh_err wrap(const char *path, EVP_PKEY *pkey, int priv, struct bh_sign_key **out,
		   struct bh_diag *diag)
{
	struct bh_sign_key *k;
	bh_err err = check_p256(path, pkey, diag);

	if (err) {
		EVP_PKEY_free(pkey);
		return err;
	}
	k = calloc(1, sizeof(*k));
	if (!k) {
		EVP_PKEY_free(pkey);
		return bh_diag_set(diag, BH_ERR_NOMEM, path, 0, 0, "out of memory");
	}
	k->pkey = pkey;
	k->has_private = priv;
	*out = k;
	return BH_OK;
}

bh_err bh_sign_key_load_public(const char *path, const char *pem, size_t len,
			       struct bh_sign_key **out, struct bh_diag *diag)
{
	char *label = NULL;
	unsigned char *body = NULL;
	const unsigned char *p;
	long blen = 0;
	EVP_PKEY *pkey;
	bh_err err;

	err = read_pem(path, pem, len, &label, &body, &blen, diag);
	if (err)
		return err;
	if (strcmp(label, "PUBLIC KEY") != 0) {
		err = bh_diag_set(diag, BH_ERR_PARSE, path, 1, 1,
				  "expected a PEM PUBLIC KEY (PKIX), found %s", label);
		goto out;
	}
	p = body;
	pkey = d2i_PUBKEY(NULL, &p, blen);
	ERR_clear_error();
	if (!pkey || p != body + blen) {
		EVP_PKEY_free(pkey);
		err = bh_diag_set(diag, BH_ERR_PARSE, path, 1, 1,
				  "the PUBLIC KEY is not a valid DER SubjectPublicKeyInfo");
		goto out;
	}
	err = wrap(path, pkey, 0, out, diag);
out:
	OPENSSL_free(label);
	OPENSSL_free(body);
	return err;
}

/* The fields of the key's JSON, decoded. */
struct enc_key {
	uint64_t n, r, p;
	unsigned char *salt, *nonce, *ct;
	size_t salt_len, nonce_len, ct_len;
};

static void enc_key_release(struct enc_key *e)
{
	free(e->salt);
	free(e->nonce);
	free(e->ct);
}

static bh_err json_b64(const char *path, json_t *obj, const char *name, unsigned char **out,
		       size_t *len, struct bh_diag *diag)
{
	json_t *v = json_object_get(obj, name);

	if (!json_is_string(v))
		return bh_diag_set(diag, BH_ERR_PARSE, path, 0, 0,
				   "the encrypted key has no string \"%s\"", name);
	return bh_b64_decode(json_string_value(v), json_string_length(v), out, len, name, diag);
}

static bh_err json_uint(const char *path, json_t *obj, const char *name, uint64_t *out,
			struct bh_diag *diag)
{
	json_t *v = json_object_get(obj, name);

	if (!json_is_integer(v) || json_integer_value(v) < 1)
		return bh_diag_set(diag, BH_ERR_PARSE, path, 0, 0,
				   "the scrypt parameter %s is not a positive integer", name);
	*out = (uint64_t)json_integer_value(v);
	return BH_OK;
}

static bh_err parse_enc_key(const char *path, const unsigned char *body, size_t len,
			    struct enc_key *e, struct bh_diag *diag)
{
	json_error_t je;
	json_t *root, *kdf, *params, *cipher, *v;
	bh_err err = BH_ERR_PARSE;

	root = json_loadb((const char *)body, len, JSON_REJECT_DUPLICATES, &je);
	if (!root)
		return bh_diag_set(diag, BH_ERR_PARSE, path, 0, 0,
				   "the encrypted key is not JSON: %s", je.text);
	kdf = json_object_get(root, "kdf");
	params = json_object_get(kdf, "params");
	cipher = json_object_get(root, "cipher");
	v = json_object_get(kdf, "name");
	if (!json_is_string(v) || strcmp(json_string_value(v), "scrypt") != 0) {
		bh_diag_set(diag, err, path, 0, 0, "the key's kdf is not scrypt");
		goto out;
	}
	v = json_object_get(cipher, "name");
	if (!json_is_string(v) || strcmp(json_string_value(v), "nacl/secretbox") != 0) {
		bh_diag_set(diag, err, path, 0, 0, "the key's cipher is not nacl/secretbox");
		goto out;
	}
	if ((err = json_uint(path, params, "N", &e->n, diag)) ||
	    (err = json_uint(path, params, "r", &e->r, diag)) ||
	    (err = json_uint(path, params, "p", &e->p, diag)) ||
	    (err = json_b64(path, kdf, "salt", &e->salt, &e->salt_len, diag)) ||
	    (err = json_b64(path, cipher, "nonce", &e->nonce, &e->nonce_len, diag)) ||
	    (err = json_b64(path, root, "ciphertext", &e->ct, &e->ct_len, diag)))
		goto out;
	err = BH_ERR_PARSE;
	if (e->n < 2 || (e->n & (e->n - 1)) != 0) {
		bh_diag_set(diag, err, path, 0, 0, "scrypt N=%llu is not a power of two",
			    (unsigned long long)e->n);
		goto out;
	}
	/* scrypt needs 128 * N * r bytes and time proportional to N * r * p. */
	if (e->r > 64 || e->p > BH_LIMIT_SIGN_SCRYPT_P ||
	    e->n > BH_LIMIT_SIGN_SCRYPT_BYTES / 128 / e->r) {
		err = bh_diag_set(diag, BH_ERR_LIMIT, path, 0, 0,
				  "scrypt N=%llu r=%llu p=%llu costs more than bulkhead allows",
				  (unsigned long long)e->n, (unsigned long long)e->r,
				  (unsigned long long)e->p);
		goto out;
	}
	if (e->nonce_len != SECRETBOX_NONCE) {
		bh_diag_set(diag, err, path, 0, 0, "the secretbox nonce has %zu bytes, not 24",
			    e->nonce_len);
		goto out;
	}
	if (e->salt_len < 8 || e->salt_len > 1024) {
		bh_diag_set(diag, err, path, 0, 0, "the scrypt salt has %zu bytes", e->salt_len);
		goto out;
	}
	if (e->ct_len <= SECRETBOX_TAG) {
		bh_diag_set(diag, err, path, 0, 0, "the ciphertext is too short (%zu bytes)",
			    e->ct_len);
		goto out;
	}
	err = BH_OK;
out:
	json_decref(root);
	return err;
}

static bh_err derive(const char *path, const char *password, const unsigned char *salt,
		     size_t salt_len, uint64_t n, uint64_t r, uint64_t p,
		     unsigned char key[BOX_KEY], struct bh_diag *diag)
{
	if (SODIUM(crypto_pwhash_scryptsalsa208sha256_ll)(
		    (const uint8_t *)password, strlen(password), salt, salt_len, n, (uint32_t)r,
		    (uint32_t)p, key, BOX_KEY) != 0)
		return bh_diag_set(diag, BH_ERR_NOMEM, path, 0, 0,
				   "scrypt failed (out of memory?)");
	return BH_OK;
}

bh_err bh_sign_key_load_private(const char *path, const char *pem, size_t len, const char *password,
				struct bh_sign_key **out, struct bh_diag *diag)
{
	struct enc_key e = { 0 };
	unsigned char key[BOX_KEY];
	unsigned char *plain = NULL, *body = NULL;
	const unsigned char *p;
	size_t plain_len = 0;
	char *label = NULL;
	long blen = 0;
	EVP_PKEY *pkey = NULL;
	PKCS8_PRIV_KEY_INFO *p8;
	bh_err err;

	err = read_pem(path, pem, len, &label, &body, &blen, diag);
	if (err)
		return err;
	if (strcmp(label, LABEL_SIGSTORE) != 0 && strcmp(label, LABEL_COSIGN) != 0) {
		err = bh_diag_set(diag, BH_ERR_PARSE, path, 1, 1,
				  "unsupported PEM block %s: expected " LABEL_SIGSTORE
				  " or " LABEL_COSIGN,
				  label);
		goto out;
	}
	err = bh_sodium_api_load(diag);
	if (err)
		goto out;
	err = parse_enc_key(path, body, (size_t)blen, &e, diag);
	if (err)
		goto out;
	err = derive(path, password, e.salt, e.salt_len, e.n, e.r, e.p, key, diag);
	if (err)
		goto out;
	plain_len = e.ct_len - SECRETBOX_TAG;
	plain = malloc(plain_len);
	if (!plain) {
		err = bh_diag_set(diag, BH_ERR_NOMEM, path, 0, 0, "out of memory");
		goto out;
	}
	if (SODIUM(crypto_secretbox_open_easy)(plain, e.ct, e.ct_len, e.nonce, key) != 0) {
		err = bh_diag_set(diag, BH_ERR_USAGE, path, 0, 0,
				  "wrong password (the key does not decrypt: its authenticator "
				  "does not match)");
		goto out;
	}
	p = plain;
	p8 = d2i_PKCS8_PRIV_KEY_INFO(NULL, &p, (long)plain_len);
	if (p8 && p == plain + plain_len)
		pkey = EVP_PKCS82PKEY(p8);
	PKCS8_PRIV_KEY_INFO_free(p8);
	if (!pkey) {
		EVP_PKEY *sec1;

		p = plain;
		sec1 = d2i_PrivateKey(EVP_PKEY_EC, NULL, &p, (long)plain_len);
		ERR_clear_error();
		/* cosign parses the key with x509.ParsePKCS8PrivateKey, which refuses SEC1. */
		if (sec1) {
			EVP_PKEY_free(sec1);
			err = bh_diag_set(
				diag, BH_ERR_PARSE, path, 0, 0,
				"the decrypted key is a SEC1 EC PRIVATE KEY, not PKCS#8; "
				"cosign refuses it too (x509: failed to parse private key "
				"(use ParseECPrivateKey instead for this key format))");
		} else {
			err = bh_diag_set(diag, BH_ERR_PARSE, path, 0, 0,
					  "the decrypted key is not a PKCS#8 private key");
		}
		goto out;
	}
	ERR_clear_error();
	err = wrap(path, pkey, 1, out, diag);
out:
	OPENSSL_cleanse(key, sizeof(key));
	if (plain) {
		OPENSSL_cleanse(plain, plain_len);
		free(plain);
	}
	enc_key_release(&e);
	OPENSSL_free(label);
	OPENSSL_free(body);
	return err;
}

/* Wrap base64 text at 64 columns between PEM armour lines, as Go's pem.Encode does. */
static bh_err pem_armour(struct bh_buf *out, const char *label, const struct bh_buf *b64)
{
	bh_err err = bh_buf_printf(out, "-----BEGIN %s-----\n", label);

	for (size_t i = 0; !err && i < b64->len; i += 64) {
		size_t n = b64->len - i < 64 ? b64->len - i : 64;

		err = bh_buf_add(out, b64->data + i, n);
		if (!err)
			err = bh_buf_addc(out, '\n');
	}
	if (!err)
		err = bh_buf_printf(out, "-----END %s-----\n", label);
	return err;
}

bh_err bh_sign_key_encrypt(const unsigned char *pkcs8, size_t len, const char *password,
			   struct bh_buf *key_pem, struct bh_diag *diag)
{
	unsigned char salt[SALT_BYTES], nonce[SECRETBOX_NONCE], key[BOX_KEY];
	struct bh_buf json = BH_BUF_INIT, b64 = BH_BUF_INIT;
	unsigned char *ct = NULL;
	bh_err err;

	err = bh_sodium_api_load(diag);
	if (err)
		return err;
	SODIUM(randombytes_buf)(salt, sizeof(salt));
	SODIUM(randombytes_buf)(nonce, sizeof(nonce));
	err = derive("(new key)", password, salt, sizeof(salt), 32768, 8, 1, key, diag);
	if (err)
		goto out;
	ct = malloc(len + SECRETBOX_TAG);
	if (!ct) {
		err = BH_ERR_NOMEM;
		goto out;
	}
	SODIUM(crypto_secretbox_easy)(ct, pkcs8, len, nonce, key);
	/* The field order of go-securesystemslib's structs, which is what cosign writes. */
	err = bh_buf_adds(&json, "{\"kdf\":{\"name\":\"scrypt\",\"params\":{\"N\":32768,\"r\":8,"
				 "\"p\":1},\"salt\":\"");
	if (!err)
		err = bh_b64_encode(&json, salt, sizeof(salt));
	if (!err)
		err = bh_buf_adds(&json,
				  "\"},\"cipher\":{\"name\":\"nacl/secretbox\",\"nonce\":\"");
	if (!err)
		err = bh_b64_encode(&json, nonce, sizeof(nonce));
	if (!err)
		err = bh_buf_adds(&json, "\"},\"ciphertext\":\"");
	if (!err)
		err = bh_b64_encode(&json, ct, len + SECRETBOX_TAG);
	if (!err)
		err = bh_buf_adds(&json, "\"}");
	if (!err)
		err = bh_b64_encode(&b64, json.data, json.len);
	if (!err)
		err = pem_armour(key_pem, LABEL_SIGSTORE, &b64);
	if (err)
		bh_diag_set(diag, err, "(new key)", 0, 0, "out of memory");
out:
	OPENSSL_cleanse(key, sizeof(key));
	free(ct);
	bh_buf_release(&json);
	bh_buf_release(&b64);
	return err;
}

bh_err bh_sign_key_public_pem(const struct bh_sign_key *k, struct bh_buf *out, struct bh_diag *diag)
{
	BIO *bio = BIO_new(BIO_s_mem());
	char *mem;
	long n;
	bh_err err = BH_OK;

	if (!bio || !PEM_write_bio_PUBKEY(bio, k->pkey)) {
		BIO_free(bio);
		ERR_clear_error();
		return bh_diag_set(diag, BH_ERR_INTERNAL, "(key)", 0, 0,
				   "cannot encode the public key");
	}
	n = BIO_get_mem_data(bio, &mem);
	err = bh_buf_add(out, mem, (size_t)n);
	BIO_free(bio);
	return err;
}

bh_err bh_sign_keygen(const char *password, struct bh_buf *key_pem, struct bh_buf *pub_pem,
		      struct bh_diag *diag)
{
	struct bh_sign_key k = { 0 };
	PKCS8_PRIV_KEY_INFO *p8 = NULL;
	unsigned char *der = NULL;
	int der_len = -1;
	bh_err err;

	k.pkey = EVP_EC_gen("P-256");
	if (k.pkey)
		p8 = EVP_PKEY2PKCS8(k.pkey);
	if (p8)
		der_len = i2d_PKCS8_PRIV_KEY_INFO(p8, &der);
	PKCS8_PRIV_KEY_INFO_free(p8);
	ERR_clear_error();
	if (der_len <= 0) {
		err = bh_diag_set(diag, BH_ERR_INTERNAL, "(new key)", 0, 0,
				  "OpenSSL could not generate a P-256 key");
		goto out;
	}
	err = bh_sign_key_encrypt(der, (size_t)der_len, password, key_pem, diag);
	if (!err)
		err = bh_sign_key_public_pem(&k, pub_pem, diag);
out:
	if (der)
		OPENSSL_clear_free(der, (size_t)der_len);
	EVP_PKEY_free(k.pkey);
	return err;
}

bh_err bh_sign_data(const struct bh_sign_key *k, const void *data, size_t len, unsigned char **sig,
		    size_t *siglen, struct bh_diag *diag)
{
	EVP_MD_CTX *ctx;
	unsigned char *buf = NULL;
	size_t n = 0;
	bh_err err = BH_OK;

	if (!k->has_private)
		return bh_diag_set(diag, BH_ERR_USAGE, "(key)", 0, 0, "a public key cannot sign");
	ctx = EVP_MD_CTX_new();
	if (!ctx || EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL, k->pkey) != 1 ||
	    EVP_DigestSign(ctx, NULL, &n, data, len) != 1 || !(buf = malloc(n)) ||
	    EVP_DigestSign(ctx, buf, &n, data, len) != 1) {
		free(buf);
		buf = NULL;
		err = bh_diag_set(diag, BH_ERR_INTERNAL, "(key)", 0, 0, "signing failed");
	}
	EVP_MD_CTX_free(ctx);
	ERR_clear_error();
	if (!err) {
		*sig = buf;
		*siglen = n;
	}
	return err;
}

/*
 * A signature must be strict DER: one SEQUENCE of two INTEGERs, nothing after it, encoded the
 * one way DER allows. Go's ecdsa.VerifyASN1 is as strict, so bulkhead and cosign agree on which
 * bytes are a signature.
 */
static int strict_der(const unsigned char *sig, size_t len)
{
	const unsigned char *p = sig;
	unsigned char *re = NULL;
	ECDSA_SIG *s;
	int n, ok;

	if (len == 0 || len > 256)
		return 0;
	s = d2i_ECDSA_SIG(NULL, &p, (long)len);
	if (!s)
		return 0;
	n = i2d_ECDSA_SIG(s, &re);
	ok = p == sig + len && n == (int)len && memcmp(re, sig, len) == 0;
	OPENSSL_free(re);
	ECDSA_SIG_free(s);
	return ok;
}

bh_err bh_sign_verify_data(const struct bh_sign_key *k, const void *data, size_t len,
			   const unsigned char *sig, size_t siglen, struct bh_diag *diag)
{
	EVP_MD_CTX *ctx;
	int rc = -1;

	if (!strict_der(sig, siglen)) {
		ERR_clear_error();
		return bh_diag_set(diag, BH_ERR_PARSE, "(signature)", 0, 0,
				   "the signature (%zu bytes) is not a DER-encoded ECDSA signature",
				   siglen);
	}
	ctx = EVP_MD_CTX_new();
	if (ctx && EVP_DigestVerifyInit(ctx, NULL, EVP_sha256(), NULL, k->pkey) == 1)
		rc = EVP_DigestVerify(ctx, sig, siglen, data, len);
	EVP_MD_CTX_free(ctx);
	ERR_clear_error();
	if (rc == 1)
		return BH_OK;
	return bh_diag_set(diag, BH_ERR_VERIFY, "(signature)", 0, 0,
			   "the signature does not verify with this key");
}
