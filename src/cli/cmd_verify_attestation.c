/*
 * bulkhead verify-attestation: check cosign attestations (DSSE envelopes of in-toto
 * statements). With an image reference, every layer of the image's `.att` tag; with --envelope,
 * one envelope file offline against a blob or a digest, as cosign verify-blob-attestation does.
 * An attestation counts when its signature verifies over the PAE of its payload, its payload
 * type is in-toto, a subject carries the digest, and its predicate type is the one asked for.
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
	OPT_TYPE,
	OPT_ENVELOPE,
	OPT_BLOB,
	OPT_DIGEST,
};

static const struct bh_opt_doc verify_att_options[] = {
	{ "--key FILE", "The public key (PEM PUBLIC KEY, as cosign.pub); required." },
	{ "--type TYPE",
	  "Only attestations of this predicate type count: slsaprovenance, slsaprovenance1, spdx, spdxjson, cyclonedx, vuln, openvex, link, custom, or a URI. Default: any type." },
	{ "--envelope FILE", "Verify one DSSE envelope file offline instead of an image's." },
	{ "--blob FILE",
	  "With --envelope: the artifact the statement is about; a subject must carry its sha256." },
	{ "--digest sha256:HEX", "With --envelope: the subject digest, instead of --blob." },
	{ "-f, --format FORMAT", "text (default) or json: the list of verified statements." },
	CLI_REGISTRY_OPTIONS,
	{ "-h, --help", "Show this help." },
	{ NULL, NULL },
};

/* Check one envelope's bytes; BH_OK or the error, with the reason in d. */
static bh_err check_envelope(const char *name, const char *data, size_t len,
			     const struct bh_sign_key *k, const char *sha256_hex,
			     const char *want_type, struct bh_dsse_envelope *env, char **ptype,
			     struct bh_diag *d)
{
	bh_err err = bh_dsse_envelope_parse(name, data, len, env, d);

	if (err)
		return err;
	err = bh_dsse_verify(env, k, d);
	if (err)
		return err;
	/* The signature is checked first: nothing in an unauthenticated payload is judged. */
	if (strcmp(env->payload_type, BH_SIGN_INTOTO_TYPE) != 0)
		return bh_diag_set(d, BH_ERR_VERIFY, name, 0, 0,
				   "the payload type is %s, not " BH_SIGN_INTOTO_TYPE,
				   env->payload_type);
	return bh_intoto_check(env->payload, env->payload_len, sha256_hex, want_type, ptype, d);
}

static json_t *statement_entry(const struct bh_dsse_envelope *env, const char *ptype)
{
	json_t *o = json_object();
	json_t *st = json_loadb((const char *)env->payload, env->payload_len, 0, NULL);

	json_object_set_new(o, "payloadType", bh_jstr(env->payload_type));
	json_object_set_new(o, "predicateType", bh_jstr(ptype));
	json_object_set_new(o, "statement", st ? st : json_null());
	return o;
}

static int verify_envelope(const struct bh_sign_key *k, const char *path, const char *blob,
			   const char *digest, const char *want_type, int json)
{
	struct bh_dsse_envelope env = { 0 };
	struct bh_diag d = { 0 };
	char *data = NULL, *ptype = NULL, blob_digest[72];
	size_t len = 0;
	bh_err err;
	int rc;

	if (blob) {
		char *b = NULL;
		size_t blen = 0;

		rc = cli_read_file(blob, BH_LIMIT_SIGN_DOC_BYTES, &b, &blen);
		if (rc)
			return rc;
		bh_sign_sha256_digest(b, blen, blob_digest);
		free(b);
		digest = blob_digest;
	}
	rc = cli_read_file(path, BH_LIMIT_SIGN_DOC_BYTES, &data, &len);
	if (rc)
		return rc;
	err = check_envelope(path, data, len, k, digest + 7, want_type, &env, &ptype, &d);
	if (err) {
		rc = cli_sign_fail(err, &d, path);
		goto out;
	}
	if (json) {
		json_t *list = json_array();

		json_array_append_new(list, statement_entry(&env, ptype));
		rc = cli_emit_json(list);
	} else {
		printf("Verified OK: %s attestation of %s\n", ptype, digest);
	}
out:
	free(ptype);
	free(data);
	bh_dsse_envelope_release(&env);
	return rc;
}

struct att_ctx {
	const struct bh_sign_key *k;
	const char *want_type;
};

/* One layer of the .att tag: its DSSE envelope, signature, subject and predicate type. */
static bh_err check_att(struct bh_sign_target *t, const struct bh_sig_layer *l, size_t i,
			json_t *list, void *vctx, struct bh_diag *ld)
{
	const struct att_ctx *x = vctx;
	struct bh_dsse_envelope env = { 0 };
	char *data = NULL, *ptype = NULL;
	size_t len = 0;
	bh_err err = bh_sign_remote_blob(t, l, &data, &len, ld);

	if (!err)
		err = check_envelope(l->digest, data, len, x->k, t->digest + 7, x->want_type, &env,
				     &ptype, ld);
	if (!err && list)
		json_array_append_new(list, statement_entry(&env, ptype));
	else if (!err)
		printf("Verified attestation %zu of %s: %s\n", i + 1, t->digest, ptype);
	free(data);
	free(ptype);
	bh_dsse_envelope_release(&env);
	return err;
}

static int verify_image(const struct bh_sign_key *k, const char *image,
			const struct bh_registry_opts *ro, const char *want_type, int json)
{
	struct cli_verify_spec spec = { "verify-attestation", "att", "attestation", "" };
	struct att_ctx x = { k, want_type };
	char why[300] = "";

	if (want_type) {
		snprintf(why, sizeof(why), " and type %.250s", want_type);
		spec.why = why;
	}
	return cli_verify_layers(image, ro, &spec, check_att, &x, json);
}

static int run(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "key", required_argument, NULL, OPT_KEY },
		{ "type", required_argument, NULL, OPT_TYPE },
		{ "envelope", required_argument, NULL, OPT_ENVELOPE },
		{ "blob", required_argument, NULL, OPT_BLOB },
		{ "digest", required_argument, NULL, OPT_DIGEST },
		{ "format", required_argument, NULL, 'f' },
		CLI_REGISTRY_LONGOPTS,
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *key = NULL, *type = NULL, *envelope = NULL, *blob = NULL, *digest = NULL;
	const char *format = "text", *want_type = NULL;
	struct bh_registry_opts reg = { 0 };
	struct bh_sign_key *k = NULL;
	int opt, rc, json;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "f:h", longopts, NULL)) != -1) {
		switch (opt) {
		case OPT_KEY:
			key = optarg;
			break;
		case OPT_TYPE:
			type = optarg;
			break;
		case OPT_ENVELOPE:
			envelope = optarg;
			break;
		case OPT_BLOB:
			blob = optarg;
			break;
		case OPT_DIGEST:
			digest = optarg;
			break;
		case 'f':
			format = optarg;
			break;
		case 'h':
			cli_help(stdout, &cmd_verify_attestation_def);
			return 0;
		default:
			if (cli_registry_option(&reg, opt, optarg))
				break;
			return cli_bad_option(&cmd_verify_attestation_def, argv);
		}
	}
	if (strcmp(format, "text") != 0 && strcmp(format, "json") != 0)
		return cli_usage(&cmd_verify_attestation_def, "--format is text or json, not '%s'",
				 format);
	json = strcmp(format, "json") == 0;
	if (!key)
		return cli_usage(&cmd_verify_attestation_def,
				 "--key is required (keyless verification is not supported)");
	if (type && !(want_type = bh_intoto_predicate_type(type)))
		return cli_usage(&cmd_verify_attestation_def,
				 "unknown --type '%s' (a cosign type name or a URI)", type);
	if (envelope) {
		if (optind != argc)
			return cli_usage(&cmd_verify_attestation_def, "no IMAGE with --envelope");
		if ((blob != NULL) == (digest != NULL))
			return cli_usage(&cmd_verify_attestation_def,
					 "--envelope needs one of --blob or --digest");
		if (digest && !bh_sign_digest_valid(digest))
			return cli_usage(&cmd_verify_attestation_def,
					 "--digest must be sha256: and 64 lower-case hex digits");
	} else if (blob || digest) {
		return cli_usage(&cmd_verify_attestation_def,
				 "--blob and --digest go with --envelope");
	} else if (optind + 1 != argc) {
		return cli_usage(&cmd_verify_attestation_def, "expected one IMAGE");
	}
	rc = cli_load_public_key("verify-attestation", key, &k);
	if (rc)
		return rc;
	if (envelope)
		rc = verify_envelope(k, envelope, blob, digest, want_type, json);
	else
		rc = verify_image(k, argv[optind], &reg, want_type, json);
	bh_sign_key_free(k);
	return rc;
}

const struct bh_command cmd_verify_attestation_def = {
	.name = "verify-attestation",
	.fn = run,
	.summary = "verify cosign attestations of an image or a blob",
	.usage = "verify-attestation --key FILE [--type TYPE] [-f FORMAT] (IMAGE | --envelope "
		 "FILE (--blob FILE | --digest DIGEST))",
	.description =
		"Verify the attestations cosign attest (or bulkhead attest) stored for IMAGE in the\n"
		"sha256-<hex>.att tag beside it. Each layer is a DSSE envelope; it counts when one of\n"
		"its signatures verifies with the key over the DSSE pre-authentication encoding of its\n"
		"payload, the payload type is application/vnd.in-toto+json, one subject of the\n"
		"in-toto statement carries the image's sha256 digest, and (with --type) the predicate\n"
		"type matches. With --envelope, verify one envelope file offline against --blob or\n"
		"--digest, as cosign verify-blob-attestation does.\n"
		"Exit status: 0 when at least one attestation verifies, 1 when none does, 2 for usage\n"
		"or input errors (a malformed key or envelope), 3 when the registry fails.",
	.options = verify_att_options,
	.examples = "  $ bulkhead verify-attestation --key cosign.pub --type cyclonedx "
		    "registry.example.com/agents/llm-agent:1.4\n"
		    "  $ bulkhead verify-attestation --key cosign.pub --envelope att.json --blob "
		    "artifact.tar\n",
};
