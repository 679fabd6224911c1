/*
 * Package databases found in an image's final filesystem: dpkg status and distroless status.d
 * stanzas, apk's installed file, Python METADATA/PKG-INFO, npm package.json files under
 * node_modules, and the RPM sqlite database (whose blobs are RPM headers, parsed here from the
 * header format: be32 entry count, be32 data length, 16-byte index entries, then the data).
 *
 * Every parser takes attacker bytes: lengths and offsets are checked before each read, and a
 * database that does not parse becomes a warning naming the file, not a crash and not a silent
 * drop. Parsers append packages whose strings live in the caller's arena.
 */
#define _GNU_SOURCE /* memrchr */
#include "oci.h"

#include <ctype.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "sqlite_api.h"

#include "core/banned.h"
#include "core/limits.h"

static bh_err add_pkg(struct bh_pkgs *out, struct bh_arena *a, const struct bh_pkg *p)
{
	if (out->n >= BH_LIMIT_IMAGE_PACKAGES)
		return BH_ERR_LIMIT;
	if (out->n == out->cap) {
		size_t cap = out->cap ? out->cap * 2 : 64;
		void *n = bh_arena_realloc(a, out->items, out->cap * sizeof(*out->items),
					   cap * sizeof(*out->items));

		if (!n)
			return BH_ERR_NOMEM;
		out->items = n;
		out->cap = cap;
	}
	out->items[out->n++] = *p;
	return BH_OK;
}

static void warn(struct bh_pkgs *out, struct bh_arena *a, const char *msg)
{
	if (out->nwarnings == out->warnings_cap) {
		size_t cap = out->warnings_cap ? out->warnings_cap * 2 : 8;
		void *n = bh_arena_realloc(a, out->warnings, out->warnings_cap * sizeof(char *),
					   cap * sizeof(char *));

		if (!n)
			return;
		out->warnings = n;
		out->warnings_cap = cap;
	}
	out->warnings[out->nwarnings] = bh_arena_strdup(a, msg);
	if (out->warnings[out->nwarnings])
		out->nwarnings++;
}

static const char *trimdup(struct bh_arena *a, const char *s, size_t n)
{
	while (n && isspace((unsigned char)*s)) {
		s++;
		n--;
	}
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	return bh_arena_strndup(a, s, n);
}

/* ---- dpkg ---- */

struct stanza {
	const char *package, *version, *arch, *source, *status, *maintainer;
};

static bh_err flush_dpkg(struct bh_arena *a, struct stanza *st, const char *location,
			 struct bh_pkgs *out)
{
	struct bh_pkg p = { 0 };
	bh_err err = BH_OK;

	/* status.d stanzas have no Status; in status, only "... installed" counts (not
	 * "deinstall ok config-files" or "half-installed"). */
	size_t sl = st->status ? strlen(st->status) : 0;
	int installed = !st->status || (sl >= 10 && !strcmp(st->status + sl - 10, " installed"));

	if (st->package && st->version && installed) {
		p.type = BH_PKG_DEB;
		p.name = st->package;
		p.version = st->version;
		p.arch = st->arch;
		p.supplier = st->maintainer;
		p.location = location;
		if (st->source) {
			const char *paren = strchr(st->source, '(');

			if (paren) {
				const char *close = strchr(paren, ')');

				p.source = trimdup(a, st->source, (size_t)(paren - st->source));
				p.source_version = trimdup(a, paren + 1,
							   close ? (size_t)(close - paren - 1)
								 : strlen(paren + 1));
			} else {
				p.source = st->source;
			}
		}
		err = add_pkg(out, a, &p);
	}
	memset(st, 0, sizeof(*st));
	return err;
}

bh_err bh_pkgdb_dpkg(struct bh_arena *a, const char *data, size_t len, const char *location,
		     struct bh_pkgs *out, struct bh_diag *diag)
{
	struct stanza st = { 0 };
	const char *p = data, *end = data + len;
	unsigned line = 0;
	bh_err err;

	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *colon;
		size_t ll;

		if (!eol)
			eol = end;
		ll = (size_t)(eol - p);
		line++;
		if (ll && p[ll - 1] == '\r')
			ll--;
		if (!ll) {
			err = flush_dpkg(a, &st, location, out);
			if (err)
				return err;
		} else if (*p != ' ' && *p != '\t' && *p != '#') {
			colon = memchr(p, ':', ll);
			if (!colon)
				return bh_diag_set(diag, BH_ERR_PARSE, location, line, 1,
						   "expected 'Field: value'");
			{
				size_t kl = (size_t)(colon - p);
				const char *v = trimdup(a, colon + 1, ll - kl - 1);
				const char **slot = NULL;

				if (!v)
					return BH_ERR_NOMEM;
				if (kl == 7 && !strncasecmp(p, "Package", 7))
					slot = &st.package;
				else if (kl == 7 && !strncasecmp(p, "Version", 7))
					slot = &st.version;
				else if (kl == 12 && !strncasecmp(p, "Architecture", 12))
					slot = &st.arch;
				else if (kl == 6 && !strncasecmp(p, "Source", 6))
					slot = &st.source;
				else if (kl == 6 && !strncasecmp(p, "Status", 6))
					slot = &st.status;
				else if (kl == 10 && !strncasecmp(p, "Maintainer", 10))
					slot = &st.maintainer;
				if (slot)
					*slot = v;
			}
		}
		p = eol + 1;
	}
	return flush_dpkg(a, &st, location, out);
}

/* ---- apk ---- */

bh_err bh_pkgdb_apk(struct bh_arena *a, const char *data, size_t len, const char *location,
		    struct bh_pkgs *out, struct bh_diag *diag)
{
	struct bh_pkg p = { .type = BH_PKG_APK, .location = location };
	const char *s = data, *end = data + len;
	unsigned line = 0;
	bh_err err;

	for (;;) {
		const char *eol = s < end ? memchr(s, '\n', (size_t)(end - s)) : NULL;
		size_t ll;

		if (s < end && !eol)
			eol = end;
		ll = s < end ? (size_t)(eol - s) : 0;
		line++;
		if (s >= end || !ll) {
			if (p.name && p.version) {
				err = add_pkg(out, a, &p);
				if (err)
					return err;
			}
			memset(&p, 0, sizeof(p));
			p.type = BH_PKG_APK;
			p.location = location;
			if (s >= end)
				break;
		} else {
			const char *v;

			if (ll < 2 || s[1] != ':')
				return bh_diag_set(diag, BH_ERR_PARSE, location, line, 1,
						   "expected 'X:value'");
			v = bh_arena_strndup(a, s + 2, ll - 2);
			if (!v)
				return BH_ERR_NOMEM;
			switch (s[0]) {
			case 'P':
				p.name = v;
				break;
			case 'V':
				p.version = v;
				break;
			case 'A':
				p.arch = v;
				break;
			case 'o':
				p.source = v;
				break;
			case 'L':
				p.license = v;
				break;
			case 'm':
				p.supplier = v;
				break;
			default:
				break;
			}
		}
		s = eol + 1;
	}
	return BH_OK;
}

/* ---- Python ---- */

bh_err bh_pkgdb_python(struct bh_arena *a, const char *data, size_t len, const char *location,
		       struct bh_pkgs *out, struct bh_diag *diag)
{
	struct bh_pkg p = { .type = BH_PKG_PYPI, .location = location };
	const char *s = data, *end = data + len, *classifier = NULL;

	while (s < end) {
		const char *eol = memchr(s, '\n', (size_t)(end - s));
		const char *colon;
		size_t ll;

		if (!eol)
			eol = end;
		ll = (size_t)(eol - s);
		if (ll && s[ll - 1] == '\r')
			ll--;
		if (!ll)
			break; /* the headers end at the first blank line; the body is the README */
		colon = memchr(s, ':', ll);
		if (colon && *s != ' ' && *s != '\t') {
			size_t kl = (size_t)(colon - s);
			const char *v = trimdup(a, colon + 1, ll - kl - 1);

			if (!v)
				return BH_ERR_NOMEM;
			if (kl == 4 && !strncasecmp(s, "Name", 4))
				p.name = v;
			else if (kl == 7 && !strncasecmp(s, "Version", 7))
				p.version = v;
			else if (kl == 18 && !strncasecmp(s, "License-Expression", 18))
				p.license = v;
			else if (kl == 7 && !strncasecmp(s, "License", 7) && !p.license && *v &&
				 strcmp(v, "UNKNOWN"))
				p.license = v;
			else if (kl == 10 && !strncasecmp(s, "Classifier", 10) && !classifier &&
				 !strncmp(v, "License :: ", 11)) {
				const char *last = strrchr(v, ':');

				classifier = last ? trimdup(a, last + 1, strlen(last + 1)) : NULL;
			}
		}
		s = eol + 1;
	}
	if (!p.license && classifier)
		p.license = classifier;
	if (!p.name || !p.version)
		return bh_diag_set(diag, BH_ERR_PARSE, location, 1, 1, "no Name or Version header");
	return add_pkg(out, a, &p);
}

/* ---- npm ---- */

static const char *npm_license(struct bh_arena *a, json_t *pkg)
{
	json_t *l = json_object_get(pkg, "license"), *ls = json_object_get(pkg, "licenses");

	if (json_is_string(l))
		return bh_arena_strdup(a, json_string_value(l));
	if (json_is_object(l) && json_is_string(json_object_get(l, "type")))
		return bh_arena_strdup(a, json_string_value(json_object_get(l, "type")));
	if (json_is_array(ls) && json_array_size(ls)) {
		json_t *t = json_object_get(json_array_get(ls, 0), "type");

		if (json_is_string(t))
			return bh_arena_strdup(a, json_string_value(t));
	}
	return NULL;
}

bh_err bh_pkgdb_npm(struct bh_arena *a, const char *data, size_t len, const char *location,
		    struct bh_pkgs *out, struct bh_diag *diag)
{
	json_error_t je;
	json_t *j = json_loadb(data, len, 0, &je);
	struct bh_pkg p = { .type = BH_PKG_NPM, .location = location };
	json_t *name, *version;
	bh_err err = BH_OK;

	if (!j)
		return bh_diag_set(diag, BH_ERR_PARSE, location, (unsigned)je.line,
				   (unsigned)je.column, "%s", je.text);
	name = json_object_get(j, "name");
	version = json_object_get(j, "version");
	/* Files named package.json without both fields (test fixtures, partial packages) are not
	 * installed packages. */
	if (json_is_string(name) && json_is_string(version) && *json_string_value(name) &&
	    *json_string_value(version)) {
		p.name = bh_arena_strdup(a, json_string_value(name));
		p.version = bh_arena_strdup(a, json_string_value(version));
		p.license = npm_license(a, j);
		err = p.name && p.version ? add_pkg(out, a, &p) : BH_ERR_NOMEM;
	}
	json_decref(j);
	return err;
}

/* ---- RPM ---- */

enum {
	RPMTAG_NAME = 1000,
	RPMTAG_VERSION = 1001,
	RPMTAG_RELEASE = 1002,
	RPMTAG_EPOCH = 1003,
	RPMTAG_VENDOR = 1011,
	RPMTAG_LICENSE = 1014,
	RPMTAG_ARCH = 1022,
	RPMTAG_SOURCERPM = 1044,
	RPM_INT32 = 4,
	RPM_STRING = 6,
	RPM_STRING_ARRAY = 8,
	RPM_I18NSTRING = 9,
};

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

bh_err bh_pkgdb_rpm_header(struct bh_arena *a, const unsigned char *blob, size_t len,
			   const char *location, struct bh_pkgs *out, struct bh_diag *diag)
{
	struct bh_pkg p = { .type = BH_PKG_RPM, .location = location };
	const char *release = NULL, *srpm = NULL;
	uint32_t il, dl;
	const unsigned char *data;

	if (len < 8)
		return bh_diag_set(diag, BH_ERR_PARSE, location, 0, 0,
				   "RPM header shorter than 8 bytes");
	il = be32(blob);
	dl = be32(blob + 4);
	if (il > BH_LIMIT_RPM_HEADER_ENTRIES || (uint64_t)il * 16 + dl + 8 > len)
		return bh_diag_set(
			diag, BH_ERR_PARSE, location, 0, 0,
			"RPM header: %u entries and %u data bytes do not fit in %zu bytes", il, dl,
			len);
	data = blob + 8 + (size_t)il * 16;
	for (uint32_t i = 0; i < il; i++) {
		const unsigned char *e = blob + 8 + (size_t)i * 16;
		uint32_t tag = be32(e), type = be32(e + 4), off = be32(e + 8), count = be32(e + 12);

		if (off >= dl)
			continue;
		if (type == RPM_STRING || type == RPM_I18NSTRING || type == RPM_STRING_ARRAY) {
			const unsigned char *nul = memchr(data + off, '\0', dl - off);
			const char *v;

			if (!nul)
				return bh_diag_set(diag, BH_ERR_PARSE, location, 0, 0,
						   "RPM header: tag %u string runs past the data",
						   tag);
			v = bh_arena_strndup(a, (const char *)data + off,
					     (size_t)(nul - data - off));
			if (!v)
				return BH_ERR_NOMEM;
			switch (tag) {
			case RPMTAG_NAME:
				p.name = v;
				break;
			case RPMTAG_VERSION:
				p.version = v;
				break;
			case RPMTAG_RELEASE:
				release = v;
				break;
			case RPMTAG_LICENSE:
				p.license = v;
				break;
			case RPMTAG_VENDOR:
				p.supplier = v;
				break;
			case RPMTAG_ARCH:
				p.arch = v;
				break;
			case RPMTAG_SOURCERPM:
				srpm = v;
				break;
			default:
				break;
			}
		} else if (type == RPM_INT32 && tag == RPMTAG_EPOCH && count >= 1 &&
			   (uint64_t)off + 4 <= dl) {
			p.epoch = bh_arena_printf(a, "%u", be32(data + off));
		}
	}
	if (!p.name || !p.version)
		return bh_diag_set(diag, BH_ERR_PARSE, location, 0, 0,
				   "RPM header without a name or version");
	if (!strcmp(p.name, "gpg-pubkey"))
		return BH_OK; /* imported signing keys, not packages */
	if (release)
		p.version = bh_arena_printf(a, "%s-%s", p.version, release);
	if (srpm) {
		/* "bash-5.1.8-6.el9.src.rpm": strip ".src.rpm" and the version-release. */
		size_t n = strlen(srpm);
		const char *d1, *d2 = NULL;

		if (n > 8 && !strcmp(srpm + n - 8, ".src.rpm"))
			n -= 8;
		d1 = memrchr(srpm, '-', n);
		if (d1)
			d2 = memrchr(srpm, '-', (size_t)(d1 - srpm));
		if (d2) {
			p.source = bh_arena_strndup(a, srpm, (size_t)(d2 - srpm));
			p.source_version = bh_arena_strndup(a, d2 + 1, (size_t)(srpm + n - d2 - 1));
		}
	}
	return add_pkg(out, a, &p);
}

bh_err bh_pkgdb_rpmdb(struct bh_arena *a, const char *data, size_t len, const char *location,
		      struct bh_pkgs *out, struct bh_diag *diag)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	unsigned char *copy;
	bh_err err = BH_OK;
	int rc;

	if (len < 100 || memcmp(data, "SQLite format 3", 16))
		return bh_diag_set(diag, BH_ERR_PARSE, location, 0, 0, "not an SQLite database");
	if (bh_sqlite_api_load(diag))
		return BH_ERR_IO;
	copy = SQL(sqlite3_malloc64)(len);
	if (!copy)
		return BH_ERR_NOMEM;
	memcpy(copy, data, len);
	/* rpm keeps the database in WAL mode; an in-memory copy must read as a rollback journal
	 * database (file format bytes 18 and 19). Pages still in a -wal file are not seen. */
	copy[18] = 1;
	copy[19] = 1;
	if (SQL(sqlite3_open_v2)(":memory:", &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
		SQL(sqlite3_free)(copy);
		err = BH_ERR_NOMEM;
		goto out;
	}
	SQL(sqlite3_db_config)(db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
	SQL(sqlite3_db_config)(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
	rc = SQL(sqlite3_deserialize)(db, "main", copy, (sqlite3_int64)len, (sqlite3_int64)len,
				      SQLITE_DESERIALIZE_FREEONCLOSE | SQLITE_DESERIALIZE_READONLY);
	if (rc != SQLITE_OK ||
	    SQL(sqlite3_prepare_v2)(db, "SELECT blob FROM Packages ORDER BY hnum", -1, &st, NULL) !=
		    SQLITE_OK) {
		err = bh_diag_set(diag, BH_ERR_PARSE, location, 0, 0, "rpm database: %s",
				  SQL(sqlite3_errmsg)(db));
		goto out;
	}
	while ((rc = SQL(sqlite3_step)(st)) == SQLITE_ROW) {
		const void *b = SQL(sqlite3_column_blob)(st, 0);
		int bl = SQL(sqlite3_column_bytes)(st, 0);

		if (!b || bl <= 0)
			continue;
		err = bh_pkgdb_rpm_header(a, b, (size_t)bl, location, out, diag);
		if (err)
			goto out;
	}
	if (rc != SQLITE_DONE)
		err = bh_diag_set(diag, BH_ERR_PARSE, location, 0, 0, "rpm database: %s",
				  SQL(sqlite3_errmsg)(db));
out:
	SQL(sqlite3_finalize)(st);
	SQL(sqlite3_close)(db);
	return err;
}

/* ---- Debian copyright files ---- */

#define MAX_LICENSES 32

const char *bh_pkgdb_deb_copyright(struct bh_arena *a, const char *data, size_t len)
{
	const char *s = data, *end = data + len, *seen[MAX_LICENSES];
	size_t n = 0;
	struct bh_buf b;
	const char *out = NULL;

	if (len < 7 || strncmp(data, "Format:", 7))
		return NULL;
	while (s < end && n < MAX_LICENSES) {
		const char *eol = memchr(s, '\n', (size_t)(end - s));
		size_t ll;

		if (!eol)
			eol = end;
		ll = (size_t)(eol - s);
		if (ll > 8 && !strncmp(s, "License:", 8)) {
			const char *v = trimdup(a, s + 8, ll - 8);
			int dup = 0;

			for (size_t i = 0; v && i < n; i++)
				dup |= !strcmp(seen[i], v);
			if (v && *v && !dup)
				seen[n++] = v;
		}
		s = eol + 1;
	}
	if (!n)
		return NULL;
	bh_buf_init(&b, 0);
	for (size_t i = 0; i < n; i++)
		if (bh_buf_printf(&b, "%s%s", i ? ", " : "", seen[i]))
			goto out;
	out = bh_arena_strdup(a, bh_buf_str(&b));
out:
	bh_buf_release(&b);
	return out;
}

/* ---- os-release ---- */

void bh_pkgdb_os_release(struct bh_arena *a, const char *data, size_t len, struct bh_os_info *os)
{
	const char *s = data, *end = data + len;

	while (s < end) {
		const char *eol = memchr(s, '\n', (size_t)(end - s)), *eq;
		size_t ll;

		if (!eol)
			eol = end;
		ll = (size_t)(eol - s);
		eq = memchr(s, '=', ll);
		if (eq) {
			size_t kl = (size_t)(eq - s), vl = ll - kl - 1;
			const char *v = eq + 1;

			if (vl >= 2 && (v[0] == '"' || v[0] == '\'') && v[vl - 1] == v[0]) {
				v++;
				vl -= 2;
			}
			if (kl == 2 && !memcmp(s, "ID", 2))
				os->id = bh_arena_strndup(a, v, vl);
			else if (kl == 10 && !memcmp(s, "VERSION_ID", 10))
				os->version_id = bh_arena_strndup(a, v, vl);
			else if (kl == 11 && !memcmp(s, "PRETTY_NAME", 11))
				os->pretty_name = bh_arena_strndup(a, v, vl);
		}
		s = eol + 1;
	}
}

/* ---- collecting ---- */

struct collect_ctx {
	struct bh_arena *a;
	struct bh_pkgs *out;
	int have_dpkg;
	bh_err err;
};

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcmp(s + n - m, suffix);
}

static void visit(const struct bh_img_node *n, void *p)
{
	struct collect_ctx *c = p;
	struct bh_diag d = { 0 };
	const char *loc;
	bh_err err = BH_OK;

	if (c->err || n->type != BH_IMG_REG || !n->data || !bh_image_keep_path(n->path))
		return;
	loc = bh_arena_printf(c->a, "/%s", n->path);
	if (!loc) {
		c->err = BH_ERR_NOMEM;
		return;
	}
	if (!strcmp(n->path, "var/lib/dpkg/status") ||
	    !strncmp(n->path, "var/lib/dpkg/status.d/", 22))
		err = bh_pkgdb_dpkg(c->a, n->data, n->len, loc, c->out, &d);
	else if (!strcmp(n->path, "lib/apk/db/installed"))
		err = bh_pkgdb_apk(c->a, n->data, n->len, loc, c->out, &d);
	else if (ends_with(n->path, "rpmdb.sqlite"))
		err = bh_pkgdb_rpmdb(c->a, n->data, n->len, loc, c->out, &d);
	else if (ends_with(n->path, "/METADATA") || ends_with(n->path, "/PKG-INFO") ||
		 ends_with(n->path, ".egg-info")) {
		/* Debian's python3-* packages ship dist-info in /usr/lib/python3/dist-packages,
		 * and dpkg already lists them. */
		if (c->have_dpkg && !strncmp(n->path, "usr/lib/python3/dist-packages/", 30))
			return;
		err = bh_pkgdb_python(c->a, n->data, n->len, loc, c->out, &d);
	} else if (ends_with(n->path, "package.json"))
		err = bh_pkgdb_npm(c->a, n->data, n->len, loc, c->out, &d);
	else
		return;
	if (err == BH_ERR_NOMEM || err == BH_ERR_LIMIT) {
		c->err = err;
	} else if (err) {
		char *m = bh_arena_printf(c->a, "%s:%u: %s (skipped)", d.file, d.line, d.msg);

		if (m)
			warn(c->out, c->a, m);
	}
}

static int pkg_cmp(const void *x, const void *y)
{
	const struct bh_pkg *a = x, *b = y;
	int r;

	if (a->type != b->type)
		return (int)a->type - (int)b->type;
	if ((r = strcmp(a->name, b->name)))
		return r;
	if ((r = strcmp(a->version, b->version)))
		return r;
	return strcmp(a->location ? a->location : "", b->location ? b->location : "");
}

bh_err bh_pkgdb_collect(const struct bh_image *img, struct bh_arena *a, struct bh_pkgs *out,
			struct bh_diag *diag)
{
	struct collect_ctx c = { a, out, 0, BH_OK };
	const struct bh_img_node *osr = bh_image_resolve(img, "etc/os-release");
	bh_err err;

	if (!osr || !osr->data)
		osr = bh_image_resolve(img, "usr/lib/os-release");
	if (osr && osr->data)
		bh_pkgdb_os_release(a, osr->data, osr->len, &out->os);
	if (!out->os.id) {
		/* Old or trimmed images without os-release: the distributions' version files. */
		const struct bh_img_node *al = bh_image_resolve(img, "etc/alpine-release");
		const struct bh_img_node *dv = bh_image_resolve(img, "etc/debian_version");

		if (al && al->data) {
			out->os.id = "alpine";
			out->os.version_id = trimdup(a, al->data, strcspn(al->data, "\n"));
		} else if (dv && dv->data) {
			out->os.id = "debian";
			out->os.version_id = trimdup(a, dv->data, strcspn(dv->data, ".\n"));
		}
	}
	c.have_dpkg = bh_image_lookup(img, "var/lib/dpkg/status") != NULL ||
		      bh_image_lookup(img, "var/lib/dpkg/status.d") != NULL;
	bh_image_walk(img, visit, &c);
	if (c.err)
		return bh_diag_set(diag, c.err, img->label, 0, 0, "%s",
				   c.err == BH_ERR_LIMIT ? "too many packages" : "out of memory");
	for (size_t i = 0; i < out->n; i++) {
		struct bh_pkg *p = &out->items[i];
		const struct bh_img_node *cr;
		char *path;

		if (p->type != BH_PKG_DEB || p->license)
			continue;
		path = bh_arena_printf(a, "usr/share/doc/%s/copyright", p->name);
		cr = path && !strchr(p->name, '/') ? bh_image_resolve(img, path) : NULL;
		if (cr && cr->data)
			p->license = bh_pkgdb_deb_copyright(a, cr->data, cr->len);
	}
	if (out->n)
		qsort(out->items, out->n, sizeof(*out->items), pkg_cmp);
	err = bh_pkgs_purls(a, out);
	if (err)
		return bh_diag_set(diag, err, img->label, 0, 0, "cannot build package URLs");
	return BH_OK;
}
