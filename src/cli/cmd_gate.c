/*
 * bulkhead gate: the CI command. One run over every layer under one policy: the configuration
 * audit of scan, the secret scan of the same paths, optionally the git history's secrets and
 * the audit of built images, into one findings list, one report and one exit code.
 *
 * Each layer runs through the library call its own command uses (bh_engine_scan,
 * bh_secrets_run, bh_image_audit) on one struct bh_scan, so a finding carries the fingerprint
 * that scan, secrets or image would give it and one baseline covers all of them. The layers
 * append to the findings list in turn; the range each one added is kept for the per-layer
 * summary, then suppression is applied once more over the whole list (it is idempotent: scan's
 * findings were already suppressed by its own finish) and the list is sorted, so the report
 * does not depend on the order the layers ran in or on the number of threads.
 */
#include "cli.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/suppress.h"
#include "engine/engine.h"
#include "image/oci.h"
#include "secrets/secrets.h"

#include "core/banned.h"

enum {
	OPT_GIT = CLI_OPT_FIRST_COMMAND_OPTION,
	OPT_IMAGE,
	OPT_PLATFORM,
	OPT_NO_SCAN,
	OPT_NO_SECRETS,
};

/* The layers in the order they run and are summarised. */
enum {
	LAYER_SCAN,
	LAYER_SECRETS,
	LAYER_GIT,
	LAYER_IMAGE,
	NLAYERS,
};

struct gate {
	const char **paths; /* the paths that exist; missing ones are input errors */
	size_t npaths;
	int paths_given; /* PATH operands were given (else the current directory) */
	int no_scan, no_secrets;
	int git;
	const char *git_range;
	const char **images;
	size_t nimages;
	const char *platform;
	struct bh_registry_opts reg;
	unsigned jobs;
	struct bh_report_layer layers[NLAYERS];
	size_t from[NLAYERS], to[NLAYERS]; /* each layer's findings in the scan's list */
};

static const struct bh_opt_doc gate_options[] = {
	CLI_REPORT_OPTIONS,
	{ "--git [RANGE]",
	  "Also scan the git history of the repository holding the first PATH for secrets: every blob reachable from RANGE ('main..feature', a ref; default every ref and HEAD)." },
	{ "--image IMAGE",
	  "Also audit IMAGE as bulkhead image does: a docker-archive tar, an OCI layout directory or a tar of one, optionally :TAG, or a registry image such as docker://HOST/REPO:TAG; repeatable." },
	CLI_REGISTRY_OPTIONS,
	{ "--platform OS/ARCH[/VARIANT]", "Pick this platform's manifest from an image index." },
	{ "--no-scan",
	  "Skip the audit of Dockerfiles, Kubernetes manifests, workflows and NetworkPolicies." },
	{ "--no-secrets", "Skip the secret scan of the files under PATH." },
	{ "-j, --jobs N", "Scan secrets with N threads (default: the number of CPUs)." },
	{ "-h, --help", "Show this help." },
	{ NULL, NULL },
};

/*
 * The findings an image audit added point into the image's arena (its label, objects, keys):
 * copy them into the run's arena so that the image can be released before the next is read.
 */
static bh_err adopt_strings(struct bh_scan *s, size_t from)
{
	for (size_t i = from; i < s->findings.n; i++) {
		struct bh_finding *f = &s->findings.items[i];
		const char **fields[] = { &f->message, &f->file, &f->object, &f->container,
					  &f->key };

		for (size_t k = 0; k < sizeof(fields) / sizeof(*fields); k++) {
			if (!*fields[k])
				continue;
			*fields[k] = bh_arena_strdup(&s->arena, *fields[k]);
			if (!*fields[k])
				return BH_ERR_NOMEM;
		}
	}
	return BH_OK;
}

/* Record an error of the git or image layer that names what failed even when diag does not. */
static void input_error(struct bh_scan *s, struct bh_diag *d, const char *what)
{
	if (!d->file[0])
		snprintf(d->file, sizeof(d->file), "%s", what);
	bh_scan_error(s, d);
}

/* Returns an exit code: 0 to go on, 3 out of memory. */
static int run_secrets(struct gate *g, struct bh_scan *s, const struct bh_secrets_engine *e,
		       int git)
{
	struct bh_secrets_opts so = { 0 };
	const char *const dot[] = { "." };
	struct bh_diag d = { 0 };
	bh_err err;

	so.jobs = g->jobs;
	so.engine = e;
	so.git = git;
	so.git_range = git ? g->git_range : NULL;
	so.paths = g->npaths ? g->paths : dot;
	so.npaths = git ? 1 : g->npaths;
	err = bh_secrets_run(s, &so, &d);
	if (err == BH_ERR_NOMEM) {
		fprintf(stderr, "bulkhead: out of memory\n");
		return 3;
	}
	/* Not a repository, a bad range: an input error of this run, reported with the rest. */
	if (err)
		input_error(s, &d, so.paths[0]);
	return 0;
}

/* Returns an exit code: 0 to go on, 3 out of memory. */
static int run_images(struct gate *g, struct bh_scan *s)
{
	for (size_t i = 0; i < g->nimages; i++) {
		struct bh_image img;
		struct bh_diag d = { 0 };
		size_t from = s->findings.n, seen = 0;
		bh_err err;

		/* The same image named twice is audited once, as the same file is scanned once. */
		while (seen < i && strcmp(g->images[seen], g->images[i]))
			seen++;
		if (seen < i)
			continue;
		err = bh_image_open_reg(&img, g->images[i], g->platform, 0, &g->reg, &d);

		if (err == BH_ERR_NOMEM) {
			fprintf(stderr, "bulkhead: out of memory\n");
			return 3;
		}
		if (err) {
			/* A digest mismatch is an input error here, as in bulkhead image. */
			input_error(s, &d, g->images[i]);
			continue;
		}
		s->bytes_scanned += (size_t)img.bytes;
		err = bh_image_audit(s, &img);
		if (!err)
			err = adopt_strings(s, from);
		bh_image_release(&img);
		if (err) {
			fprintf(stderr, "bulkhead: out of memory\n");
			return 3;
		}
		g->layers[LAYER_IMAGE].inputs++;
	}
	return 0;
}

/* Count each layer's findings once suppression is final (before the sort mixes them). */
static void count_layers(struct gate *g, const struct bh_scan *s)
{
	for (size_t l = 0; l < NLAYERS; l++) {
		for (size_t i = g->from[l]; i < g->to[l]; i++) {
			const struct bh_finding *f = &s->findings.items[i];

			if (f->suppressed_by)
				g->layers[l].suppressed++;
			else
				g->layers[l].by_sev[f->severity]++;
		}
	}
}

/*
 * A file that neither scan nor secrets can read is an error of both: report it once. The
 * errors are sorted by place, which also makes their order independent of the threads.
 */
static void unique_errors(struct bh_scan *s)
{
	size_t k = 0;

	if (s->nerrors < 2)
		return;
	qsort(s->errors, s->nerrors, sizeof(*s->errors), bh_diag_cmp);
	for (size_t i = 0; i < s->nerrors; i++)
		if (!k || bh_diag_cmp(&s->errors[k - 1], &s->errors[i]))
			s->errors[k++] = s->errors[i];
	s->nerrors = k;
}

/* Run every layer that is on into s. Returns 0, or 3 out of memory. */
static int run_layers(struct gate *g, struct bh_scan *s, struct cli_report *r,
		      const struct bh_secrets_engine *e)
{
	size_t files = s->files_scanned;
	int rc = 0;

	g->from[LAYER_SCAN] = s->findings.n;
	if (!g->layers[LAYER_SCAN].skipped && g->npaths) {
		if (bh_engine_scan(s, g->paths, g->npaths, &r->baseline)) {
			fprintf(stderr, "bulkhead: out of memory\n");
			return 3;
		}
	}
	g->to[LAYER_SCAN] = g->from[LAYER_SECRETS] = s->findings.n;
	g->layers[LAYER_SCAN].inputs = s->files_scanned - files;
	files = s->files_scanned;
	if (!g->layers[LAYER_SECRETS].skipped && g->npaths)
		rc = run_secrets(g, s, e, 0);
	g->to[LAYER_SECRETS] = g->from[LAYER_GIT] = s->findings.n;
	g->layers[LAYER_SECRETS].inputs = s->files_scanned - files;
	files = s->files_scanned;
	if (!rc && !g->layers[LAYER_GIT].skipped && (g->npaths || !g->paths_given))
		rc = run_secrets(g, s, e, 1);
	g->to[LAYER_GIT] = g->from[LAYER_IMAGE] = s->findings.n;
	g->layers[LAYER_GIT].inputs = s->files_scanned - files;
	if (!rc && !g->layers[LAYER_IMAGE].skipped)
		rc = run_images(g, s);
	g->to[LAYER_IMAGE] = s->findings.n;
	if (rc)
		return rc;
	/*
	 * scan and secrets read the same tree: count its files once (secrets reads every text
	 * file, scan those it recognises), then the blobs and images on top.
	 */
	s->files_scanned = (g->layers[LAYER_SCAN].inputs > g->layers[LAYER_SECRETS].inputs
				    ? g->layers[LAYER_SCAN].inputs
				    : g->layers[LAYER_SECRETS].inputs) +
			   g->layers[LAYER_GIT].inputs + g->layers[LAYER_IMAGE].inputs;
	bh_suppress_apply(s, &r->baseline);
	count_layers(g, s);
	bh_findings_sort(&s->findings);
	unique_errors(s);
	return 0;
}

/* Keep the paths that exist; a missing one is an input error, reported once for the run. */
static void check_paths(struct gate *g, struct bh_scan *s, char **argv, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct stat st;
		struct bh_diag d = { 0 };

		if (stat(argv[i], &st) == 0) {
			g->paths[g->npaths++] = argv[i];
			continue;
		}
		bh_diag_set(&d, BH_ERR_IO, argv[i], 0, 0, "no such file or directory");
		bh_scan_error(s, &d);
	}
}

static void init_layers(struct gate *g)
{
	static const char *const names[NLAYERS] = { "scan", "secrets", "git", "image" };
	static const char *const units[NLAYERS] = { "file", "file", "blob", "image" };

	for (size_t l = 0; l < NLAYERS; l++) {
		g->layers[l].name = names[l];
		g->layers[l].unit = units[l];
	}
	if (g->no_scan)
		g->layers[LAYER_SCAN].skipped = "--no-scan";
	if (g->no_secrets)
		g->layers[LAYER_SECRETS].skipped = "--no-secrets";
	if (!g->git)
		g->layers[LAYER_GIT].skipped = "no --git";
	if (!g->nimages)
		g->layers[LAYER_IMAGE].skipped = "no --image";
}

static int parse_jobs(const char *arg, unsigned *out)
{
	char *end;
	long n = strtol(arg, &end, 10);

	if (*end || end == arg || n < 1 || n > 256)
		return -1;
	*out = (unsigned)n;
	return 0;
}

static int run(int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_REPORT_LONGOPTS,
		{ "git", optional_argument, NULL, OPT_GIT },
		{ "image", required_argument, NULL, OPT_IMAGE },
		{ "platform", required_argument, NULL, OPT_PLATFORM },
		CLI_REGISTRY_LONGOPTS,
		{ "no-scan", no_argument, NULL, OPT_NO_SCAN },
		{ "no-secrets", no_argument, NULL, OPT_NO_SECRETS },
		{ "jobs", required_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct cli_report r = { 0 };
	struct gate g = { 0 };
	struct bh_secrets_engine *engine = NULL;
	char *dot[] = { (char *)"." };
	char **paths;
	size_t npaths;
	struct bh_scan s;
	int opt, rc;

	/* Every --image and PATH fits in argc entries. */
	g.images = calloc((size_t)argc + 1, sizeof(*g.images));
	g.paths = calloc((size_t)argc + 1, sizeof(*g.paths));
	if (!g.images || !g.paths) {
		free(g.images);
		free(g.paths);
		fprintf(stderr, "bulkhead: out of memory\n");
		return 3;
	}
	rc = 0;
	optind = 1;
	while (!rc &&
	       (opt = getopt_long(argc, argv, CLI_REPORT_SHORTOPTS "j:h", longopts, NULL)) != -1) {
		int k = cli_report_option(&r, opt, optarg);

		if (k < 0) {
			rc = cli_usage(&cmd_gate_def, "invalid value '%s'", optarg);
			break;
		}
		if (k || cli_registry_option(&g.reg, opt, optarg))
			continue;
		switch (opt) {
		case OPT_GIT:
			g.git = 1;
			if (optarg)
				g.git_range = optarg;
			else if (optind < argc && cli_looks_like_range(argv[optind]))
				g.git_range = argv[optind++];
			break;
		case OPT_IMAGE:
			g.images[g.nimages++] = optarg;
			break;
		case OPT_PLATFORM:
			g.platform = optarg;
			break;
		case OPT_NO_SCAN:
			g.no_scan = 1;
			break;
		case OPT_NO_SECRETS:
			g.no_secrets = 1;
			break;
		case 'j':
			if (parse_jobs(optarg, &g.jobs))
				rc = cli_usage(&cmd_gate_def, "--jobs takes 1 to 256");
			break;
		case 'h':
			cli_help(stdout, &cmd_gate_def);
			rc = -1;
			break;
		default:
			rc = cli_bad_option(&cmd_gate_def, argv);
			break;
		}
	}
	if (rc) {
		free(g.images);
		free(g.paths);
		return rc < 0 ? 0 : rc;
	}
	/* getopt moves "--git RANGE PATH" apart: take a leading range among the operands. */
	if (g.git && !g.git_range && optind < argc && cli_looks_like_range(argv[optind]) &&
	    strcmp(argv[optind], "-"))
		g.git_range = argv[optind++];
	g.paths_given = optind < argc;
	paths = optind < argc ? argv + optind : dot;
	npaths = optind < argc ? (size_t)(argc - optind) : 1;
	for (size_t i = 0; i < npaths; i++) {
		if (!strcmp(paths[i], "-")) {
			free(g.images);
			free(g.paths);
			return cli_usage(&cmd_gate_def,
					 "standard input cannot be gated: every layer reads the "
					 "paths; pipe it to 'bulkhead scan -'");
		}
	}
	init_layers(&g);
	bh_scan_init(&s);
	rc = cli_scan_setup(&r, &s, paths[0]);
	/* The config's own secret rules and allowlist hold for the tree and the history alike. */
	if (!rc && (!g.no_secrets || g.git))
		rc = cli_secrets_engine(&s, &engine);
	if (rc)
		goto out;
	check_paths(&g, &s, paths, npaths);
	rc = run_layers(&g, &s, &r, engine);
	if (rc)
		goto out;
	r.opts.layers = g.layers;
	r.opts.nlayers = NLAYERS;
	rc = cli_scan_finish(&r, &s, "gate");
out:
	cli_report_release(&r);
	bh_secrets_engine_free(engine);
	bh_scan_release(&s);
	free(g.images);
	free(g.paths);
	return rc;
}

const struct bh_command cmd_gate_def = {
	.name = "gate",
	.fn = run,
	.summary = "run every layer in one CI step under one policy",
	.usage = "gate [options] [PATH...] [--git [RANGE]] [--image IMAGE]...",
	.description =
		"Audit PATH (default the current directory) in one run and one report: everything\n"
		"scan checks (Dockerfiles, Kubernetes manifests, workflows, NetworkPolicies and the\n"
		"cross-file checks), the secrets of the same files as bulkhead secrets finds them,\n"
		"with --git the secrets in the repository's history, and with --image each built\n"
		"image as bulkhead image audits it. One policy applies to all of them: the\n"
		".bulkhead.yaml found from the first PATH (or --config) with its fail-on level,\n"
		"disabled rules, severity overrides, ignores and excludes, and one --baseline. A\n"
		"finding's fingerprint is the one scan, secrets or image gives it, so their baselines\n"
		"hold here. The text report ends with a summary per layer and the verdict.\n"
		"Exit status: 0 when no finding is at or above --fail-on, 1 when one is, 2 for usage\n"
		"or input errors (each named with file:line), 3 for operational errors.",
	.options = gate_options,
	.examples =
		"  $ bulkhead gate\n"
		"  $ bulkhead gate --git origin/main..HEAD --image agent.tar -f sarif -o gate.sarif\n"
		"  $ bulkhead gate --baseline .bulkhead-baseline deploy/ Dockerfile\n",
};
