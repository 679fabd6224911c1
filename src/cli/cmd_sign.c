/*
 * bulkhead sign: sign an image as cosign sign --key does (the simple-signing payload of the
 * image digest, pushed with its signature as a layer of the sha256-<hex>.sig tag), or, with
 * --payload, sign a blob as cosign sign-blob does.
 */
#include "cli.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "core/fs.h"
#include "core/limits.h"
#include "signing.h"

#include "core/banned.h"

enum {
	OPT_KEY = CLI_OPT_FIRST_COMMAND_OPTION,
	OPT_PAYLOAD,
	OPT_OUTPUT_SIGNATURE,
};

static const struct bh_opt_doc sign_options[] = {
	{ "--key FILE",
	  "The encrypted private key (cosign.key from bulkhead keygen or cosign generate-key-pair); required. Its password is $COSIGN_PASSWORD, else asked on the terminal." },
	{ "-a, --annotations KEY=VALUE",
	  "Add an annotation to the signed payload's optional section (repeatable)." },
	{ "--payload FILE", "Sign a blob instead of an image: FILE's bytes, as they are." },
	{ "--output-signature FILE",
	  "With --payload: write the base64 signature to FILE (atomically) instead of standard output." },
	CLI_REGISTRY_OPTIONS,
	{ "-h, --help", "Show this help." },
	{ NULL, NULL },
};

static int sign_blob(const struct bh_sign_key *k, const char *payload_path, const char *out_path)
{
	struct bh_buf b64 = BH_BUF_INIT;
	struct bh_diag d = { 0 };
	unsigned char *sig = NULL;
	char *payload = NULL;
	size_t len = 0, siglen = 0;
	bh_err err;
	int rc = cli_read_file(payload_path, BH_LIMIT_SIGN_DOC_BYTES, &payload, &len);

	if (rc)
		return rc;
	err = bh_sign_data(k, payload, len, &sig, &siglen, &d);
	if (!err)
		err = bh_b64_encode(&b64, sig, siglen);
	if (!err && out_path)
		err = bh_fs_write_atomic(out_path, b64.data, b64.len, &d);
	if (err) {
		cli_diag(&d);
		rc = 3;
	} else if (!out_path) {
		printf("%s\n", b64.data);
	}
	bh_buf_release(&b64);
	free(sig);
	free(payload);
	return rc;
}

static int sign_image(const struct bh_sign_key *k, const char *image,
		      const struct bh_registry_opts *ro, const struct bh_sign_annotation *ann,
		      size_t nann)
{
	struct bh_sign_target t = { 0 };
	struct bh_buf payload = BH_BUF_INIT, b64 = BH_BUF_INIT;
	struct bh_diag d = { 0 };
	unsigned char *sig = NULL;
	size_t siglen = 0;
	char tag[80], tag_digest[BH_DIGEST_BUF];
	bh_err err;
	int rc = 0;

	err = bh_sign_remote_open(image, ro, &t, &d);
	if (err)
		return cli_sign_fail(err, &d, image);
	err = bh_sign_payload_build(&payload, t.docker_ref, t.digest, ann, nann);
	if (!err)
		err = bh_sign_data(k, payload.data, payload.len, &sig, &siglen, &d);
	if (!err)
		err = bh_b64_encode(&b64, sig, siglen);
	if (!err)
		err = bh_sign_remote_append(&t, "sig", payload.data, payload.len,
					    BH_SIGN_MT_SIMPLESIGNING, b64.data, NULL, tag_digest,
					    &d);
	if (err) {
		rc = cli_sign_fail(err, &d, image);
	} else {
		bh_sign_remote_tag(&t, "sig", tag);
		printf("Pushed signature of %s@%s to %s:%s (%s)\n", t.docker_ref, t.digest,
		       t.docker_ref, tag, tag_digest);
	}
	free(sig);
	bh_buf_release(&payload);
	bh_buf_release(&b64);
	bh_sign_remote_close(&t);
	return rc;
}

static int run(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "key", required_argument, NULL, OPT_KEY },
		{ "annotations", required_argument, NULL, 'a' },
		{ "payload", required_argument, NULL, OPT_PAYLOAD },
		{ "output-signature", required_argument, NULL, OPT_OUTPUT_SIGNATURE },
		CLI_REGISTRY_LONGOPTS,
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct bh_sign_annotation ann[64];
	struct bh_registry_opts reg = { 0 };
	const char *key = NULL, *payload = NULL, *out_sig = NULL;
	struct bh_sign_key *k = NULL;
	size_t nann = 0;
	int opt, rc;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "a:h", longopts, NULL)) != -1) {
		switch (opt) {
		case OPT_KEY:
			key = optarg;
			break;
		case 'a':
			if (cli_annotation(optarg, ann, sizeof(ann) / sizeof(*ann), &nann))
				return cli_usage(&cmd_sign_def,
						 "-a wants KEY=VALUE (at most 64): '%s'", optarg);
			break;
		case OPT_PAYLOAD:
			payload = optarg;
			break;
		case OPT_OUTPUT_SIGNATURE:
			out_sig = optarg;
			break;
		case 'h':
			cli_help(stdout, &cmd_sign_def);
			return 0;
		default:
			if (cli_registry_option(&reg, opt, optarg))
				break;
			return cli_bad_option(&cmd_sign_def, argv);
		}
	}
	if (!key)
		return cli_usage(&cmd_sign_def, "--key is required (keyless signing is not "
						"supported)");
	if (payload ? optind != argc : optind + 1 != argc)
		return cli_usage(&cmd_sign_def,
				 payload ? "no IMAGE with --payload" : "expected one IMAGE");
	if (out_sig && !payload)
		return cli_usage(&cmd_sign_def, "--output-signature goes with --payload");
	if (payload && nann)
		return cli_usage(&cmd_sign_def, "-a annotates an image's payload, not a blob");
	rc = cli_load_private_key("sign", key, &k);
	if (rc)
		return rc;
	if (payload)
		rc = sign_blob(k, payload, out_sig);
	else
		rc = sign_image(k, argv[optind], &reg, ann, nann);
	bh_sign_key_free(k);
	return rc;
}

const struct bh_command cmd_sign_def = {
	.name = "sign",
	.fn = run,
	.summary = "sign an image (or a blob) with a cosign key",
	.usage = "sign --key FILE [-a KEY=VALUE]... (IMAGE | --payload FILE [--output-signature "
		 "FILE])",
	.description =
		"Sign IMAGE as cosign sign --key does: resolve its digest at the registry, build the\n"
		"simple-signing payload for it (byte for byte cosign's), sign it with ECDSA P-256\n"
		"over SHA-256, and push the payload as a layer of the sha256-<hex>.sig tag in the\n"
		"same repository, the base64 signature in its dev.cosignproject.cosign/signature\n"
		"annotation. When the tag exists the layer is appended, so earlier signatures stay.\n"
		"cosign verify and bulkhead verify both accept the result. With --payload, sign a\n"
		"blob and print the base64 signature, as cosign sign-blob does.\n"
		"Exit status: 0 when signed, 2 for usage or input errors (a wrong password, a\n"
		"malformed key), 3 when the registry cannot be reached or refuses the push.",
	.options = sign_options,
	.examples = "  $ COSIGN_PASSWORD=... bulkhead sign --key cosign.key "
		    "registry.example.com/agents/llm-agent:1.4\n"
		    "  $ bulkhead sign --key cosign.key --payload release.tar --output-signature "
		    "release.tar.sig\n",
};
