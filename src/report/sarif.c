/*
 * SARIF 2.1.0 for code scanning. tool.driver.rules carries the whole catalogue (so that a rule
 * id in a result always resolves), results reference rules by index, regions are 1-based, and
 * partialFingerprints carries the bulkhead fingerprint so that code scanning tracks a finding
 * across commits. Suppressed findings are emitted with a "suppressions" entry, as SARIF
 * intends, only with --show-suppressed.
 */
#include "report.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "bh_config.h"
#include "core/fs.h"
#include "engine/engine.h"
#include "jstr.h"

#include "core/banned.h"

static const char *sarif_level(enum bh_severity s)
{
	switch (s) {
	case BH_SEV_CRITICAL:
	case BH_SEV_HIGH:
		return "error";
	case BH_SEV_MEDIUM:
		return "warning";
	default:
		return "note";
	}
}

/* GitHub code scanning reads a numeric "security-severity" from rule properties. */
static const char *security_severity(enum bh_severity s)
{
	static const char *const v[] = { "1.0", "3.0", "5.5", "8.0", "9.5", "0.0" };

	return v[s <= BH_SEV_NONE ? s : BH_SEV_NONE];
}

/*
 * A file path as a SARIF artifact URI (a relative reference, or an absolute path): bytes
 * outside RFC 3986's unreserved set and '/' are percent-encoded, so spaces, '#', '%' and
 * non-ASCII names still give a valid URI that code scanning resolves.
 */
static json_t *uri_of(const char *path)
{
	static const char hex[] = "0123456789ABCDEF";
	struct bh_buf b;
	json_t *j;

	if (!path || !*path)
		return bh_jstr("stdin");
	path = bh_fs_strip_dot(path);
	bh_buf_init(&b, 0);
	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		int plain = (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
			    (*p >= '0' && *p <= '9') || strchr("-._~/", *p);

		if (plain) {
			bh_buf_addc(&b, (char)*p);
		} else {
			bh_buf_addc(&b, '%');
			bh_buf_addc(&b, hex[*p >> 4]);
			bh_buf_addc(&b, hex[*p & 15]);
		}
	}
	j = bh_jstr(bh_buf_str(&b));
	bh_buf_release(&b);
	return j;
}

/* Inline comments and annotations live in the source; config and baselines outside it. */
static const char *suppression_kind(const char *by)
{
	return strncmp(by, "inline", 6) == 0 || strncmp(by, "annotation", 10) == 0 ? "inSource"
										   : "external";
}

static json_t *text_obj(const char *s)
{
	json_t *o = json_object();

	json_object_set_new(o, "text", bh_jstr(s ? s : ""));
	return o;
}

static json_t *rule_obj(const struct bh_rule *r)
{
	json_t *o = json_object(), *props = json_object(), *tags = json_array(),
	       *cfg = json_object();
	char help[2048];

	json_object_set_new(o, "id", bh_jstr(r->id));
	json_object_set_new(o, "name", bh_jstr(r->id));
	json_object_set_new(o, "shortDescription", text_obj(r->title));
	json_object_set_new(o, "fullDescription", text_obj(r->attack));
	snprintf(help, sizeof(help), "%s Fix: %s%s%s", r->attack ? r->attack : "",
		 r->fix ? r->fix : "", r->refs ? " References: " : "", r->refs ? r->refs : "");
	json_object_set_new(o, "help", text_obj(help));
	json_object_set_new(cfg, "level", bh_jstr(sarif_level(r->severity)));
	json_object_set_new(o, "defaultConfiguration", cfg);
	json_array_append_new(tags, bh_jstr("security"));
	json_array_append_new(tags, bh_jstr(bh_layer_name(r->layer)));
	json_object_set_new(props, "tags", tags);
	json_object_set_new(props, "security-severity", bh_jstr(security_severity(r->severity)));
	json_object_set_new(props, "severity", bh_jstr(bh_severity_name(r->severity)));
	json_object_set_new(o, "properties", props);
	return o;
}

/*
 * Input errors (a file that could not be read or parsed) as the invocation's notifications, so
 * that code scanning shows them and knows the run was incomplete (executionSuccessful false).
 */
static json_t *invocations(const struct bh_scan *s)
{
	json_t *arr = json_array(), *inv = json_object(), *notes = json_array();

	for (size_t i = 0; i < s->nerrors; i++) {
		const struct bh_diag *d = &s->errors[i];
		json_t *n = json_object(), *loc = json_object(), *ploc = json_object(),
		       *art = json_object(), *locs = json_array();

		json_object_set_new(n, "level", bh_jstr("error"));
		json_object_set_new(n, "message", text_obj(d->msg));
		json_object_set_new(art, "uri", uri_of(d->file));
		json_object_set_new(ploc, "artifactLocation", art);
		if (d->line) {
			json_t *reg = json_object();

			json_object_set_new(reg, "startLine", json_integer(d->line));
			if (d->col)
				json_object_set_new(reg, "startColumn", json_integer(d->col));
			json_object_set_new(ploc, "region", reg);
		}
		json_object_set_new(loc, "physicalLocation", ploc);
		json_array_append_new(locs, loc);
		json_object_set_new(n, "locations", locs);
		json_array_append_new(notes, n);
	}
	json_object_set_new(inv, "executionSuccessful", json_boolean(s->nerrors == 0));
	json_object_set_new(inv, "toolExecutionNotifications", notes);
	json_array_append_new(arr, inv);
	return arr;
}

bh_err bh_report_sarif(struct bh_scan *s, const struct bh_report_opts *o, struct bh_buf *out)
{
	size_t nrules;
	const struct bh_rule *const *rules = bh_catalogue(&nrules);
	json_t *root = json_object(), *runs = json_array(), *run = json_object(),
	       *tool = json_object(), *driver = json_object(), *jrules = json_array(),
	       *results = json_array();

	if (!root || !runs || !run || !tool || !driver || !jrules || !results)
		return BH_ERR_NOMEM;
	for (size_t i = 0; i < nrules; i++)
		json_array_append_new(jrules, rule_obj(rules[i]));
	json_object_set_new(driver, "name", bh_jstr("bulkhead"));
	json_object_set_new(driver, "version", bh_jstr(BH_VERSION));
	json_object_set_new(driver, "semanticVersion", bh_jstr(BH_VERSION));
	json_object_set_new(driver, "informationUri", bh_jstr("https://bulkhead.dev/"));
	json_object_set_new(driver, "rules", jrules);
	json_object_set_new(tool, "driver", driver);
	for (size_t i = 0; i < s->findings.n; i++) {
		const struct bh_finding *f = &s->findings.items[i];
		json_t *r, *loc, *ploc, *art, *reg, *locs, *fps;
		size_t idx = nrules;

		if (f->suppressed_by && !o->show_suppressed)
			continue;
		for (size_t j = 0; j < nrules; j++)
			if (rules[j] == f->rule)
				idx = j;
		r = json_object();
		json_object_set_new(r, "ruleId", bh_jstr(f->rule->id));
		/* A rule outside the catalogue (a test's) has no index rather than a wrong one. */
		if (idx < nrules)
			json_object_set_new(r, "ruleIndex", json_integer((json_int_t)idx));
		json_object_set_new(r, "level", bh_jstr(sarif_level(f->severity)));
		json_object_set_new(r, "message", text_obj(f->message));
		art = json_object();
		json_object_set_new(art, "uri", uri_of(f->file));
		reg = json_object();
		json_object_set_new(reg, "startLine", json_integer(f->line ? f->line : 1));
		json_object_set_new(reg, "startColumn", json_integer(f->col ? f->col : 1));
		json_object_set_new(reg, "endLine",
				    json_integer(f->end_line >= f->line ? f->end_line : f->line));
		json_object_set_new(reg, "endColumn", json_integer(f->end_col ? f->end_col : 1));
		ploc = json_object();
		json_object_set_new(ploc, "artifactLocation", art);
		json_object_set_new(ploc, "region", reg);
		loc = json_object();
		json_object_set_new(loc, "physicalLocation", ploc);
		if (f->object) {
			json_t *ll = json_array(), *l = json_object();

			json_object_set_new(l, "fullyQualifiedName", bh_jstr(f->object));
			json_object_set_new(l, "kind", bh_jstr("object"));
			json_array_append_new(ll, l);
			json_object_set_new(loc, "logicalLocations", ll);
		}
		locs = json_array();
		json_array_append_new(locs, loc);
		json_object_set_new(r, "locations", locs);
		fps = json_object();
		json_object_set_new(fps, "bulkhead/v1", bh_jstr(f->fingerprint));
		json_object_set_new(r, "partialFingerprints", fps);
		if (f->suppressed_by) {
			json_t *sups = json_array(), *sup = json_object();

			json_object_set_new(sup, "kind",
					    bh_jstr(suppression_kind(f->suppressed_by)));
			json_object_set_new(sup, "justification", bh_jstr(f->suppressed_by));
			json_array_append_new(sups, sup);
			json_object_set_new(r, "suppressions", sups);
		}
		if (f->nprops)
			json_object_set_new(r, "properties", bh_jprops(f));
		json_array_append_new(results, r);
	}
	json_object_set_new(run, "tool", tool);
	json_object_set_new(run, "invocations", invocations(s));
	json_object_set_new(run, "results", results);
	json_object_set_new(run, "columnKind", bh_jstr("unicodeCodePoints"));
	json_array_append_new(runs, run);
	json_object_set_new(root, "$schema",
			    bh_jstr("https://json.schemastore.org/sarif-2.1.0.json"));
	json_object_set_new(root, "version", bh_jstr("2.1.0"));
	json_object_set_new(root, "runs", runs);
	return bh_json_dump(root, 0, out);
}
