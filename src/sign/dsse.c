/*
 * DSSE envelopes and the in-toto statements inside them, as cosign attest writes them and cosign
 * verify-attestation checks them. The signature covers the pre-authentication encoding (PAE) of
 * the payload type and the decoded payload bytes, so the statement is checked as those bytes,
 * never as a re-serialised model.
 */
#include "sign.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/limits.h"

#include "core/banned.h"

bh_err bh_dsse_pae(struct bh_buf *out, const char *payload_type, const void *payload, size_t len)
{
	bh_err err =
		bh_buf_printf(out, "DSSEv1 %zu %s %zu ", strlen(payload_type), payload_type, len);

	if (!err)
		err = bh_buf_add(out, payload, len);
	return err;
}

void bh_dsse_envelope_release(struct bh_dsse_envelope *env)
{
	free(env->payload_type);
	free(env->payload);
	for (size_t i = 0; i < env->nsigs; i++) {
		free(env->sigs[i].sig);
		free(env->sigs[i].keyid);
	}
	free(env->sigs);
	memset(env, 0, sizeof(*env));
}

static bh_err with_path(bh_err err, const char *path, struct bh_diag *diag)
{
	if (err && diag && !diag->file[0])
		snprintf(diag->file, sizeof(diag->file), "%s", path);
	return err;
}

bh_err bh_dsse_envelope_parse(const char *path, const char *data, size_t len,
			      struct bh_dsse_envelope *out, struct bh_diag *diag)
{
	struct bh_dsse_envelope env = { 0 };
	json_error_t je;
	json_t *root, *v, *sigs;
	bh_err err = BH_ERR_PARSE;

	if (len > BH_LIMIT_SIGN_DOC_BYTES)
		return bh_diag_set(diag, BH_ERR_LIMIT, path, 0, 0,
				   "the envelope has %zu bytes; at most %u are read", len,
				   BH_LIMIT_SIGN_DOC_BYTES);
	root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &je);
	if (!root)
		return bh_diag_set(diag, BH_ERR_PARSE, path, (unsigned)je.line, (unsigned)je.column,
				   "the envelope is not JSON: %s", je.text);
	v = json_object_get(root, "payloadType");
	if (!json_is_string(v)) {
		bh_diag_set(diag, err, path, 0, 0, "the envelope has no string payloadType");
		goto out;
	}
	env.payload_type = strdup(json_string_value(v));
	v = json_object_get(root, "payload");
	if (!json_is_string(v)) {
		bh_diag_set(diag, err, path, 0, 0, "the envelope has no string payload");
		goto out;
	}
	err = bh_b64_decode(json_string_value(v), json_string_length(v), &env.payload,
			    &env.payload_len, "the envelope's payload", diag);
	if (with_path(err, path, diag))
		goto out;
	err = BH_ERR_PARSE;
	sigs = json_object_get(root, "signatures");
	if (!json_is_array(sigs) || json_array_size(sigs) == 0) {
		bh_diag_set(diag, err, path, 0, 0, "the envelope has no signatures");
		goto out;
	}
	if (json_array_size(sigs) > BH_LIMIT_SIGN_DSSE_SIGS) {
		err = bh_diag_set(diag, BH_ERR_LIMIT, path, 0, 0,
				  "the envelope has %zu signatures; at most %u are read",
				  json_array_size(sigs), BH_LIMIT_SIGN_DSSE_SIGS);
		goto out;
	}
	env.sigs = calloc(json_array_size(sigs), sizeof(*env.sigs));
	if (!env.sigs || !env.payload_type) {
		err = bh_diag_set(diag, BH_ERR_NOMEM, path, 0, 0, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < json_array_size(sigs); i++) {
		json_t *s = json_array_get(sigs, i), *sig = json_object_get(s, "sig"),
		       *keyid = json_object_get(s, "keyid");

		if (!json_is_string(sig) || (keyid && !json_is_string(keyid))) {
			err = bh_diag_set(diag, BH_ERR_PARSE, path, 0, 0,
					  "signature %zu has no string sig (or a keyid that is "
					  "not a string)",
					  i + 1);
			goto out;
		}
		err = bh_b64_decode(json_string_value(sig), json_string_length(sig),
				    &env.sigs[i].sig, &env.sigs[i].len, "a signature", diag);
		env.nsigs = i + 1;
		if (with_path(err, path, diag))
			goto out;
		env.sigs[i].keyid = strdup(keyid ? json_string_value(keyid) : "");
	}
	err = BH_OK;
out:
	json_decref(root);
	if (err)
		bh_dsse_envelope_release(&env);
	else
		*out = env;
	return err;
}

bh_err bh_dsse_envelope_build(struct bh_buf *out, const char *payload_type, const void *payload,
			      size_t len, const unsigned char *sig, size_t siglen)
{
	bh_err err = bh_buf_adds(out, "{\"payloadType\":");

	if (!err)
		err = bh_sign_json_string(out, payload_type);
	if (!err)
		err = bh_buf_adds(out, ",\"payload\":\"");
	if (!err)
		err = bh_b64_encode(out, payload, len);
	if (!err)
		err = bh_buf_adds(out, "\",\"signatures\":[{\"keyid\":\"\",\"sig\":\"");
	if (!err)
		err = bh_b64_encode(out, sig, siglen);
	if (!err)
		err = bh_buf_adds(out, "\"}]}");
	return err;
}

bh_err bh_dsse_verify(const struct bh_dsse_envelope *env, const struct bh_sign_key *k,
		      struct bh_diag *diag)
{
	struct bh_buf pae = BH_BUF_INIT;
	struct bh_diag d = { 0 };
	bh_err err, last = BH_ERR_VERIFY;

	err = bh_dsse_pae(&pae, env->payload_type, env->payload, env->payload_len);
	if (err)
		return bh_diag_set(diag, err, "", 0, 0, "out of memory");
	for (size_t i = 0; i < env->nsigs; i++) {
		err = bh_sign_verify_data(k, pae.data, pae.len, env->sigs[i].sig, env->sigs[i].len,
					  &d);
		if (!err)
			break;
		/* One signature that verifies is enough; a malformed one is reported only when
		 * no other signature was even well-formed. */
		if (err == BH_ERR_VERIFY || i == 0)
			last = err;
	}
	bh_buf_release(&pae);
	if (!err)
		return BH_OK;
	return bh_diag_set(diag, last, "", 0, 0,
			   last == BH_ERR_PARSE ? "%s"
						: "no signature of the envelope verifies "
						  "with this key",
			   d.msg);
}

static const struct {
	const char *name, *uri;
} predicate_types[] = {
	{ "slsaprovenance", "https://slsa.dev/provenance/v0.2" },
	{ "slsaprovenance02", "https://slsa.dev/provenance/v0.2" },
	{ "slsaprovenance1", "https://slsa.dev/provenance/v1" },
	{ "link", "https://in-toto.io/Link/v1" },
	{ "spdx", "https://spdx.dev/Document" },
	{ "spdxjson", "https://spdx.dev/Document" },
	{ "cyclonedx", "https://cyclonedx.org/bom" },
	{ "vuln", "https://cosign.sigstore.dev/attestation/vuln/v1" },
	{ "openvex", "https://openvex.dev/ns" },
	{ "custom", "https://cosign.sigstore.dev/attestation/v1" },
};

const char *bh_intoto_predicate_type(const char *name)
{
	for (size_t i = 0; i < sizeof(predicate_types) / sizeof(*predicate_types); i++)
		if (strcmp(name, predicate_types[i].name) == 0)
			return predicate_types[i].uri;
	if (strstr(name, "://") && !strpbrk(name, " \t\r\n\"\\"))
		return name;
	return NULL;
}

bh_err bh_intoto_statement_build(struct bh_buf *out, const char *predicate_type,
				 const char *subject_name, const char *sha256_hex, const char *path,
				 const char *predicate, size_t len, const char *timestamp,
				 struct bh_diag *diag)
{
	bh_err err =
		bh_buf_adds(out, "{\"_type\":\"" BH_SIGN_STATEMENT_V01 "\",\"predicateType\":");

	if (!err)
		err = bh_sign_json_string(out, predicate_type);
	if (!err)
		err = bh_buf_adds(out, ",\"subject\":[{\"name\":");
	if (!err)
		err = bh_sign_json_string(out, subject_name);
	if (!err)
		err = bh_buf_adds(out, ",\"digest\":{\"sha256\":");
	if (!err)
		err = bh_sign_json_string(out, sha256_hex);
	if (!err)
		err = bh_buf_adds(out, "}}],\"predicate\":");
	if (err)
		return bh_diag_set(diag, err, path, 0, 0, "out of memory");
	if (strcmp(predicate_type, bh_intoto_predicate_type("custom")) == 0) {
		/* cosign's custom predicate carries the file as text, with the time it was made. */
		if (memchr(predicate, 0, len))
			return bh_diag_set(
				diag, BH_ERR_PARSE, path, 0, 0,
				"the predicate has a NUL byte; the custom type holds text");
		err = bh_buf_adds(out, "{\"data\":");
		if (!err)
			err = bh_sign_json_string(out, predicate);
		if (!err)
			err = bh_buf_adds(out, ",\"timestamp\":");
		if (!err)
			err = bh_sign_json_string(out, timestamp);
		if (!err)
			err = bh_buf_adds(out, "}}");
	} else {
		json_error_t je;
		json_t *root = json_loadb(predicate, len, JSON_REJECT_DUPLICATES, &je);
		char *s;

		if (!root)
			return bh_diag_set(diag, BH_ERR_PARSE, path, (unsigned)je.line,
					   (unsigned)je.column, "the predicate is not JSON: %s",
					   je.text);
		if (!json_is_object(root)) {
			json_decref(root);
			return bh_diag_set(diag, BH_ERR_PARSE, path, 1, 1,
					   "the predicate is not a JSON object");
		}
		s = json_dumps(root, JSON_COMPACT | JSON_REAL_PRECISION(17));
		json_decref(root);
		err = s ? bh_buf_adds(out, s) : BH_ERR_NOMEM;
		free(s);
		if (!err)
			err = bh_buf_addc(out, '}');
	}
	if (err)
		return bh_diag_set(diag, err, path, 0, 0, "out of memory");
	return BH_OK;
}

bh_err bh_intoto_check(const unsigned char *payload, size_t len, const char *sha256_hex,
		       const char *want_type, char **predicate_type, struct bh_diag *diag)
{
	json_error_t je;
	json_t *root, *type, *ptype, *subjects;
	bh_err err = BH_ERR_PARSE;
	size_t with_sha = 0;

	root = json_loadb((const char *)payload, len, JSON_REJECT_DUPLICATES, &je);
	if (!root)
		return bh_diag_set(diag, BH_ERR_PARSE, "(statement)", (unsigned)je.line,
				   (unsigned)je.column, "the statement is not JSON: %s", je.text);
	type = json_object_get(root, "_type");
	ptype = json_object_get(root, "predicateType");
	subjects = json_object_get(root, "subject");
	if (!json_is_string(type) ||
	    strncmp(json_string_value(type), "https://in-toto.io/Statement/", 29) != 0) {
		bh_diag_set(diag, err, "(statement)", 0, 0,
			    "the payload is not an in-toto statement (_type is not "
			    "https://in-toto.io/Statement/...)");
		goto out;
	}
	if (!json_is_string(ptype)) {
		bh_diag_set(diag, err, "(statement)", 0, 0, "the statement has no predicateType");
		goto out;
	}
	err = BH_ERR_VERIFY;
	if (want_type && strcmp(json_string_value(ptype), want_type) != 0) {
		bh_diag_set(diag, err, "(statement)", 0, 0, "the predicate type is %s, not %s",
			    json_string_value(ptype), want_type);
		goto out;
	}
	if (sha256_hex) {
		size_t i;

		if (!json_is_array(subjects) || json_array_size(subjects) == 0) {
			bh_diag_set(diag, err, "(statement)", 0, 0, "the statement has no subject");
			goto out;
		}
		for (i = 0; i < json_array_size(subjects); i++) {
			json_t *d = json_object_get(
				json_object_get(json_array_get(subjects, i), "digest"), "sha256");

			if (!json_is_string(d))
				continue;
			with_sha++;
			/* Compared as strings, as cosign compares them. */
			if (strcmp(json_string_value(d), sha256_hex) == 0)
				break;
		}
		if (i == json_array_size(subjects)) {
			if (with_sha == 0)
				bh_diag_set(diag, err, "(statement)", 0, 0,
					    "no subject of the statement has a sha256 digest");
			else
				bh_diag_set(diag, err, "(statement)", 0, 0,
					    "no subject of the statement has the digest sha256:%s",
					    sha256_hex);
			goto out;
		}
	}
	if (predicate_type) {
		*predicate_type = strdup(json_string_value(ptype));
		if (!*predicate_type) {
			err = BH_ERR_NOMEM;
			goto out;
		}
	}
	err = BH_OK;
out:
	json_decref(root);
	return err;
}
