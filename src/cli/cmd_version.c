/* bulkhead version: the program's version and the versions of the libraries it runs with. */
#include "cli.h"

#include <hs/hs.h>
#include <jansson.h>
#include <openssl/crypto.h>
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <yaml.h>
#include <zlib.h>
#include <zstd.h>

#include "bh_config.h"
#include "image/archive_api.h"
#include "image/sqlite_api.h"
#include "secrets/git_api.h"

#include "core/banned.h"

static int run(int argc, char **argv)
{
	char pcre[64] = "";
	int major = 0, minor = 0, rev = 0;

	(void)argc;
	(void)argv;
	pcre2_config(PCRE2_CONFIG_VERSION, pcre);
	/* The libraries loaded on first use are loaded here to ask them; one that cannot be
	 * loaded says so instead of a version. */
	if (!bh_git_api_load(NULL))
		GIT(git_libgit2_version)(&major, &minor, &rev);
	printf("bulkhead %s\n", BH_VERSION);
	printf("  libyaml     %s\n", yaml_get_version_string());
	printf("  jansson     %s\n", jansson_version_str());
	printf("  openssl     %s\n", OpenSSL_version(OPENSSL_VERSION));
	printf("  libarchive  %s\n",
	       bh_archive_api_load(NULL) ? "not loadable" : AR(archive_version_string)());
	printf("  vectorscan  %s\n", hs_version());
	printf("  pcre2       %s\n", pcre);
	printf("  libgit2     %d.%d.%d\n", major, minor, rev);
	printf("  sqlite      %s\n",
	       bh_sqlite_api_load(NULL) ? "not loadable" : SQL(sqlite3_libversion)());
	printf("  zlib        %s\n", zlibVersion());
	printf("  zstd        %s\n", ZSTD_versionString());
	printf("  liburing    %s\n", BH_LIBURING_VERSION);
	return 0;
}

static const struct bh_opt_doc version_options[] = { { NULL, NULL } };

const struct bh_command cmd_version_def = {
	.name = "version",
	.fn = run,
	.summary = "show the version and the linked library versions",
	.usage = "version",
	.description = "Print bulkhead's version and the version of each library it runs with.",
	.options = version_options,
};
