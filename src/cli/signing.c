/* Helpers of the signing commands; see signing.h. */
#include "signing.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cli.h"
#include "core/fs.h"
#include "core/limits.h"
#include "report/jstr.h"

#include "core/banned.h"

#define PASSWORD_MAX 1024

void cli_password_free(char *pw)
{
	if (pw) {
		explicit_bzero(pw, strlen(pw));
		free(pw);
	}
}

/* One line from the terminal with echo off; returns a malloc'd string or NULL. */
static char *prompt(int fd, const char *text)
{
	struct termios old, quiet;
	char buf[PASSWORD_MAX];
	size_t n = 0;
	char c;
	int echo_off;

	/* Echo goes off before the prompt appears, and without flushing input (TCSANOW, not
	 * TCSAFLUSH): what is typed as soon as the prompt shows must neither be echoed nor lost. */
	echo_off = tcgetattr(fd, &old) == 0;
	if (echo_off) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(fd, TCSANOW, &quiet);
	}
	if (write(fd, text, strlen(text)) < 0) {
		if (echo_off)
			tcsetattr(fd, TCSANOW, &old);
		return NULL;
	}
	while (read(fd, &c, 1) == 1 && c != '\n')
		if (n + 1 < sizeof(buf))
			buf[n++] = c;
	buf[n] = 0;
	if (echo_off)
		tcsetattr(fd, TCSANOW, &old);
	if (write(fd, "\n", 1) < 0) {
		/* The newline only tidies the terminal. */
	}
	char *s = strdup(buf);
	explicit_bzero(buf, sizeof(buf));
	return s;
}

int cli_password(const char *cmd, int confirm, char **out)
{
	const char *env = getenv("COSIGN_PASSWORD");
	char *a, *b;
	int fd;

	if (env) {
		*out = strdup(env);
		return *out ? 0 : 3;
	}
	fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd < 0 || !isatty(fd)) {
		if (fd >= 0)
			close(fd);
		fprintf(stderr,
			"bulkhead %s: no password: set COSIGN_PASSWORD (there is no terminal to "
			"ask on)\n",
			cmd);
		return 2;
	}
	a = prompt(fd, "Enter password for private key: ");
	if (a && confirm) {
		b = prompt(fd, "Enter password for private key again: ");
		if (!b || strcmp(a, b) != 0) {
			cli_password_free(a);
			cli_password_free(b);
			close(fd);
			fprintf(stderr, "bulkhead %s: the passwords do not match\n", cmd);
			return 2;
		}
		cli_password_free(b);
	}
	close(fd);
	if (!a)
		return 3;
	*out = a;
	return 0;
}

int cli_read_file(const char *path, size_t max, char **data, size_t *len)
{
	struct bh_diag d = { 0 };
	bh_err err = bh_fs_read(path, max, data, len, &d);

	if (err) {
		cli_diag(&d);
		return err == BH_ERR_NOMEM ? 3 : 2;
	}
	return 0;
}

int cli_sign_fail(bh_err err, struct bh_diag *d, const char *file)
{
	if (file && (!d->file[0] || d->file[0] == '('))
		snprintf(d->file, sizeof(d->file), "%s", file);
	cli_diag(d);
	return bh_err_exit_code(err);
}

int cli_load_private_key(const char *cmd, const char *path, struct bh_sign_key **k)
{
	struct bh_diag d = { 0 };
	char *data = NULL, *pw = NULL;
	size_t len = 0;
	bh_err err;
	int rc;

	rc = cli_read_file(path, BH_LIMIT_SIGN_KEY_BYTES, &data, &len);
	if (rc)
		return rc;
	rc = cli_password(cmd, 0, &pw);
	if (rc) {
		free(data);
		return rc;
	}
	err = bh_sign_key_load_private(path, data, len, pw, k, &d);
	cli_password_free(pw);
	free(data);
	return err ? cli_sign_fail(err, &d, path) : 0;
}

int cli_load_public_key(const char *cmd, const char *path, struct bh_sign_key **k)
{
	struct bh_diag d = { 0 };
	char *data = NULL;
	size_t len = 0;
	bh_err err;
	int rc;

	(void)cmd;
	rc = cli_read_file(path, BH_LIMIT_SIGN_KEY_BYTES, &data, &len);
	if (rc)
		return rc;
	err = bh_sign_key_load_public(path, data, len, k, &d);
	free(data);
	return err ? cli_sign_fail(err, &d, path) : 0;
}

int cli_annotation(char *arg, struct bh_sign_annotation *ann, size_t cap, size_t *n)
{
	char *eq = strchr(arg, '=');

	if (!eq || eq == arg || *n == cap)
		return -1;
	*eq = 0;
	ann[*n].key = arg;
	ann[*n].value = eq + 1;
	++*n;
	return 0;
}

int cli_emit_json(json_t *list)
{
	struct bh_buf out = BH_BUF_INIT;
	bh_err err = bh_json_dump(list, 0, &out);

	if (!err)
		fwrite(out.data, 1, out.len, stdout);
	bh_buf_release(&out);
	return err ? 3 : 0;
}

int cli_verify_layers(const char *image, const struct bh_registry_opts *ro,
		      const struct cli_verify_spec *s, cli_layer_fn fn, void *ctx, int json)
{
	struct bh_sign_target t = { 0 };
	struct bh_sig_manifest m = { 0 };
	struct bh_diag d = { 0 };
	json_t *list = json ? json_array() : NULL;
	size_t good = 0;
	bh_err err;
	int rc;

	err = bh_sign_remote_open(image, ro, &t, &d);
	if (!err)
		err = bh_sign_remote_fetch(&t, s->tag, &m, &d);
	if (err) {
		rc = cli_sign_fail(err, &d, image);
		goto out;
	}
	for (size_t i = 0; i < m.n; i++) {
		struct bh_diag ld = { 0 };

		err = fn(&t, &m.layers[i], i, list, ctx, &ld);
		if (!err)
			good++;
		else
			fprintf(stderr, "bulkhead %s: %s %zu (%s): %s\n", s->cmd, s->noun, i + 1,
				m.layers[i].digest, ld.msg);
		/* A registry that fails mid-way is an operational error, not a bad layer. */
		if (err == BH_ERR_NET || err == BH_ERR_NOMEM || err == BH_ERR_IO) {
			rc = bh_err_exit_code(err);
			goto out;
		}
	}
	if (json) {
		rc = cli_emit_json(list);
		list = NULL;
		if (rc)
			goto out;
	}
	if (good == 0) {
		fprintf(stderr, "bulkhead %s: no valid %s of %s@%s with this key%s\n", s->cmd,
			s->noun, t.docker_ref, t.digest, s->why);
		rc = 1;
		goto out;
	}
	if (!json)
		printf("%s@%s: %zu of %zu %ss verified\n", t.docker_ref, t.digest, good, m.n,
		       s->noun);
	rc = 0;
out:
	json_decref(list);
	bh_sig_manifest_release(&m);
	bh_sign_remote_close(&t);
	return rc;
}
