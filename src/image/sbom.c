/*
 * SBOM documents for an image: SPDX 2.3 JSON and CycloneDX 1.5 JSON, both valid against the
 * official schemas (checked by tests/image/im/run.sh).
 *
 * Output is deterministic: packages are already sorted, keys keep insertion order, and the only
 * time in the document (SPDX creationInfo.created, CycloneDX metadata.timestamp) is the image
 * config's "created" (normalised to seconds and 'Z'), or the epoch when the config has none. The
 * SPDX namespace and the CycloneDX serial number are derived from the image digest, so the same
 * image always yields the same bytes.
 */
#include "oci.h"

#include <ctype.h>
#include <jansson.h>
#include <string.h>

#include "bh_config.h"
#include "core/banned.h"
#include "core/hash.h"
#include "layerfs.h"

/* "2024-01-02T03:04:05.123456789Z" or "+00:00" -> "2024-01-02T03:04:05Z". */
static void created_time(const struct bh_image *img, char out[21])
{
	const char *c = img->created;

	memcpy(out, "1970-01-01T00:00:00Z", 21);
	if (!c || strlen(c) < 19)
		return;
	for (int i = 0; i < 19; i++) {
		char want = "dddd-dd-ddTdd:dd:dd"[i];

		if (want == 'd' ? !isdigit((unsigned char)c[i]) : c[i] != want)
			return;
	}
	memcpy(out, c, 19);
	out[19] = 'Z';
	out[20] = '\0';
}

/* A name-based UUID (version 5 layout) from the image digest and the document kind. */
static void doc_uuid(const struct bh_image *img, const char *kind, char out[37])
{
	char seed[512], hex[65];
	int o = 0;

	snprintf(seed, sizeof(seed), "%s|%s|%s|%s", kind, img->digest, img->name, img->tag);
	bh_sha256_hex(seed, strlen(seed), hex);
	hex[12] = '5';
	hex[16] = "89ab"[hex[16] % 4];
	for (int i = 0; i < 32; i++) {
		if (i == 8 || i == 12 || i == 16 || i == 20)
			out[o++] = '-';
		out[o++] = hex[i];
	}
	out[o] = '\0';
}

static const char *image_name(const struct bh_image *img)
{
	const char *n = *img->name ? img->name : img->label;
	const char *slash = strrchr(n, '/');

	return slash && slash[1] ? slash + 1 : n;
}

static char *image_purl(const struct bh_image *img)
{
	struct bh_buf b;
	struct bh_purl_qualifier q[3] = {
		{ "arch", img->arch },
		{ "repository_url", *img->name && strchr(img->name, '/') ? img->name : NULL },
		{ "tag", img->tag },
	};
	char *s = NULL;

	bh_buf_init(&b, 0);
	if (*img->digest &&
	    !bh_purl_build(&b, "oci", NULL, image_name(img), img->digest, q, 3, NULL))
		s = bh_buf_detach(&b, NULL);
	bh_buf_release(&b);
	return s;
}

static const char *type_name(enum bh_pkg_type t)
{
	switch (t) {
	case BH_PKG_DEB:
		return "deb";
	case BH_PKG_APK:
		return "apk";
	case BH_PKG_RPM:
		return "rpm";
	case BH_PKG_PYPI:
		return "python";
	case BH_PKG_NPM:
		return "npm";
	}
	return "";
}

static int set(json_t *o, const char *k, const char *v)
{
	return v ? json_object_set_new(o, k, json_string(v)) : 0;
}

/* A licence string that is a plain SPDX expression: ids joined by AND, OR, WITH, parentheses. */
static int spdx_expression(const char *l)
{
	int tokens = 0;

	if (!l || !*l)
		return 0;
	for (const char *p = l; *p;) {
		size_t n;

		if (*p == ' ' || *p == '(' || *p == ')') {
			p++;
			continue;
		}
		n = strspn(p, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.-+");
		if (!n)
			return 0;
		tokens++;
		p += n;
	}
	/* "BSD 3-Clause" is two ids without an operator: not an expression. */
	if (tokens > 1 && !strstr(l, " AND ") && !strstr(l, " OR ") && !strstr(l, " WITH "))
		return 0;
	return 1;
}

/* "Name <mail>" -> "Person: Name (mail)", the SPDX supplier form. */
static json_t *spdx_person(const char *who)
{
	const char *lt = strchr(who, '<'), *gt = lt ? strchr(lt, '>') : NULL;
	int nl = lt ? (int)(lt - who) : (int)strlen(who);

	while (nl > 0 && who[nl - 1] == ' ')
		nl--;
	if (lt && gt)
		return json_sprintf("Person: %.*s (%.*s)", nl, who, (int)(gt - lt - 1), lt + 1);
	return json_sprintf("Person: %.*s", nl, who);
}

static json_t *spdx_doc(const struct bh_image *img, const struct bh_pkgs *pkgs, const char *when)
{
	json_t *doc = json_object(), *ci = json_object(), *creators = json_array();
	json_t *packages = json_array(), *rels = json_array(), *imgp = json_object();
	char uuid[37], *ipurl = image_purl(img);
	const char *name = *img->name ? img->name : img->label;

	doc_uuid(img, "spdx", uuid);
	json_object_set_new(doc, "spdxVersion", json_string("SPDX-2.3"));
	json_object_set_new(doc, "dataLicense", json_string("CC0-1.0"));
	json_object_set_new(doc, "SPDXID", json_string("SPDXRef-DOCUMENT"));
	json_object_set_new(doc, "name", json_string(name));
	json_object_set_new(doc, "documentNamespace",
			    json_sprintf("https://bulkhead.dev/spdx/image/%s", uuid));
	json_array_append_new(creators, json_string("Tool: bulkhead-" BH_VERSION));
	json_object_set_new(ci, "created", json_string(when));
	json_object_set_new(ci, "creators", creators);
	json_object_set_new(doc, "creationInfo", ci);

	json_object_set_new(imgp, "SPDXID", json_string("SPDXRef-Image"));
	json_object_set_new(imgp, "name", json_string(name));
	if (*img->digest)
		json_object_set_new(imgp, "versionInfo", json_string(img->digest));
	json_object_set_new(imgp, "downloadLocation", json_string("NOASSERTION"));
	json_object_set_new(imgp, "filesAnalyzed", json_false());
	json_object_set_new(imgp, "primaryPackagePurpose", json_string("CONTAINER"));
	if (ipurl) {
		json_t *refs = json_array(), *r = json_object();

		json_object_set_new(r, "referenceCategory", json_string("PACKAGE-MANAGER"));
		json_object_set_new(r, "referenceType", json_string("purl"));
		json_object_set_new(r, "referenceLocator", json_string(ipurl));
		json_array_append_new(refs, r);
		json_object_set_new(imgp, "externalRefs", refs);
		free(ipurl);
	}
	json_array_append_new(packages, imgp);
	{
		json_t *r = json_object();

		json_object_set_new(r, "spdxElementId", json_string("SPDXRef-DOCUMENT"));
		json_object_set_new(r, "relationshipType", json_string("DESCRIBES"));
		json_object_set_new(r, "relatedSpdxElement", json_string("SPDXRef-Image"));
		json_array_append_new(rels, r);
	}
	if (pkgs->os.id) {
		json_t *os = json_object(), *r = json_object();

		json_object_set_new(os, "SPDXID", json_string("SPDXRef-OperatingSystem"));
		json_object_set_new(os, "name", json_string(pkgs->os.id));
		set(os, "versionInfo", pkgs->os.version_id);
		json_object_set_new(os, "downloadLocation", json_string("NOASSERTION"));
		json_object_set_new(os, "filesAnalyzed", json_false());
		json_object_set_new(os, "primaryPackagePurpose", json_string("OPERATING_SYSTEM"));
		set(os, "description", pkgs->os.pretty_name);
		json_array_append_new(packages, os);
		json_object_set_new(r, "spdxElementId", json_string("SPDXRef-Image"));
		json_object_set_new(r, "relationshipType", json_string("CONTAINS"));
		json_object_set_new(r, "relatedSpdxElement",
				    json_string("SPDXRef-OperatingSystem"));
		json_array_append_new(rels, r);
	}
	for (size_t i = 0; i < pkgs->n; i++) {
		const struct bh_pkg *p = &pkgs->items[i];
		json_t *o = json_object(), *r = json_object();
		char id[64];

		snprintf(id, sizeof(id), "SPDXRef-Package-%s-%zu", type_name(p->type), i + 1);
		json_object_set_new(o, "SPDXID", json_string(id));
		json_object_set_new(o, "name", json_string(p->name));
		set(o, "versionInfo", p->version);
		json_object_set_new(o, "downloadLocation", json_string("NOASSERTION"));
		json_object_set_new(o, "filesAnalyzed", json_false());
		json_object_set_new(o, "primaryPackagePurpose", json_string("LIBRARY"));
		/* Debian's DEP-5 names (GPL-2+, BSD-3-clause) are not SPDX ids: comment only. */
		if (p->type != BH_PKG_DEB && spdx_expression(p->license)) {
			json_object_set_new(o, "licenseDeclared", json_string(p->license));
		} else {
			json_object_set_new(o, "licenseDeclared", json_string("NOASSERTION"));
			if (p->license)
				json_object_set_new(o, "licenseComments",
						    json_sprintf("declared as: %s", p->license));
		}
		json_object_set_new(o, "copyrightText", json_string("NOASSERTION"));
		if (p->supplier)
			json_object_set_new(o, "supplier", spdx_person(p->supplier));
		if (p->source)
			json_object_set_new(
				o, "sourceInfo",
				json_sprintf("built package from: %s%s%s", p->source,
					     p->source_version ? " " : "",
					     p->source_version ? p->source_version : ""));
		if (p->location)
			json_object_set_new(o, "comment", json_sprintf("found in %s", p->location));
		if (p->purl) {
			json_t *refs = json_array(), *ref = json_object();

			json_object_set_new(ref, "referenceCategory",
					    json_string("PACKAGE-MANAGER"));
			json_object_set_new(ref, "referenceType", json_string("purl"));
			json_object_set_new(ref, "referenceLocator", json_string(p->purl));
			json_array_append_new(refs, ref);
			json_object_set_new(o, "externalRefs", refs);
		}
		json_array_append_new(packages, o);
		json_object_set_new(r, "spdxElementId", json_string("SPDXRef-Image"));
		json_object_set_new(r, "relationshipType", json_string("CONTAINS"));
		json_object_set_new(r, "relatedSpdxElement", json_string(id));
		json_array_append_new(rels, r);
	}
	json_object_set_new(doc, "packages", packages);
	json_object_set_new(doc, "relationships", rels);
	return doc;
}

static json_t *prop(const char *name, const char *value)
{
	json_t *p = json_object();

	json_object_set_new(p, "name", json_string(name));
	json_object_set_new(p, "value", json_string(value));
	return p;
}

/* One entry per licence; a deb's DEP-5 list is split at ", ". Names, not ids: the SPDX id
 * enum would reject the many non-SPDX names real packages declare. */
static json_t *cdx_licenses(const struct bh_pkg *p)
{
	json_t *ls = json_array();
	const char *s = p->license;

	while (*s) {
		size_t n = p->type == BH_PKG_DEB ? strcspn(s, ",") : strlen(s);
		json_t *l = json_object(), *lic = json_object();

		json_object_set_new(lic, "name", json_stringn(s, n));
		json_object_set_new(l, "license", lic);
		json_array_append_new(ls, l);
		s += n;
		while (*s == ',' || *s == ' ')
			s++;
	}
	return ls;
}

static json_t *cdx_doc(const struct bh_image *img, const struct bh_pkgs *pkgs, const char *when)
{
	json_t *doc = json_object(), *meta = json_object(), *tools = json_object();
	json_t *tcomps = json_array(), *tool = json_object(), *comp = json_object();
	json_t *comps = json_array(), *deps = json_array(), *imgdeps = json_array(), *d;
	char uuid[37], *ipurl = image_purl(img);
	const char *imgref = ipurl ? ipurl : "image";

	doc_uuid(img, "cyclonedx", uuid);
	json_object_set_new(doc, "$schema",
			    json_string("http://cyclonedx.org/schema/bom-1.5.schema.json"));
	json_object_set_new(doc, "bomFormat", json_string("CycloneDX"));
	json_object_set_new(doc, "specVersion", json_string("1.5"));
	json_object_set_new(doc, "serialNumber", json_sprintf("urn:uuid:%s", uuid));
	json_object_set_new(doc, "version", json_integer(1));
	json_object_set_new(meta, "timestamp", json_string(when));
	json_object_set_new(tool, "type", json_string("application"));
	json_object_set_new(tool, "name", json_string("bulkhead"));
	json_object_set_new(tool, "version", json_string(BH_VERSION));
	json_array_append_new(tcomps, tool);
	json_object_set_new(tools, "components", tcomps);
	json_object_set_new(meta, "tools", tools);
	json_object_set_new(comp, "bom-ref", json_string(imgref));
	json_object_set_new(comp, "type", json_string("container"));
	json_object_set_new(comp, "name", json_string(*img->name ? img->name : img->label));
	if (*img->digest)
		json_object_set_new(comp, "version", json_string(img->digest));
	if (ipurl)
		json_object_set_new(comp, "purl", json_string(ipurl));
	{
		json_t *props = json_array();
		char num[32];

		snprintf(num, sizeof(num), "%zu", img->nlayers);
		json_array_append_new(props, prop("bulkhead:image:layers", num));
		snprintf(num, sizeof(num), "%llu", (unsigned long long)img->bytes);
		json_array_append_new(props, prop("bulkhead:image:uncompressed-bytes", num));
		if (*img->os)
			json_array_append_new(props, prop("bulkhead:image:os", img->os));
		if (*img->arch)
			json_array_append_new(props,
					      prop("bulkhead:image:architecture", img->arch));
		json_object_set_new(comp, "properties", props);
	}
	json_object_set_new(meta, "component", comp);
	json_object_set_new(doc, "metadata", meta);
	if (pkgs->os.id) {
		json_t *os = json_object();

		json_object_set_new(os, "bom-ref", json_string("os"));
		json_object_set_new(os, "type", json_string("operating-system"));
		json_object_set_new(os, "name", json_string(pkgs->os.id));
		set(os, "version", pkgs->os.version_id);
		set(os, "description", pkgs->os.pretty_name);
		json_array_append_new(comps, os);
		json_array_append_new(imgdeps, json_string("os"));
	}
	for (size_t i = 0; i < pkgs->n; i++) {
		const struct bh_pkg *p = &pkgs->items[i];
		json_t *o = json_object(), *props = json_array();
		char *ref = NULL;

		/* bom-ref must be unique: the same package can sit in several node_modules. */
		if (p->purl && (i == 0 || !pkgs->items[i - 1].purl ||
				strcmp(pkgs->items[i - 1].purl, p->purl)))
			ref = strdup(p->purl);
		else
			ref = NULL;
		if (ref)
			json_object_set_new(o, "bom-ref", json_string(ref));
		else
			json_object_set_new(
				o, "bom-ref",
				json_sprintf("%s#%zu", p->purl ? p->purl : p->name, i + 1));
		json_array_append(imgdeps, json_object_get(o, "bom-ref"));
		free(ref);
		json_object_set_new(o, "type", json_string("library"));
		json_object_set_new(o, "name", json_string(p->name));
		set(o, "version", p->version);
		if (p->supplier) {
			json_t *sup = json_object();

			json_object_set_new(sup, "name", json_string(p->supplier));
			json_object_set_new(o, "supplier", sup);
		}
		if (p->license)
			json_object_set_new(o, "licenses", cdx_licenses(p));
		set(o, "purl", p->purl);
		json_array_append_new(props, prop("bulkhead:package:type", type_name(p->type)));
		if (p->location)
			json_array_append_new(props, prop("bulkhead:location", p->location));
		if (p->source)
			json_array_append_new(props, prop("bulkhead:package:source", p->source));
		if (p->source_version)
			json_array_append_new(
				props, prop("bulkhead:package:source-version", p->source_version));
		if (p->arch)
			json_array_append_new(props, prop("bulkhead:package:arch", p->arch));
		json_object_set_new(o, "properties", props);
		json_array_append_new(comps, o);
	}
	json_object_set_new(doc, "components", comps);
	d = json_object();
	json_object_set_new(d, "ref", json_string(imgref));
	json_object_set_new(d, "dependsOn", imgdeps);
	json_array_append_new(deps, d);
	json_object_set_new(doc, "dependencies", deps);
	free(ipurl);
	return doc;
}

bh_err bh_sbom_write(const struct bh_image *img, const struct bh_pkgs *pkgs,
		     enum bh_sbom_format fmt, struct bh_buf *out, struct bh_diag *diag)
{
	char when[21];
	json_t *doc;
	char *s;
	bh_err err;

	created_time(img, when);
	doc = fmt == BH_SBOM_SPDX ? spdx_doc(img, pkgs, when) : cdx_doc(img, pkgs, when);
	if (!doc)
		return bh_diag_set(diag, BH_ERR_NOMEM, img->label, 0, 0, "out of memory");
	s = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);
	json_decref(doc);
	if (!s)
		return bh_diag_set(diag, BH_ERR_NOMEM, img->label, 0, 0, "out of memory");
	err = bh_buf_adds(out, s);
	if (!err)
		err = bh_buf_addc(out, '\n');
	free(s);
	return err ? bh_diag_set(diag, err, img->label, 0, 0, "the SBOM is too large") : BH_OK;
}
