/*
 * Helpers shared by commands: help text from the command's documentation, usage errors,
 * diagnostics, and the report options every finding-producing command accepts.
 */
#include "cli.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/fs.h"
#include "engine/engine.h"
#include "secrets/secrets.h"

#include "core/banned.h"

void cli_help(FILE *f, const struct bh_command *c)
{
	fprintf(f, "usage: bulkhead %s\n\n%s\n", c->usage, c->description);
	if (c->options && c->options[0].flags) {
		fprintf(f, "\noptions:\n");
		for (const struct bh_opt_doc *o = c->options; o->flags; o++)
			fprintf(f, "  %-28s %s\n", o->flags, o->help);
	}
	if (c->examples)
		fprintf(f, "\nexamples:\n%s", c->examples);
}

int cli_usage(const struct bh_command *c, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "bulkhead %s: ", c->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nusage: bulkhead %s\nSee 'bulkhead %s --help'.\n", c->usage, c->name);
	return 2;
}

int cli_bad_option(const struct bh_command *c, char **argv)
{
	const char *arg = optind > 0 ? argv[optind - 1] : "";

	/* A long option is named by its argument; a short one by optopt (it may be grouped). */
	if (strncmp(arg, "--", 2) != 0 && optopt > 0 && optopt < 256)
		return cli_usage(c, "unknown option or missing value: '-%c'", optopt);
	return cli_usage(c, "unknown option or missing value: '%s'", arg);
}

/* Levenshtein distance, for "did you mean"; long words are simply far (99). */
size_t cli_edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), prev[64], cur[64];

	if (la >= 63 || lb >= 63)
		return 99;
	for (size_t j = 0; j <= lb; j++)
		prev[j] = j;
	for (size_t i = 1; i <= la; i++) {
		cur[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
			size_t del = prev[j] + 1, ins = cur[j - 1] + 1;

			cur[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
		}
		memcpy(prev, cur, (lb + 1) * sizeof(*prev));
	}
	return prev[lb];
}

/* Input-derived text to a terminal: control characters as '?' (no escape sequences). */
static void put_clean(FILE *f, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		fputc(*p < 0x20 || *p == 0x7f ? '?' : *p, f);
}

void cli_diag(const struct bh_diag *d)
{
	fprintf(stderr, "bulkhead: ");
	if (d->file[0]) {
		put_clean(stderr, d->file);
		if (d->line)
			fprintf(stderr, ":%u", d->line);
		if (d->line && d->col)
			fprintf(stderr, ":%u", d->col);
		fprintf(stderr, ": ");
	}
	put_clean(stderr, d->msg[0] ? d->msg : "error");
	fputc('\n', stderr);
}

int cli_registry_option(struct bh_registry_opts *o, int opt, const char *arg)
{
	switch (opt) {
	case CLI_OPT_ALLOW_HTTP_REGISTRY:
		o->plain_http = true;
		return 1;
	case CLI_OPT_ALLOW_INSECURE_REGISTRY:
		o->insecure = true;
		return 1;
	case CLI_OPT_REGISTRY_CACERT:
		o->ca_file = arg;
		return 1;
	case CLI_OPT_REGISTRY_AUTH:
		o->auth_file = arg;
		return 1;
	default:
		return 0;
	}
}

int cli_report_option(struct cli_report *r, int opt, const char *arg)
{
	switch (opt) {
	case 'f':
		return bh_format_parse(arg, &r->opts.format) ? -1 : 1;
	case 'o':
		r->output = arg;
		return 1;
	case CLI_OPT_FAIL_ON: {
		enum bh_severity s;

		if (bh_severity_parse(arg, &s))
			return -1;
		r->fail_on = arg;
		return 1;
	}
	case CLI_OPT_COLOR:
		r->color_mode = 1;
		return 1;
	case CLI_OPT_NO_COLOR:
		r->color_mode = -1;
		return 1;
	case CLI_OPT_SHOW_SUPPRESSED:
		r->opts.show_suppressed = 1;
		return 1;
	case 'c':
		r->config = arg;
		return 1;
	case CLI_OPT_BASELINE:
		r->baseline_path = arg;
		return 1;
	case CLI_OPT_WRITE_BASELINE:
		r->write_baseline = arg;
		return 1;
	default:
		return 0;
	}
}

int cli_scan_setup(struct cli_report *r, struct bh_scan *s, const char *first_path)
{
	struct bh_diag d = { 0 };

	if (bh_engine_config(s, r->config, first_path, &d) ||
	    (r->baseline_path && bh_baseline_load(r->baseline_path, &r->baseline, &d))) {
		cli_diag(&d);
		return 2;
	}
	/* The command line wins over the config file. */
	if (r->fail_on)
		bh_severity_parse(r->fail_on, &s->cfg.fail_on);
	return 0;
}

int cli_scan_finish(struct cli_report *r, struct bh_scan *s, const char *tool)
{
	struct bh_diag d = { 0 };
	int rc;

	for (size_t i = 0; i < s->nerrors; i++)
		cli_diag(&s->errors[i]);
	if (r->write_baseline) {
		/* Written even after input errors (what was read is accepted), but the run
		 * still fails: a baseline of a partial scan should not pass silently. */
		if (bh_baseline_write(r->write_baseline, &s->findings, &d)) {
			cli_diag(&d);
			return 3;
		}
		return s->nerrors ? 2 : 0;
	}
	r->opts.tool = tool;
	rc = cli_report_emit(r, s);
	if (rc)
		return rc;
	if (s->nerrors)
		return 2;
	return bh_findings_fail(&s->findings, s->cfg.fail_on) ? 1 : 0;
}

void cli_report_release(struct cli_report *r)
{
	bh_baseline_release(&r->baseline);
}

int cli_looks_like_range(const char *arg)
{
	struct stat st;

	if (!arg || arg[0] == '-')
		return 0;
	if (strstr(arg, ".."))
		return 1;
	return stat(arg, &st) != 0;
}

int cli_secrets_engine(struct bh_scan *s, struct bh_secrets_engine **out)
{
	const struct bh_node *sec = s->cfg.root ? bh_node_get(s->cfg.root, "secrets") : NULL;
	struct bh_diag d = { 0 };
	bh_err err;

	*out = NULL;
	if (!sec)
		return 0;
	err = bh_secrets_engine_new(sec, s->cfg.path, &s->arena, out, &d);
	if (err) {
		cli_diag(&d);
		return err == BH_ERR_NOMEM ? 3 : 2;
	}
	return 0;
}

int cli_report_emit(struct cli_report *r, struct bh_scan *s)
{
	struct bh_buf out;
	struct bh_diag d = { 0 };
	const char *nc = getenv("NO_COLOR");
	bh_err err;

	bh_buf_init(&out, 0);
	if (r->color_mode == 1)
		r->opts.color = 1;
	else if (r->color_mode == 0)
		r->opts.color =
			!r->output && r->opts.format == BH_FMT_TEXT && isatty(1) && !(nc && *nc);
	if (r->opts.format != BH_FMT_TEXT)
		r->opts.color = 0;
	err = bh_report_render(s, &r->opts, &out);
	if (err) {
		bh_buf_release(&out);
		fprintf(stderr, "bulkhead: cannot render the report: %s\n", bh_err_name(err));
		return 3;
	}
	if (r->output) {
		err = bh_fs_write_atomic(r->output, out.data ? out.data : "", out.len, &d);
		bh_buf_release(&out);
		if (err) {
			cli_diag(&d);
			return 3;
		}
		return 0;
	}
	if (out.len && fwrite(out.data, 1, out.len, stdout) != out.len) {
		bh_buf_release(&out);
		return 3;
	}
	bh_buf_release(&out);
	return fflush(stdout) ? 3 : 0;
}
