/*
 * The simple-signing payload of a `.sig` tag: what cosign signs for an image. Building writes
 * the bytes Go's encoding/json writes for cosign's payload struct (fields in declaration order,
 * map keys sorted, no spaces), so our payloads are cosign's payloads. Checking reads the raw
 * signed bytes and never re-serialises them: the signature covers those bytes, not a model.
 */
#include "sign.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "core/banned.h"

static int ann_cmp(const void *a, const void *b)
{
	return strcmp(((const struct bh_sign_annotation *)a)->key,
		      ((const struct bh_sign_annotation *)b)->key);
}

bh_err bh_sign_payload_build(struct bh_buf *out, const char *docker_ref, const char *digest,
			     const struct bh_sign_annotation *ann, size_t nann)
{
	struct bh_sign_annotation *sorted = NULL;
	bh_err err;

	err = bh_buf_adds(out, "{\"critical\":{\"identity\":{\"docker-reference\":");
	if (!err)
		err = bh_sign_json_string(out, docker_ref);
	if (!err)
		err = bh_buf_adds(out, "},\"image\":{\"docker-manifest-digest\":");
	if (!err)
		err = bh_sign_json_string(out, digest);
	if (!err)
		err = bh_buf_adds(out, "},\"type\":\"" BH_SIGN_PAYLOAD_TYPE "\"},\"optional\":");
	if (err)
		return err;
	if (nann == 0)
		return bh_buf_adds(out, "null}");
	sorted = malloc(nann * sizeof(*sorted));
	if (!sorted)
		return BH_ERR_NOMEM;
	memcpy(sorted, ann, nann * sizeof(*sorted));
	qsort(sorted, nann, sizeof(*sorted), ann_cmp);
	err = bh_buf_addc(out, '{');
	for (size_t i = 0; !err && i < nann; i++) {
		/* A Go map holds one value per key: a repeated -a key keeps the last value. */
		if (i + 1 < nann && strcmp(sorted[i].key, sorted[i + 1].key) == 0)
			continue;
		if (out->data[out->len - 1] != '{')
			err = bh_buf_addc(out, ',');
		if (!err)
			err = bh_sign_json_string(out, sorted[i].key);
		if (!err)
			err = bh_buf_addc(out, ':');
		if (!err)
			err = bh_sign_json_string(out, sorted[i].value);
	}
	if (!err)
		err = bh_buf_adds(out, "}}");
	free(sorted);
	return err;
}

void bh_sign_claims_release(struct bh_sign_claims *c)
{
	free(c->docker_ref);
	free(c->digest);
	free(c->type);
	memset(c, 0, sizeof(*c));
}

static char *dup_string(json_t *v)
{
	return json_is_string(v) ? strdup(json_string_value(v)) : NULL;
}

bh_err bh_sign_payload_check(const char *data, size_t len, const char *want_digest,
			     const struct bh_sign_annotation *want_ann, size_t nann,
			     struct bh_sign_claims *claims, struct bh_diag *diag)
{
	struct bh_sign_claims c = { 0 };
	json_error_t je;
	json_t *root, *crit, *opt;
	bh_err err = BH_ERR_PARSE;

	root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &je);
	if (!root)
		return bh_diag_set(diag, BH_ERR_PARSE, "(payload)", (unsigned)je.line,
				   (unsigned)je.column, "the payload is not JSON: %s", je.text);
	crit = json_object_get(root, "critical");
	c.type = dup_string(json_object_get(crit, "type"));
	c.digest = dup_string(
		json_object_get(json_object_get(crit, "image"), "docker-manifest-digest"));
	c.docker_ref =
		dup_string(json_object_get(json_object_get(crit, "identity"), "docker-reference"));
	if (!json_is_object(crit) || !c.type || !c.digest) {
		bh_diag_set(diag, err, "(payload)", 0, 0,
			    "the payload is not a simple-signing payload (no critical.type or "
			    "critical.image.docker-manifest-digest)");
		goto out;
	}
	err = BH_ERR_VERIFY;
	if (strcmp(c.type, BH_SIGN_PAYLOAD_TYPE) != 0) {
		bh_diag_set(diag, err, "(payload)", 0, 0,
			    "the payload's type is \"%s\", not \"" BH_SIGN_PAYLOAD_TYPE "\"",
			    c.type);
		goto out;
	}
	if (want_digest && strcmp(c.digest, want_digest) != 0) {
		bh_diag_set(diag, err, "(payload)", 0, 0,
			    "the payload signs %s, not the image's digest %s", c.digest,
			    want_digest);
		goto out;
	}
	opt = json_object_get(root, "optional");
	for (size_t i = 0; i < nann; i++) {
		json_t *v = json_object_get(opt, want_ann[i].key);

		if (!json_is_string(v) || strcmp(json_string_value(v), want_ann[i].value) != 0) {
			bh_diag_set(diag, err, "(payload)", 0, 0,
				    "the payload has no annotation %s=%s", want_ann[i].key,
				    want_ann[i].value);
			goto out;
		}
	}
	err = BH_OK;
out:
	json_decref(root);
	if (!err && claims)
		*claims = c;
	else
		bh_sign_claims_release(&c);
	return err;
}
