/*
 * What keygen, sign, verify, attest and verify-attestation share: the password (cosign's
 * COSIGN_PASSWORD, else a prompt on the terminal), loading key files with their errors printed,
 * and the registry options named as cosign names them.
 */
#ifndef BH_CLI_SIGNING_H
#define BH_CLI_SIGNING_H

#include <stddef.h>

#include "sign/remote.h"
#include "sign/sign.h"

/* The registry options of sign, verify, attest and verify-attestation, named as cosign names
 * them. */
struct cli_sign_registry {
	struct bh_registry_opts opts;
};

enum {
	CLI_OPT_ALLOW_INSECURE = 1200,
	CLI_OPT_ALLOW_HTTP,
	CLI_OPT_REGISTRY_CACERT,
};

/* clang-format off */
#define CLI_SIGN_REGISTRY_OPTION_DOCS \
	{ "--allow-insecure-registry", "Do not verify the registry's TLS certificate (cosign's flag of the same name)." }, \
	{ "--allow-http-registry", "Talk plain HTTP to the registry (cosign's flag of the same name); refused for a host that is not loopback unless --allow-insecure-registry is given too." }, \
	{ "--registry-cacert FILE", "Also trust the CA certificates in FILE (PEM) for the registry." }

#define CLI_SIGN_REGISTRY_LONGOPTS \
	{ "allow-insecure-registry", no_argument, NULL, CLI_OPT_ALLOW_INSECURE }, \
	{ "allow-http-registry", no_argument, NULL, CLI_OPT_ALLOW_HTTP }, \
	{ "registry-cacert", required_argument, NULL, CLI_OPT_REGISTRY_CACERT }
/* clang-format on */

/* Handle one registry option; returns 1 when opt was one. */
int cli_sign_registry_option(struct cli_sign_registry *r, int opt, const char *arg);

/*
 * The password for a key: $COSIGN_PASSWORD when it is set (even empty, as cosign reads it), else
 * read from the terminal without echo, twice when confirm is set. *out is malloc'd; free it
 * with cli_password_free. Returns 0, or 2 after printing why (no terminal, mismatch).
 */
int cli_password(const char *cmd, int confirm, char **out);
void cli_password_free(char *pw);

/* Load a private or public key file; returns 0, or the exit code after printing the error. */
int cli_load_private_key(const char *cmd, const char *path, struct bh_sign_key **k);
int cli_load_public_key(const char *cmd, const char *path, struct bh_sign_key **k);

/*
 * Read a whole file ("-" is standard input) of at most max bytes; returns 0 or the exit code
 * after printing the error.
 */
int cli_read_file(const char *path, size_t max, char **data, size_t *len);

/* Print d with file as its file when d names none; returns bh_err_exit_code(err). */
int cli_sign_fail(bh_err err, struct bh_diag *d, const char *file);

/* Parse "key=value" for -a; returns 0, or -1 when there is no '=' or the key is empty. */
int cli_annotation(char *arg, struct bh_sign_annotation *a);

#endif
