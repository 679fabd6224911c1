/*
 * bulkhead db import: OSV advisories (JSON files, directories, zip exports) into SQLite.
 *
 * The database is rebuilt in a temporary file beside the target (the old contents copied in,
 * the new advisories written over them in one transaction) and renamed over the target at the
 * end, so readers never see a half-written database and a failed import changes nothing.
 * Each affected[] entry is stored with its ranges and versions as compact JSON, which the
 * matcher evaluates with the ecosystem's version order; only what matching needs is kept.
 */
#include "vuln/vuln.h"

#include <errno.h>
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/fs.h"
#include "core/limits.h"
#include "image/archive_api.h"
#include "image/sqlite_api.h"

#include "core/banned.h"

#define SCHEMA_VERSION "1"

static const char schema[] =
	"CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
	"CREATE TABLE advisory(id TEXT PRIMARY KEY, modified TEXT NOT NULL, aliases TEXT NOT NULL,"
	" summary TEXT NOT NULL);"
	"CREATE TABLE affected(advisory TEXT NOT NULL, ecosystem TEXT NOT NULL, name TEXT NOT NULL,"
	" severity TEXT NOT NULL, severity_source TEXT NOT NULL, ranges TEXT NOT NULL,"
	" versions TEXT NOT NULL);"
	"CREATE INDEX affected_pkg ON affected(ecosystem, name);"
	"CREATE INDEX affected_adv ON affected(advisory);"
	"INSERT INTO meta VALUES('schema', '" SCHEMA_VERSION "');";

const char *bh_vuln_default_db(struct bh_arena *a)
{
	const char *x = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");

	if (x && *x == '/')
		return bh_arena_printf(a, "%s/bulkhead/vuln.db", x);
	if (home && *home)
		return bh_arena_printf(a, "%s/.cache/bulkhead/vuln.db", home);
	return NULL;
}

struct import {
	sqlite3 *db;
	sqlite3_stmt *get, *del_adv, *del_aff, *put_adv, *put_aff;
	struct bh_vuln_import_stats *stats;
	struct bh_diag *diag;
	const char *file;  /* the file being read */
	const char *entry; /* the zip entry being read, or NULL */
};

static bh_err fail(struct import *im, bh_err err, unsigned line, unsigned col, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* An error naming the file and, inside a zip, the entry. */
static bh_err fail(struct import *im, bh_err err, unsigned line, unsigned col, const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (im->entry)
		return bh_diag_set(im->diag, err, im->file, 0, 0, "entry %s:%u:%u: %s", im->entry,
				   line, col, msg);
	return bh_diag_set(im->diag, err, im->file, line, col, "%s", msg);
}

static bh_err sql_fail(struct import *im, const char *what)
{
	im->stats->output_failed = 1;
	return bh_diag_set(im->diag, BH_ERR_IO, im->file ? im->file : "database", 0, 0,
			   "database %s: %s", what, SQL(sqlite3_errmsg)(im->db));
}

static const char *str(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* ---- CVSS v3 ---- */

/* The metric's weight from "X:Y" pairs of the vector, or -1 when the metric is absent. */
static double metric(const char *vector, const char *name, const char *values,
		     const double *weights)
{
	size_t n = strlen(name);

	for (const char *p = strchr(vector, '/'); p; p = strchr(p + 1, '/')) {
		if (strncmp(p + 1, name, n) || p[1 + n] != ':')
			continue;
		for (size_t i = 0; values[i]; i++)
			if (p[2 + n] == values[i] && (p[3 + n] == '/' || !p[3 + n]))
				return weights[i];
		return -1;
	}
	return -1;
}

/* CVSS v3.1 "Roundup": the smallest one-decimal number at or above x, free of float noise. */
static double roundup(double x)
{
	long i = (long)(x * 100000.0 + 0.5);

	if (i % 10000 == 0)
		return (double)i / 100000.0;
	return (double)(i / 10000 + 1) / 10.0;
}

double bh_cvss3_score(const char *v)
{
	static const double av_w[] = { 0.85, 0.62, 0.55, 0.2 }, ac_w[] = { 0.77, 0.44 },
			    ui_w[] = { 0.85, 0.62 }, cia_w[] = { 0.56, 0.22, 0 },
			    pr_u[] = { 0.85, 0.62, 0.27 }, pr_c[] = { 0.85, 0.68, 0.5 },
			    s_w[] = { 0, 1 };
	double av, ac, pr, ui, s, c, i, a, iss, impact, expl;

	if (!v || (strncmp(v, "CVSS:3.0/", 9) && strncmp(v, "CVSS:3.1/", 9)))
		return -1;
	av = metric(v, "AV", "NALP", av_w);
	ac = metric(v, "AC", "LH", ac_w);
	s = metric(v, "S", "UC", s_w);
	pr = metric(v, "PR", "NLH", s > 0 ? pr_c : pr_u);
	ui = metric(v, "UI", "NR", ui_w);
	c = metric(v, "C", "HLN", cia_w);
	i = metric(v, "I", "HLN", cia_w);
	a = metric(v, "A", "HLN", cia_w);
	if (av < 0 || ac < 0 || s < 0 || pr < 0 || ui < 0 || c < 0 || i < 0 || a < 0)
		return -1;
	iss = 1 - (1 - c) * (1 - i) * (1 - a);
	if (s > 0) {
		double p = 1, base = iss - 0.02;

		for (int k = 0; k < 15; k++)
			p *= base;
		impact = 7.52 * (iss - 0.029) - 3.25 * p;
	} else {
		impact = 6.42 * iss;
	}
	if (impact <= 0)
		return 0;
	expl = 8.22 * av * ac * pr * ui;
	if (s > 0)
		return roundup(1.08 * (impact + expl) < 10 ? 1.08 * (impact + expl) : 10);
	return roundup(impact + expl < 10 ? impact + expl : 10);
}

enum bh_severity bh_cvss3_band(double score)
{
	if (score >= 9.0)
		return BH_SEV_CRITICAL;
	if (score >= 7.0)
		return BH_SEV_HIGH;
	if (score >= 4.0)
		return BH_SEV_MEDIUM;
	if (score > 0)
		return BH_SEV_LOW;
	return BH_SEV_INFO;
}

/* A database's own severity word (GHSA: MODERATE; Debian urgency: unimportant...). */
static const char *severity_word(const char *w)
{
	static const struct {
		const char *word, *sev;
	} map[] = {
		{ "critical", "critical" }, { "high", "high" },	      { "important", "high" },
		{ "moderate", "medium" },   { "medium", "medium" },   { "low", "low" },
		{ "negligible", "low" },    { "unimportant", "low" },
	};

	for (size_t i = 0; w && i < sizeof(map) / sizeof(*map); i++)
		if (!strcasecmp(w, map[i].word))
			return map[i].sev;
	return NULL;
}

/*
 * The severity of an advisory or affected entry: a CVSS v3 vector in severity[] scored by the
 * CVSS v3.1 formula, else the database's own severity word. *sev is "" when neither exists.
 */
static void severity_of(struct bh_buf *src, json_t *o, const char **sev)
{
	json_t *arr = json_object_get(o, "severity"), *e;
	size_t i;

	json_array_foreach(arr, i, e)
	{
		const char *type = str(e, "type"), *score = str(e, "score");
		double s;

		if (!type || !score || strcmp(type, "CVSS_V3"))
			continue;
		s = bh_cvss3_score(score);
		if (s < 0)
			continue;
		*sev = bh_severity_name(bh_cvss3_band(s));
		bh_buf_reset(src);
		bh_buf_printf(src, "%s (%.1f)", score, s);
		return;
	}
	for (int k = 0; k < 2; k++) {
		json_t *spec = json_object_get(o, k ? "database_specific" : "ecosystem_specific");
		const char *w = str(spec, "severity");
		const char *m = severity_word(w);

		if (!m) {
			w = str(spec, "urgency");
			m = severity_word(w);
		}
		if (m) {
			*sev = m;
			bh_buf_reset(src);
			bh_buf_printf(src, "database: %s", w);
			return;
		}
	}
}

/* ---- validation ---- */

/*
 * Why ranges is not a valid OSV ranges array, or NULL; where gets the offending element's path
 * relative to the affected[] entry ("ranges[1].events[0]").
 */
static const char *range_check(json_t *ranges, char *where, size_t wlen)
{
	json_t *r, *e;
	size_t i, j;

	snprintf(where, wlen, "ranges");
	if (!json_is_array(ranges))
		return "expected an array";
	json_array_foreach(ranges, i, r)
	{
		const char *type = str(r, "type");
		json_t *events = json_object_get(r, "events");

		snprintf(where, wlen, "ranges[%zu]", i);
		if (!type ||
		    (strcmp(type, "ECOSYSTEM") && strcmp(type, "SEMVER") && strcmp(type, "GIT")))
			return "type must be ECOSYSTEM, SEMVER or GIT";
		if (!json_is_array(events) || !json_array_size(events))
			return "events must be a non-empty array";
		if (json_array_size(events) > BH_LIMIT_OSV_EVENTS)
			return "more events than the limit";
		json_array_foreach(events, j, e)
		{
			static const char *const kinds[] = { "introduced", "fixed", "last_affected",
							     "limit" };
			int found = 0;

			snprintf(where, wlen, "ranges[%zu].events[%zu]", i, j);
			if (!json_is_object(e) || json_object_size(e) != 1)
				return "each event must be an object with one key";
			for (size_t k = 0; k < 4; k++) {
				json_t *v = json_object_get(e, kinds[k]);

				if (v) {
					if (!json_is_string(v) || !*json_string_value(v))
						return "the version must be a non-empty string";
					found = 1;
				}
			}
			if (!found)
				return "expected introduced, fixed, last_affected or limit";
		}
	}
	return NULL;
}

/* The name under which the matcher looks a package up: PyPI names normalised (PEP 503). */
static char *lookup_name(const char *ecosystem, const char *name)
{
	char *n = strdup(name);

	if (n && !strcmp(ecosystem, "PyPI")) {
		size_t w = 0;

		for (size_t r = 0; n[r]; r++) {
			char c = n[r];

			if (c == '-' || c == '_' || c == '.') {
				if (w && n[w - 1] == '-')
					continue;
				c = '-';
			} else if (c >= 'A' && c <= 'Z') {
				c = (char)(c - 'A' + 'a');
			}
			n[w++] = c;
		}
		n[w] = 0;
	}
	return n;
}

static bh_err bind_run(struct import *im, sqlite3_stmt *st, const char *what, int n, ...)
{
	va_list ap;
	int rc;

	SQL(sqlite3_reset)(st);
	va_start(ap, n);
	for (int i = 1; i <= n; i++)
		SQL(sqlite3_bind_text)(st, i, va_arg(ap, const char *), -1, SQLITE_TRANSIENT);
	va_end(ap);
	rc = SQL(sqlite3_step)(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return sql_fail(im, what);
	return BH_OK;
}

/* Validate one advisory and write it (replacing an older copy). */
static bh_err import_doc(struct import *im, const char *data, size_t len)
{
	json_error_t je;
	json_t *root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &je), *aff, *a, *al;
	const char *id, *modified, *why = NULL, *adv_sev = "";
	char where[96] = "";
	struct bh_buf aliases, adv_src, src;
	bh_err err = BH_OK;
	size_t i;

	if (!root)
		return fail(im, BH_ERR_PARSE, (unsigned)je.line, (unsigned)je.column, "%s",
			    je.text);
	bh_buf_init(&aliases, 0);
	bh_buf_init(&adv_src, 0);
	bh_buf_init(&src, 0);
	id = str(root, "id");
	modified = str(root, "modified");
	aff = json_object_get(root, "affected");
	al = json_object_get(root, "aliases");
	if (!json_is_object(root))
		why = "an advisory must be a JSON object";
	else if (!id || !*id)
		why = "missing id";
	else if (!modified || !*modified)
		why = "missing modified";
	else if (aff && !json_is_array(aff))
		why = "affected: expected an array";
	else if (json_array_size(aff) > BH_LIMIT_OSV_AFFECTED)
		why = "affected: more entries than the limit";
	else if (al && !json_is_array(al))
		why = "aliases: expected an array";
	else if (json_object_get(root, "withdrawn") && !str(root, "withdrawn"))
		why = "withdrawn: expected a time string";
	json_array_foreach(aff, i, a)
	{
		json_t *pkg = json_object_get(a, "package"), *vers = json_object_get(a, "versions");
		json_t *v;
		size_t j;

		if (why)
			break;
		snprintf(where, sizeof(where), "affected[%zu]", i);
		if (!json_is_object(a)) {
			why = "expected an object";
			break;
		}
		if (pkg && (!json_is_object(pkg) || !str(pkg, "ecosystem") || !str(pkg, "name"))) {
			snprintf(where, sizeof(where), "affected[%zu].package", i);
			why = "ecosystem and name must be strings";
		} else if (json_object_get(a, "ranges")) {
			char sub[64];

			why = range_check(json_object_get(a, "ranges"), sub, sizeof(sub));
			if (why)
				snprintf(where, sizeof(where), "affected[%zu].%s", i, sub);
		}
		if (!why && vers) {
			snprintf(where, sizeof(where), "affected[%zu].versions", i);
			if (!json_is_array(vers))
				why = "expected an array";
			else if (json_array_size(vers) > BH_LIMIT_OSV_VERSIONS)
				why = "more entries than the limit";
		}
		json_array_foreach(vers, j, v)
		{
			if (!why && !json_is_string(v)) {
				snprintf(where, sizeof(where), "affected[%zu].versions[%zu]", i, j);
				why = "expected a string";
			}
		}
	}
	if (why) {
		err = fail(im, BH_ERR_PARSE, 1, 1, "%s%s%s%s%s", id ? id : "", id ? ": " : "",
			   where, *where ? ": " : "", why);
		goto out;
	}
	im->stats->files++;
	/* Newest "modified" wins; RFC 3339 UTC times order as strings. */
	SQL(sqlite3_reset)(im->get);
	SQL(sqlite3_bind_text)(im->get, 1, id, -1, SQLITE_TRANSIENT);
	if (SQL(sqlite3_step)(im->get) == SQLITE_ROW) {
		const char *old = (const char *)SQL(sqlite3_column_text)(im->get, 0);

		if (old && strcmp(old, modified) > 0) {
			im->stats->kept++;
			goto out;
		}
	}
	SQL(sqlite3_reset)(im->get);
	if ((err = bind_run(im, im->del_adv, "delete", 1, id)) ||
	    (err = bind_run(im, im->del_aff, "delete", 1, id)))
		goto out;
	if (json_object_get(root, "withdrawn")) {
		im->stats->withdrawn++;
		goto out;
	}
	json_array_foreach(al, i, a)
	{
		if (json_is_string(a) && bh_buf_printf(&aliases, "%s%s", aliases.len ? ", " : "",
						       json_string_value(a))) {
			err = fail(im, BH_ERR_LIMIT, 1, 1, "%s: too many aliases", id);
			goto out;
		}
	}
	severity_of(&adv_src, root, &adv_sev);
	if ((err = bind_run(im, im->put_adv, "insert", 4, id, modified, bh_buf_str(&aliases),
			    str(root, "summary") ? str(root, "summary") : "")))
		goto out;
	json_array_foreach(aff, i, a)
	{
		json_t *pkg = json_object_get(a, "package"), *ranges = json_array(), *r;
		const char *sev = adv_sev, *eco = str(pkg, "ecosystem");
		char *rj = NULL, *vj = NULL, *name;
		size_t j;

		bh_buf_reset(&src);
		bh_buf_adds(&src, bh_buf_str(&adv_src));
		severity_of(&src, a, &sev);
		/* GIT ranges are commit ranges of the source repository: nothing an installed
		 * package's version can be compared with. */
		json_array_foreach(json_object_get(a, "ranges"), j,
				   r) if (strcmp(str(r, "type"), "GIT"))
			json_array_append(ranges, r);
		if (!pkg) {
			json_decref(ranges);
			continue;
		}
		name = lookup_name(eco, str(pkg, "name"));
		rj = json_dumps(ranges, JSON_COMPACT);
		vj = json_object_get(a, "versions")
			     ? json_dumps(json_object_get(a, "versions"), JSON_COMPACT)
			     : strdup("[]");
		json_decref(ranges);
		if (!name || !rj || !vj)
			err = bh_diag_set(im->diag, BH_ERR_NOMEM, im->file, 0, 0, "out of memory");
		else
			err = bind_run(im, im->put_aff, "insert", 7, id, eco, name, sev,
				       bh_buf_str(&src), rj, vj);
		free(name);
		free(rj);
		free(vj);
		if (err)
			goto out;
	}
	im->stats->imported++;
out:
	bh_buf_release(&aliases);
	bh_buf_release(&adv_src);
	bh_buf_release(&src);
	json_decref(root);
	return err;
}

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcasecmp(s + n - m, suffix);
}

static bh_err import_zip(struct import *im, const char *path)
{
	struct archive *ar;
	struct archive_entry *e;
	size_t entries = 0;
	uint64_t total = 0;
	char *buf = NULL;
	bh_err err = BH_OK;
	int rc;

	if ((err = bh_archive_api_load(im->diag)))
		return err;
	ar = AR(archive_read_new)();
	if (!ar)
		return bh_diag_set(im->diag, BH_ERR_NOMEM, path, 0, 0, "out of memory");
	AR(archive_read_support_format_zip)(ar);
	if (AR(archive_read_open_filename)(ar, path, 1 << 16) != ARCHIVE_OK) {
		err = bh_diag_set(im->diag, BH_ERR_IO, path, 0, 0, "cannot read zip: %s",
				  AR(archive_error_string)(ar));
		goto out;
	}
	while ((rc = AR(archive_read_next_header)(ar, &e)) == ARCHIVE_OK) {
		const char *name = AR(archive_entry_pathname)(e);
		int64_t size = AR(archive_entry_size)(e);
		size_t got = 0;
		la_ssize_t n;

		if (++entries > BH_LIMIT_OSV_ZIP_ENTRIES) {
			err = bh_diag_set(im->diag, BH_ERR_LIMIT, path, 0, 0,
					  "more than %u entries", BH_LIMIT_OSV_ZIP_ENTRIES);
			goto out;
		}
		if (AR(archive_entry_filetype)(e) != AE_IFREG || !name || !ends_with(name, ".json"))
			continue;
		im->entry = name;
		if (size > (int64_t)BH_LIMIT_OSV_ADVISORY_BYTES) {
			err = fail(im, BH_ERR_LIMIT, 0, 0, "larger than %u bytes",
				   BH_LIMIT_OSV_ADVISORY_BYTES);
			goto out;
		}
		if (!buf)
			buf = malloc(BH_LIMIT_OSV_ADVISORY_BYTES + 1);
		if (!buf) {
			err = bh_diag_set(im->diag, BH_ERR_NOMEM, path, 0, 0, "out of memory");
			goto out;
		}
		/* The header's size can lie; the read itself is capped. */
		while ((n = AR(archive_read_data)(ar, buf + got,
						  BH_LIMIT_OSV_ADVISORY_BYTES + 1 - got)) > 0) {
			got += (size_t)n;
			if (got > BH_LIMIT_OSV_ADVISORY_BYTES) {
				err = fail(im, BH_ERR_LIMIT, 0, 0, "larger than %u bytes",
					   BH_LIMIT_OSV_ADVISORY_BYTES);
				goto out;
			}
		}
		if (n < 0) {
			err = fail(im, BH_ERR_PARSE, 0, 0, "cannot read: %s",
				   AR(archive_error_string)(ar));
			goto out;
		}
		total += got;
		if (total > BH_LIMIT_OSV_ZIP_BYTES) {
			err = bh_diag_set(im->diag, BH_ERR_LIMIT, path, 0, 0,
					  "more than %llu bytes of advisories",
					  (unsigned long long)BH_LIMIT_OSV_ZIP_BYTES);
			goto out;
		}
		if ((err = import_doc(im, buf, got)))
			goto out;
		im->entry = NULL;
	}
	if (rc != ARCHIVE_EOF)
		err = bh_diag_set(im->diag, BH_ERR_PARSE, path, 0, 0, "malformed zip: %s",
				  AR(archive_error_string)(ar));
out:
	im->entry = NULL;
	free(buf);
	AR(archive_read_free)(ar);
	return err;
}

static bh_err import_json(struct import *im, const char *path)
{
	char *data = NULL;
	size_t len = 0;
	bh_err err;

	err = bh_fs_read(path, BH_LIMIT_OSV_ADVISORY_BYTES, &data, &len, im->diag);
	if (!err)
		err = import_doc(im, data, len);
	free(data);
	return err;
}

/* A file met in a directory walk: advisories (.json) and exports (.zip); others are skipped. */
static bh_err import_file(const char *path, void *ctx)
{
	struct import *im = ctx;

	im->file = path;
	if (ends_with(path, ".zip"))
		return import_zip(im, path);
	if (!ends_with(path, ".json"))
		return BH_OK;
	return import_json(im, path);
}

/* A walk error (an unreadable file) fails the import: a partial import would look complete. */
static void walk_error(const struct bh_diag *d, void *ctx)
{
	struct import *im = ctx;

	if (im->diag && !im->diag->msg[0])
		*im->diag = *d;
}

static bh_err prepare(struct import *im, const char *sql, sqlite3_stmt **st)
{
	if (SQL(sqlite3_prepare_v2)(im->db, sql, -1, st, NULL) != SQLITE_OK)
		return sql_fail(im, "prepare");
	return BH_OK;
}

/* Copy the advisories of the existing database at path into the new one. */
static bh_err copy_old(struct import *im, const char *path)
{
	sqlite3_stmt *st = NULL;
	struct stat sb;
	bh_err err = BH_OK;
	int ok = 0;

	if (stat(path, &sb) != 0)
		return errno == ENOENT ? BH_OK
				       : bh_diag_set(im->diag, BH_ERR_IO, path, 0, 0, "%s",
						     strerror(errno));
	if (prepare(im, "ATTACH DATABASE ? AS old", &st))
		return bh_diag_set(im->diag, BH_ERR_IO, path, 0, 0, "cannot attach: %s",
				   SQL(sqlite3_errmsg)(im->db));
	SQL(sqlite3_bind_text)(st, 1, path, -1, SQLITE_TRANSIENT);
	if (SQL(sqlite3_step)(st) != SQLITE_DONE) {
		SQL(sqlite3_finalize)(st);
		return bh_diag_set(im->diag, BH_ERR_IO, path, 0, 0, "cannot open: %s",
				   SQL(sqlite3_errmsg)(im->db));
	}
	SQL(sqlite3_finalize)(st);
	if (SQL(sqlite3_prepare_v2)(im->db, "SELECT value FROM old.meta WHERE key = 'schema'", -1,
				    &st, NULL) == SQLITE_OK &&
	    SQL(sqlite3_step)(st) == SQLITE_ROW) {
		const char *v = (const char *)SQL(sqlite3_column_text)(st, 0);

		ok = v && !strcmp(v, SCHEMA_VERSION);
	}
	SQL(sqlite3_finalize)(st);
	if (!ok)
		err = bh_diag_set(im->diag, BH_ERR_PARSE, path, 0, 0,
				  "not a bulkhead vulnerability database (schema " SCHEMA_VERSION
				  "); remove it or choose another --db");
	else if (SQL(sqlite3_exec)(im->db,
				   "INSERT INTO advisory SELECT * FROM old.advisory;"
				   "INSERT INTO affected SELECT * FROM old.affected;",
				   NULL, NULL, NULL) != SQLITE_OK)
		err = bh_diag_set(im->diag, BH_ERR_IO, path, 0, 0, "cannot copy: %s",
				  SQL(sqlite3_errmsg)(im->db));
	SQL(sqlite3_exec)(im->db, "DETACH DATABASE old", NULL, NULL, NULL);
	return err;
}

bh_err bh_vuln_import(const char *db, const char *const *paths, size_t npaths,
		      struct bh_vuln_import_stats *stats, struct bh_diag *diag)
{
	struct import im = { 0 };
	struct bh_walk_opts wo = { 0 };
	char tmp[4096];
	bh_err err;

	memset(stats, 0, sizeof(*stats));
	if ((err = bh_sqlite_api_load(diag)))
		return err;
	if (snprintf(tmp, sizeof(tmp), "%s.tmp-%ld", db, (long)getpid()) >= (int)sizeof(tmp))
		return bh_diag_set(diag, BH_ERR_USAGE, db, 0, 0, "path too long");
	unlink(tmp);
	im.stats = stats;
	im.diag = diag;
	if (SQL(sqlite3_open_v2)(tmp, &im.db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
	    SQLITE_OK) {
		stats->output_failed = 1;
		err = bh_diag_set(diag, BH_ERR_IO, db, 0, 0, "cannot create %s: %s", tmp,
				  im.db ? SQL(sqlite3_errmsg)(im.db) : "out of memory");
		goto out;
	}
	SQL(sqlite3_db_config)(im.db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
	if (SQL(sqlite3_exec)(im.db, schema, NULL, NULL, NULL) != SQLITE_OK) {
		err = sql_fail(&im, "schema");
		goto out;
	}
	if ((err = copy_old(&im, db)))
		goto out;
	if (SQL(sqlite3_exec)(im.db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) {
		err = sql_fail(&im, "begin");
		goto out;
	}
	if ((err = prepare(&im, "SELECT modified FROM advisory WHERE id = ?", &im.get)) ||
	    (err = prepare(&im, "DELETE FROM advisory WHERE id = ?", &im.del_adv)) ||
	    (err = prepare(&im, "DELETE FROM affected WHERE advisory = ?", &im.del_aff)) ||
	    (err = prepare(&im, "INSERT INTO advisory VALUES (?, ?, ?, ?)", &im.put_adv)) ||
	    (err = prepare(&im, "INSERT INTO affected VALUES (?, ?, ?, ?, ?, ?, ?)", &im.put_aff)))
		goto out;
	for (size_t i = 0; i < npaths && !err; i++) {
		struct stat sb;

		if (stat(paths[i], &sb) != 0) {
			err = bh_diag_set(diag, BH_ERR_IO, paths[i], 0, 0, "%s", strerror(errno));
			break;
		}
		if (diag)
			diag->msg[0] = 0;
		if (S_ISDIR(sb.st_mode)) {
			err = bh_fs_walk(paths[i], &wo, import_file, &im, walk_error);
			if (!err && diag && diag->msg[0])
				err = BH_ERR_IO;
		} else if (ends_with(paths[i], ".zip")) {
			im.file = paths[i];
			err = import_zip(&im, paths[i]);
		} else {
			im.file = paths[i];
			err = import_json(&im, paths[i]);
		}
	}
	if (!err && SQL(sqlite3_exec)(im.db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		err = sql_fail(&im, "commit");
out:
	SQL(sqlite3_finalize)(im.get);
	SQL(sqlite3_finalize)(im.del_adv);
	SQL(sqlite3_finalize)(im.del_aff);
	SQL(sqlite3_finalize)(im.put_adv);
	SQL(sqlite3_finalize)(im.put_aff);
	if (im.db && SQL(sqlite3_close)(im.db) != SQLITE_OK && !err) {
		stats->output_failed = 1;
		err = bh_diag_set(diag, BH_ERR_IO, db, 0, 0, "cannot close the new database");
	}
	if (!err && rename(tmp, db) != 0) {
		stats->output_failed = 1;
		err = bh_diag_set(diag, BH_ERR_IO, db, 0, 0, "cannot replace: %s", strerror(errno));
	}
	if (err)
		unlink(tmp);
	return err;
}
