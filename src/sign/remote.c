/* cosign's `.sig` and `.att` tags at a registry; see remote.h. */
#include "remote.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/limits.h"

#include "core/banned.h"

void bh_sign_remote_close(struct bh_sign_target *t)
{
	bh_registry_close(t->reg);
	bh_ref_free(&t->ref);
	free(t->docker_ref);
	memset(t, 0, sizeof(*t));
}

bh_err bh_sign_remote_open(const char *image, const struct bh_registry_opts *o,
			   struct bh_sign_target *t, struct bh_diag *diag)
{
	struct bh_buf body = BH_BUF_INIT, name = BH_BUF_INIT;
	char *media_type = NULL;
	bh_err err;

	memset(t, 0, sizeof(*t));
	err = bh_ref_parse(image, &t->ref, diag);
	if (err)
		return err;
	err = bh_registry_open(&t->reg, t->ref.registry, o, diag);
	if (err)
		goto out;
	/* go-containerregistry, and so cosign, names Docker Hub index.docker.io in payloads. */
	if (bh_buf_printf(&name, "%s/%s",
			  strcmp(t->ref.registry, "docker.io") == 0 ? "index.docker.io"
								    : t->ref.registry,
			  t->ref.repository)) {
		err = bh_diag_set(diag, BH_ERR_NOMEM, image, 0, 0, "out of memory");
		goto out;
	}
	t->docker_ref = bh_buf_detach(&name, NULL);
	/* A digest reference is fetched too: signing a digest that is not there would push a
	 * signature for nothing. */
	err = bh_registry_get_manifest(t->reg, t->ref.repository,
				       t->ref.digest ? t->ref.digest
						     : (t->ref.tag ? t->ref.tag : "latest"),
				       &body, &media_type, t->digest, diag);
	if (err == BH_ERR_NOTFOUND)
		bh_diag_set(diag, err, image, 0, 0, "no such image at %s", t->ref.registry);
out:
	free(media_type);
	bh_buf_release(&body);
	bh_buf_release(&name);
	if (err)
		bh_sign_remote_close(t);
	return err;
}

void bh_sign_remote_tag(const struct bh_sign_target *t, const char *suffix, char out[80])
{
	snprintf(out, 80, "sha256-%s.%s", t->digest + 7, suffix);
}

bh_err bh_sign_remote_fetch(struct bh_sign_target *t, const char *suffix, struct bh_sig_manifest *m,
			    struct bh_diag *diag)
{
	struct bh_buf body = BH_BUF_INIT;
	char tag[80], digest[BH_DIGEST_BUF], *media_type = NULL;
	bh_err err;

	bh_sign_remote_tag(t, suffix, tag);
	err = bh_registry_get_manifest(t->reg, t->ref.repository, tag, &body, &media_type, digest,
				       diag);
	if (err == BH_ERR_NOTFOUND)
		err = bh_diag_set(diag, BH_ERR_VERIFY, t->docker_ref, 0, 0,
				  "%s has no %s (no tag %s)", t->digest,
				  strcmp(suffix, "sig") == 0 ? "signatures" : "attestations", tag);
	if (!err) {
		err = bh_sig_manifest_parse(body.data, body.len, m, diag);
		if (err && diag)
			snprintf(diag->file, sizeof(diag->file), "%s:%s", t->docker_ref, tag);
	}
	free(media_type);
	bh_buf_release(&body);
	return err;
}

bh_err bh_sign_remote_blob(struct bh_sign_target *t, const struct bh_sig_layer *l, char **data,
			   size_t *len, struct bh_diag *diag)
{
	struct bh_buf b = BH_BUF_INIT;
	bh_err err;

	if (l->size > BH_LIMIT_SIGN_DOC_BYTES)
		return bh_diag_set(diag, BH_ERR_LIMIT, t->docker_ref, 0, 0,
				   "layer %s declares %llu bytes; at most %u are read", l->digest,
				   (unsigned long long)l->size, BH_LIMIT_SIGN_DOC_BYTES);
	err = bh_registry_get_blob(t->reg, t->ref.repository, l->digest, (size_t)l->size, &b, diag);
	if (err == BH_ERR_NOTFOUND || err == BH_ERR_LIMIT) {
		char why[BH_DIAG_MSG_MAX];

		/* A missing or oversized blob leaves this signature unverifiable; the others may
		 * still verify. */
		snprintf(why, sizeof(why), "%s", diag ? diag->msg : "cannot be read");
		err = bh_diag_set(diag, BH_ERR_VERIFY, t->docker_ref, 0, 0, "blob %s: %s",
				  l->digest, why);
	}
	if (!err && b.len != l->size)
		err = bh_diag_set(diag, BH_ERR_VERIFY, t->docker_ref, 0, 0,
				  "blob %s has %zu bytes, the manifest says %llu", l->digest, b.len,
				  (unsigned long long)l->size);
	if (err) {
		bh_buf_release(&b);
		return err;
	}
	if (!b.data && bh_buf_addc(&b, 0) == BH_OK)
		b.len = 0;
	*data = bh_buf_detach(&b, len);
	return *data ? BH_OK : BH_ERR_NOMEM;
}

bh_err bh_sign_remote_append(struct bh_sign_target *t, const char *suffix, const void *blob,
			     size_t len, const char *media_type, const char *sig_b64,
			     const char *predicate_type, char tag_digest[BH_DIGEST_BUF],
			     struct bh_diag *diag)
{
	struct bh_buf existing = BH_BUF_INIT, manifest = BH_BUF_INIT;
	char tag[80], blob_digest[BH_DIGEST_BUF], config_digest[BH_DIGEST_BUF],
		digest[BH_DIGEST_BUF];
	char *existing_type = NULL;
	struct bh_sig_layer l = { 0 };
	bh_err err;
	int have;

	bh_sign_remote_tag(t, suffix, tag);
	err = bh_registry_put_blob(t->reg, t->ref.repository, blob, len, blob_digest, diag);
	if (!err)
		err = bh_registry_put_blob(t->reg, t->ref.repository, bh_sig_config_blob,
					   strlen(bh_sig_config_blob), config_digest, diag);
	if (err)
		goto out;
	err = bh_registry_get_manifest(t->reg, t->ref.repository, tag, &existing, &existing_type,
				       digest, diag);
	if (err && err != BH_ERR_NOTFOUND)
		goto out;
	l.media_type = (char *)media_type;
	l.digest = blob_digest;
	l.size = len;
	l.signature = (char *)sig_b64;
	l.predicate_type = (char *)predicate_type;
	/* The tag keeps its manifest's media type (older cosign wrote Docker manifests). */
	have = !err;
	err = bh_sig_manifest_append(have ? existing.data : NULL, existing.len, &l, &manifest,
				     diag);
	if (err) {
		if (diag)
			snprintf(diag->file, sizeof(diag->file), "%s:%s", t->docker_ref, tag);
		goto out;
	}
	err = bh_registry_put_manifest(t->reg, t->ref.repository, tag,
				       have && existing_type ? existing_type : BH_SIGN_MT_MANIFEST,
				       manifest.data, manifest.len, tag_digest, diag);
out:
	free(existing_type);
	bh_buf_release(&existing);
	bh_buf_release(&manifest);
	return err;
}
