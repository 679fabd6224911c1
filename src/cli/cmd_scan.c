/*
 * bulkhead scan: audit Dockerfiles, Kubernetes manifests, workflows and NetworkPolicies found
 * in files, directories or stdin, detected by content.
 */
#include "cli.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/engine.h"

#include "core/banned.h"

enum {
	OPT_CONFIG = CLI_OPT_FIRST_COMMAND_OPTION,
	OPT_BASELINE,
	OPT_WRITE_BASELINE,
	OPT_PSS,
};

static const struct bh_opt_doc scan_options[] = {
	CLI_REPORT_OPTIONS,
	{ "-c, --config FILE",
	  "Use FILE instead of the .bulkhead.yaml found by walking up from the first path to the repository root." },
	{ "--baseline FILE", "Suppress findings whose fingerprints are in FILE." },
	{ "--write-baseline FILE",
	  "Write the fingerprints of the current findings to FILE instead of a report; exit 0, or 2 after input errors." },
	{ "--pss LEVEL",
	  "Evaluate only the Pod Security Standards controls of LEVEL (baseline or restricted)." },
	{ "-h, --help", "Show this help." },
	{ NULL, NULL },
};

static int run(int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_REPORT_LONGOPTS,
		{ "config", required_argument, NULL, 'c' },
		{ "baseline", required_argument, NULL, OPT_BASELINE },
		{ "write-baseline", required_argument, NULL, OPT_WRITE_BASELINE },
		{ "pss", required_argument, NULL, OPT_PSS },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct cli_report r = { 0 };
	const char *config = NULL, *baseline_path = NULL, *write_baseline = NULL;
	/* No path: standard input when it is piped, else the current directory (a scan typed
	 * at a terminal should not sit waiting for input). */
	const char *const default_path[] = { isatty(0) ? "." : "-" };
	struct bh_baseline baseline = { 0 };
	struct bh_scan s;
	struct bh_diag d = { 0 };
	enum bh_pss_level pss = BH_PSS_NONE;
	int opt, rc;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "f:o:c:h", longopts, NULL)) != -1) {
		int k = cli_report_option(&r, opt, optarg);

		if (k < 0)
			return cli_usage(&cmd_scan_def, "invalid value '%s'", optarg);
		if (k)
			continue;
		switch (opt) {
		case 'c':
			config = optarg;
			break;
		case OPT_BASELINE:
			baseline_path = optarg;
			break;
		case OPT_WRITE_BASELINE:
			write_baseline = optarg;
			break;
		case OPT_PSS:
			if (!strcmp(optarg, "baseline"))
				pss = BH_PSS_BASELINE;
			else if (!strcmp(optarg, "restricted"))
				pss = BH_PSS_RESTRICTED;
			else
				return cli_usage(&cmd_scan_def,
						 "--pss takes baseline or restricted");
			break;
		case 'h':
			cli_help(stdout, &cmd_scan_def);
			return 0;
		default:
			return cli_bad_option(&cmd_scan_def, argv);
		}
	}
	bh_scan_init(&s);
	s.pss = pss;
	if (bh_engine_config(&s, config, optind < argc ? argv[optind] : default_path[0], &d)) {
		cli_diag(&d);
		bh_scan_release(&s);
		return 2;
	}
	if (r.fail_on)
		bh_severity_parse(r.fail_on, &s.cfg.fail_on);
	if (baseline_path && bh_baseline_load(baseline_path, &baseline, &d)) {
		cli_diag(&d);
		bh_scan_release(&s);
		return 2;
	}
	if (bh_engine_scan(&s, optind < argc ? (const char *const *)argv + optind : default_path,
			   optind < argc ? (size_t)(argc - optind) : 1, &baseline)) {
		fprintf(stderr, "bulkhead: out of memory\n");
		bh_scan_release(&s);
		bh_baseline_release(&baseline);
		return 3;
	}
	for (size_t i = 0; i < s.nerrors; i++)
		cli_diag(&s.errors[i]);
	if (write_baseline) {
		/* Written even after input errors (what was read is accepted), but the run
		 * still fails: a baseline of a partial scan should not pass silently. */
		rc = bh_baseline_write(write_baseline, &s.findings, &d) ? (cli_diag(&d), 3)
		     : s.nerrors					? 2
									: 0;
	} else {
		r.opts.tool = "scan";
		rc = cli_report_emit(&r, &s);
		if (!rc)
			rc = s.nerrors ? 2 : bh_findings_fail(&s.findings, s.cfg.fail_on) ? 1 : 0;
	}
	bh_baseline_release(&baseline);
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
		    "  $ kubectl get pods -A -o yaml | bulkhead scan -\n",
};
