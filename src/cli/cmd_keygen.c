/*
 * bulkhead keygen: a cosign key pair. The private key is written in the encrypted format cosign
 * reads (so `cosign sign --key` accepts it), mode 0600, atomically; the public key as PKIX PEM.
 */
#include "cli.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/fs.h"
#include "signing.h"

#include "core/banned.h"

enum {
	OPT_PREFIX = CLI_OPT_FIRST_COMMAND_OPTION,
	OPT_FORCE,
};

static const struct bh_opt_doc keygen_options[] = {
	{ "--output-key-prefix P",
	  "Write P.key and P.pub (default cosign, as cosign generate-key-pair does)." },
	{ "--force", "Replace existing key files; without it keygen refuses to overwrite them." },
	{ "-h, --help", "Show this help." },
	{ NULL, NULL },
};

static int run(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "output-key-prefix", required_argument, NULL, OPT_PREFIX },
		{ "force", no_argument, NULL, OPT_FORCE },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct bh_buf key = BH_BUF_INIT, pub = BH_BUF_INIT, key_path = BH_BUF_INIT,
		      pub_path = BH_BUF_INIT;
	const char *prefix = "cosign";
	struct bh_diag d = { 0 };
	struct stat st;
	char *pw = NULL;
	int opt, force = 0, rc;
	bh_err err;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (opt) {
		case OPT_PREFIX:
			prefix = optarg;
			break;
		case OPT_FORCE:
			force = 1;
			break;
		case 'h':
			cli_help(stdout, &cmd_keygen_def);
			return 0;
		default:
			return cli_bad_option(&cmd_keygen_def, argv);
		}
	}
	if (optind < argc)
		return cli_usage(&cmd_keygen_def, "unexpected argument '%s'", argv[optind]);
	if (!*prefix)
		return cli_usage(&cmd_keygen_def, "--output-key-prefix is empty");
	if (bh_buf_printf(&key_path, "%s.key", prefix) ||
	    bh_buf_printf(&pub_path, "%s.pub", prefix))
		return 3;
	rc = 2;
	if (!force && (stat(key_path.data, &st) == 0 || stat(pub_path.data, &st) == 0)) {
		fprintf(stderr, "bulkhead keygen: %s or %s exists; use --force to replace it\n",
			key_path.data, pub_path.data);
		goto out;
	}
	rc = cli_password("keygen", 1, &pw);
	if (rc)
		goto out;
	err = bh_sign_keygen(pw, &key, &pub, &d);
	cli_password_free(pw);
	if (!err)
		err = bh_fs_write_private(key_path.data, key.data, key.len, &d);
	if (!err)
		err = bh_fs_write_atomic(pub_path.data, pub.data, pub.len, &d);
	if (err) {
		cli_diag(&d);
		rc = err == BH_ERR_USAGE ? 2 : 3;
		goto out;
	}
	fprintf(stderr, "Private key written to %s\nPublic key written to %s\n", key_path.data,
		pub_path.data);
	rc = 0;
out:
	if (key.data)
		explicit_bzero(key.data, key.len);
	bh_buf_release(&key);
	bh_buf_release(&pub);
	bh_buf_release(&key_path);
	bh_buf_release(&pub_path);
	return rc;
}

const struct bh_command cmd_keygen_def = {
	.name = "keygen",
	.fn = run,
	.summary = "generate a cosign-compatible signing key pair",
	.usage = "keygen [--output-key-prefix P] [--force]",
	.description =
		"Generate an ECDSA P-256 key pair for sign and attest. P.key holds the private key\n"
		"encrypted as cosign encrypts it (scrypt N=32768 r=8 p=1 and NaCl secretbox, PEM\n"
		"ENCRYPTED SIGSTORE PRIVATE KEY), written with mode 0600; P.pub the public key (PEM\n"
		"PUBLIC KEY). cosign reads both, and bulkhead reads cosign's.\n"
		"The password is $COSIGN_PASSWORD when set (an empty value means no password), else\n"
		"asked twice on the terminal; without either keygen fails.\n"
		"Exit status: 0 when both files are written, 2 for usage errors or existing files,\n"
		"3 when a file cannot be written.",
	.options = keygen_options,
	.examples = "  $ COSIGN_PASSWORD=... bulkhead keygen --output-key-prefix ci\n"
		    "  # ci.key stays secret (a CI secret); ci.pub is published for verify\n",
};
