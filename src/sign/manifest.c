/*
 * The OCI manifests of cosign's `.sig` and `.att` tags: one layer per signature (the payload
 * blob, its signature in an annotation) or per attestation (the DSSE envelope blob, its
 * predicate type in an annotation), over a fixed config blob. Signing again appends a layer, as
 * cosign does, so earlier signatures survive.
 */
#include "sign.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "core/limits.h"

#include "core/banned.h"

/* go-containerregistry's empty image config as cosign writes it (160 bytes). */
const char bh_sig_config_blob[] =
	"{\"architecture\":\"\",\"created\":\"0001-01-01T00:00:00Z\",\"history\":[{\"created\":"
	"\"0001-01-01T00:00:00Z\"}],\"os\":\"\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]},"
	"\"config\":{}}";
const char bh_sig_config_digest[] =
	"sha256:4b00358a85acceb2bfaa4edfb6d1e16f539ac3d2561c1cd112aaec8991ed67bc";

void bh_sig_manifest_release(struct bh_sig_manifest *m)
{
	for (size_t i = 0; i < m->n; i++) {
		free(m->layers[i].media_type);
		free(m->layers[i].digest);
		free(m->layers[i].signature);
		free(m->layers[i].predicate_type);
	}
	free(m->layers);
	memset(m, 0, sizeof(*m));
}

static char *opt_string(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);

	return json_is_string(v) ? strdup(json_string_value(v)) : NULL;
}

bh_err bh_sig_manifest_parse(const char *data, size_t len, struct bh_sig_manifest *out,
			     struct bh_diag *diag)
{
	struct bh_sig_manifest m = { 0 };
	json_error_t je;
	json_t *root, *layers;
	bh_err err = BH_ERR_PARSE;

	if (len > BH_LIMIT_SIGN_DOC_BYTES)
		return bh_diag_set(diag, BH_ERR_LIMIT, "(manifest)", 0, 0,
				   "the manifest has %zu bytes; at most %u are read", len,
				   BH_LIMIT_SIGN_DOC_BYTES);
	root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &je);
	if (!root)
		return bh_diag_set(diag, BH_ERR_PARSE, "(manifest)", (unsigned)je.line,
				   (unsigned)je.column, "the manifest is not JSON: %s", je.text);
	layers = json_object_get(root, "layers");
	if (!json_is_array(layers)) {
		bh_diag_set(diag, err, "(manifest)", 0, 0, "the manifest has no layers array");
		goto out;
	}
	if (json_array_size(layers) > BH_LIMIT_SIGN_LAYERS) {
		err = bh_diag_set(diag, BH_ERR_LIMIT, "(manifest)", 0, 0,
				  "the manifest has %zu layers; at most %u are read",
				  json_array_size(layers), BH_LIMIT_SIGN_LAYERS);
		goto out;
	}
	m.layers = calloc(json_array_size(layers) + 1, sizeof(*m.layers));
	if (!m.layers) {
		err = bh_diag_set(diag, BH_ERR_NOMEM, "(manifest)", 0, 0, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < json_array_size(layers); i++) {
		json_t *l = json_array_get(layers, i), *ann = json_object_get(l, "annotations");
		json_t *size = json_object_get(l, "size");
		struct bh_sig_layer *sl = &m.layers[i];

		m.n = i + 1;
		sl->media_type = opt_string(l, "mediaType");
		sl->digest = opt_string(l, "digest");
		sl->signature = opt_string(ann, BH_SIGN_ANN_SIGNATURE);
		sl->predicate_type = opt_string(ann, BH_SIGN_ANN_PREDICATE);
		if (!sl->media_type || !sl->digest || !bh_sign_digest_valid(sl->digest) ||
		    !json_is_integer(size) || json_integer_value(size) < 0) {
			bh_diag_set(diag, err, "(manifest)", 0, 0,
				    "layer %zu has no mediaType, sha256 digest or size", i + 1);
			goto out;
		}
		sl->size = (uint64_t)json_integer_value(size);
	}
	err = BH_OK;
out:
	json_decref(root);
	if (err)
		bh_sig_manifest_release(&m);
	else
		*out = m;
	return err;
}

static json_t *layer_json(const struct bh_sig_layer *l)
{
	json_t *o = json_object(), *ann = json_object();

	/* Go writes a map's keys sorted: the signature annotation sorts before predicateType. */
	json_object_set_new(ann, BH_SIGN_ANN_SIGNATURE,
			    json_string(l->signature ? l->signature : ""));
	if (l->predicate_type)
		json_object_set_new(ann, BH_SIGN_ANN_PREDICATE, json_string(l->predicate_type));
	json_object_set_new(o, "mediaType", json_string(l->media_type));
	json_object_set_new(o, "size", json_integer((json_int_t)l->size));
	json_object_set_new(o, "digest", json_string(l->digest));
	json_object_set_new(o, "annotations", ann);
	return o;
}

bh_err bh_sig_manifest_append(const char *existing, size_t len, const struct bh_sig_layer *l,
			      struct bh_buf *out, struct bh_diag *diag)
{
	json_t *root, *layers;
	char *s;
	bh_err err;

	if (existing) {
		json_error_t je;

		root = json_loadb(existing, len, JSON_REJECT_DUPLICATES, &je);
		if (!root)
			return bh_diag_set(diag, BH_ERR_PARSE, "(manifest)", (unsigned)je.line,
					   (unsigned)je.column,
					   "the existing manifest is not JSON: %s", je.text);
		layers = json_object_get(root, "layers");
		if (!json_is_array(layers) || json_array_size(layers) >= BH_LIMIT_SIGN_LAYERS) {
			json_decref(root);
			return bh_diag_set(diag, BH_ERR_PARSE, "(manifest)", 0, 0,
					   "the existing manifest has no layers array, or %u "
					   "layers already",
					   BH_LIMIT_SIGN_LAYERS);
		}
	} else {
		json_t *config = json_object();

		root = json_object();
		layers = json_array();
		json_object_set_new(config, "mediaType", json_string(BH_SIGN_MT_CONFIG));
		json_object_set_new(config, "size",
				    json_integer((json_int_t)strlen(bh_sig_config_blob)));
		json_object_set_new(config, "digest", json_string(bh_sig_config_digest));
		json_object_set_new(root, "schemaVersion", json_integer(2));
		json_object_set_new(root, "mediaType", json_string(BH_SIGN_MT_MANIFEST));
		json_object_set_new(root, "config", config);
		json_object_set_new(root, "layers", layers);
	}
	json_array_append_new(layers, layer_json(l));
	s = json_dumps(root, JSON_COMPACT);
	json_decref(root);
	err = s ? bh_buf_adds(out, s) : BH_ERR_NOMEM;
	free(s);
	if (err)
		return bh_diag_set(diag, err, "(manifest)", 0, 0, "out of memory");
	return BH_OK;
}
