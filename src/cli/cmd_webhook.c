/*
 * bulkhead webhook: the validating admission webhook over HTTPS. Reads the certificate, key
 * and config once, starts the server (src/webhook), logs one line per request on standard
 * error, and stops cleanly on SIGTERM or SIGINT: the listening socket closes, requests in
 * flight finish, and the process exits 0.
 */
#include "cli.h"

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "core/config.h"
#include "core/fs.h"
#include "core/limits.h"
#include "engine/engine.h"
#include "webhook/webhook.h"

#include "core/banned.h"

enum {
	OPT_CERT = CLI_OPT_FIRST_COMMAND_OPTION,
	OPT_KEY,
	OPT_LISTEN,
	OPT_PSS,
	OPT_THREADS,
	OPT_NO_ANNOTATION_IGNORE,
	OPT_RELOAD_INTERVAL,
};

static const struct bh_opt_doc webhook_options[] = {
	{ "--cert FILE",
	  "The server certificate chain (PEM) the API server verifies against the caBundle." },
	{ "--key FILE", "The certificate's private key (PEM)." },
	{ "--listen ADDR:PORT",
	  "Address to listen on: 0.0.0.0:8443 (default), 127.0.0.1:9443, [::]:8443; port 0 picks a free port (the log says which)." },
	{ "-c, --config FILE",
	  "The policy: a .bulkhead.yaml (disable, severity, ignore, fail-on, kubernetes.pss-version). None is searched for." },
	{ "--fail-on SEVERITY",
	  "Deny objects with a finding at or above SEVERITY (default: the config's fail-on, else high; info with --pss); findings below it are returned as warnings." },
	{ "--pss LEVEL[:VERSION]",
	  "Judge only the Pod Security Standards controls of LEVEL (baseline or restricted), as Pod Security Admission would, at VERSION (latest or v1.MINOR) unless the namespace's enforce-version label says otherwise." },
	{ "--no-annotation-ignore",
	  "Do not honour the bulkhead.dev/ignore annotation: whoever may create a workload may set it, so where workload authors are not trusted, exemptions belong in the config only." },
	{ "--threads N", "Server threads (default 2)." },
	{ "--reload-interval SECONDS",
	  "How often to look for a renewed certificate or key (default 10; 0: only on SIGHUP). A changed pair is checked and served without closing the socket; a bad one is logged and the current pair kept." },
	{ "-h, --help", "Show this help." },
	{ NULL, NULL },
};

static pthread_mutex_t log_mu = PTHREAD_MUTEX_INITIALIZER;

static void log_stderr(void *arg, const char *line)
{
	pthread_mutex_lock(&log_mu);
	fprintf(stderr, "bulkhead webhook: %s\n", line);
	pthread_mutex_unlock(&log_mu);
}

/* ADDR:PORT, [IPv6]:PORT or :PORT into ss; 0 on success. */
static int parse_listen(const char *s, struct sockaddr_storage *ss)
{
	char host[64];
	const char *colon = strrchr(s, ':');
	char *end;
	unsigned long port;
	size_t n;

	if (!colon)
		return -1;
	port = strtoul(colon + 1, &end, 10);
	if (!colon[1] || *end || port > 65535)
		return -1;
	n = (size_t)(colon - s);
	if (n >= sizeof(host))
		return -1;
	memcpy(host, s, n);
	host[n] = '\0';
	memset(ss, 0, sizeof(*ss));
	if (n >= 2 && host[0] == '[' && host[n - 1] == ']') {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;

		host[n - 1] = '\0';
		a->sin6_family = AF_INET6;
		a->sin6_port = htons((uint16_t)port);
		return inet_pton(AF_INET6, host + 1, &a->sin6_addr) == 1 ? 0 : -1;
	}
	{
		struct sockaddr_in *a = (struct sockaddr_in *)ss;

		a->sin_family = AF_INET;
		a->sin_port = htons((uint16_t)port);
		if (!n)
			return 0; /* :PORT is every IPv4 address */
		return inet_pton(AF_INET, host, &a->sin_addr) == 1 ? 0 : -1;
	}
}

static int read_pem(const char *path, char **out)
{
	struct bh_diag d = { 0 };
	size_t len;

	if (bh_fs_read(path, BH_LIMIT_WEBHOOK_PEM_BYTES, out, &len, &d)) {
		cli_diag(&d);
		return 2;
	}
	return 0;
}

/* A file's identity: a renewal replaces the file (or the symlinked directory) or rewrites it. */
struct file_id {
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime;
};

struct certs {
	const char *cert, *key;	  /* the files */
	char *cert_pem, *key_pem; /* the pair in service */
	struct file_id ids[2];
};

static void file_ids(const struct certs *cs, struct file_id ids[2])
{
	const char *paths[2] = { cs->cert, cs->key };

	for (int i = 0; i < 2; i++) {
		struct stat st;

		memset(&ids[i], 0, sizeof(ids[i]));
		if (stat(paths[i], &st) == 0) {
			ids[i].dev = st.st_dev;
			ids[i].ino = st.st_ino;
			ids[i].size = st.st_size;
			ids[i].mtime = st.st_mtim;
		}
	}
}

static void wipe_free(char *s)
{
	if (!s)
		return;
	memset(s, 0, strlen(s));
	__asm__ __volatile__("" : : "r"(s) : "memory");
	free(s);
}

/* Read the files again and serve them; the outcome goes to the log. 0, or 3 when the server
 * could not go on at all. */
static int reload(struct bh_webhook_server *srv, struct certs *cs)
{
	struct bh_diag d = { 0 };
	char *cert_pem = NULL, *key_pem = NULL;
	size_t len;
	int fatal = 0;
	bh_err err = bh_fs_read(cs->cert, BH_LIMIT_WEBHOOK_PEM_BYTES, &cert_pem, &len, &d);

	if (!err)
		err = bh_fs_read(cs->key, BH_LIMIT_WEBHOOK_PEM_BYTES, &key_pem, &len, &d);
	if (!err) {
		err = bh_webhook_reload(srv, cert_pem, key_pem, cs->cert, &d);
		fatal = err == BH_ERR_IO;
	}
	if (err) {
		fprintf(stderr, "bulkhead webhook: %s: %s: %s\n",
			fatal ? "stopping" : "keeping the certificate in service", d.file, d.msg);
		free(cert_pem);
		wipe_free(key_pem);
		return fatal ? 3 : 0;
	}
	free(cs->cert_pem);
	wipe_free(cs->key_pem);
	cs->cert_pem = cert_pem;
	cs->key_pem = key_pem;
	fprintf(stderr, "bulkhead webhook: serving the renewed certificate from %s\n", cs->cert);
	return 0;
}

/*
 * Wait for SIGTERM or SIGINT (the answer: which, or 0 when the server failed), reloading the
 * certificate on SIGHUP and whenever the files change (looked at every interval seconds, if
 * interval is not 0).
 */
static int serve(struct bh_webhook_server *srv, const sigset_t *set, struct certs *cs,
		 unsigned long interval)
{
	for (;;) {
		struct timespec ts = { (time_t)interval, 0 };
		int sig = interval ? sigtimedwait(set, NULL, &ts) : sigwaitinfo(set, NULL);
		struct file_id now[2];

		if (sig == SIGTERM || sig == SIGINT)
			return sig;
		if (sig < 0 && errno != EAGAIN)
			continue; /* EINTR */
		file_ids(cs, now);
		if (sig != SIGHUP && !memcmp(now, cs->ids, sizeof(now)))
			continue;
		memcpy(cs->ids, now, sizeof(now));
		if (reload(srv, cs))
			return 0;
	}
}

static int run(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "cert", required_argument, NULL, OPT_CERT },
		{ "key", required_argument, NULL, OPT_KEY },
		{ "listen", required_argument, NULL, OPT_LISTEN },
		{ "config", required_argument, NULL, 'c' },
		{ "fail-on", required_argument, NULL, CLI_OPT_FAIL_ON },
		{ "pss", required_argument, NULL, OPT_PSS },
		{ "threads", required_argument, NULL, OPT_THREADS },
		{ "no-annotation-ignore", no_argument, NULL, OPT_NO_ANNOTATION_IGNORE },
		{ "reload-interval", required_argument, NULL, OPT_RELOAD_INTERVAL },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *cert = NULL, *key = NULL, *listen = "0.0.0.0:8443", *config = NULL;
	const char *fail_on = NULL;
	struct sockaddr_storage ss;
	struct bh_webhook_policy policy = { 0 };
	struct bh_webhook_server_opts so = { 0 };
	struct bh_webhook_server *srv = NULL;
	struct bh_arena arena;
	struct bh_config cfg;
	struct bh_diag d = { 0 };
	char *cert_pem = NULL, *key_pem = NULL;
	unsigned long threads = 2, reload_interval = 10;
	int pss_version = 0, pss_version_set = 0, opt, rc = 0, sig;
	unsigned port;
	sigset_t set;
	size_t ncat;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "c:h", longopts, NULL)) != -1) {
		switch (opt) {
		case OPT_CERT:
			cert = optarg;
			break;
		case OPT_KEY:
			key = optarg;
			break;
		case OPT_LISTEN:
			listen = optarg;
			break;
		case 'c':
			config = optarg;
			break;
		case CLI_OPT_FAIL_ON:
			fail_on = optarg;
			break;
		case OPT_NO_ANNOTATION_IGNORE:
			policy.no_annotation_ignore = 1;
			break;
		case OPT_THREADS: {
			char *end;

			threads = strtoul(optarg, &end, 10);
			if (*end || !threads || threads > BH_LIMIT_WEBHOOK_THREADS)
				return cli_usage(&cmd_webhook_def, "--threads takes 1 to %u",
						 BH_LIMIT_WEBHOOK_THREADS);
			break;
		}
		case OPT_RELOAD_INTERVAL: {
			char *end;

			reload_interval = strtoul(optarg, &end, 10);
			if (*end || !*optarg || reload_interval > 86400)
				return cli_usage(&cmd_webhook_def,
						 "--reload-interval takes 0 to 86400 seconds");
			break;
		}
		case OPT_PSS: {
			const char *colon = strchr(optarg, ':');
			size_t n = colon ? (size_t)(colon - optarg) : strlen(optarg);

			if (n == 8 && !strncmp(optarg, "baseline", n))
				policy.pss = BH_PSS_BASELINE;
			else if (n == 10 && !strncmp(optarg, "restricted", n))
				policy.pss = BH_PSS_RESTRICTED;
			else
				return cli_usage(
					&cmd_webhook_def,
					"--pss takes baseline or restricted, optionally with :latest or :v1.MINOR");
			pss_version_set = colon != NULL;
			if (colon && bh_pss_version_parse(colon + 1, &pss_version))
				return cli_usage(
					&cmd_webhook_def,
					"--pss version '%s' is not latest or v1.MINOR (v1.25, no leading zeros)",
					colon + 1);
			break;
		}
		case 'h':
			cli_help(stdout, &cmd_webhook_def);
			return 0;
		default:
			return cli_bad_option(&cmd_webhook_def, argv);
		}
	}
	if (optind < argc)
		return cli_usage(&cmd_webhook_def, "unexpected argument '%s'", argv[optind]);
	if (!cert || !key)
		return cli_usage(&cmd_webhook_def, "--cert and --key are required");
	if (parse_listen(listen, &ss))
		return cli_usage(&cmd_webhook_def,
				 "--listen '%s' is not ADDR:PORT ([ADDR]:PORT for IPv6)", listen);
	bh_arena_init(&arena, 0);
	bh_config_defaults(&cfg);
	if (config && bh_config_load(&arena, config, &cfg, &d)) {
		cli_diag(&d);
		rc = 2;
		goto out;
	}
	policy.fail_on = policy.pss != BH_PSS_NONE ? BH_SEV_INFO : BH_SEV_HIGH;
	if (cfg.fail_on_set)
		policy.fail_on = cfg.fail_on;
	if (fail_on && bh_severity_parse(fail_on, &policy.fail_on)) {
		rc = cli_usage(&cmd_webhook_def, "invalid value '%s'", fail_on);
		goto out;
	}
	if (pss_version_set)
		cfg.pss_version = pss_version;
	policy.cfg = &cfg;
	policy.ns = bh_webhook_ns_cache_new();
	rc = read_pem(cert, &cert_pem);
	if (!rc)
		rc = read_pem(key, &key_pem);
	if (rc)
		goto out;
	if (!policy.ns) {
		fprintf(stderr, "bulkhead: out of memory\n");
		rc = 3;
		goto out;
	}
	/* The catalogue is built on first use; build it before threads can race to do it. */
	bh_catalogue(&ncat);
	/* Server threads inherit this mask, so the signals reach only sigwait below. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	so.cert_pem = cert_pem;
	so.key_pem = key_pem;
	so.addr = (const struct sockaddr *)&ss;
	so.threads = (unsigned)threads;
	so.policy = &policy;
	so.log = log_stderr;
	if (bh_webhook_start(&so, &srv, &port, &d)) {
		cli_diag(&d);
		rc = 3;
		goto out;
	}
	{
		char host[INET6_ADDRSTRLEN] = "";

		if (ss.ss_family == AF_INET6)
			inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr, host,
				  sizeof(host));
		else
			inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, host,
				  sizeof(host));
		fprintf(stderr,
			"bulkhead webhook: listening on https://%s%s%s:%u (libmicrohttpd %s), fail-on %s\n",
			ss.ss_family == AF_INET6 ? "[" : "", host,
			ss.ss_family == AF_INET6 ? "]" : "", port, bh_webhook_library_version(),
			bh_severity_name(policy.fail_on));
	}
	{
		struct certs cs = { cert, key, cert_pem, key_pem, { { 0 } } };

		file_ids(&cs, cs.ids);
		sig = serve(srv, &set, &cs, reload_interval);
		/* The pair in service may be a reloaded one. */
		cert_pem = cs.cert_pem;
		key_pem = cs.key_pem;
	}
	if (sig)
		fprintf(stderr, "bulkhead webhook: %s, stopping\n",
			sig == SIGINT ? "SIGINT" : "SIGTERM");
	else
		rc = 3;
	bh_webhook_stop(srv);
out:
	/* The key does not outlive the server in this process's memory. */
	wipe_free(key_pem);
	free(cert_pem);
	bh_webhook_ns_cache_free(policy.ns);
	bh_arena_release(&arena);
	return rc;
}

const struct bh_command cmd_webhook_def = {
	.name = "webhook",
	.fn = run,
	.summary = "validating admission webhook over HTTPS",
	.usage = "webhook --cert FILE --key FILE [options]",
	.description =
		"Serve a validating admission webhook over HTTPS: POST /validate (or /validate/...)\n"
		"takes an AdmissionReview (admission.k8s.io/v1) and runs the Kubernetes checks of\n"
		"scan on request.object for CREATE and UPDATE. Findings at or above --fail-on deny\n"
		"the object (status 403 with each rule, message and field path); findings below it\n"
		"come back as warnings. DELETE and CONNECT, subresources, objects being deleted and\n"
		"updates that leave spec unchanged are allowed. The config's disable, severity and\n"
		"ignore, and the bulkhead.dev/ignore annotation (unless --no-annotation-ignore),\n"
		"apply as in scan; Namespaces the webhook admits lend their Pod Security labels to\n"
		"their workloads. GET /healthz answers 200. Bodies over 3 MiB get 413, malformed\n"
		"requests 400. Runs until SIGTERM or SIGINT, then exits 0; exit 2 for usage errors,\n"
		"3 when the server cannot start. See docs/webhook.md.",
	.options = webhook_options,
	.examples =
		"  $ bulkhead webhook --cert /tls/tls.crt --key /tls/tls.key\n"
		"  $ bulkhead webhook --cert tls.crt --key tls.key --config policy.yaml --fail-on medium\n"
		"  $ bulkhead webhook --cert tls.crt --key tls.key --pss restricted --listen 127.0.0.1:9443\n",
};
