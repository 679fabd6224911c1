/*
 * The text report: findings grouped by file in source order, each with the offending line and
 * a caret under the reported range, the fix, then a one-line summary. Colour only when asked
 * (the CLI decides from the TTY, --color and NO_COLOR).
 */
#include "report.h"

#include <string.h>

#include "engine/engine.h"

#include "core/banned.h"

static const char *sev_color(enum bh_severity s)
{
	switch (s) {
	case BH_SEV_CRITICAL:
		return "\033[1;35m";
	case BH_SEV_HIGH:
		return "\033[1;31m";
	case BH_SEV_MEDIUM:
		return "\033[33m";
	case BH_SEV_LOW:
		return "\033[36m";
	default:
		return "\033[2m";
	}
}

/*
 * Print the source line with tabs expanded and a caret row under [col, end_col). Columns are
 * counted in code points, as libyaml reports them, and each code point is shown as one cell.
 */
static bh_err show_line(struct bh_scan *s, const struct bh_finding *f, struct bh_buf *out,
			int color)
{
	struct bh_source *src = (struct bh_source *)bh_scan_find_source(s, f->file);
	const char *text;
	size_t len, caret_from = 0, caret_to = 0, w = 0, cp = 0;
	int found = 0;
	bh_err err = BH_OK;

	if (!src)
		return BH_OK;
	text = bh_source_line(src, &s->arena, f->line, &len);
	if (!text)
		return BH_OK;
	if (len > 200)
		len = 200; /* long lines are cut; the position is still in the header */
	err = bh_buf_printf(out, "  %6u | ", f->line);
	for (size_t i = 0; i < len && !err; i++) {
		unsigned char ch = (unsigned char)text[i];

		if ((ch & 0xc0) != 0x80) {
			/* A code point starts here (continuation bytes do not count). */
			cp++;
			if (cp == f->col) {
				caret_from = w;
				found = 1;
			}
		}
		if (ch == '\t') {
			err = bh_buf_adds(out, "    ");
			w += 4;
		} else {
			/* Control bytes from hostile input are shown as '?', never sent raw. */
			err = bh_buf_addc(out, ch < 0x20 || ch == 0x7f ? '?' : (char)ch);
			w += (ch & 0xc0) != 0x80;
		}
	}
	if (!found)
		caret_from = w;
	caret_to = w;
	if (f->end_line == f->line && f->end_col > f->col) {
		size_t span = f->end_col - f->col;

		caret_to = caret_from + span;
		if (caret_to > w)
			caret_to = w;
	}
	if (caret_to <= caret_from)
		caret_to = caret_from + 1;
	if (!err)
		err = bh_buf_adds(out, "\n         | ");
	for (size_t i = 0; i < caret_from && !err; i++)
		err = bh_buf_addc(out, ' ');
	if (!err && color)
		err = bh_buf_adds(out, sev_color(f->severity));
	for (size_t i = caret_from; i < caret_to && !err; i++)
		err = bh_buf_addc(out, '^');
	if (!err && color)
		err = bh_buf_adds(out, "\033[0m");
	if (!err)
		err = bh_buf_addc(out, '\n');
	return err;
}

/*
 * A string from the input (a file name, a container name in a message) as it may go to a
 * terminal: control characters become '?', so a hostile manifest cannot send escape sequences
 * (clear the screen, rewrite earlier lines) through the report. Clean strings are returned as
 * they are; others are copied into the run's arena.
 */
static const char *clean(struct bh_scan *s, const char *str)
{
	char *c;

	if (!str)
		return NULL;
	for (const unsigned char *p = (const unsigned char *)str; *p; p++) {
		if (*p < 0x20 || *p == 0x7f)
			goto copy;
	}
	return str;
copy:
	c = bh_arena_strdup(&s->arena, str);
	if (!c)
		return "?";
	for (unsigned char *p = (unsigned char *)c; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			*p = '?';
	return c;
}

/*
 * A combined run's summary: one row per layer (findings by severity, inputs checked, or why it
 * was skipped), then the verdict against the fail-on level, the line a CI log is read for.
 */
static bh_err layers_text(struct bh_scan *s, const struct bh_report_opts *o, struct bh_buf *out)
{
	size_t failing = 0;
	bh_err err;

	for (size_t i = 0; i < s->findings.n; i++) {
		const struct bh_finding *f = &s->findings.items[i];

		failing += !f->suppressed_by && s->cfg.fail_on != BH_SEV_NONE &&
			   f->severity >= s->cfg.fail_on;
	}
	err = bh_buf_printf(out, "\n%-9s %8s %5s %7s %4s %5s %10s  %s\n", "layer", "critical",
			    "high", "medium", "low", "info", "suppressed", "inputs");
	for (size_t i = 0; i < o->nlayers && !err; i++) {
		const struct bh_report_layer *l = &o->layers[i];

		if (l->skipped) {
			err = bh_buf_printf(out, "%-9s %44s  skipped: %s\n", l->name, "",
					    l->skipped);
			continue;
		}
		err = bh_buf_printf(out, "%-9s %8zu %5zu %7zu %4zu %5zu %10zu  %zu %s%s\n", l->name,
				    l->by_sev[BH_SEV_CRITICAL], l->by_sev[BH_SEV_HIGH],
				    l->by_sev[BH_SEV_MEDIUM], l->by_sev[BH_SEV_LOW],
				    l->by_sev[BH_SEV_INFO], l->suppressed, l->inputs, l->unit,
				    l->inputs == 1 ? "" : "s");
	}
	if (err)
		return err;
	if (s->cfg.fail_on == BH_SEV_NONE)
		err = bh_buf_printf(out, "verdict: %s, --fail-on none",
				    s->nerrors ? "fail" : "pass");
	else if (failing)
		err = bh_buf_printf(out, "verdict: fail, %zu finding%s at or above %s", failing,
				    failing == 1 ? "" : "s", bh_severity_name(s->cfg.fail_on));
	else
		err = bh_buf_printf(out, "verdict: %s, no finding at or above %s",
				    s->nerrors ? "fail" : "pass", bh_severity_name(s->cfg.fail_on));
	if (!err && s->nerrors)
		err = bh_buf_printf(out, "; %zu input error%s", s->nerrors,
				    s->nerrors == 1 ? "" : "s");
	if (!err)
		err = bh_buf_addc(out, '\n');
	return err;
}

bh_err bh_report_text(struct bh_scan *s, const struct bh_report_opts *o, struct bh_buf *out)
{
	const char *cur = NULL;
	struct bh_summary sum;
	bh_err err = BH_OK;
	size_t files = 0;

	bh_findings_summary(&s->findings, &sum);
	for (size_t i = 0; i < s->findings.n && !err; i++) {
		const struct bh_finding *f = &s->findings.items[i];
		/* A layer that forgot ctx->file still gets a readable report, not a crash. */
		const char *file = f->file ? clean(s, f->file) : "(unknown file)";

		if (f->suppressed_by && !o->show_suppressed)
			continue;
		if (!cur || strcmp(cur, file)) {
			cur = file;
			files++;
			err = bh_buf_printf(out, "%s%s%s%s\n", files > 1 ? "\n" : "",
					    o->color ? "\033[1m" : "", file,
					    o->color ? "\033[0m" : "");
		}
		if (!err)
			err = bh_buf_printf(out, "%s:%u:%u: %s%s%s %s %s", file, f->line, f->col,
					    o->color ? sev_color(f->severity) : "",
					    bh_severity_name(f->severity),
					    o->color ? "\033[0m" : "", f->rule->id,
					    clean(s, f->message));
		if (!err && f->object)
			err = bh_buf_printf(out, " [%s%s%s]", clean(s, f->object),
					    f->container ? " container " : "",
					    f->container ? clean(s, f->container) : "");
		if (!err)
			err = bh_buf_addc(out, '\n');
		if (!err && f->suppressed_by)
			err = bh_buf_printf(out, "         suppressed by %s\n",
					    clean(s, f->suppressed_by));
		/* A secret's line would print the secret: its message has the redacted form. */
		if (!err && f->rule->layer != BH_LAYER_SE)
			err = show_line(s, f, out, o->color);
		if (!err && f->rule->fix && !f->suppressed_by)
			err = bh_buf_printf(out, "         fix: %s\n", f->rule->fix);
	}
	if (err)
		return err;
	if (files)
		err = bh_buf_addc(out, '\n');
	if (!err && sum.total == 0)
		err = bh_buf_printf(out, "No findings in %zu file%s", s->files_scanned,
				    s->files_scanned == 1 ? "" : "s");
	else if (!err)
		err = bh_buf_printf(
			out,
			"%zu finding%s (%zu critical, %zu high, %zu medium, %zu low, %zu info) in %zu of %zu file%s",
			sum.total, sum.total == 1 ? "" : "s", sum.by_sev[BH_SEV_CRITICAL],
			sum.by_sev[BH_SEV_HIGH], sum.by_sev[BH_SEV_MEDIUM], sum.by_sev[BH_SEV_LOW],
			sum.by_sev[BH_SEV_INFO], files, s->files_scanned,
			s->files_scanned == 1 ? "" : "s");
	if (!err && sum.suppressed)
		err = bh_buf_printf(out, "; %zu suppressed%s", sum.suppressed,
				    o->show_suppressed ? "" : " (--show-suppressed lists them)");
	if (!err && s->nerrors)
		err = bh_buf_printf(out, "; %zu input error%s", s->nerrors,
				    s->nerrors == 1 ? "" : "s");
	if (!err)
		err = bh_buf_addc(out, '\n');
	if (!err && o->nlayers)
		err = layers_text(s, o, out);
	return err;
}
