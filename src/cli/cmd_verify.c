/*
 * bulkhead verify: check cosign signatures. With an image reference, the image's `.sig` tag is
 * read from its registry and every layer checked (payload digest, signature over the raw
 * payload bytes, the payload's claims against the image digest); with --payload and
 * --signature, one blob signature is checked offline, as cosign verify-blob does.
 */
#include "cli.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "core/limits.h"
#include "report/jstr.h"
#include "signing.h"

#include "core/banned.h"

enum {
	OPT_KEY = CLI_OPT_FIRST_COMMAND_OPTION,
	OPT_PAYLOAD,
	OPT_SIGNATURE,
};

static const struct bh_opt_doc verify_options[] = {
	{ "--key FILE", "The public key (PEM PUBLIC KEY, as cosign.pub); required." },
	{ "-a, --annotations KEY=VALUE",
	  "Also require this annotation in the signed payload's optional section (repeatable)." },
	{ "--payload FILE", "Verify a blob signature offline: FILE is the signed bytes." },
	{ "--signature FILE",
	  "With --payload: the signature, base64 (as cosign writes it) or raw DER." },
	{ "-f, --format FORMAT", "text (default) or json: the list of verified signatures." },
	CLI_REGISTRY_OPTIONS,
	{ "-h, --help", "Show this help." },
	{ NULL, NULL },
};

/*
 * A signature file holds base64 (cosign's form) or the DER bytes themselves; DER always has
 * bytes no base64 text has (its tags and lengths), so a file with such bytes that starts as DER
 * starts (a SEQUENCE) is taken as DER.
 */
static int read_signature(const char *path, unsigned char **sig, size_t *siglen)
{
	static const char b64[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_= \t\r\n";
	struct bh_diag d = { 0 };
	char *data = NULL;
	size_t len = 0;
	bh_err err;
	int rc = cli_read_file(path, BH_LIMIT_SIGN_KEY_BYTES, &data, &len);

	if (rc)
		return rc;
	for (size_t i = 0; i < len; i++) {
		if ((data[i] == 0 || !strchr(b64, data[i])) && (unsigned char)data[0] == 0x30) {
			*sig = (unsigned char *)data;
			*siglen = len;
			return 0;
		}
	}
	err = bh_b64_decode(data, len, sig, siglen, "the signature", &d);
	free(data);
	if (err)
		return cli_sign_fail(err, &d, path);
	return 0;
}

/* The JSON entry of one verified signature: the payload as it was signed, and the signature. */
static json_t *verified_entry(const char *payload, size_t len, const char *sig_b64,
			      const char *layer_digest)
{
	json_t *o = json_object(), *p = json_loadb(payload, len, 0, NULL);
	char digest[72];

	bh_sign_sha256_digest(payload, len, digest);
	json_object_set_new(o, "payloadDigest", json_string(layer_digest ? layer_digest : digest));
	json_object_set_new(o, "signature", bh_jstr(sig_b64));
	json_object_set_new(o, "payload", p ? p : json_null());
	return o;
}

static int verify_blob(struct bh_sign_key *k, const char *payload_path, const char *sig_path,
		       const struct bh_sign_annotation *ann, size_t nann, int json)
{
	struct bh_diag d = { 0 };
	struct bh_buf b64 = BH_BUF_INIT;
	unsigned char *sig = NULL;
	char *payload = NULL;
	size_t len = 0, siglen = 0;
	bh_err err;
	int rc;

	rc = cli_read_file(payload_path, BH_LIMIT_SIGN_DOC_BYTES, &payload, &len);
	if (!rc)
		rc = read_signature(sig_path, &sig, &siglen);
	if (rc)
		goto out;
	err = bh_sign_verify_data(k, payload, len, sig, siglen, &d);
	if (err) {
		rc = cli_sign_fail(err, &d, err == BH_ERR_PARSE ? sig_path : payload_path);
		goto out;
	}
	if (nann) {
		err = bh_sign_payload_check(payload, len, NULL, ann, nann, NULL, &d);
		if (err) {
			rc = cli_sign_fail(err, &d, payload_path);
			goto out;
		}
	}
	if (json) {
		json_t *list = json_array();

		bh_b64_encode(&b64, sig, siglen);
		json_array_append_new(list, verified_entry(payload, len, bh_buf_str(&b64), NULL));
		rc = cli_emit_json(list);
	} else {
		printf("Verified OK\n");
	}
out:
	bh_buf_release(&b64);
	free(payload);
	free(sig);
	return rc;
}

struct sig_ctx {
	const struct bh_sign_key *k;
	const struct bh_sign_annotation *ann;
	size_t nann;
};

/* One layer of the .sig tag: its signature over its payload blob, and the payload's claims. */
static bh_err check_sig(struct bh_sign_target *t, const struct bh_sig_layer *l, size_t i,
			json_t *list, void *vctx, struct bh_diag *ld)
{
	const struct sig_ctx *x = vctx;
	struct bh_sign_claims c = { 0 };
	unsigned char *sig = NULL;
	char *payload = NULL;
	size_t len = 0, siglen = 0;
	bh_err err;

	if (!l->signature)
		return bh_diag_set(ld, BH_ERR_VERIFY, "", 0, 0, "the layer has no signature");
	err = bh_b64_decode(l->signature, strlen(l->signature), &sig, &siglen,
			    "the signature annotation", ld);
	if (!err)
		err = bh_sign_remote_blob(t, l, &payload, &len, ld);
	if (!err)
		err = bh_sign_verify_data(x->k, payload, len, sig, siglen, ld);
	if (!err)
		err = bh_sign_payload_check(payload, len, t->digest, x->ann, x->nann, &c, ld);
	if (!err) {
		/* cosign does not compare docker-reference (a copied image keeps its
		 * signatures); saying so lets a reader see where it was signed. */
		if (c.docker_ref && strcmp(c.docker_ref, t->docker_ref) != 0)
			fprintf(stderr,
				"bulkhead verify: note: signature %zu was made for %s, not %s "
				"(the digest is what is verified, as cosign does)\n",
				i + 1, c.docker_ref, t->docker_ref);
		if (list)
			json_array_append_new(
				list, verified_entry(payload, len, l->signature, l->digest));
		else
			printf("Verified signature %zu of %s (payload %s, docker-reference %s)\n",
			       i + 1, t->digest, l->digest, c.docker_ref ? c.docker_ref : "-");
	}
	bh_sign_claims_release(&c);
	free(payload);
	free(sig);
	return err;
}

static int verify_image(struct bh_sign_key *k, const char *image, const struct bh_registry_opts *ro,
			const struct bh_sign_annotation *ann, size_t nann, int json)
{
	static const struct cli_verify_spec spec = { "verify", "sig", "signature", "" };
	struct sig_ctx x = { k, ann, nann };

	return cli_verify_layers(image, ro, &spec, check_sig, &x, json);
}

static int run(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "key", required_argument, NULL, OPT_KEY },
		{ "annotations", required_argument, NULL, 'a' },
		{ "payload", required_argument, NULL, OPT_PAYLOAD },
		{ "signature", required_argument, NULL, OPT_SIGNATURE },
		{ "format", required_argument, NULL, 'f' },
		CLI_REGISTRY_LONGOPTS,
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct bh_sign_annotation ann[64];
	struct bh_registry_opts reg = { 0 };
	const char *key = NULL, *payload = NULL, *sig = NULL, *format = "text";
	struct bh_sign_key *k = NULL;
	size_t nann = 0;
	int opt, rc, json;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "a:f:h", longopts, NULL)) != -1) {
		switch (opt) {
		case OPT_KEY:
			key = optarg;
			break;
		case 'a':
			if (cli_annotation(optarg, ann, sizeof(ann) / sizeof(*ann), &nann))
				return cli_usage(&cmd_verify_def,
						 "-a wants KEY=VALUE (at most 64): '%s'", optarg);
			break;
		case OPT_PAYLOAD:
			payload = optarg;
			break;
		case OPT_SIGNATURE:
			sig = optarg;
			break;
		case 'f':
			format = optarg;
			break;
		case 'h':
			cli_help(stdout, &cmd_verify_def);
			return 0;
		default:
			if (cli_registry_option(&reg, opt, optarg))
				break;
			return cli_bad_option(&cmd_verify_def, argv);
		}
	}
	if (strcmp(format, "text") != 0 && strcmp(format, "json") != 0)
		return cli_usage(&cmd_verify_def, "--format is text or json, not '%s'", format);
	json = strcmp(format, "json") == 0;
	if (!key)
		return cli_usage(&cmd_verify_def, "--key is required (keyless verification is not "
						  "supported)");
	if ((payload != NULL) != (sig != NULL))
		return cli_usage(&cmd_verify_def, "--payload and --signature go together");
	if (payload ? optind != argc : optind + 1 != argc)
		return cli_usage(&cmd_verify_def,
				 payload ? "no IMAGE with --payload" : "expected one IMAGE");
	rc = cli_load_public_key("verify", key, &k);
	if (rc)
		return rc;
	if (payload)
		rc = verify_blob(k, payload, sig, ann, nann, json);
	else
		rc = verify_image(k, argv[optind], &reg, ann, nann, json);
	bh_sign_key_free(k);
	return rc;
}

const struct bh_command cmd_verify_def = {
	.name = "verify",
	.fn = run,
	.summary = "verify cosign signatures of an image or a blob",
	.usage = "verify --key FILE [-a KEY=VALUE]... [-f FORMAT] (IMAGE | --payload FILE "
		 "--signature FILE)",
	.description =
		"Verify the signatures cosign sign (or bulkhead sign) stored for IMAGE: resolve the\n"
		"image digest at its registry, read the sha256-<hex>.sig tag beside it, and check each\n"
		"layer: the payload blob must match its digest, the signature in the layer's\n"
		"annotation must verify over the payload's exact bytes, and the payload must be a\n"
		"cosign container image signature of that digest. Like cosign, the docker-reference\n"
		"in the payload is shown but not compared, so an image copied to another registry or\n"
		"repository keeps its signatures. With --payload and --signature, verify one blob\n"
		"signature offline, as cosign verify-blob does.\n"
		"Registry credentials come from the docker config.json ($DOCKER_CONFIG or ~/.docker).\n"
		"Exit status: 0 when at least one signature verifies, 1 when none does (or the image\n"
		"has no signatures), 2 for usage or input errors (a malformed key or signature file),\n"
		"3 when the registry cannot be reached or fails.",
	.options = verify_options,
	.examples =
		"  $ bulkhead verify --key cosign.pub registry.example.com/agents/llm-agent:1.4\n"
		"  $ bulkhead verify --key cosign.pub --payload payload.json --signature "
		"payload.sig\n",
};
