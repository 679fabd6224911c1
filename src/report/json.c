/*
 * The JSON report (schema in docs/json-report.md). Built with jansson, keys in insertion order,
 * so the output is byte-stable. Suppressed findings appear only with --show-suppressed, with a
 * "suppressed_by" field.
 */
#include "report.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "bh_config.h"
#include "jstr.h"

#include "core/banned.h"

static json_t *str_or_null(const char *s)
{
	return bh_jstr(s);
}

json_t *bh_report_json_finding(const struct bh_finding *f);

json_t *bh_report_json_finding(const struct bh_finding *f)
{
	json_t *o = json_object();

	json_object_set_new(o, "rule", bh_jstr(f->rule->id));
	json_object_set_new(o, "severity", bh_jstr(bh_severity_name(f->severity)));
	json_object_set_new(o, "title", bh_jstr(f->rule->title));
	json_object_set_new(o, "message", bh_jstr(f->message));
	json_object_set_new(o, "file", bh_jstr(f->file ? f->file : ""));
	json_object_set_new(o, "line", json_integer(f->line));
	json_object_set_new(o, "column", json_integer(f->col));
	json_object_set_new(o, "end_line", json_integer(f->end_line));
	json_object_set_new(o, "end_column", json_integer(f->end_col));
	json_object_set_new(o, "object", str_or_null(f->object));
	json_object_set_new(o, "container", str_or_null(f->container));
	json_object_set_new(o, "fingerprint", bh_jstr(f->fingerprint));
	json_object_set_new(o, "fix", str_or_null(f->rule->fix));
	if (f->suppressed_by)
		json_object_set_new(o, "suppressed_by", bh_jstr(f->suppressed_by));
	if (f->nprops)
		json_object_set_new(o, "properties", bh_jprops(f));
	return o;
}

/* A combined run's layers (bulkhead gate), in the order they ran. */
static json_t *layers_json(const struct bh_report_opts *o)
{
	json_t *arr = json_array();

	for (size_t i = 0; i < o->nlayers; i++) {
		const struct bh_report_layer *l = &o->layers[i];
		json_t *j = json_object(), *sev = json_object();

		for (int v = BH_SEV_CRITICAL; v >= BH_SEV_INFO; v--)
			json_object_set_new(sev, bh_severity_name((enum bh_severity)v),
					    json_integer((json_int_t)l->by_sev[v]));
		json_object_set_new(j, "name", bh_jstr(l->name));
		json_object_set_new(j, "ran", json_boolean(!l->skipped));
		json_object_set_new(j, "skipped", str_or_null(l->skipped));
		json_object_set_new(j, "by_severity", sev);
		json_object_set_new(j, "suppressed", json_integer((json_int_t)l->suppressed));
		json_object_set_new(j, "inputs", json_integer((json_int_t)l->inputs));
		json_object_set_new(j, "unit", bh_jstr(l->unit));
		json_array_append_new(arr, j);
	}
	return arr;
}

bh_err bh_report_json(struct bh_scan *s, const struct bh_report_opts *o, struct bh_buf *out)
{
	json_t *root = json_object(), *arr = json_array(), *sum = json_object(),
	       *errs = json_array(), *sev = json_object();
	struct bh_summary su;

	if (!root || !arr || !sum || !errs || !sev)
		return BH_ERR_NOMEM;
	bh_findings_summary(&s->findings, &su);
	for (size_t i = 0; i < s->findings.n; i++) {
		const struct bh_finding *f = &s->findings.items[i];

		if (f->suppressed_by && !o->show_suppressed)
			continue;
		json_array_append_new(arr, bh_report_json_finding(f));
	}
	for (size_t i = 0; i < s->nerrors; i++) {
		json_t *e = json_object();

		json_object_set_new(e, "file", bh_jstr(s->errors[i].file));
		json_object_set_new(e, "line", json_integer(s->errors[i].line));
		json_object_set_new(e, "column", json_integer(s->errors[i].col));
		json_object_set_new(e, "message", bh_jstr(s->errors[i].msg));
		json_array_append_new(errs, e);
	}
	for (int v = BH_SEV_CRITICAL; v >= BH_SEV_INFO; v--)
		json_object_set_new(sev, bh_severity_name((enum bh_severity)v),
				    json_integer((json_int_t)su.by_sev[v]));
	json_object_set_new(sum, "total", json_integer((json_int_t)su.total));
	json_object_set_new(sum, "by_severity", sev);
	json_object_set_new(sum, "suppressed", json_integer((json_int_t)su.suppressed));
	json_object_set_new(sum, "files_scanned", json_integer((json_int_t)s->files_scanned));
	json_object_set_new(sum, "errors", json_integer((json_int_t)s->nerrors));
	json_object_set_new(sum, "fail_on", bh_jstr(bh_severity_name(s->cfg.fail_on)));
	json_object_set_new(sum, "failed",
			    json_boolean(bh_findings_fail(&s->findings, s->cfg.fail_on)));
	json_object_set_new(root, "version", bh_jstr(BH_VERSION));
	json_object_set_new(root, "schema", json_integer(1));
	json_object_set_new(root, "findings", arr);
	json_object_set_new(root, "errors", errs);
	json_object_set_new(root, "summary", sum);
	if (o->nlayers)
		json_object_set_new(root, "layers", layers_json(o));
	return bh_json_dump(root, 0, out);
}
