/*
 * The signing layer against the cosign corpus (../shared/corpus/cosign): the three encrypted
 * keys and a wrong password, the exact payload, PAE and statement bytes, base64 edge cases, the
 * `.sig` manifest, and a sign/verify round trip with a tampered byte.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/fs.h"
#include "sign/sign.h"

static char *corpus(const char *name, size_t *len)
{
	const char *shared = getenv("SHARED");
	char path[4096], *data = NULL;
	size_t n = 0;

	snprintf(path, sizeof(path), "%s/corpus/cosign/%s", shared ? shared : "../shared", name);
	assert_int_equal(bh_fs_read(path, 1 << 20, &data, &n, NULL), BH_OK);
	if (len)
		*len = n;
	return data;
}

/* Decrypt name with password and check that its public key is the corpus's derived one. */
static bh_err load_key(const char *name, const char *password, struct bh_sign_key **k,
		       struct bh_diag *d)
{
	char file[256];
	size_t len;
	char *pem;
	bh_err err;

	snprintf(file, sizeof(file), "keys_test-%s.key", name);
	pem = corpus(file, &len);
	err = bh_sign_key_load_private(file, pem, len, password, k, d);
	free(pem);
	return err;
}

static void check_derived_pub(const char *name, const struct bh_sign_key *k)
{
	struct bh_buf pub = BH_BUF_INIT;
	char file[256], *want;
	size_t len;

	snprintf(file, sizeof(file), "keys_test-%s.derived.pub", name);
	want = corpus(file, &len);
	assert_int_equal(bh_sign_key_public_pem(k, &pub, NULL), BH_OK);
	assert_int_equal(pub.len, len);
	assert_memory_equal(pub.data, want, len);
	free(want);
	bh_buf_release(&pub);
}

static void test_corpus_keys(void **state)
{
	static const char *const good[] = { "pemsigstorekey", "pemcosignkey-rsa" };
	struct bh_sign_key *k = NULL;
	struct bh_diag d = { 0 };

	(void)state;
	for (size_t i = 0; i < 2; i++) {
		assert_int_equal(load_key(good[i], "hello", &k, &d), BH_OK);
		check_derived_pub(good[i], k);
		bh_sign_key_free(k);
		k = NULL;
	}
	/* cosign refuses a SEC1 key inside the box, and says why. */
	assert_int_equal(load_key("pemcosigneckey", "hello", &k, &d), BH_ERR_PARSE);
	assert_null(k);
	assert_non_null(strstr(d.msg, "use ParseECPrivateKey instead for this key format"));
	/* A wrong password fails the Poly1305 check. */
	assert_int_equal(load_key("pemsigstorekey", "hellO", &k, &d), BH_ERR_USAGE);
	assert_non_null(strstr(d.msg, "wrong password"));
	assert_null(k);
}

static void test_keygen_round_trip(void **state)
{
	struct bh_buf key = BH_BUF_INIT, pub = BH_BUF_INIT, pub2 = BH_BUF_INIT;
	struct bh_sign_key *k = NULL, *p = NULL;
	unsigned char *sig = NULL;
	size_t siglen = 0;
	char msg[] = "agent image";

	(void)state;
	assert_int_equal(bh_sign_keygen("s3cret", &key, &pub, NULL), BH_OK);
	assert_non_null(strstr(key.data, "-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n"));
	assert_int_equal(bh_sign_key_load_private("k", key.data, key.len, "wrong", &k, NULL),
			 BH_ERR_USAGE);
	assert_int_equal(bh_sign_key_load_private("k", key.data, key.len, "s3cret", &k, NULL),
			 BH_OK);
	assert_int_equal(bh_sign_key_public_pem(k, &pub2, NULL), BH_OK);
	assert_string_equal(pub.data, pub2.data);
	assert_int_equal(bh_sign_key_load_public("p", pub.data, pub.len, &p, NULL), BH_OK);
	assert_int_equal(bh_sign_data(k, msg, strlen(msg), &sig, &siglen, NULL), BH_OK);
	assert_int_equal(bh_sign_verify_data(p, msg, strlen(msg), sig, siglen, NULL), BH_OK);
	msg[0] ^= 1;
	assert_int_equal(bh_sign_verify_data(p, msg, strlen(msg), sig, siglen, NULL),
			 BH_ERR_VERIFY);
	/* A public key cannot sign; a truncated signature is malformed, not merely wrong. */
	free(sig);
	sig = NULL;
	assert_int_equal(bh_sign_data(p, msg, 1, &sig, &siglen, NULL), BH_ERR_USAGE);
	assert_int_equal(bh_sign_data(k, msg, 1, &sig, &siglen, NULL), BH_OK);
	assert_int_equal(bh_sign_verify_data(p, msg, 1, sig, siglen - 1, NULL), BH_ERR_PARSE);
	free(sig);
	bh_sign_key_free(k);
	bh_sign_key_free(p);
	bh_buf_release(&key);
	bh_buf_release(&pub);
	bh_buf_release(&pub2);
}

static void test_public_key_errors(void **state)
{
	static const char rsa_or_sec1[] = "-----BEGIN EC PRIVATE KEY-----\nMAA=\n"
					  "-----END EC PRIVATE KEY-----\n";
	/* A P-384 public key: the right shape, the wrong curve. */
	static const char p384[] =
		"-----BEGIN PUBLIC KEY-----\n"
		"MHYwEAYHKoZIzj0CAQYFK4EEACIDYgAE8CAIOCFMjv15YYGn6UdgJmoaHM1uKJRo\n"
		"Q5TBMQQA21x7WoSha3HZRJCAPKpb+kkbMlK/cBikNsPPD8kv6iMb2I0ruyDmgbMp\n"
		"V0G1vZvt1A4A0dUyOOycRGkJQszO281R\n"
		"-----END PUBLIC KEY-----\n";
	struct bh_sign_key *k = NULL;
	struct bh_diag d = { 0 };

	(void)state;
	assert_int_equal(bh_sign_key_load_public("p", "junk", 4, &k, &d), BH_ERR_PARSE);
	assert_int_equal(bh_sign_key_load_public("p", rsa_or_sec1, strlen(rsa_or_sec1), &k, &d),
			 BH_ERR_PARSE);
	assert_non_null(strstr(d.msg, "EC PRIVATE KEY"));
	assert_int_equal(bh_sign_key_load_public("p", p384, strlen(p384), &k, &d), BH_ERR_USAGE);
	assert_non_null(strstr(d.msg, "secp384r1"));
	assert_null(k);
}

static void test_payload_bytes(void **state)
{
	static const struct bh_sign_annotation ann[] = { { "git_sha", "0123abcd" },
							 { "env", "prod" } };
	struct bh_buf b = BH_BUF_INIT;
	struct bh_sign_claims c = { 0 };
	struct bh_diag d = { 0 };
	size_t len;
	char *want;
	const char *digest =
		"sha256:89333bc71f02c647533ab52e592ad22c609728f12eabff6fda0920109db40401";

	(void)state;
	want = corpus("simplesigning/payload-basic.json", &len);
	assert_int_equal(
		bh_sign_payload_build(&b, "registry.example.com/agents/llm-agent", digest, NULL, 0),
		BH_OK);
	assert_int_equal(b.len, len);
	assert_memory_equal(b.data, want, len);
	free(want);
	bh_buf_reset(&b);
	want = corpus("simplesigning/payload-annotated.json", &len);
	assert_int_equal(
		bh_sign_payload_build(&b, "registry.example.com/agents/llm-agent", digest, ann, 2),
		BH_OK);
	assert_int_equal(b.len, len);
	assert_memory_equal(b.data, want, len);
	assert_int_equal(bh_sign_payload_check(b.data, b.len, digest, ann, 2, &c, &d), BH_OK);
	assert_string_equal(c.docker_ref, "registry.example.com/agents/llm-agent");
	bh_sign_claims_release(&c);
	assert_int_equal(bh_sign_payload_check(b.data, b.len,
					       "sha256:0000000000000000000000000000000000000000"
					       "000000000000000000000000",
					       NULL, 0, NULL, &d),
			 BH_ERR_VERIFY);
	static const struct bh_sign_annotation other = { "env", "dev" };
	assert_int_equal(bh_sign_payload_check(b.data, b.len, digest, &other, 1, NULL, &d),
			 BH_ERR_VERIFY);
	assert_int_equal(bh_sign_payload_check("{", 1, digest, NULL, 0, NULL, &d), BH_ERR_PARSE);
	free(want);
	/* Go's HTML escaping of <, > and &, and its control-character escapes. */
	bh_buf_reset(&b);
	assert_int_equal(bh_sign_json_string(&b, "a<b>&\"\\\n\x01\xe2\x80\xa8\xff"), BH_OK);
	assert_string_equal(b.data, "\"a\\u003cb\\u003e\\u0026\\\"\\\\\\n\\u0001\\u2028\\ufffd\"");
	bh_buf_release(&b);
}

static void test_pae_and_statement(void **state)
{
	struct bh_buf b = BH_BUF_INIT;
	struct bh_dsse_envelope env = { 0 };
	struct bh_sign_key *k = NULL;
	char *data, *pub;
	size_t len, publen;
	char *ptype = NULL;
	const char *hex = "658781cd4ed9bca60dacd09f7bb914bb51502e8b5d619f57f39a1d652596cc24";

	(void)state;
	assert_int_equal(bh_dsse_pae(&b, "application/vnd.in-toto+json", "hello", 5), BH_OK);
	assert_string_equal(b.data, "DSSEv1 28 application/vnd.in-toto+json 5 hello");
	bh_buf_reset(&b);
	/* The corpus statement, rebuilt from its parts, is byte for byte the signed payload. */
	data = corpus("dsse/blobSLSAProvenanceSignature.envelope.json", &len);
	assert_int_equal(bh_dsse_envelope_parse("e", data, len, &env, NULL), BH_OK);
	free(data);
	assert_int_equal(bh_intoto_statement_build(
				 &b, bh_intoto_predicate_type("slsaprovenance"), "blob", hex, "p",
				 "{\"builder\":{\"id\":\"2\"},\"buildType\":\"x\",\n"
				 "  \"invocation\":{\"configSource\":{}}}",
				 strlen("{\"builder\":{\"id\":\"2\"},\"buildType\":\"x\",\n"
					"  \"invocation\":{\"configSource\":{}}}"),
				 "", NULL),
			 BH_OK);
	assert_int_equal(b.len, env.payload_len);
	assert_memory_equal(b.data, env.payload, b.len);
	pub = corpus("dsse/cosign.pub", &publen);
	assert_int_equal(bh_sign_key_load_public("p", pub, publen, &k, NULL), BH_OK);
	free(pub);
	assert_int_equal(bh_dsse_verify(&env, k, NULL), BH_OK);
	assert_int_equal(bh_intoto_check(env.payload, env.payload_len, hex,
					 "https://slsa.dev/provenance/v0.2", &ptype, NULL),
			 BH_OK);
	assert_string_equal(ptype, "https://slsa.dev/provenance/v0.2");
	free(ptype);
	assert_int_equal(bh_intoto_check(env.payload, env.payload_len, hex,
					 "https://cyclonedx.org/bom", NULL, NULL),
			 BH_ERR_VERIFY);
	/* The envelope rebuilt from its parts is the compact corpus file, byte for byte. */
	bh_buf_reset(&b);
	assert_int_equal(bh_dsse_envelope_build(&b, env.payload_type, env.payload, env.payload_len,
						env.sigs[0].sig, env.sigs[0].len),
			 BH_OK);
	data = corpus("dsse/blobSLSAProvenanceSignature.envelope.compact.json", &len);
	assert_int_equal(b.len, len);
	assert_memory_equal(b.data, data, len);
	free(data);
	/* One flipped payload byte breaks the signature. */
	env.payload[10] ^= 1;
	assert_int_equal(bh_dsse_verify(&env, k, NULL), BH_ERR_VERIFY);
	/* A custom predicate is text with a timestamp; a bad JSON predicate names line:col. */
	bh_buf_reset(&b);
	assert_int_equal(bh_intoto_statement_build(&b, bh_intoto_predicate_type("custom"), "n", hex,
						   "p", "a<b", 3, "2026-01-01T00:00:00Z", NULL),
			 BH_OK);
	assert_non_null(strstr(b.data, "\"predicate\":{\"data\":\"a\\u003cb\",\"timestamp\":"
				       "\"2026-01-01T00:00:00Z\"}}"));
	struct bh_diag d = { 0 };
	assert_int_equal(bh_intoto_statement_build(&b, "https://x.example/t", "n", hex, "p.json",
						   "{\n\"a\":", 6, "", &d),
			 BH_ERR_PARSE);
	assert_int_equal(d.line, 2);
	assert_null(bh_intoto_predicate_type("nonsense"));
	bh_dsse_envelope_release(&env);
	bh_sign_key_free(k);
	bh_buf_release(&b);
}

static void test_base64(void **state)
{
	unsigned char *out = NULL;
	size_t n = 0;
	struct bh_buf b = BH_BUF_INIT;

	(void)state;
	assert_int_equal(bh_b64_decode("aGVsbG8=", 8, &out, &n, "x", NULL), BH_OK);
	assert_int_equal(n, 5);
	assert_memory_equal(out, "hello", 5);
	free(out);
	/* Unpadded, URL-safe and line-broken forms are accepted, as the DSSE library does. */
	assert_int_equal(bh_b64_decode("aGVs\nbG8", 8, &out, &n, "x", NULL), BH_OK);
	assert_int_equal(n, 5);
	free(out);
	assert_int_equal(bh_b64_decode("-_8=", 4, &out, &n, "x", NULL), BH_OK);
	assert_int_equal(out[0], 0xfb);
	assert_int_equal(out[1], 0xff);
	free(out);
	assert_int_equal(bh_b64_decode("aGVsbG8*", 8, &out, &n, "x", NULL), BH_ERR_PARSE);
	assert_int_equal(bh_b64_decode("aGVsb", 5, &out, &n, "x", NULL), BH_ERR_PARSE);
	assert_int_equal(bh_b64_decode("aG=Vs", 5, &out, &n, "x", NULL), BH_ERR_PARSE);
	assert_int_equal(bh_b64_decode("aGVsbG8===", 10, &out, &n, "x", NULL), BH_ERR_PARSE);
	assert_int_equal(bh_b64_encode(&b, "hello", 5), BH_OK);
	assert_string_equal(b.data, "aGVsbG8=");
	bh_buf_release(&b);
}

static void test_sig_manifest(void **state)
{
	struct bh_sig_manifest m = { 0 };
	struct bh_buf b = BH_BUF_INIT, b2 = BH_BUF_INIT;
	char digest[72], *data;
	size_t len;

	(void)state;
	bh_sign_sha256_digest(bh_sig_config_blob, strlen(bh_sig_config_blob), digest);
	assert_string_equal(digest, bh_sig_config_digest);
	data = corpus("simplesigning/sig-manifest.json", &len);
	assert_int_equal(bh_sig_manifest_parse(data, len, &m, NULL), BH_OK);
	assert_int_equal(m.n, 2);
	assert_int_equal(m.layers[0].size, 253);
	assert_string_equal(m.layers[1].digest, "sha256:ef5fde80df14598b80efeb8317a2b938fddd2ec9"
						"abda69f31e0da79f7ea8ab80");
	assert_string_equal(m.layers[1].media_type, BH_SIGN_MT_SIMPLESIGNING);
	/* Building the first layer then appending the second gives the corpus manifest. */
	assert_int_equal(bh_sig_manifest_append(NULL, 0, &m.layers[0], &b, NULL), BH_OK);
	assert_int_equal(bh_sig_manifest_append(b.data, b.len, &m.layers[1], &b2, NULL), BH_OK);
	bh_sig_manifest_release(&m);
	assert_int_equal(bh_sig_manifest_parse(b2.data, b2.len, &m, NULL), BH_OK);
	assert_int_equal(m.n, 2);
	assert_string_equal(m.layers[0].signature,
			    "MEYCIQDb5/9A/9Igj+n23AgmRKaBm632qd8FEQUnn5QHFZugLwIhAOMEYIrrERE4nbng"
			    "OUf8lpYupgE1QmtsbuoK31OuuhAE");
	assert_non_null(strstr(b2.data, "\"config\":{\"mediaType\":\"" BH_SIGN_MT_CONFIG
					"\",\"size\":160,\"digest\":\"sha256:4b00358a"));
	bh_sig_manifest_release(&m);
	free(data);
	assert_int_equal(bh_sig_manifest_parse("{\"layers\":[{}]}", 15, &m, NULL), BH_ERR_PARSE);
	assert_int_equal(bh_sig_manifest_parse("[]", 2, &m, NULL), BH_ERR_PARSE);
	bh_buf_release(&b);
	bh_buf_release(&b2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_corpus_keys),	  cmocka_unit_test(test_keygen_round_trip),
		cmocka_unit_test(test_public_key_errors), cmocka_unit_test(test_payload_bytes),
		cmocka_unit_test(test_pae_and_statement), cmocka_unit_test(test_base64),
		cmocka_unit_test(test_sig_manifest),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
