/*
 * bulkhead netpol: the connectivity of the scanned workloads under their NetworkPolicies.
 *   netpol list [--format txt|json|dot|md|svg] [-o FILE] PATH...
 *   netpol explain SRC DST [--port P/PROTO] PATH...
 * list prints netpol-analyzer's connlist format line for line; svg pipes the dot output through
 * Graphviz. Inputs are read with the scan driver, so every file type rule and error report is
 * the same as `bulkhead scan`; a NetworkPolicy the API server would reject is an input error
 * (exit 2), since a connlist computed without it would be wrong.
 */
#include "cli.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/fs.h"
#include "engine/engine.h"
#include "network/np.h"

#include "core/banned.h"

static const struct bh_opt_doc netpol_options[] = {
	{ "-f, --format FORMAT",
	  "list: txt (default; netpol-analyzer's connlist), json, csv, dot, md (table and Mermaid graph) or svg (needs Graphviz)." },
	{ "-o, --output FILE", "Write to FILE atomically instead of standard output." },
	{ "--port P/PROTO", "explain: judge one port, e.g. 8080/TCP (protocol defaults to TCP)." },
	{ "--focus-workload NAME",
	  "list: only the connections to or from this workload (name, ns/name or ns/name[Kind])." },
	{ "-c, --config FILE",
	  "Use FILE instead of the .bulkhead.yaml found from the first path." },
	{ "-h, --help", "Show this help." },
	{ NULL, NULL },
};

enum {
	OPT_PORT = CLI_OPT_FIRST_COMMAND_OPTION,
	OPT_FOCUS,
};

/* Load the inputs; returns an exit code (0 when the model is usable). */
static int load(struct bh_scan *s, const char *config, char **paths, int npaths,
		struct np_model **out)
{
	struct bh_diag d = { 0 };
	struct np_model *m;

	bh_scan_init(s);
	if (bh_engine_config(s, config, paths[0], &d)) {
		cli_diag(&d);
		return 2;
	}
	if (bh_engine_scan(s, (const char *const *)paths, (size_t)npaths, NULL)) {
		fprintf(stderr, "bulkhead: out of memory\n");
		return 3;
	}
	for (size_t i = 0; i < s->nerrors; i++)
		cli_diag(&s->errors[i]);
	if (s->nerrors)
		return 2;
	m = np_scan_model(s);
	if (!m) {
		fprintf(stderr,
			"bulkhead netpol: no Kubernetes objects found in the given paths\n");
		return 2;
	}
	for (size_t i = 0; i < m->nprob; i++) {
		const struct np_problem *p = &m->prob[i];

		fprintf(stderr, "bulkhead: %s:%u:%u: %s: %s\n", p->file,
			p->node ? p->node->line : 0, p->node ? p->node->col : 0,
			p->ref ? p->ref : "", p->msg);
	}
	if (m->nprob)
		return 2;
	*out = m;
	return 0;
}

static int emit(const char *output, const char *data, size_t len)
{
	struct bh_diag d = { 0 };

	if (output) {
		if (bh_fs_write_atomic(output, data, len, &d)) {
			cli_diag(&d);
			return 3;
		}
		return 0;
	}
	if (len && fwrite(data, 1, len, stdout) != len)
		return 3;
	return fflush(stdout) ? 3 : 0;
}

/* Run `dot -Tsvg` on the text; the SVG replaces it in out. */
static int to_svg(struct bh_buf *out)
{
	int in[2], res[2];
	pid_t pid;
	struct bh_buf svg;
	char chunk[65536];
	ssize_t n;
	int status, rc = 0;
	size_t off = 0;

	if (pipe(in) || pipe(res))
		return 3;
	pid = fork();
	if (pid < 0)
		return 3;
	if (pid == 0) {
		dup2(in[0], 0);
		dup2(res[1], 1);
		close(in[0]);
		close(in[1]);
		close(res[0]);
		close(res[1]);
		execlp("dot", "dot", "-Tsvg", (char *)NULL);
		_exit(127);
	}
	close(in[0]);
	close(res[1]);
	bh_buf_init(&svg, 0);
	/* Write everything first; dot reads the whole graph before it writes. */
	while (off < out->len) {
		n = write(in[1], out->data + off, out->len - off);
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	close(in[1]);
	while ((n = read(res[0], chunk, sizeof(chunk))) > 0)
		if (bh_buf_add(&svg, chunk, (size_t)n)) {
			rc = 3;
			break;
		}
	close(res[0]);
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr,
			"bulkhead netpol: --format svg needs Graphviz's dot (it failed or is not installed)\n");
		rc = 3;
	}
	if (!rc) {
		bh_buf_release(out);
		*out = svg;
	} else {
		bh_buf_release(&svg);
	}
	return rc;
}

static int list(const char *config, const char *fmt, const char *focus, const char *output,
		char **paths, int npaths)
{
	struct bh_scan s;
	struct np_model *m = NULL;
	struct bh_buf out;
	enum np_format f = NP_FMT_TXT;
	int svg = 0, rc;

	if (!strcmp(fmt, "json"))
		f = NP_FMT_JSON;
	else if (!strcmp(fmt, "dot"))
		f = NP_FMT_DOT;
	else if (!strcmp(fmt, "md"))
		f = NP_FMT_MD;
	else if (!strcmp(fmt, "csv"))
		f = NP_FMT_CSV;
	else if (!strcmp(fmt, "svg"))
		f = NP_FMT_DOT, svg = 1;
	else if (strcmp(fmt, "txt") && strcmp(fmt, "text"))
		return cli_usage(&cmd_netpol_def, "unknown format '%s'", fmt);
	rc = load(&s, config, paths, npaths, &m);
	if (rc) {
		bh_scan_release(&s);
		return rc;
	}
	bh_buf_init(&out, 0);
	if (focus) {
		int known = 0;

		for (size_t i = 0; i < m->nreal && !known; i++) {
			struct np_ep e = { .is_ip = 0, .wl = i };

			known = np_wl_is(m, &e, focus);
		}
		if (!known) {
			fprintf(stderr, "bulkhead netpol: no workload '%s' in the given paths\n",
				focus);
			bh_scan_release(&s);
			return 2;
		}
	}
	if (np_connlist(m, f, focus, &out)) {
		fprintf(stderr, "bulkhead netpol: out of memory\n");
		rc = 3;
	} else if (svg) {
		rc = to_svg(&out);
	}
	if (!rc)
		rc = emit(output, bh_buf_str(&out), out.len);
	bh_buf_release(&out);
	bh_scan_release(&s);
	return rc;
}

/*
 * SRC/DST: an IP address, ns/name[Kind], ns/name or name (unique among workloads), or a Service
 * (ns/name or name), which stands for the first workload it selects.
 */
static int resolve(const struct np_model *m, const char *arg, struct np_ep *e,
		   const struct np_svc **svc)
{
	size_t hits = 0;

	memset(e, 0, sizeof(*e));
	if (!np_ip_parse(arg, &e->ip)) {
		e->is_ip = 1;
		return 0;
	}
	for (size_t i = 0; i < m->nreal; i++) {
		struct np_ep c = { .is_ip = 0, .wl = i };

		if (!np_wl_is(m, &c, arg))
			continue;
		e->wl = i;
		if (!strcmp(arg, m->wl[i].id))
			return 0; /* the full id is never ambiguous */
		hits++;
	}
	if (hits == 1)
		return 0;
	/* A Service name stands for the workload it selects. */
	for (size_t i = 0; !hits && i < m->nsvc; i++) {
		const struct np_svc *v = &m->svc[i];
		size_t nl = strlen(v->ns);

		if (strcmp(arg, v->name) &&
		    !(!strncmp(arg, v->ns, nl) && arg[nl] == '/' && !strcmp(arg + nl + 1, v->name)))
			continue;
		e->wl = np_svc_workload(m, v);
		if (e->wl == (size_t)-1)
			continue;
		if (svc)
			*svc = v;
		fprintf(stderr, "note: Service %s/%s selects %s\n", v->ns, v->name,
			m->wl[e->wl].id);
		return 0;
	}
	fprintf(stderr, "bulkhead netpol explain: %s '%s'; workloads are:\n",
		hits ? "ambiguous workload" : "no workload or IP address", arg);
	for (size_t i = 0; i < m->nreal; i++)
		fprintf(stderr, "  %s\n", m->wl[i].id);
	return -1;
}

static int explain(const char *config, const char *port, const char *output, char **argv, int argc)
{
	struct bh_scan s;
	struct np_model *m = NULL;
	struct np_ep src, dst;
	const struct np_svc *dsvc = NULL;
	struct bh_buf out;
	int proto = -1, allowed = 0, rc;
	unsigned long pnum = 0;

	if (argc < 3)
		return cli_usage(&cmd_netpol_def, "explain needs SRC DST and at least one PATH");
	if (port) {
		char *end;
		const char *slash = strchr(port, '/');
		enum np_proto pr = NP_TCP;

		pnum = strtoul(port, &end, 10);
		if (end == port || pnum < 1 || pnum > 65535 || (*end && *end != '/') ||
		    (slash && np_proto_parse(slash + 1, &pr)))
			return cli_usage(&cmd_netpol_def,
					 "--port takes PORT[/TCP|UDP|SCTP], e.g. 8080/TCP");
		proto = (int)pr;
	}
	rc = load(&s, config, argv + 2, argc - 2, &m);
	if (rc) {
		bh_scan_release(&s);
		return rc;
	}
	if (resolve(m, argv[0], &src, NULL) || resolve(m, argv[1], &dst, &dsvc)) {
		bh_scan_release(&s);
		return 2;
	}
	/* Policies see the pod's port after DNAT: translate a Service port. */
	if (dsvc && proto >= 0) {
		uint32_t tp;

		if (np_svc_target_port(dsvc, &m->wl[dst.wl], (uint32_t)pnum, (enum np_proto)proto,
				       &tp) &&
		    tp != pnum) {
			fprintf(stderr, "note: Service port %lu forwards to pod port %u\n", pnum,
				tp);
			pnum = tp;
		}
	}
	bh_buf_init(&out, 0);
	if (np_explain(m, &src, &dst, proto, (uint32_t)pnum, &out, &allowed)) {
		fprintf(stderr, "bulkhead netpol: out of memory\n");
		rc = 3;
	}
	if (!rc)
		rc = emit(output, bh_buf_str(&out), out.len);
	bh_buf_release(&out);
	bh_scan_release(&s);
	/* Exit 1 when a judged port (or the pair) is denied, so CI can assert reachability. */
	return rc ? rc : allowed ? 0 : 1;
}

static int run(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "config", required_argument, NULL, 'c' },
		{ "port", required_argument, NULL, OPT_PORT },
		{ "focus-workload", required_argument, NULL, OPT_FOCUS },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *fmt = "txt", *output = NULL, *config = NULL, *port = NULL, *focus = NULL;
	const char *sub;
	int opt;

	optind = 1;
	/* "+" would stop at the subcommand; permute so options may follow it. */
	while ((opt = getopt_long(argc, argv, "f:o:c:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'f':
			fmt = optarg;
			break;
		case 'o':
			output = optarg;
			break;
		case 'c':
			config = optarg;
			break;
		case OPT_PORT:
			port = optarg;
			break;
		case OPT_FOCUS:
			focus = optarg;
			break;
		case 'h':
			cli_help(stdout, &cmd_netpol_def);
			return 0;
		default:
			return cli_usage(&cmd_netpol_def, "unknown option");
		}
	}
	if (optind >= argc)
		return cli_usage(&cmd_netpol_def, "expected list or explain");
	sub = argv[optind++];
	if (!strcmp(sub, "list")) {
		if (optind >= argc)
			return cli_usage(&cmd_netpol_def, "list needs at least one PATH");
		if (port)
			return cli_usage(&cmd_netpol_def, "--port applies to explain only");
		return list(config, fmt, focus, output, argv + optind, argc - optind);
	}
	if (!strcmp(sub, "explain"))
		return explain(config, port, output, argv + optind, argc - optind);
	return cli_usage(&cmd_netpol_def, "unknown subcommand '%s' (list or explain)", sub);
}

const struct bh_command cmd_netpol_def = {
	.name = "netpol",
	.fn = run,
	.summary = "connectivity of workloads under their NetworkPolicies",
	.usage = "netpol list [options] PATH... | netpol explain SRC DST [--port P/PROTO] PATH...",
	.description =
		"list prints every allowed connection between the workloads found in PATH and to and\n"
		"from external IP ranges, in np-guard/netpol-analyzer's connlist format line for line\n"
		"(so the two can be diffed), or as JSON, Graphviz dot, Markdown with a Mermaid graph, or\n"
		"SVG. explain says, for one pair, which NetworkPolicies isolate each side and which\n"
		"rules allow or do not allow the traffic, and why; it exits 1 when the pair (or the\n"
		"--port) is denied. SRC and DST are ns/name[Kind], ns/name, a unique name, or an IP\n"
		"address. Exit status 2 for unreadable input or a NetworkPolicy the API server would\n"
		"reject (named with file:line).",
	.options = netpol_options,
	.examples =
		"  $ bulkhead netpol list deploy/\n"
		"  $ bulkhead netpol list --format svg -o graph.svg deploy/\n"
		"  $ bulkhead netpol explain agents/agent default/llm-gateway --port 443/TCP deploy/\n",
};
