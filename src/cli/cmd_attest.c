/*
 * bulkhead attest: sign an in-toto statement about an image (or a blob) as cosign attest does.
 * The statement names the image digest as its subject and carries the predicate file (an SBOM
 * from bulkhead image --sbom, a provenance document, any JSON); it is wrapped in a DSSE envelope
 * signed over its pre-authentication encoding and pushed as a layer of the sha256-<hex>.att tag.
 */
#include "cli.h"

#include <getopt.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/fs.h"
#include "core/limits.h"
#include "signing.h"

#include "core/banned.h"

enum {
	OPT_KEY = CLI_OPT_FIRST_COMMAND_OPTION,
	OPT_PREDICATE,
	OPT_TYPE,
	OPT_BLOB,
	OPT_OUTPUT_SIGNATURE,
};

static const struct bh_opt_doc attest_options[] = {
	{ "--key FILE",
	  "The encrypted private key; required. Its password is $COSIGN_PASSWORD, else asked on the terminal." },
	{ "--predicate FILE",
	  "The predicate: JSON for every type but custom, whose predicate is text; required." },
	{ "--type TYPE",
	  "slsaprovenance, slsaprovenance1, spdx, spdxjson, cyclonedx, vuln, openvex, link, custom, or a URI. Default: cyclonedx or spdxjson when the predicate is such an SBOM, else custom (cosign's default)." },
	{ "--blob FILE",
	  "Attest a blob instead of an image: the statement's subject is FILE's sha256." },
	{ "--output-signature FILE",
	  "With --blob: write the DSSE envelope to FILE (atomically) instead of standard output." },
	CLI_REGISTRY_OPTIONS,
	{ "-h, --help", "Show this help." },
	{ NULL, NULL },
};

/* With no --type, an SBOM bulkhead (or syft, or trivy) wrote is attested as what it is. */
static const char *guess_type(const char *predicate, size_t len)
{
	json_t *root = json_loadb(predicate, len, 0, NULL);
	const char *type = "custom";

	if (json_is_string(json_object_get(root, "bomFormat")) &&
	    strcmp(json_string_value(json_object_get(root, "bomFormat")), "CycloneDX") == 0)
		type = "cyclonedx";
	else if (json_is_string(json_object_get(root, "spdxVersion")))
		type = "spdxjson";
	json_decref(root);
	return type;
}

/* The statement about (name, sha256) signed into an envelope. */
static int make_envelope(const struct bh_sign_key *k, const char *type_uri, const char *name,
			 const char *digest, const char *pred_path, const char *predicate,
			 size_t len, struct bh_buf *envelope)
{
	struct bh_buf st = BH_BUF_INIT, pae = BH_BUF_INIT;
	struct bh_diag d = { 0 };
	unsigned char *sig = NULL;
	size_t siglen = 0;
	char stamp[32];
	time_t now = time(NULL);
	struct tm tm;
	bh_err err;

	/* cosign stamps the custom predicate with RFC 3339 UTC time. */
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm);
	err = bh_intoto_statement_build(&st, type_uri, name, digest + 7, pred_path, predicate, len,
					stamp, &d);
	if (!err)
		err = bh_dsse_pae(&pae, BH_SIGN_INTOTO_TYPE, st.data, st.len);
	if (!err)
		err = bh_sign_data(k, pae.data, pae.len, &sig, &siglen, &d);
	if (!err)
		err = bh_dsse_envelope_build(envelope, BH_SIGN_INTOTO_TYPE, st.data, st.len, sig,
					     siglen);
	bh_buf_release(&st);
	bh_buf_release(&pae);
	free(sig);
	if (err) {
		if (!d.msg[0])
			bh_diag_set(&d, err, pred_path, 0, 0, "out of memory");
		cli_diag(&d);
		return bh_err_exit_code(err);
	}
	return 0;
}

static int attest_blob(const struct bh_sign_key *k, const char *type_uri, const char *blob,
		       const char *pred_path, const char *predicate, size_t len,
		       const char *out_path)
{
	struct bh_buf env = BH_BUF_INIT;
	struct bh_diag d = { 0 };
	char *data = NULL, digest[72];
	const char *name = strrchr(blob, '/') ? strrchr(blob, '/') + 1 : blob;
	size_t blen = 0;
	int rc = cli_read_file(blob, BH_LIMIT_SIGN_DOC_BYTES, &data, &blen);

	if (rc)
		return rc;
	bh_sign_sha256_digest(data, blen, digest);
	free(data);
	rc = make_envelope(k, type_uri, name, digest, pred_path, predicate, len, &env);
	if (!rc && out_path) {
		bh_err err = bh_fs_write_atomic(out_path, env.data, env.len, &d);

		if (err) {
			cli_diag(&d);
			rc = 3;
		}
	} else if (!rc) {
		printf("%s\n", env.data);
	}
	bh_buf_release(&env);
	return rc;
}

static int attest_image(const struct bh_sign_key *k, const char *type_uri, const char *image,
			const struct bh_registry_opts *ro, const char *pred_path,
			const char *predicate, size_t len)
{
	struct bh_sign_target t = { 0 };
	struct bh_buf env = BH_BUF_INIT;
	struct bh_diag d = { 0 };
	char tag[80], tag_digest[BH_DIGEST_BUF];
	bh_err err;
	int rc;

	err = bh_sign_remote_open(image, ro, &t, &d);
	if (err)
		return cli_sign_fail(err, &d, image);
	rc = make_envelope(k, type_uri, t.docker_ref, t.digest, pred_path, predicate, len, &env);
	if (rc)
		goto out;
	/* cosign leaves the signature annotation of an attestation empty: the signature is in
	 * the envelope. */
	err = bh_sign_remote_append(&t, "att", env.data, env.len, BH_SIGN_MT_DSSE, "", type_uri,
				    tag_digest, &d);
	if (err) {
		rc = cli_sign_fail(err, &d, image);
		goto out;
	}
	bh_sign_remote_tag(&t, "att", tag);
	printf("Pushed %s attestation of %s@%s to %s:%s (%s)\n", type_uri, t.docker_ref, t.digest,
	       t.docker_ref, tag, tag_digest);
out:
	bh_buf_release(&env);
	bh_sign_remote_close(&t);
	return rc;
}

static int run(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "key", required_argument, NULL, OPT_KEY },
		{ "predicate", required_argument, NULL, OPT_PREDICATE },
		{ "type", required_argument, NULL, OPT_TYPE },
		{ "blob", required_argument, NULL, OPT_BLOB },
		{ "output-signature", required_argument, NULL, OPT_OUTPUT_SIGNATURE },
		CLI_REGISTRY_LONGOPTS,
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *key = NULL, *pred_path = NULL, *type = NULL, *blob = NULL, *out = NULL;
	const char *type_uri;
	struct bh_registry_opts reg = { 0 };
	struct bh_sign_key *k = NULL;
	char *predicate = NULL;
	size_t len = 0;
	int opt, rc;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (opt) {
		case OPT_KEY:
			key = optarg;
			break;
		case OPT_PREDICATE:
			pred_path = optarg;
			break;
		case OPT_TYPE:
			type = optarg;
			break;
		case OPT_BLOB:
			blob = optarg;
			break;
		case OPT_OUTPUT_SIGNATURE:
			out = optarg;
			break;
		case 'h':
			cli_help(stdout, &cmd_attest_def);
			return 0;
		default:
			if (cli_registry_option(&reg, opt, optarg))
				break;
			return cli_bad_option(&cmd_attest_def, argv);
		}
	}
	if (!key || !pred_path)
		return cli_usage(&cmd_attest_def, "--key and --predicate are required");
	if (type && !bh_intoto_predicate_type(type))
		return cli_usage(&cmd_attest_def,
				 "unknown --type '%s' (a cosign type name or a URI)", type);
	if (blob ? optind != argc : optind + 1 != argc)
		return cli_usage(&cmd_attest_def,
				 blob ? "no IMAGE with --blob" : "expected one IMAGE");
	if (out && !blob)
		return cli_usage(&cmd_attest_def, "--output-signature goes with --blob");
	rc = cli_read_file(pred_path, BH_LIMIT_SIGN_DOC_BYTES, &predicate, &len);
	if (rc)
		return rc;
	type_uri = bh_intoto_predicate_type(type ? type : guess_type(predicate, len));
	rc = cli_load_private_key("attest", key, &k);
	if (rc)
		goto out;
	if (blob)
		rc = attest_blob(k, type_uri, blob, pred_path, predicate, len, out);
	else
		rc = attest_image(k, type_uri, argv[optind], &reg, pred_path, predicate, len);
out:
	bh_sign_key_free(k);
	free(predicate);
	return rc;
}

const struct bh_command cmd_attest_def = {
	.name = "attest",
	.fn = run,
	.summary = "attest an SBOM or provenance for an image with a cosign key",
	.usage = "attest --key FILE --predicate FILE [--type TYPE] (IMAGE | --blob FILE "
		 "[--output-signature FILE])",
	.description =
		"Attest IMAGE as cosign attest --key does: an in-toto Statement v0.1 whose subject is\n"
		"the image (its repository and sha256 digest) and whose predicate is the --predicate\n"
		"file, in a DSSE envelope signed with ECDSA P-256 over the DSSE pre-authentication\n"
		"encoding, pushed as a layer (application/vnd.dsse.envelope.v1+json, annotation\n"
		"predicateType) of the sha256-<hex>.att tag; an existing tag gets the layer appended.\n"
		"The CI use: bulkhead image IMG --sbom cyclonedx > sbom.json, then attest sbom.json.\n"
		"With --blob, attest a file instead and write the envelope, as cosign attest-blob\n"
		"does.\n"
		"Exit status: 0 when attested, 2 for usage or input errors (a predicate that is not\n"
		"JSON, a wrong password), 3 when the registry cannot be reached or refuses the push.",
	.options = attest_options,
	.examples = "  $ bulkhead image agent.tar --sbom cyclonedx > "
		    "sbom.json\n"
		    "  $ bulkhead attest --key cosign.key --predicate sbom.json --type cyclonedx "
		    "registry.example.com/agents/llm-agent:1.4\n",
};
