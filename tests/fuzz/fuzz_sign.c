/*
 * Fuzz target: the signing layer's parsers, each fed the same bytes. Private keys (PEM, JSON,
 * scrypt bounded by limits.h, secretbox, PKCS#8; the password is empty, as the seed key's is),
 * public keys, DSSE envelopes with the in-toto check of their payload, `.sig` manifests with an
 * append, simple-signing payloads, and base64.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sign/sign.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	struct bh_sign_key *k = NULL;
	struct bh_dsse_envelope env;
	struct bh_sig_manifest m;
	struct bh_buf b = BH_BUF_INIT;
	unsigned char *out = NULL;
	size_t n = 0;
	char *ptype = NULL;

	if (bh_sign_key_load_private("f", s, size, "", &k, NULL) == BH_OK) {
		unsigned char *sig = NULL;
		size_t siglen = 0;

		if (bh_sign_data(k, data, size, &sig, &siglen, NULL) == BH_OK &&
		    bh_sign_verify_data(k, data, size, sig, siglen, NULL) != BH_OK)
			abort(); /* a key must verify its own signature */
		free(sig);
		bh_sign_key_free(k);
		k = NULL;
	}
	if (bh_sign_key_load_public("f", s, size, &k, NULL) == BH_OK) {
		bh_sign_verify_data(k, "x", 1, data, size, NULL);
		bh_sign_key_free(k);
	}
	if (bh_dsse_envelope_parse("f", s, size, &env, NULL) == BH_OK) {
		bh_intoto_check(env.payload, env.payload_len,
				"658781cd4ed9bca60dacd09f7bb914bb51502e8b5d619f57f39a1d652596cc24",
				NULL, &ptype, NULL);
		free(ptype);
		bh_dsse_envelope_release(&env);
	}
	if (bh_sig_manifest_parse(s, size, &m, NULL) == BH_OK) {
		if (m.n)
			bh_sig_manifest_append(s, size, &m.layers[0], &b, NULL);
		bh_sig_manifest_release(&m);
	}
	bh_sign_payload_check(s, size, NULL, NULL, 0, NULL, NULL);
	if (bh_b64_decode(s, size, &out, &n, "f", NULL) == BH_OK)
		free(out);
	bh_buf_release(&b);
	return 0;
}
