/*
 * What keygen, sign, verify, attest and verify-attestation share: the password (cosign's
 * COSIGN_PASSWORD, else a prompt on the terminal) and loading key files with their errors
 * printed. Their registry options are those of every command that reaches a registry (cli.h).
 */
#ifndef BH_CLI_SIGNING_H
#define BH_CLI_SIGNING_H

#include <stddef.h>

#include "sign/remote.h"
#include "sign/sign.h"

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
