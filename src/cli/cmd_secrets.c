/*
 * bulkhead secrets: find leaked credentials in files, directories, stdin or git history, and
 * report them like scan does (same formats, baseline file and exit codes).
 */
#include "cli.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "core/suppress.h"
#include "engine/engine.h"
#include "secrets/secrets.h"

#include "core/banned.h"

enum {
	OPT_GIT = CLI_OPT_FIRST_COMMAND_OPTION,
	OPT_SHOW_SECRETS,
};

static const struct bh_opt_doc secrets_options[] = {
	CLI_REPORT_OPTIONS,
	{ "--git [RANGE]",
	  "Scan the git history of the repository at PATH (default .) instead of its files: every blob reachable from RANGE ('main..feature', a ref; default every ref and HEAD), once, attributed to the commit that added it." },
	{ "-j, --jobs N", "Scan with N threads (default: the number of CPUs)." },
	{ "--show-secrets", "Print the secrets themselves instead of a redacted form." },
	{ "-h, --help", "Show this help." },
	{ NULL, NULL },
};

static int run(int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_REPORT_LONGOPTS,
		{ "git", optional_argument, NULL, OPT_GIT },
		{ "jobs", required_argument, NULL, 'j' },
		{ "show-secrets", no_argument, NULL, OPT_SHOW_SECRETS },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct cli_report r = { 0 };
	const char *const stdin_path[] = { "-" };
	const char *const dot_path[] = { "." };
	struct bh_secrets_opts so = { 0 };
	struct bh_secrets_engine *engine = NULL;
	struct bh_scan s;
	struct bh_diag d = { 0 };
	int opt, rc = 0;
	bh_err err;

	optind = 1;
	while ((opt = getopt_long(argc, argv, CLI_REPORT_SHORTOPTS "j:h", longopts, NULL)) != -1) {
		int k = cli_report_option(&r, opt, optarg);

		if (k < 0)
			return cli_usage(&cmd_secrets_def, "invalid value '%s'", optarg);
		if (k)
			continue;
		switch (opt) {
		case OPT_GIT:
			so.git = 1;
			if (optarg)
				so.git_range = optarg;
			else if (optind < argc && cli_looks_like_range(argv[optind]))
				so.git_range = argv[optind++];
			break;
		case 'j': {
			char *end;
			long n = strtol(optarg, &end, 10);

			if (*end || n < 1 || n > 256)
				return cli_usage(&cmd_secrets_def, "--jobs takes 1 to 256");
			so.jobs = (unsigned)n;
			break;
		}
		case OPT_SHOW_SECRETS:
			so.show_secrets = 1;
			break;
		case 'h':
			cli_help(stdout, &cmd_secrets_def);
			return 0;
		default:
			return cli_usage(&cmd_secrets_def, "unknown option");
		}
	}
	/* getopt moves "--git RANGE PATH" apart: take a leading range among the operands. */
	if (so.git && !so.git_range && optind < argc && cli_looks_like_range(argv[optind]))
		so.git_range = argv[optind++];
	if (so.git && argc - optind > 1)
		return cli_usage(&cmd_secrets_def, "--git scans one repository");
	if (optind < argc) {
		so.paths = (const char *const *)argv + optind;
		so.npaths = (size_t)(argc - optind);
	} else {
		so.paths = so.git ? dot_path : stdin_path;
		so.npaths = 1;
	}
	bh_scan_init(&s);
	rc = cli_scan_setup(&r, &s, so.paths[0]);
	if (rc)
		goto out;
	rc = cli_secrets_engine(&s, &engine);
	if (rc)
		goto out;
	so.engine = engine;
	err = bh_secrets_run(&s, &so, &d);
	if (err == BH_ERR_NOMEM) {
		fprintf(stderr, "bulkhead: out of memory\n");
		rc = 3;
		goto out;
	}
	if (err) {
		cli_diag(&d);
		rc = err == BH_ERR_USAGE || err == BH_ERR_PARSE ? 2 : 3;
		goto out;
	}
	bh_suppress_apply(&s, &r.baseline);
	bh_findings_sort(&s.findings);
	rc = cli_scan_finish(&r, &s, "secrets");
out:
	cli_report_release(&r);
	bh_secrets_engine_free(engine);
	bh_scan_release(&s);
	return rc;
}

const struct bh_command cmd_secrets_def = {
	.name = "secrets",
	.fn = run,
	.summary = "find leaked credentials in files and git history",
	.usage = "secrets [options] [PATH...|-] [--git [RANGE]]",
	.description =
		"Scan files and directories (recursively; binary files, by content, and .git are\n"
		"skipped), standard input with '-' or no path, or with --git the history of a\n"
		"repository, for credentials: LLM provider keys (OpenAI, Anthropic, Hugging Face,\n"
		"Cohere, Groq, Mistral...), cloud keys (AWS, GCP, Azure), forge and CI tokens (GitHub,\n"
		"GitLab, npm, PyPI, Docker Hub), private keys, JWTs, connection URLs with passwords,\n"
		"Kubernetes Secrets and kubeconfigs. Each hit is confirmed (checksums, entropy,\n"
		"placeholders) before it is reported; secrets are redacted unless --show-secrets.\n"
		"A 'bulkhead:allow' comment on the line or the line above allows any SE rule there;\n"
		"'bulkhead:allow SE-024' only that rule. Exit status: 0 when no finding is at or above\n"
		"--fail-on, 1 when one is, 2 for usage or input errors, 3 for operational errors.",
	.options = secrets_options,
	.examples =
		"  $ bulkhead secrets .\n"
		"  $ bulkhead secrets --git -j 8 --format sarif -o secrets.sarif\n"
		"  $ bulkhead secrets --git origin/main..HEAD\n"
		"  $ env | bulkhead secrets -\n"
		"\n"
		"  # .bulkhead.yaml: rules of your own (id, regex, optional group, entropy,\n"
		"  # severity, title) and allowlist patterns matched against the secret.\n"
		"  secrets:\n"
		"    rules:\n"
		"      - {id: ACME-001, regex: 'acme_live_([a-z0-9]{24})', group: 1, severity: critical}\n"
		"    allow: ['^AKIA[A-Z0-9]{12}TEST$']\n",
};
