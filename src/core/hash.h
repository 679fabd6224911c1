/*
 * SHA-256 through OpenSSL, with the algorithm fetched from its provider once per process: the
 * implicit fetch behind EVP_sha256() costs three times the hash of a short string, and
 * fingerprints hash one short string per finding.
 */
#ifndef BH_HASH_H
#define BH_HASH_H

#include <openssl/evp.h>
#include <stddef.h>

/* The SHA-256 implementation, for callers that hash in steps (EVP_DigestInit_ex). */
const EVP_MD *bh_sha256_md(void);

/* out = SHA-256(data). */
void bh_sha256(const void *data, size_t len, unsigned char out[32]);

/* The lower-case hex of n bytes into out (2n characters and a NUL). */
void bh_hex(const unsigned char *in, size_t n, char *out);

/* The lower-case hex SHA-256 of data: 64 characters and a NUL. */
void bh_sha256_hex(const void *data, size_t len, char out[65]);

#endif
