/*
 * bulkhead dockerfile dump: parse a Dockerfile as BuildKit does and print its AST in BuildKit's
 * dump format, one "(instruction ...)" line per instruction. With --lines each line is prefixed
 * by the instruction's line range and followed by its heredocs, for checking what the parser
 * saw. A file BuildKit would reject exits 2 with file:line and the reason; nothing is printed.
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/fs.h"
#include "core/limits.h"
#include "image/dockerfile.h"

#include "core/banned.h"

static const struct bh_opt_doc dockerfile_options[] = {
	{ "--lines", "Prefix each instruction with its line range and list its heredocs." },
	{ "-h, --help", "Show this help." },
	{ NULL, NULL },
};

static bh_err dump_lines(const struct bh_dockerfile *df, struct bh_buf *out)
{
	bh_err err = BH_OK;

	for (size_t i = 0; i < df->n && !err; i++) {
		const struct bh_df_instr *in = &df->instrs[i];
		struct bh_dockerfile one = *df;

		one.instrs = (struct bh_df_instr *)in;
		one.n = 1;
		err = bh_buf_printf(out, "%u-%u\t", in->start_line, in->end_line);
		if (!err)
			err = bh_dockerfile_dump(&one, out);
		for (size_t h = 0; h < in->nheredocs && !err; h++) {
			const struct bh_df_heredoc *hd = &in->heredocs[h];

			err = bh_buf_printf(out,
					    "\theredoc %s fd=%u expand=%d chomp=%d lines=%u-%u\n",
					    hd->name, hd->fd, hd->expand, hd->chomp, hd->start_line,
					    hd->end_line);
			if (!err)
				err = bh_buf_printf(out, "\t| %s", hd->content);
		}
	}
	return err;
}

static int dump(int argc, char **argv)
{
	const char *path = NULL;
	int lines = 0, rc = 2;
	char *data = NULL;
	size_t len = 0;
	struct bh_arena a;
	struct bh_dockerfile df;
	struct bh_diag d = { 0 };
	struct bh_buf out = BH_BUF_INIT;
	bh_err err;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--lines"))
			lines = 1;
		else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			cli_help(stdout, &cmd_dockerfile_def);
			return 0;
		} else if (argv[i][0] == '-' && argv[i][1])
			return cli_usage(&cmd_dockerfile_def, "unknown option '%s'", argv[i]);
		else if (path)
			return cli_usage(&cmd_dockerfile_def, "expected one FILE");
		else
			path = argv[i];
	}
	if (!path)
		return cli_usage(&cmd_dockerfile_def, "expected a FILE");
	err = bh_fs_read(path, BH_LIMIT_FILE_BYTES, &data, &len, &d);
	if (err) {
		cli_diag(&d);
		return err == BH_ERR_NOMEM ? 3 : 2;
	}
	bh_arena_init(&a, 0);
	bh_buf_init(&out, 0);
	err = bh_dockerfile_parse(&a, path, data, len, &df, &d);
	if (!err)
		err = lines ? dump_lines(&df, &out) : bh_dockerfile_dump(&df, &out);
	if (err) {
		if (!d.msg[0])
			bh_diag_set(&d, err, path, 0, 0, "%s", bh_err_name(err));
		cli_diag(&d);
		rc = err == BH_ERR_NOMEM ? 3 : 2;
		goto out;
	}
	rc = (out.len && fwrite(out.data, 1, out.len, stdout) != out.len) || fflush(stdout) ? 3 : 0;
out:
	bh_buf_release(&out);
	bh_arena_release(&a);
	free(data);
	return rc;
}

static int run(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "dump"))
		return dump(argc - 1, argv + 1);
	if (argc >= 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		cli_help(stdout, &cmd_dockerfile_def);
		return 0;
	}
	return cli_usage(&cmd_dockerfile_def, "expected a subcommand: dump");
}

const struct bh_command cmd_dockerfile_def = {
	.name = "dockerfile",
	.fn = run,
	.summary = "print a Dockerfile's syntax tree as BuildKit parses it",
	.usage = "dockerfile dump [--lines] FILE|-",
	.description =
		"Parse FILE with BuildKit's Dockerfile syntax (parser directives, line continuations,\n"
		"exec and shell forms, flags, heredocs, ONBUILD) and print the tree in BuildKit's dump\n"
		"format. Exit status: 0 on success, 2 when BuildKit would reject the file (the error\n"
		"names file:line and the reason).",
	.options = dockerfile_options,
	.examples = "  $ bulkhead dockerfile dump Dockerfile\n"
		    "  $ bulkhead dockerfile dump --lines build/Containerfile\n",
};
