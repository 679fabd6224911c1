/*
 * bulkhead db import: build or update the OSV advisory database that bulkhead vuln reads.
 */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <string.h>
#include <sys/stat.h>

#include "vuln/vuln.h"

#include "core/banned.h"

enum {
	OPT_DB = CLI_OPT_FIRST_COMMAND_OPTION,
};

static const struct bh_opt_doc db_options[] = {
	{ "--db FILE",
	  "The database to write (default $XDG_CACHE_HOME/bulkhead/vuln.db, else ~/.cache/bulkhead/vuln.db)." },
	{ "-h, --help", "Show this help." },
	{ NULL, NULL },
};

/* Create the parent directories of the default database (~/.cache/bulkhead). */
static int make_parents(const char *path)
{
	char dir[4096];

	if (snprintf(dir, sizeof(dir), "%s", path) >= (int)sizeof(dir))
		return -1;
	for (char *p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		if (mkdir(dir, 0700) != 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return 0;
}

static int run(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, OPT_DB },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct bh_vuln_import_stats st;
	struct bh_diag d = { 0 };
	struct bh_arena a;
	const char *db = NULL;
	int opt, rc = 0;
	bh_err err;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (opt) {
		case OPT_DB:
			db = optarg;
			break;
		case 'h':
			cli_help(stdout, &cmd_db_def);
			return 0;
		default:
			return cli_bad_option(&cmd_db_def, argv);
		}
	}
	if (optind >= argc || strcmp(argv[optind], "import"))
		return cli_usage(&cmd_db_def, "expected 'import PATH...'");
	if (optind + 1 >= argc)
		return cli_usage(&cmd_db_def, "import needs at least one PATH");
	bh_arena_init(&a, 0);
	if (!db) {
		db = bh_vuln_default_db(&a);
		if (!db) {
			bh_arena_release(&a);
			return cli_usage(&cmd_db_def,
					 "neither XDG_CACHE_HOME nor HOME is set: use --db");
		}
		if (make_parents(db)) {
			fprintf(stderr, "bulkhead: cannot create the directory of %s: %s\n", db,
				strerror(errno));
			bh_arena_release(&a);
			return 3;
		}
	}
	err = bh_vuln_import(db, (const char *const *)argv + optind + 1,
			     (size_t)(argc - optind - 1), &st, &d);
	if (err) {
		cli_diag(&d);
		fprintf(stderr, "bulkhead: import failed; %s is unchanged\n", db);
		/* Unreadable or malformed input is an input error (2); failing to write the
		 * database, or memory, is not (3). */
		rc = err == BH_ERR_NOMEM || st.output_failed ? 3 : 2;
	} else {
		fprintf(stderr,
			"bulkhead: %zu advisories read, %zu imported, %zu kept (newer in the database), %zu withdrawn, into %s\n",
			st.files, st.imported, st.kept, st.withdrawn, db);
	}
	bh_arena_release(&a);
	return rc;
}

const struct bh_command cmd_db_def = {
	.name = "db",
	.fn = run,
	.summary = "import OSV advisories into the vulnerability database",
	.usage = "db import [--db FILE] PATH...",
	.description =
		"Read OSV advisories from each PATH: a JSON file, a directory of them (walked\n"
		"recursively; .json and .zip files are read) or a zip of them (an OSV export of one\n"
		"ecosystem), and store them in an SQLite database for bulkhead vuln. The database is\n"
		"rebuilt in a temporary file and renamed into place, so a failed import leaves it as it\n"
		"was. An advisory already in the database is replaced when the new one's modified time\n"
		"is the same or later; a withdrawn advisory is removed.\n"
		"Exit status: 0 on success, 2 for usage or input errors (a malformed advisory is named\n"
		"by file, zip entry and reason), 3 when the database cannot be written.",
	.options = db_options,
	.examples = "  $ bulkhead db import Debian.zip Alpine.zip PyPI.zip npm.zip\n"
		    "  $ bulkhead db import --db ./vuln.db advisories/\n",
};
