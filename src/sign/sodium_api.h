/*
 * libsodium (scrypt and NaCl secretbox for cosign's encrypted private keys), loaded on first use
 * (core/dynlib.h) so that commands which never touch a key file do not map it. Callers load it
 * with bh_sodium_api_load() before the first call and call through SODIUM(name).
 */
#ifndef BH_SODIUM_API_H
#define BH_SODIUM_API_H

#include <sodium.h>

#include "core/err.h"

#define BH_SODIUM_API_SYMBOLS(X)                 \
	X(sodium_init)                           \
	X(crypto_pwhash_scryptsalsa208sha256_ll) \
	X(crypto_secretbox_easy)                 \
	X(crypto_secretbox_open_easy)            \
	X(randombytes_buf)                       \
	X(sodium_memzero)                        \
	X(sodium_version_string)

struct bh_sodium_api {
#define BH_X(f) __typeof__(f) *f;
	BH_SODIUM_API_SYMBOLS(BH_X)
#undef BH_X
};

extern struct bh_sodium_api bh_sodium_api;

#define SODIUM(f) (bh_sodium_api.f)

/* Load and initialise the library once; BH_OK, or BH_ERR_IO with diag saying why. */
bh_err bh_sodium_api_load(struct bh_diag *diag);

#endif
