/*
 * Known vulnerabilities: OSV advisories imported into an SQLite database (osvdb.c), the packages
 * to check read from an SBOM or a purl (pkgs.c), and the matching of one against the other
 * (match.c) with each ecosystem's version order (version.h).
 */
#ifndef BH_VULN_H
#define BH_VULN_H

#include <stddef.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/rule.h"
#include "vuln/version.h"

/* The default database path ($XDG_CACHE_HOME/bulkhead/vuln.db, else ~/.cache/...), arena string;
 * NULL when neither variable is set. */
const char *bh_vuln_default_db(struct bh_arena *a);

struct bh_vuln_import_stats {
	size_t files;	 /* JSON documents read */
	size_t imported; /* advisories written (new or newer) */
	size_t kept;	 /* advisories skipped because the database had a newer one */
	size_t withdrawn;
	int output_failed; /* the error was in writing the database, not in reading the input */
};

/*
 * Import the OSV advisories of paths (JSON files, directories of them, zips of them) into the
 * database db. The new database is built in a temporary file next to db and renamed over it only
 * when every advisory was read, so a failed import leaves db as it was. An advisory already in
 * the database is replaced when the new one's "modified" is the same or later.
 */
bh_err bh_vuln_import(const char *db, const char *const *paths, size_t npaths,
		      struct bh_vuln_import_stats *stats, struct bh_diag *diag);

/* A package to check. */
struct bh_vuln_pkg {
	const char *purl;
	const char *ecosystem;	 /* OSV ecosystem: "Debian:12", "Alpine:v3.19", "PyPI", "npm" */
	const char *name;	 /* the name advisories use (Debian, Alpine: the source package) */
	const char *bin_name;	 /* the installed package's own name */
	const char *version;	 /* the version advisories are written against */
	const char *bin_version; /* the installed package's own version */
	enum bh_vscheme scheme;
};

/*
 * The package a purl names, or BH_ERR_USAGE when its type is not one bulkhead matches (rpm,
 * generic...). source and source_version (or NULL) say what the package was built from; os_id and
 * os_version (or NULL) stand in for a missing distro qualifier.
 */
bh_err bh_vuln_pkg_from_purl(struct bh_arena *a, const char *purl, const char *source,
			     const char *source_version, const char *os_id, const char *os_version,
			     struct bh_vuln_pkg *out);

struct bh_vuln_pkgs {
	struct bh_vuln_pkg *items;
	size_t n, cap;
	size_t skipped; /* components without a purl bulkhead can match */
};

/* Append a package; BH_ERR_LIMIT past BH_LIMIT_VULN_PACKAGES. */
bh_err bh_vuln_pkgs_add(struct bh_arena *a, struct bh_vuln_pkgs *list, const struct bh_vuln_pkg *p);

/* The packages of a CycloneDX 1.5 or SPDX 2.3 JSON SBOM (file names it in errors). */
bh_err bh_vuln_sbom_read(struct bh_arena *a, const char *data, size_t len, const char *file,
			 struct bh_vuln_pkgs *out, struct bh_diag *diag);

/* One package affected by one advisory. */
struct bh_vuln_hit {
	const struct bh_vuln_pkg *pkg;
	const char *id;
	const char *aliases; /* ", "-joined, or "" */
	const char *summary;
	const char *fixed; /* the first fixed version above the installed one, or NULL */
	enum bh_severity severity;
	int severity_known;	     /* 0: the advisory gives none bulkhead understands */
	const char *severity_source; /* "CVSS:3.1/... (9.8)", "database: HIGH" or "" */
};

/* Called once per (package, advisory); a non-zero error stops the match and is returned. */
typedef bh_err (*bh_vuln_hit_fn)(const struct bh_vuln_hit *hit, void *ctx);

/* Match every package against the database db (opened read-only). */
bh_err bh_vuln_match(const char *db, const struct bh_vuln_pkgs *pkgs, bh_vuln_hit_fn fn, void *ctx,
		     struct bh_diag *diag);

/*
 * Whether version is affected by one OSV affected[] entry: ranges is its ranges array and versions
 * its versions array, both as JSON text. *fixed (arena string, or NULL) is the fix above version.
 * Returns 1 affected, 0 not, -1 when the entry cannot be evaluated.
 */
int bh_vuln_affected(struct bh_arena *a, enum bh_vscheme s, const char *version, const char *ranges,
		     const char *versions, const char **fixed);

/* The CVSS v3 base score of a vector ("CVSS:3.1/AV:N/..."), or -1 when it is not one. */
double bh_cvss3_score(const char *vector);
/* The severity band of a CVSS v3 score (0.1-3.9 low, 4-6.9 medium, 7-8.9 high, 9+ critical). */
enum bh_severity bh_cvss3_band(double score);

#endif
