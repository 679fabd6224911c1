/*
 * A small driver of the registry client for tests/registry/registry.sh: each command does one
 * client call against a real registry and prints what it returned, so the script can check the
 * results with curl and skopeo. Failures print the error's name and the diag message and exit
 * with bh_err_exit_code().
 *
 *   regtool [--plain-http] [--insecure] [--ca-file F] [--auth-file F] COMMAND ARGS
 *   parse REF                          the parsed parts and the formatted reference
 *   put-blob HOST/REPO FILE            prints the digest
 *   get-blob HOST/REPO DIGEST MAX OUT  writes the blob to OUT
 *   put-manifest REF MEDIATYPE FILE    REF has a tag or digest; prints the digest
 *   get-manifest REF OUT               prints the media type and digest, writes the body to OUT
 *   repeat-get REF N                   N gets through one handle (the token cache at work)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/fs.h"
#include "registry/registry.h"

static int die(bh_err err, const struct bh_diag *d)
{
	fprintf(stderr, "regtool: %s: %s\n", bh_err_name(err), d->msg);
	return bh_err_exit_code(err);
}

int main(int argc, char **argv)
{
	struct bh_registry_opts o = { 0 };
	struct bh_registry *reg = NULL;
	struct bh_diag d = { 0 };
	struct bh_ref ref = { 0 };
	struct bh_buf b = BH_BUF_INIT;
	char digest[BH_DIGEST_BUF], *data = NULL, *mt = NULL;
	size_t len = 0;
	const char *cmd;
	bh_err err;
	int i = 1, rc = 0;

	for (; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
		if (strcmp(argv[i], "--plain-http") == 0)
			o.plain_http = true;
		else if (strcmp(argv[i], "--insecure") == 0)
			o.insecure = true;
		else if (strcmp(argv[i], "--ca-file") == 0 && i + 1 < argc)
			o.ca_file = argv[++i];
		else if (strcmp(argv[i], "--auth-file") == 0 && i + 1 < argc)
			o.auth_file = argv[++i];
		else
			return fprintf(stderr, "regtool: unknown option %s\n", argv[i]), 2;
	}
	if (i + 1 >= argc)
		return fprintf(stderr, "regtool: usage: see tests/registry/regtool.c\n"), 2;
	cmd = argv[i++];
	err = bh_ref_parse(argv[i++], &ref, &d);
	if (err)
		return die(err, &d);
	if (strcmp(cmd, "parse") == 0) {
		char *s = bh_ref_format(&ref);

		printf("%s %s %s %s %s\n", ref.registry, ref.repository, ref.tag ? ref.tag : "-",
		       ref.digest ? ref.digest : "-", s ? s : "?");
		free(s);
		goto out;
	}
	err = bh_registry_open(&reg, ref.registry, &o, &d);
	if (err)
		goto fail;
	bh_buf_init(&b, 0);
	if (strcmp(cmd, "put-blob") == 0 && i < argc) {
		err = bh_fs_read(argv[i], 1u << 30, &data, &len, &d);
		if (!err)
			err = bh_registry_put_blob(reg, ref.repository, data, len, digest, &d);
		if (!err)
			printf("%s\n", digest);
	} else if (strcmp(cmd, "get-blob") == 0 && i + 2 < argc) {
		err = bh_registry_get_blob(reg, ref.repository, argv[i],
					   (size_t)strtoull(argv[i + 1], NULL, 10), &b, &d);
		if (!err)
			err = bh_fs_write_atomic(argv[i + 2], b.data ? b.data : "", b.len, &d);
	} else if (strcmp(cmd, "put-manifest") == 0 && i + 1 < argc) {
		err = bh_fs_read(argv[i + 1], 1u << 30, &data, &len, &d);
		if (!err)
			err = bh_registry_put_manifest(reg, ref.repository,
						       ref.digest ? ref.digest : ref.tag, argv[i],
						       data, len, digest, &d);
		if (!err)
			printf("%s\n", digest);
	} else if (strcmp(cmd, "get-manifest") == 0 && i < argc) {
		err = bh_registry_get_manifest(reg, ref.repository,
					       ref.digest ? ref.digest : ref.tag, &b, &mt, digest,
					       &d);
		if (!err)
			err = bh_fs_write_atomic(argv[i], b.data ? b.data : "", b.len, &d);
		if (!err)
			printf("%s %s\n", mt, digest);
	} else if (strcmp(cmd, "repeat-get") == 0 && i < argc) {
		long n = strtol(argv[i], NULL, 10);

		for (long k = 0; k < n && !err; k++) {
			bh_buf_reset(&b);
			free(mt);
			mt = NULL;
			err = bh_registry_get_manifest(reg, ref.repository,
						       ref.digest ? ref.digest : ref.tag, &b, &mt,
						       digest, &d);
		}
		if (!err)
			printf("%s\n", digest);
	} else {
		fprintf(stderr, "regtool: bad command or arguments: %s\n", cmd);
		rc = 2;
	}
fail:
	if (err)
		rc = die(err, &d);
out:
	free(mt);
	free(data);
	bh_buf_release(&b);
	bh_registry_close(reg);
	bh_ref_free(&ref);
	return rc;
}
