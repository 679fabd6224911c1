/*
 * bulkhead init: write a hardened deployment for one agent into a directory. The generator
 * (src/init) renders every file first; only then are they written, each atomically, and only
 * when none of them exists yet (or --force): a run either writes the whole set or nothing.
 */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/fs.h"
#include "core/rule.h"
#include "engine/engine.h"
#include "init/init.h"

#include "core/banned.h"

static const struct bh_opt_doc init_options[] = {
	{ "--name NAME",
	  "The agent's name (a DNS-1123 label), used for the Deployment, Service, ServiceAccount and the app label; default: DIR's base name when it is one." },
	{ "--namespace NS", "The agent namespace (default agents)." },
	{ "--image REF@sha256:DIGEST",
	  "Required: the agent image the Deployment runs, pinned by digest; the CI pushes to its repository." },
	{ "--build-image REF@sha256:DIGEST",
	  "Required: the image the Dockerfile's build stage compiles the agent in, pinned by digest." },
	{ "--base-image REF@sha256:DIGEST",
	  "The final stage's base image, pinned by digest (e.g. a distroless image); default: scratch, for a static binary." },
	{ "--build-cmd CMD",
	  "The build stage's command; it must leave a static binary at /out/agent (default: a static Go build)." },
	{ "--port PORT", "The port the agent listens on, 1024 to 65535 (default 8080)." },
	{ "--uid UID", "The non-zero UID and GID the agent runs as (default 10001)." },
	{ "--egress DEST",
	  "A destination the agent may reach, repeatable: CIDR[:PORT] ([CIDR]:PORT for IPv6; no port means every TCP port but 53), SERVICE.NAMESPACE.svc:PORT inside the cluster, or HOST:PORT outside it with --mesh cilium. For a Service, PORT is the port its pods listen on: NetworkPolicies see traffic after the Service's translation. DNS to the cluster resolver is always allowed." },
	{ "--orchestrator KEY=VALUE",
	  "A label of the pods allowed to call the agent, repeatable (default app=orchestrator)." },
	{ "--orchestrator-namespace NS",
	  "The orchestrator's namespace (default: the agent namespace)." },
	{ "--mesh MESH",
	  "none (default), istio (PeerAuthentication STRICT, sidecar injection) or cilium (mutual authentication, toFQDNs for host names)." },
	{ "--ci CI", "github (default), gitlab or none: the release pipeline to write." },
	{ "--ci-tool REF@sha256:DIGEST",
	  "A CI tool image pinned by digest, repeatable; the last path component names it: trivy, syft, cosign and gitleaks, and for gitlab a docker dind image." },
	{ "--force", "Overwrite files that exist." },
	{ "-n, --dry-run",
	  "Print the files that would be written, with their contents; write nothing." },
	{ "-h, --help", "Show this help." },
	{ NULL, NULL },
};

enum {
	OPT_NAME = CLI_OPT_FIRST_COMMAND_OPTION,
	OPT_NAMESPACE,
	OPT_IMAGE,
	OPT_BUILD_IMAGE,
	OPT_BASE_IMAGE,
	OPT_BUILD_CMD,
	OPT_PORT,
	OPT_UID,
	OPT_EGRESS,
	OPT_ORCH,
	OPT_ORCH_NS,
	OPT_MESH,
	OPT_CI,
	OPT_CI_TOOL,
	OPT_FORCE,
};

static int bad(const struct bh_diag *d)
{
	fprintf(stderr, "bulkhead init: %s\n", d->msg);
	return 2;
}

static int number(const char *what, const char *v, unsigned long lo, unsigned long hi,
		  unsigned *out)
{
	char *end;
	unsigned long n;

	errno = 0;
	n = strtoul(v, &end, 10);
	if (!*v || *end || errno || *v == '-' || n < lo || n > hi) {
		fprintf(stderr, "bulkhead init: %s '%s' must be a number from %lu to %lu\n", what,
			v, lo, hi);
		return 2;
	}
	*out = (unsigned)n;
	return 0;
}

/* The default name: DIR's last component, when it is a DNS-1123 label. */
static const char *name_from_dir(const char *dir, char *buf, size_t n)
{
	char *abs = realpath(dir, NULL);
	const char *base;

	if (!abs) {
		const char *s = strrchr(dir, '/');

		snprintf(buf, n, "%s", s ? s + 1 : dir);
	} else {
		base = strrchr(abs, '/');
		snprintf(buf, n, "%s", base ? base + 1 : abs);
		free(abs);
	}
	return bh_init_check_label("name", buf, NULL) ? NULL : buf;
}

static int parse(int argc, char **argv, struct bh_init_opts *o, const char **dir, int *force,
		 int *dry)
{
	static const struct option longopts[] = {
		{ "name", required_argument, NULL, OPT_NAME },
		{ "namespace", required_argument, NULL, OPT_NAMESPACE },
		{ "image", required_argument, NULL, OPT_IMAGE },
		{ "build-image", required_argument, NULL, OPT_BUILD_IMAGE },
		{ "base-image", required_argument, NULL, OPT_BASE_IMAGE },
		{ "build-cmd", required_argument, NULL, OPT_BUILD_CMD },
		{ "port", required_argument, NULL, OPT_PORT },
		{ "uid", required_argument, NULL, OPT_UID },
		{ "egress", required_argument, NULL, OPT_EGRESS },
		{ "orchestrator", required_argument, NULL, OPT_ORCH },
		{ "orchestrator-namespace", required_argument, NULL, OPT_ORCH_NS },
		{ "mesh", required_argument, NULL, OPT_MESH },
		{ "ci", required_argument, NULL, OPT_CI },
		{ "ci-tool", required_argument, NULL, OPT_CI_TOOL },
		{ "force", no_argument, NULL, OPT_FORCE },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct bh_diag d = { 0 };
	int opt, t;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "nh", longopts, NULL)) != -1) {
		switch (opt) {
		case OPT_NAME:
			if (bh_init_check_label("--name", optarg, &d))
				return bad(&d);
			o->name = optarg;
			break;
		case OPT_NAMESPACE:
			if (bh_init_check_label("--namespace", optarg, &d))
				return bad(&d);
			/* The agent gets a namespace of its own, labelled restricted by this run.
			 */
			if (!strcmp(optarg, "default") || !strncmp(optarg, "kube-", 5)) {
				fprintf(stderr,
					"bulkhead init: --namespace %s is shared with the cluster; give the agent a namespace of its own\n",
					optarg);
				return 2;
			}
			o->ns = optarg;
			break;
		case OPT_ORCH_NS:
			if (bh_init_check_label("--orchestrator-namespace", optarg, &d))
				return bad(&d);
			o->orch_ns = optarg;
			break;
		case OPT_IMAGE:
		case OPT_BUILD_IMAGE:
		case OPT_BASE_IMAGE:
			if (bh_init_check_digest_ref(opt == OPT_IMAGE	      ? "--image"
						     : opt == OPT_BUILD_IMAGE ? "--build-image"
									      : "--base-image",
						     optarg, &d))
				return bad(&d);
			*(opt == OPT_IMAGE	   ? &o->image
			  : opt == OPT_BUILD_IMAGE ? &o->build_image
						   : &o->base_image) = optarg;
			break;
		case OPT_BUILD_CMD:
			/* One line of a Dockerfile RUN: a newline would end the instruction. */
			if (!*optarg || strpbrk(optarg, "\r\n\\")) {
				fprintf(stderr,
					"bulkhead init: --build-cmd must be one non-empty line without backslashes\n");
				return 2;
			}
			o->build_cmd = optarg;
			break;
		case OPT_PORT:
			if (number("--port", optarg, 1024, 65535, &o->port))
				return 2;
			break;
		case OPT_UID:
			if (number("--uid", optarg, 1, 2147483647, &o->uid))
				return 2;
			break;
		case OPT_EGRESS:
			if (o->negress == BH_LIMIT_INIT_EGRESS) {
				fprintf(stderr,
					"bulkhead init: more than %d --egress destinations\n",
					BH_LIMIT_INIT_EGRESS);
				return 2;
			}
			if (bh_init_parse_egress(optarg, &o->egress[o->negress], &d))
				return bad(&d);
			o->negress++;
			break;
		case OPT_ORCH:
			if (o->norch == BH_LIMIT_INIT_LABELS) {
				fprintf(stderr,
					"bulkhead init: more than %d --orchestrator labels\n",
					BH_LIMIT_INIT_LABELS);
				return 2;
			}
			if (bh_init_parse_label(optarg, &o->orch[o->norch], &d))
				return bad(&d);
			o->norch++;
			break;
		case OPT_MESH:
			if (!strcmp(optarg, "none"))
				o->mesh = BH_INIT_MESH_NONE;
			else if (!strcmp(optarg, "istio"))
				o->mesh = BH_INIT_MESH_ISTIO;
			else if (!strcmp(optarg, "cilium"))
				o->mesh = BH_INIT_MESH_CILIUM;
			else
				return cli_usage(&cmd_init_def,
						 "--mesh '%s': give none, istio or cilium", optarg);
			break;
		case OPT_CI:
			if (!strcmp(optarg, "none"))
				o->ci = BH_INIT_CI_NONE;
			else if (!strcmp(optarg, "github"))
				o->ci = BH_INIT_CI_GITHUB;
			else if (!strcmp(optarg, "gitlab"))
				o->ci = BH_INIT_CI_GITLAB;
			else
				return cli_usage(&cmd_init_def,
						 "--ci '%s': give github, gitlab or none", optarg);
			break;
		case OPT_CI_TOOL:
			if (bh_init_check_digest_ref("--ci-tool", optarg, &d))
				return bad(&d);
			t = bh_init_tool_of(optarg);
			if (t < 0)
				return cli_usage(
					&cmd_init_def,
					"--ci-tool '%s': the image's name must end in trivy, syft, cosign, gitleaks or docker",
					optarg);
			o->tools[t] = optarg;
			break;
		case OPT_FORCE:
			*force = 1;
			break;
		case 'n':
			*dry = 1;
			break;
		case 'h':
			cli_help(stdout, &cmd_init_def);
			return -1;
		default:
			return cli_bad_option(&cmd_init_def, argv);
		}
	}
	if (argc - optind > 1)
		return cli_usage(&cmd_init_def, "give one directory");
	if (optind < argc)
		*dir = argv[optind];
	return 0;
}

/* Create the missing directories on the way to path (mode 0755); returns 0 or -1 with errno. */
static int make_parents(char *path)
{
	for (char *s = strchr(path + 1, '/'); s; s = strchr(s + 1, '/')) {
		*s = '\0';
		if (mkdir(path, 0755) && errno != EEXIST) {
			*s = '/';
			return -1;
		}
		*s = '/';
	}
	return 0;
}

/*
 * Every target is checked before any is written (and before a dry run prints), so a refusal
 * leaves nothing behind. Returns 2 after naming the first file that exists, else 0.
 */
static int refuse_existing(const char *dir, const struct bh_init_file *files, size_t n)
{
	char path[4096];
	struct stat st;

	for (size_t i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i].path);
		if (lstat(path, &st) == 0) {
			fprintf(stderr,
				"bulkhead init: %s exists; nothing was written (use --force to overwrite)\n",
				path);
			return 2;
		}
	}
	return 0;
}

static int write_all(const char *dir, struct bh_init_file *files, size_t n, int quiet)
{
	char path[4096];
	struct bh_diag d = { 0 };

	for (size_t i = 0; i < n; i++) {
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, files[i].path) >=
		    sizeof(path)) {
			fprintf(stderr, "bulkhead init: %s: path too long\n", dir);
			return 2;
		}
		if (make_parents(path)) {
			fprintf(stderr, "bulkhead init: %s: cannot create its directory: %s\n",
				path, strerror(errno));
			return 3;
		}
		if (bh_fs_write_atomic(path, files[i].text.data, files[i].text.len, &d)) {
			cli_diag(&d);
			return 3;
		}
		if (!quiet)
			printf("wrote %s\n", path);
	}
	return fflush(stdout) ? 3 : 0;
}

/* Remove what write_all wrote under dir, then dir; errors are ignored (a private directory). */
static void remove_all(const char *dir, const struct bh_init_file *files, size_t n)
{
	static const char *const subdirs[] = { "k8s", ".github/workflows", ".github" };
	char path[4096];

	for (size_t i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i].path);
		unlink(path);
	}
	for (size_t i = 0; i < sizeof(subdirs) / sizeof(*subdirs); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, subdirs[i]);
		rmdir(path);
	}
	rmdir(dir);
}

/*
 * Scan the rendered files before anything reaches DIR: they are written to a private temporary
 * directory, scanned with every rule, and removed. The templates are clean by construction, but
 * some values are judged only by the rules (a base image on a full distribution, a build command
 * that pipes a download into a shell, a CIDR inside the pod range); those fail here with the
 * scan's own findings, so that what init writes always passes `bulkhead scan`. Returns 0 when
 * clean, 2 after printing the findings, 3 on an operational error.
 */
static int self_check(const struct bh_init_file *files, size_t n)
{
	const char *tmpdir = getenv("TMPDIR");
	char dir[4096];
	struct bh_scan s;
	struct bh_diag d = { 0 };
	const char *paths[1];
	int rc = 0;

	snprintf(dir, sizeof(dir), "%s/bulkhead-init.XXXXXX", tmpdir && *tmpdir ? tmpdir : "/tmp");
	if (!mkdtemp(dir)) {
		fprintf(stderr, "bulkhead init: cannot create a temporary directory: %s\n",
			strerror(errno));
		return 3;
	}
	if (write_all(dir, (struct bh_init_file *)files, n, 1)) {
		remove_all(dir, files, n);
		return 3;
	}
	paths[0] = dir;
	bh_scan_init(&s);
	if (bh_engine_config(&s, NULL, dir, &d)) {
		cli_diag(&d);
		rc = 3;
	} else if (bh_engine_scan(&s, paths, 1, NULL)) {
		fprintf(stderr, "bulkhead: out of memory\n");
		rc = 3;
	} else if (s.nerrors) {
		for (size_t i = 0; i < s.nerrors; i++)
			cli_diag(&s.errors[i]);
		rc = 3;
	} else if (s.findings.n) {
		size_t skip = strlen(dir) + 1;

		for (size_t i = 0; i < s.findings.n; i++) {
			const struct bh_finding *f = &s.findings.items[i];
			const char *file = strlen(f->file) > skip ? f->file + skip : f->file;

			fprintf(stderr, "bulkhead init: %s:%u:%u: %s %s %s\n", file, f->line,
				f->col, bh_severity_name(f->severity), f->rule->id, f->message);
		}
		fprintf(stderr,
			"bulkhead init: the options above make %zu finding%s in the generated files; nothing was written\n",
			s.findings.n, s.findings.n == 1 ? "" : "s");
		rc = 2;
	}
	bh_scan_release(&s);
	remove_all(dir, files, n);
	return rc;
}

static int run(int argc, char **argv)
{
	struct bh_init_opts *o = calloc(1, sizeof(*o));
	struct bh_init_file files[BH_INIT_MAX_FILES];
	struct bh_diag d = { 0 };
	const char *dir = ".";
	char namebuf[256], top[4096];
	int force = 0, dry = 0, rc;
	size_t n = 0;
	struct stat st;

	if (!o) {
		fprintf(stderr, "bulkhead: out of memory\n");
		return 3;
	}
	o->ns = "agents";
	o->port = 8080;
	o->uid = 10001;
	o->ci = BH_INIT_CI_GITHUB;
	o->build_cmd = "CGO_ENABLED=0 go build -trimpath -ldflags=-s -o /out/agent .";
	rc = parse(argc, argv, o, &dir, &force, &dry);
	if (rc) {
		free(o);
		return rc < 0 ? 0 : rc;
	}
	if (stat(dir, &st) == 0 && !S_ISDIR(st.st_mode)) {
		free(o);
		return cli_usage(&cmd_init_def, "%s is not a directory", dir);
	}
	if (!o->name && !(o->name = name_from_dir(dir, namebuf, sizeof(namebuf)))) {
		free(o);
		return cli_usage(&cmd_init_def,
				 "the directory name '%s' is not a DNS-1123 label: give --name",
				 namebuf);
	}
	if (!o->norch) {
		snprintf(o->orch[0].key, sizeof(o->orch[0].key), "%s", "app");
		snprintf(o->orch[0].value, sizeof(o->orch[0].value), "%s", "orchestrator");
		o->norch = 1;
	}
	if (bh_init_check(o, &d)) {
		free(o);
		return bad(&d);
	}
	if (bh_init_render(o, files, &n)) {
		fprintf(stderr, "bulkhead: out of memory\n");
		rc = 3;
	} else if ((!force && (rc = refuse_existing(dir, files, n))) ||
		   (rc = self_check(files, n))) {
		/* refused: rc is 2, or 3 when the check could not run */
	} else if (dry) {
		for (size_t i = 0; i < n; i++)
			printf("==> %s/%s <==\n%s\n", dir, files[i].path,
			       bh_buf_str(&files[i].text));
		rc = fflush(stdout) ? 3 : 0;
	} else {
		if ((size_t)snprintf(top, sizeof(top), "%s/", dir) >= sizeof(top) ||
		    make_parents(top)) {
			fprintf(stderr, "bulkhead init: %s: %s\n", dir, strerror(errno));
			rc = 3;
		} else {
			rc = write_all(dir, files, n, 0);
		}
	}
	for (size_t i = 0; i < n; i++)
		bh_buf_release(&files[i].text);
	free(o);
	return rc;
}

const struct bh_command cmd_init_def = {
	.name = "init",
	.fn = run,
	.summary = "write a hardened deployment for an agent",
	.usage = "init [options] --image REF@sha256:DIGEST --build-image REF@sha256:DIGEST [DIR]",
	.description =
		"Write into DIR (default .) a deployment for one agent that passes `bulkhead scan`\n"
		"with no finding: a two-stage Dockerfile (non-root numeric USER, nothing but the\n"
		"binary in the final stage) and .dockerignore; k8s/ with a Namespace enforcing the\n"
		"restricted Pod Security Standard, a ServiceAccount without a token, a hardened\n"
		"Deployment, a Service and NetworkPolicies (default deny, DNS to kube-dns, egress to\n"
		"the declared destinations, ingress from the orchestrator), plus Istio or Cilium mTLS\n"
		"objects with --mesh; a CI pipeline that scans the image (failing on CRITICAL and\n"
		"HIGH), writes an SBOM, scans for secrets, then pushes, signs and attests; and a\n"
		".bulkhead.yaml declaring the agent, its egress and its orchestrator.\n"
		"\n"
		"Nothing is pinned on your behalf: every image digest comes from an option, and the\n"
		"pipeline runs its tools as digest-pinned containers instead of third-party actions.\n"
		"Before anything is written, the files are scanned in a private temporary directory:\n"
		"options that would make a finding (a base image on a full distribution, a build\n"
		"command piping a download into a shell, a CIDR inside the pod range) are refused\n"
		"with the finding. When a target file exists, nothing is written unless --force. Files are\n"
		"written atomically and listed on standard output. Exit status: 0 on success, 2 on\n"
		"a bad option or an existing file, 3 when a file cannot be written.",
	.options = init_options,
	.examples =
		"  $ bulkhead init --image registry.example.com/research-agent@sha256:<digest> \\\n"
		"        --build-image golang:1.23@sha256:<digest> --ci none research-agent\n"
		"  $ bulkhead init --mesh cilium --egress api.openai.com:443 \\\n"
		"        --egress llm-gateway.ai-platform.svc:8443 --ci-tool aquasec/trivy@sha256:<digest> ...\n"
		"  $ bulkhead scan --fail-on info research-agent\n",
};
