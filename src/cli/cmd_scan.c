/*
 * bulkhead scan: audit Dockerfiles, Kubernetes manifests, workflows and NetworkPolicies found
 * in files, directories or stdin, detected by content.
 */
#include "cli.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "core/fs.h"
#include "engine/engine.h"
#include "kube/kube.h"
#include "report/jstr.h"

#include "core/banned.h"

enum {
	OPT_PSS = CLI_OPT_FIRST_COMMAND_OPTION,
};

static const struct bh_opt_doc scan_options[] = {
	CLI_REPORT_OPTIONS,
	{ "--pss LEVEL[:VERSION]",
	  "Decide like Pod Security Admission at LEVEL (baseline or restricted): print for each workload whether it is admitted and which controls fail; exit 0 when all are admitted, 1 when one is rejected. VERSION (latest or v1.MINOR, as in restricted:v1.25) is the policy version for workloads whose Namespace sets no enforce-version label; the default is the config's kubernetes.pss-version, else latest." },
	{ "-h, --help", "Show this help." },
	{ NULL, NULL },
};

/*
 * --pss: Pod Security Admission's verdict per workload instead of the findings list (text and
 * json; sarif keeps the findings of the level's controls). Exit 0 when every workload is
 * admitted, 1 when one is rejected.
 */
static bh_err pss_text(const struct bh_pss_verdict *v, size_t n, const char *level,
		       struct bh_buf *out)
{
	size_t rejected = 0;
	bh_err err = BH_OK;

	for (size_t i = 0; i < n; i++)
		rejected += !v[i].admitted;
	for (size_t i = 0; i < n && !err; i++) {
		const struct bh_kobj *o = v[i].obj;

		err = bh_buf_printf(out, "%s %s:%u %s", v[i].admitted ? "admitted" : "rejected",
				    o->file, o->root->line, o->ref);
		/* The policy version shows where it is not the latest (a label or --pss). */
		if (!err && !v[i].pss_latest)
			err = bh_buf_printf(out, " at v1.%d", v[i].pss_minor);
		if (!err)
			err = bh_buf_printf(out, "\n");
		for (size_t k = 0; k < v[i].nfails && !err; k++) {
			const struct bh_finding *f = v[i].fails[k];

			err = bh_buf_printf(out, "  %s (%s) %s:%u:%u: %s\n",
					    bh_kube_pss_control(f->rule), f->rule->id, f->file,
					    f->line, f->col, f->message);
		}
	}
	if (!err)
		err = bh_buf_printf(out, "PSS %s: %zu workload%s, %zu admitted, %zu rejected\n",
				    level, n, n == 1 ? "" : "s", n - rejected, rejected);
	return err;
}

static bh_err pss_json(const struct bh_pss_verdict *v, size_t n, const char *level,
		       struct bh_buf *out)
{
	json_t *root = json_object(), *wls = json_array();

	if (!root || !wls) {
		json_decref(root);
		json_decref(wls);
		return BH_ERR_NOMEM;
	}
	json_object_set_new(root, "level", json_string(level));
	json_object_set_new(root, "workloads", wls);
	for (size_t i = 0; i < n; i++) {
		const struct bh_kobj *o = v[i].obj;
		json_t *w = json_object(), *fails = json_array();
		char ver[32];

		json_object_set_new(w, "object", json_string(o->ref));
		json_object_set_new(w, "file", json_string(o->file));
		json_object_set_new(w, "line", json_integer(o->root->line));
		json_object_set_new(w, "admitted", json_boolean(v[i].admitted));
		snprintf(ver, sizeof(ver), "v1.%d", v[i].pss_minor);
		json_object_set_new(w, "version", json_string(v[i].pss_latest ? "latest" : ver));
		for (size_t k = 0; k < v[i].nfails; k++) {
			const struct bh_finding *f = v[i].fails[k];
			json_t *j = json_object();

			json_object_set_new(j, "control",
					    json_string(bh_kube_pss_control(f->rule)));
			json_object_set_new(j, "rule", json_string(f->rule->id));
			json_object_set_new(j, "line", json_integer(f->line));
			json_object_set_new(j, "column", json_integer(f->col));
			json_object_set_new(j, "message", json_string(f->message));
			json_array_append_new(fails, j);
		}
		json_object_set_new(w, "failed_controls", fails);
		json_array_append_new(wls, w);
	}
	return bh_json_dump(root, JSON_SORT_KEYS, out);
}

static int pss_emit(struct cli_report *r, struct bh_scan *s)
{
	const char *level = s->pss == BH_PSS_BASELINE ? "baseline" : "restricted";
	struct bh_pss_verdict *v;
	struct bh_buf out;
	struct bh_diag d = { 0 };
	size_t n, rejected = 0;
	bh_err err;

	if (r->opts.format == BH_FMT_SARIF) {
		int rc = cli_report_emit(r, s);

		if (rc)
			return rc;
	}
	if (bh_kube_pss_verdicts(s, &v, &n))
		return 3;
	for (size_t i = 0; i < n; i++)
		rejected += !v[i].admitted;
	if (r->opts.format == BH_FMT_SARIF)
		return rejected ? 1 : 0;
	bh_buf_init(&out, 0);
	err = r->opts.format == BH_FMT_JSON ? pss_json(v, n, level, &out)
					    : pss_text(v, n, level, &out);
	if (!err && r->output)
		err = bh_fs_write_atomic(r->output, bh_buf_str(&out), out.len, &d);
	else if (!err && out.len && fwrite(out.data, 1, out.len, stdout) != out.len)
		err = BH_ERR_IO;
	bh_buf_release(&out);
	if (err) {
		if (d.msg[0])
			cli_diag(&d);
		return 3;
	}
	return rejected ? 1 : 0;
}

static int run(int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_REPORT_LONGOPTS,
		{ "pss", required_argument, NULL, OPT_PSS },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct cli_report r = { 0 };
	/* No path: standard input when it is piped, else the current directory (a scan typed
	 * at a terminal should not sit waiting for input). */
	const char *const default_path[] = { isatty(0) ? "." : "-" };
	struct bh_scan s;
	enum bh_pss_level pss = BH_PSS_NONE;
	int pss_version = 0, pss_version_set = 0;
	int opt, rc;

	optind = 1;
	while ((opt = getopt_long(argc, argv, CLI_REPORT_SHORTOPTS "h", longopts, NULL)) != -1) {
		int k = cli_report_option(&r, opt, optarg);

		if (k < 0)
			return cli_usage(&cmd_scan_def, "invalid value '%s'", optarg);
		if (k)
			continue;
		switch (opt) {
		case OPT_PSS: {
			/* LEVEL or LEVEL:VERSION, PSA's own spelling of a level and version. */
			const char *colon = strchr(optarg, ':');
			size_t n = colon ? (size_t)(colon - optarg) : strlen(optarg);

			if (n == 8 && !strncmp(optarg, "baseline", n))
				pss = BH_PSS_BASELINE;
			else if (n == 10 && !strncmp(optarg, "restricted", n))
				pss = BH_PSS_RESTRICTED;
			else
				return cli_usage(
					&cmd_scan_def,
					"--pss takes baseline or restricted, optionally with :latest or :v1.MINOR");
			pss_version_set = colon != NULL;
			if (colon && bh_pss_version_parse(colon + 1, &pss_version))
				return cli_usage(
					&cmd_scan_def,
					"--pss version '%s' is not latest or v1.MINOR (v1.25, no leading zeros)",
					colon + 1);
			break;
		}
		case 'h':
			cli_help(stdout, &cmd_scan_def);
			return 0;
		default:
			return cli_bad_option(&cmd_scan_def, argv);
		}
	}
	bh_scan_init(&s);
	s.pss = pss;
	rc = cli_scan_setup(&r, &s, optind < argc ? argv[optind] : default_path[0]);
	if (rc)
		goto out;
	/* The command line wins over the config's kubernetes.pss-version. */
	if (pss_version_set)
		s.cfg.pss_version = pss_version;
	if (bh_engine_scan(&s, optind < argc ? (const char *const *)argv + optind : default_path,
			   optind < argc ? (size_t)(argc - optind) : 1, &r.baseline)) {
		fprintf(stderr, "bulkhead: out of memory\n");
		rc = 3;
		goto out;
	}
	if (s.pss != BH_PSS_NONE && !r.write_baseline) {
		for (size_t i = 0; i < s.nerrors; i++)
			cli_diag(&s.errors[i]);
		r.opts.tool = "scan";
		rc = pss_emit(&r, &s);
		if (rc < 2 && s.nerrors)
			rc = 2;
	} else {
		rc = cli_scan_finish(&r, &s, "scan");
	}
out:
	cli_report_release(&r);
	bh_scan_release(&s);
	return rc;
}

const struct bh_command cmd_scan_def = {
	.name = "scan",
	.fn = run,
	.summary = "audit Dockerfiles, Kubernetes manifests, workflows and NetworkPolicies",
	.usage = "scan [options] [PATH...|-]",
	.description =
		"Scan files and directories (recursively, skipping .git and the config's excludes), or\n"
		"standard input with '-' (or no path when input is piped; the current directory when\n"
		"it is a terminal). File types are detected by content: Kubernetes\n"
		"objects (YAML or JSON, multi-document, *List kinds expanded), Dockerfiles and GitHub\n"
		"Actions workflows. Exit status: 0 when no finding is at or above --fail-on, 1 when one\n"
		"is, 2 for usage or input errors (each named with file:line), 3 for operational errors.",
	.options = scan_options,
	.examples = "  $ bulkhead scan deploy/\n"
		    "  $ bulkhead scan --format sarif -o bulkhead.sarif .\n"
		    "  $ kubectl get pods -A -o yaml | bulkhead scan -\n"
		    "  $ bulkhead scan --pss restricted deploy/\n"
		    "  $ bulkhead scan --pss restricted:v1.25 deploy/\n",
};
