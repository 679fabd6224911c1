/*
 * Package URLs (purl spec, package-url/purl-spec): the canonical string form of a package's
 * coordinates, built from components. Canonical means: lower-case type; each namespace, name
 * and version percent-encoded except for unreserved characters and ':' (so a Debian epoch stays
 * "1:" and '+' becomes %2B); qualifiers with empty values dropped, keys lower-cased and sorted,
 * values encoded including '/'; subpath segments encoded, with empty, "." and ".." segments
 * dropped. Type rules: pypi names are lower-cased with '_' turned to '-'; deb, apk, npm,
 * github and bitbucket namespaces and names are lower-case. Checked against the purl-spec test
 * vectors in tests/unit/test_purl.c.
 */
#include "oci.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "core/banned.h"

static bh_err encode(struct bh_buf *out, const char *s, int keep_slash, int lower, int pypi)
{
	bh_err err = BH_OK;

	for (; *s && !err; s++) {
		unsigned char c = (unsigned char)*s;

		if (lower)
			c = (unsigned char)tolower(c);
		if (pypi && c == '_')
			c = '-';
		if (isalnum(c) || c == '.' || c == '-' || c == '_' || c == '~' || c == ':' ||
		    (keep_slash && c == '/'))
			err = bh_buf_addc(out, (char)c);
		else
			err = bh_buf_printf(out, "%%%02X", c);
	}
	return err;
}

static int lower_type(const char *type)
{
	static const char *const t[] = { "deb",	 "apk", "npm",	    "github", "bitbucket",
					 "pypi", "hex", "composer", "golang" };

	for (size_t i = 0; i < sizeof(t) / sizeof(*t); i++)
		if (!strcmp(type, t[i]))
			return 1;
	return 0;
}

static int qcmp(const void *a, const void *b)
{
	return strcasecmp(((const struct bh_purl_qualifier *)a)->key,
			  ((const struct bh_purl_qualifier *)b)->key);
}

bh_err bh_purl_build(struct bh_buf *out, const char *type, const char *ns, const char *name,
		     const char *version, const struct bh_purl_qualifier *q, size_t nq,
		     const char *subpath)
{
	struct bh_purl_qualifier *sorted = NULL;
	int lower = lower_type(type) && strcmp(type, "golang") != 0;
	int pypi = !strcmp(type, "pypi");
	bh_err err;

	if (!type || !*type || !name || !*name)
		return BH_ERR_USAGE;
	err = bh_buf_adds(out, "pkg:");
	for (const char *t = type; *t && !err; t++)
		err = bh_buf_addc(out, (char)tolower((unsigned char)*t));
	if (!err)
		err = bh_buf_addc(out, '/');
	if (!err && ns && *ns) {
		/* Each segment is encoded on its own; empty segments are dropped. */
		const char *p = ns;

		while (*p && !err) {
			size_t l = strcspn(p, "/");

			if (l) {
				char *seg = strndup(p, l);

				if (!seg)
					return BH_ERR_NOMEM;
				err = encode(out, seg, 0, lower && !pypi, 0);
				free(seg);
				if (!err)
					err = bh_buf_addc(out, '/');
			}
			p += l;
			p += strspn(p, "/");
		}
	}
	if (!err)
		err = encode(out, name, 0, lower, pypi);
	if (!err && version && *version) {
		err = bh_buf_addc(out, '@');
		if (!err)
			err = encode(out, version, 0, 0, 0);
	}
	if (!err && nq) {
		size_t k = 0;

		sorted = malloc(nq * sizeof(*sorted));
		if (!sorted)
			return BH_ERR_NOMEM;
		for (size_t i = 0; i < nq; i++)
			if (q[i].key && q[i].value && *q[i].value)
				sorted[k++] = q[i];
		qsort(sorted, k, sizeof(*sorted), qcmp);
		for (size_t i = 0; i < k && !err; i++) {
			err = bh_buf_addc(out, i ? '&' : '?');
			for (const char *c = sorted[i].key; *c && !err; c++)
				err = bh_buf_addc(out, (char)tolower((unsigned char)*c));
			if (!err)
				err = bh_buf_addc(out, '=');
			if (!err)
				err = encode(out, sorted[i].value, 0, 0, 0);
		}
		free(sorted);
	}
	if (!err && subpath && *subpath) {
		const char *p = subpath;
		int first = 1;

		while (*p && !err) {
			size_t l = strcspn(p, "/");

			if (l && !(l == 1 && p[0] == '.') &&
			    !(l == 2 && p[0] == '.' && p[1] == '.')) {
				char *seg = strndup(p, l);

				if (!seg)
					return BH_ERR_NOMEM;
				err = bh_buf_addc(out, first ? '#' : '/');
				if (!err)
					err = encode(out, seg, 0, 0, 0);
				free(seg);
				first = 0;
			}
			p += l;
			p += strspn(p, "/");
		}
	}
	return err;
}

/* The purl namespace for an OS package: the distribution, as Trivy and syft write it. */
static const char *os_namespace(const struct bh_os_info *os, const char *fallback)
{
	if (!os->id)
		return fallback;
	if (!strcmp(os->id, "rhel"))
		return "redhat";
	return os->id;
}

bh_err bh_pkgs_purls(struct bh_arena *a, struct bh_pkgs *pkgs)
{
	struct bh_buf b;
	const char *distro = NULL;
	bh_err err = BH_OK;

	if (pkgs->os.id && pkgs->os.version_id)
		distro = bh_arena_printf(a, "%s-%s", pkgs->os.id, pkgs->os.version_id);
	bh_buf_init(&b, 0);
	for (size_t i = 0; i < pkgs->n && !err; i++) {
		struct bh_pkg *p = &pkgs->items[i];
		struct bh_purl_qualifier q[3];
		size_t nq = 0;

		bh_buf_reset(&b);
		switch (p->type) {
		case BH_PKG_DEB:
			q[nq++] = (struct bh_purl_qualifier){ "arch", p->arch };
			q[nq++] = (struct bh_purl_qualifier){ "distro", distro };
			err = bh_purl_build(&b, "deb", os_namespace(&pkgs->os, "debian"), p->name,
					    p->version, q, nq, NULL);
			break;
		case BH_PKG_APK:
			q[nq++] = (struct bh_purl_qualifier){ "arch", p->arch };
			q[nq++] = (struct bh_purl_qualifier){ "distro", distro };
			err = bh_purl_build(&b, "apk", os_namespace(&pkgs->os, "alpine"), p->name,
					    p->version, q, nq, NULL);
			break;
		case BH_PKG_RPM:
			q[nq++] = (struct bh_purl_qualifier){ "arch", p->arch };
			q[nq++] = (struct bh_purl_qualifier){ "epoch", p->epoch };
			q[nq++] = (struct bh_purl_qualifier){ "distro", distro };
			err = bh_purl_build(&b, "rpm", os_namespace(&pkgs->os, "redhat"), p->name,
					    p->version, q, nq, NULL);
			break;
		case BH_PKG_PYPI:
			err = bh_purl_build(&b, "pypi", NULL, p->name, p->version, NULL, 0, NULL);
			break;
		case BH_PKG_NPM: {
			const char *slash = p->name[0] == '@' ? strchr(p->name, '/') : NULL;

			if (slash) {
				char *nsp = bh_arena_strndup(a, p->name, (size_t)(slash - p->name));

				err = nsp ? bh_purl_build(&b, "npm", nsp, slash + 1, p->version,
							  NULL, 0, NULL)
					  : BH_ERR_NOMEM;
			} else {
				err = bh_purl_build(&b, "npm", NULL, p->name, p->version, NULL, 0,
						    NULL);
			}
			break;
		}
		}
		if (!err) {
			p->purl = bh_arena_strdup(a, bh_buf_str(&b));
			if (!p->purl)
				err = BH_ERR_NOMEM;
		}
	}
	bh_buf_release(&b);
	return err;
}
