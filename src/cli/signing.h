/*
 * What keygen, sign, verify, attest and verify-attestation share: the password (cosign's
 * COSIGN_PASSWORD, else a prompt on the terminal) and loading key files with their errors
 * printed. Their registry options are those of every command that reaches a registry (cli.h).
 */
#ifndef BH_CLI_SIGNING_H
#define BH_CLI_SIGNING_H

#include <jansson.h>
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

/* Write a JSON list (consumed) to stdout; 0, or 3 when it cannot be written. */
int cli_emit_json(json_t *list);

/*
 * Check one layer of a .sig or .att tag: BH_OK when it verifies (having printed it, or appended
 * its JSON entry to list when list is not NULL), else the error with d saying why.
 */
typedef bh_err (*cli_layer_fn)(struct bh_sign_target *t, const struct bh_sig_layer *l, size_t index,
			       json_t *list, void *ctx, struct bh_diag *d);

struct cli_verify_spec {
	const char *cmd;  /* "verify" */
	const char *tag;  /* "sig" or "att" */
	const char *noun; /* "signature" */
	const char *why;  /* after "no valid NOUN of IMAGE with this key", or "" */
};

/*
 * verify and verify-attestation of an image in a registry: fetch the tag, check each layer with
 * fn, report the ones that fail on stderr and the count. Returns the exit code: 0 when one
 * layer verified, 1 when none did, 2 or 3 for bad input or a registry that failed.
 */
int cli_verify_layers(const char *image, const struct bh_registry_opts *ro,
		      const struct cli_verify_spec *s, cli_layer_fn fn, void *ctx, int json);

/* Print d with file as its file when d names none; returns bh_err_exit_code(err). */
int cli_sign_fail(bh_err err, struct bh_diag *d, const char *file);

/* Add -a's "key=value" to ann[0..*n) (cap entries at most); returns 0, or -1 when there is no
 * '=', the key is empty or ann is full. */
int cli_annotation(char *arg, struct bh_sign_annotation *ann, size_t cap, size_t *n);

#endif
