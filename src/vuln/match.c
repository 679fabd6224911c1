/*
 * Matching: packages (from purls) against the advisories of their ecosystem, each affected[]
 * entry evaluated as the OSV schema defines: a version is affected when it is listed in versions,
 * or when some introduced event is at or below it and the event that closes that introduction
 * (the next fixed, exclusive, or last_affected, inclusive) is above it; limit events bound a
 * range from above.
 */
#include "vuln/vuln.h"

#include <ctype.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/limits.h"
#include "image/sqlite_api.h"

#include "core/banned.h"

/* ---- purls ---- */

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* [s, s+n) percent-decoded, in the arena. */
static char *decode(struct bh_arena *a, const char *s, size_t n)
{
	char *out = bh_arena_alloc(a, n + 1);
	size_t w = 0;

	if (!out)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '%' && i + 2 < n + 1 && hexval((unsigned char)s[i + 1]) >= 0 &&
		    hexval((unsigned char)s[i + 2]) >= 0) {
			out[w++] = (char)(hexval((unsigned char)s[i + 1]) * 16 +
					  hexval((unsigned char)s[i + 2]));
			i += 2;
		} else {
			out[w++] = s[i];
		}
	}
	out[w] = 0;
	return out;
}

/* The decoded value of qualifier key in "k=v&k=v", or NULL. */
static const char *qualifier(struct bh_arena *a, const char *q, const char *key)
{
	size_t kl = strlen(key);

	while (q && *q) {
		const char *e = strchr(q, '&');
		size_t n = e ? (size_t)(e - q) : strlen(q);

		if (n > kl && !strncmp(q, key, kl) && q[kl] == '=')
			return decode(a, q + kl + 1, n - kl - 1);
		q = e ? e + 1 : NULL;
	}
	return NULL;
}

static char *pypi_name(struct bh_arena *a, const char *name)
{
	char *n = bh_arena_strdup(a, name);
	size_t w = 0;

	if (!n)
		return NULL;
	for (size_t r = 0; n[r]; r++) {
		char c = n[r];

		if (c == '-' || c == '_' || c == '.') {
			if (w && n[w - 1] == '-')
				continue;
			c = '-';
		}
		n[w++] = (char)tolower((unsigned char)c);
	}
	n[w] = 0;
	return n;
}

/* "12.4" -> "12", "3.19.1" -> "3.19", skipping a leading "<id>-" ("debian-12"). */
static const char *release(struct bh_arena *a, const char *distro, const char *id, int parts)
{
	const char *s = distro, *e;
	size_t il = strlen(id);

	if (!s)
		return NULL;
	if (!strncmp(s, id, il) && s[il] == '-')
		s += il + 1;
	if (!isdigit((unsigned char)*s))
		return NULL;
	for (e = s; *e && (isdigit((unsigned char)*e) || (*e == '.' && parts > 1)); e++)
		if (*e == '.' && --parts == 0)
			break;
	return bh_arena_strndup(a, s, (size_t)(e - s));
}

bh_err bh_vuln_pkg_from_purl(struct bh_arena *a, const char *purl, const char *source,
			     const char *source_version, const char *os_id, const char *os_version,
			     struct bh_vuln_pkg *out)
{
	const char *p, *slash, *type_end, *at, *q, *hash, *ns = NULL, *name, *version, *distro;
	const char *name_start;
	char *t;

	memset(out, 0, sizeof(*out));
	if (!purl || strncmp(purl, "pkg:", 4))
		return BH_ERR_USAGE;
	/* The package outlives the document it was read from: keep copies. */
	purl = bh_arena_strdup(a, purl);
	source = source ? bh_arena_strdup(a, source) : NULL;
	source_version = source_version ? bh_arena_strdup(a, source_version) : NULL;
	if (!purl)
		return BH_ERR_NOMEM;
	p = purl + 4;
	while (*p == '/')
		p++;
	hash = strchr(p, '#');
	q = strchr(p, '?');
	if (q && hash && q > hash)
		q = NULL;
	type_end = strchr(p, '/');
	if (!type_end || (q && type_end > q))
		return BH_ERR_USAGE;
	/* The name is the last segment before '@', '?' or '#'. */
	{
		const char *end = q ? q : hash ? hash : p + strlen(p);

		at = NULL;
		for (const char *c = end; c > type_end; c--)
			if (*c == '@') {
				at = c;
				break;
			}
		if (!at)
			return BH_ERR_USAGE;
		version = decode(a, at + 1,
				 (size_t)((q	  ? q
					   : hash ? hash
						  : at + strlen(at)) -
					  at - 1));
		name_start = at;
		while (name_start > type_end && name_start[-1] != '/')
			name_start--;
		name = decode(a, name_start, (size_t)(at - name_start));
		slash = name_start - 1;
		if (slash > type_end)
			ns = decode(a, type_end + 1, (size_t)(slash - type_end - 1));
	}
	t = bh_arena_strndup(a, p, (size_t)(type_end - p));
	if (!t || !name || !version || !*name || !*version)
		return BH_ERR_USAGE;
	for (char *c = t; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	out->purl = purl;
	out->bin_name = name;
	out->name = name;
	out->version = version;
	out->bin_version = version;
	distro = q ? qualifier(a, q + 1, "distro") : NULL;
	if (!strcmp(t, "deb") && ns && !strcasecmp(ns, "debian")) {
		const char *up = q ? qualifier(a, q + 1, "upstream") : NULL;
		const char *rel = release(a, distro, "debian", 1);

		if (!rel && os_id && !strcmp(os_id, "debian"))
			rel = release(a, os_version, "debian", 1);
		if (!rel)
			return BH_ERR_USAGE;
		out->ecosystem = bh_arena_printf(a, "Debian:%s", rel);
		out->scheme = BH_VS_DPKG;
		if (!source && up) {
			const char *v = strchr(up, '@');

			source = v ? bh_arena_strndup(a, up, (size_t)(v - up)) : up;
			if (v && !source_version)
				source_version = v + 1;
		}
	} else if (!strcmp(t, "apk") && ns && !strcasecmp(ns, "alpine")) {
		const char *rel = release(a, distro, "alpine", 2);

		if (!rel && os_id && !strcmp(os_id, "alpine"))
			rel = release(a, os_version, "alpine", 2);
		if (!rel)
			return BH_ERR_USAGE;
		out->ecosystem = bh_arena_printf(a, "Alpine:v%s", rel);
		out->scheme = BH_VS_APK;
	} else if (!strcmp(t, "pypi")) {
		out->ecosystem = "PyPI";
		out->name = pypi_name(a, name);
		out->scheme = BH_VS_PEP440;
		return out->name ? BH_OK : BH_ERR_NOMEM;
	} else if (!strcmp(t, "npm")) {
		out->ecosystem = "npm";
		if (ns && *ns)
			out->name = bh_arena_printf(a, "%s/%s", ns, name);
		out->bin_name = out->name;
		out->scheme = BH_VS_SEMVER;
		return out->name ? BH_OK : BH_ERR_NOMEM;
	} else {
		return BH_ERR_USAGE;
	}
	/* Debian and Alpine advisories name the source package and its version. */
	if (source && *source)
		out->name = source;
	if (source && *source && source_version && *source_version)
		out->version = source_version;
	return out->ecosystem ? BH_OK : BH_ERR_NOMEM;
}

bh_err bh_vuln_pkgs_add(struct bh_arena *a, struct bh_vuln_pkgs *list, const struct bh_vuln_pkg *p)
{
	if (list->n == list->cap) {
		size_t cap = list->cap ? list->cap * 2 : 64;
		void *n;

		if (list->n >= BH_LIMIT_VULN_PACKAGES)
			return BH_ERR_LIMIT;
		n = bh_arena_realloc(a, list->items, list->cap * sizeof(*list->items),
				     cap * sizeof(*list->items));
		if (!n)
			return BH_ERR_NOMEM;
		list->items = n;
		list->cap = cap;
	}
	list->items[list->n++] = *p;
	return BH_OK;
}

/* ---- SBOMs ---- */

static const char *jstr(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

struct sbom_ctx {
	struct bh_arena *a;
	struct bh_vuln_pkgs *out;
	const char *os_id, *os_version;
	const char *file;
	struct bh_diag *diag;
};

static bh_err add_purl(struct sbom_ctx *c, const char *purl, const char *source,
		       const char *source_version)
{
	struct bh_vuln_pkg p;
	bh_err err;

	if (!purl) {
		c->out->skipped++;
		return BH_OK;
	}
	err = bh_vuln_pkg_from_purl(c->a, purl, source, source_version, c->os_id, c->os_version,
				    &p);
	if (err == BH_ERR_USAGE) {
		c->out->skipped++;
		return BH_OK;
	}
	if (!err)
		err = bh_vuln_pkgs_add(c->a, c->out, &p);
	if (err)
		return bh_diag_set(c->diag, err, c->file, 0, 0, "%s",
				   err == BH_ERR_LIMIT ? "more packages than the limit"
						       : "out of memory");
	return BH_OK;
}

static bh_err cdx_components(struct sbom_ctx *c, json_t *comps, int depth)
{
	json_t *e;
	size_t i;
	bh_err err;

	if (depth > 32)
		return bh_diag_set(c->diag, BH_ERR_LIMIT, c->file, 0, 0,
				   "components nested too deep");
	json_array_foreach(comps, i, e)
	{
		const char *type = jstr(e, "type"), *src = NULL, *srcver = NULL;
		json_t *pr;
		size_t j;

		if (type && !strcmp(type, "operating-system"))
			continue;

		/* bulkhead image --sbom cyclonedx writes the source package as properties. */
		json_array_foreach(json_object_get(e, "properties"), j, pr)
		{
			const char *n = jstr(pr, "name");

			if (n && !strcmp(n, "bulkhead:package:source"))
				src = jstr(pr, "value");
			else if (n && !strcmp(n, "bulkhead:package:source-version"))
				srcver = jstr(pr, "value");
		}
		if ((err = add_purl(c, jstr(e, "purl"), src, srcver)))
			return err;
		if ((err = cdx_components(c, json_object_get(e, "components"), depth + 1)))
			return err;
	}
	return BH_OK;
}

bh_err bh_vuln_sbom_read(struct bh_arena *a, const char *data, size_t len, const char *file,
			 struct bh_vuln_pkgs *out, struct bh_diag *diag)
{
	struct sbom_ctx c = { a, out, NULL, NULL, file, diag };
	json_error_t je;
	json_t *root = json_loadb(data, len, 0, &je), *e;
	bh_err err = BH_OK;
	size_t i;

	if (!root)
		return bh_diag_set(diag, BH_ERR_PARSE, file, (unsigned)je.line, (unsigned)je.column,
				   "%s", je.text);
	if (jstr(root, "bomFormat") && !strcmp(jstr(root, "bomFormat"), "CycloneDX")) {
		json_array_foreach(json_object_get(root, "components"), i, e)
		{
			const char *type = jstr(e, "type");

			if (type && !strcmp(type, "operating-system")) {
				c.os_id = jstr(e, "name");
				c.os_version = jstr(e, "version");
			}
		}
		err = cdx_components(&c, json_object_get(root, "components"), 0);
	} else if (jstr(root, "spdxVersion")) {
		json_array_foreach(json_object_get(root, "packages"), i, e)
		{
			const char *purl = NULL, *info = jstr(e, "sourceInfo");
			const char *src = NULL, *srcver = NULL;
			json_t *r;
			size_t j;

			json_array_foreach(json_object_get(e, "externalRefs"), j, r)
			{
				const char *t = jstr(r, "referenceType");

				if (t && !strcmp(t, "purl"))
					purl = jstr(r, "referenceLocator");
			}
			/* bulkhead writes "built package from: SOURCE [VERSION]". */
			if (info && !strncmp(info, "built package from: ", 20)) {
				const char *s = info + 20, *sp = strchr(s, ' ');

				src = sp ? bh_arena_strndup(a, s, (size_t)(sp - s)) : s;
				srcver = sp ? sp + 1 : NULL;
			}
			if (purl && !strncmp(purl, "pkg:oci/", 8))
				continue;
			if ((err = add_purl(&c, purl, src, srcver)))
				break;
		}
	} else {
		err = bh_diag_set(
			diag, BH_ERR_PARSE, file, 1, 1,
			"not a CycloneDX or SPDX JSON SBOM (no bomFormat or spdxVersion)");
	}
	json_decref(root);
	return err;
}

/* ---- evaluating an affected[] entry ---- */

static int vcmp(enum bh_vscheme s, const char *a, const char *b, int *c)
{
	return bh_version_cmp(s, a, b, c);
}

static const char *event_value(json_t *e, const char **kind)
{
	static const char *const kinds[] = { "introduced", "fixed", "last_affected", "limit" };

	for (size_t k = 0; k < 4; k++) {
		json_t *v = json_object_get(e, kinds[k]);

		if (json_is_string(v)) {
			*kind = kinds[k];
			return json_string_value(v);
		}
	}
	return NULL;
}

/* The lowest fixed event above v in the range, or NULL. */
static const char *fix_above(enum bh_vscheme s, json_t *events, const char *v)
{
	const char *best = NULL, *kind, *x;
	json_t *e;
	size_t i;
	int c;

	json_array_foreach(events, i, e)
	{
		x = event_value(e, &kind);
		if (!x || strcmp(kind, "fixed") || vcmp(s, x, v, &c) || c <= 0)
			continue;
		if (!best || (!vcmp(s, x, best, &c) && c < 0))
			best = x;
	}
	return best;
}

/* Whether v is in one range; *fixed is the fix that closes the matching introduction. */
static int in_range(enum bh_vscheme s, json_t *events, const char *v, const char **fixed)
{
	const char *kind, *x;
	json_t *e, *f;
	size_t i, j;
	int c, hit = 0, limited = 0, below_limit = 0;

	json_array_foreach(events, i, e)
	{
		const char *close = NULL, *close_kind = NULL;

		x = event_value(e, &kind);
		if (!x)
			continue;
		if (!strcmp(kind, "limit")) {
			limited = 1;
			if (!strcmp(x, "*") || (!vcmp(s, v, x, &c) && c < 0))
				below_limit = 1;
			continue;
		}
		if (strcmp(kind, "introduced"))
			continue;
		/* "0" means every version, in every ecosystem. */
		if (strcmp(x, "0") && (vcmp(s, x, v, &c) || c > 0))
			continue;
		/* The event that closes this introduction: the lowest fixed above it or
		 * last_affected at or above it. */
		json_array_foreach(events, j, f)
		{
			const char *k2, *y = event_value(f, &k2);
			int d;

			if (!y || !(strcmp(k2, "fixed") == 0 || strcmp(k2, "last_affected") == 0))
				continue;
			if (strcmp(x, "0") &&
			    (vcmp(s, y, x, &d) || d < 0 || (d == 0 && !strcmp(k2, "fixed"))))
				continue;
			if (strcmp(x, "0") == 0 && vcmp(s, y, y, &d))
				continue;
			if (!close || (!vcmp(s, y, close, &d) && d < 0)) {
				close = y;
				close_kind = k2;
			}
		}
		if (!close) {
			hit = 1;
		} else if (!strcmp(close_kind, "fixed")) {
			if (!vcmp(s, v, close, &c) && c < 0) {
				hit = 1;
				*fixed = close;
			}
		} else if (!vcmp(s, v, close, &c) && c <= 0) {
			hit = 1;
		}
	}
	if (hit && limited && !below_limit)
		hit = 0;
	return hit;
}

int bh_vuln_affected(struct bh_arena *a, enum bh_vscheme s, const char *version, const char *ranges,
		     const char *versions, const char **fixed)
{
	json_t *rj = json_loads(ranges, 0, NULL), *vj = json_loads(versions, 0, NULL), *r, *e;
	int hit = 0, c;
	size_t i;

	(void)a;
	*fixed = NULL;
	if (!rj || !vj || !bh_version_valid(s, version)) {
		json_decref(rj);
		json_decref(vj);
		return -1;
	}
	json_array_foreach(vj, i, e) if (json_is_string(e) &&
					 (!strcmp(json_string_value(e), version) ||
					  (!vcmp(s, json_string_value(e), version, &c) && c == 0)))
		hit = 1;
	json_array_foreach(rj, i, r)
	{
		const char *type = jstr(r, "type"), *f = NULL;
		enum bh_vscheme rs = type && !strcmp(type, "SEMVER") ? BH_VS_SEMVER : s;
		json_t *events = json_object_get(r, "events");

		if (in_range(rs, events, version, &f)) {
			hit = 1;
			if (f && !*fixed)
				*fixed = f;
		}
		if (hit && !*fixed)
			*fixed = fix_above(rs, events, version);
	}
	/* The strings live in rj: copy the one we return. */
	if (*fixed)
		*fixed = bh_arena_strdup(a, *fixed);
	json_decref(rj);
	json_decref(vj);
	return hit;
}

/* ---- the database ---- */

static enum bh_severity sev_of(const char *name, int *known)
{
	enum bh_severity s = BH_SEV_MEDIUM;

	*known = name && *name && !bh_severity_parse(name, &s);
	return *known ? s : BH_SEV_MEDIUM;
}

static int seen(const char **ids, size_t n, const char *id)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(ids[i], id))
			return 1;
	return 0;
}

bh_err bh_vuln_match(const char *path, const struct bh_vuln_pkgs *pkgs, bh_vuln_hit_fn fn,
		     void *ctx, struct bh_diag *diag)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	struct bh_arena a;
	bh_err err = BH_OK;
	int ok = 0;

	if ((err = bh_sqlite_api_load(diag)))
		return err;
	bh_arena_init(&a, 0);
	if (SQL(sqlite3_open_v2)(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		err = bh_diag_set(
			diag, BH_ERR_IO, path, 0, 0,
			"cannot open the vulnerability database: %s (run bulkhead db import)",
			db ? SQL(sqlite3_errmsg)(db) : "out of memory");
		goto out;
	}
	if (SQL(sqlite3_prepare_v2)(db, "SELECT value FROM meta WHERE key = 'schema'", -1, &st,
				    NULL) == SQLITE_OK &&
	    SQL(sqlite3_step)(st) == SQLITE_ROW) {
		const char *v = (const char *)SQL(sqlite3_column_text)(st, 0);

		ok = v && !strcmp(v, "1");
	}
	SQL(sqlite3_finalize)(st);
	st = NULL;
	if (!ok) {
		err = bh_diag_set(diag, BH_ERR_PARSE, path, 0, 0,
				  "not a bulkhead vulnerability database");
		goto out;
	}
	if (SQL(sqlite3_prepare_v2)(
		    db,
		    "SELECT a.id, a.aliases, a.summary, f.severity, f.severity_source,"
		    " f.ranges, f.versions FROM affected f JOIN advisory a"
		    " ON a.id = f.advisory WHERE f.ecosystem = ? AND f.name = ?"
		    " ORDER BY a.id",
		    -1, &st, NULL) != SQLITE_OK) {
		err = bh_diag_set(diag, BH_ERR_IO, path, 0, 0, "database query: %s",
				  SQL(sqlite3_errmsg)(db));
		goto out;
	}
	for (size_t i = 0; i < pkgs->n && !err; i++) {
		const struct bh_vuln_pkg *p = &pkgs->items[i];
		const char *names[2] = { p->name, p->bin_name };
		const char *ids[64];
		size_t nids = 0;

		for (int k = 0; k < 2 && !err; k++) {
			int rc;

			if (k && (!names[1] || !strcmp(names[0], names[1])))
				break;
			SQL(sqlite3_reset)(st);
			SQL(sqlite3_bind_text)(st, 1, p->ecosystem, -1, SQLITE_STATIC);
			SQL(sqlite3_bind_text)(st, 2, names[k], -1, SQLITE_STATIC);
			while ((rc = SQL(sqlite3_step)(st)) == SQLITE_ROW) {
				struct bh_vuln_hit h = { 0 };
				const char *col[7];
				int r;

				for (int c = 0; c < 7; c++) {
					col[c] = (const char *)SQL(sqlite3_column_text)(st, c);
					if (!col[c])
						col[c] = "";
				}
				if (seen(ids, nids, col[0]))
					continue;
				r = bh_vuln_affected(&a, p->scheme, p->version, col[5], col[6],
						     &h.fixed);
				if (r <= 0)
					continue;
				h.pkg = p;
				h.id = bh_arena_strdup(&a, col[0]);
				h.aliases = bh_arena_strdup(&a, col[1]);
				h.summary = bh_arena_strdup(&a, col[2]);
				h.severity = sev_of(col[3], &h.severity_known);
				h.severity_source = bh_arena_strdup(&a, col[4]);
				if (!h.id || !h.aliases || !h.summary || !h.severity_source) {
					err = bh_diag_set(diag, BH_ERR_NOMEM, path, 0, 0,
							  "out of memory");
					break;
				}
				if (nids < sizeof(ids) / sizeof(*ids))
					ids[nids++] = h.id;
				if ((err = fn(&h, ctx)))
					break;
			}
			if (!err && rc != SQLITE_DONE && rc != SQLITE_ROW)
				err = bh_diag_set(diag, BH_ERR_IO, path, 0, 0, "database query: %s",
						  SQL(sqlite3_errmsg)(db));
		}
	}
out:
	SQL(sqlite3_finalize)(st);
	if (db)
		SQL(sqlite3_close)(db);
	bh_arena_release(&a);
	return err;
}
