/*
 * Validation of the values `bulkhead init` accepts. Every value ends up in YAML or a
 * Dockerfile unquoted or in a fixed quoting, so each is held to the exact grammar Kubernetes,
 * OCI references and CIDR notation allow; nothing outside that grammar reaches a template.
 */
#include "init.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/banned.h"

const char *const bh_init_tool_names[BH_INIT_NTOOLS] = { "trivy", "syft", "cosign", "gitleaks",
							 "docker" };

static bh_err usage(struct bh_diag *diag, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static bh_err usage(struct bh_diag *diag, const char *fmt, ...)
{
	va_list ap;

	if (!diag)
		return BH_ERR_USAGE;
	diag->file[0] = '\0';
	diag->line = diag->col = 0;
	va_start(ap, fmt);
	vsnprintf(diag->msg, sizeof(diag->msg), fmt, ap);
	va_end(ap);
	return BH_ERR_USAGE;
}

bh_err bh_init_check_label(const char *what, const char *v, struct bh_diag *diag)
{
	size_t n = strlen(v);

	if (n == 0 || n > 63)
		return usage(diag, "%s '%s' must be 1 to 63 characters (a DNS-1123 label)", what,
			     v);
	for (size_t i = 0; i < n; i++)
		if (!(islower((unsigned char)v[i]) || isdigit((unsigned char)v[i]) || v[i] == '-'))
			return usage(
				diag,
				"%s '%s' is not a DNS-1123 label: lower-case letters, digits and '-' only",
				what, v);
	if (v[0] == '-' || v[n - 1] == '-')
		return usage(diag, "%s '%s' must start and end with a letter or digit", what, v);
	return BH_OK;
}

/* A DNS-1123 subdomain: dot-separated labels, 253 characters at most. */
static int is_dns_name(const char *v)
{
	size_t n = strlen(v), lab = 0;

	if (n == 0 || n > 253)
		return 0;
	for (size_t i = 0; i <= n; i++) {
		char c = v[i];

		if (c == '.' || c == '\0') {
			if (lab == 0 || lab > 63 || v[i - 1] == '-' || v[i - lab] == '-')
				return 0;
			lab = 0;
		} else if (islower((unsigned char)c) || isdigit((unsigned char)c) || c == '-') {
			lab++;
		} else {
			return 0;
		}
	}
	return 1;
}

bh_err bh_init_check_digest_ref(const char *what, const char *v, struct bh_diag *diag)
{
	const char *at = strstr(v, "@sha256:");
	size_t name_len;

	if (!at)
		return usage(
			diag,
			"%s '%s' is not pinned by digest: give REF@sha256:<64 hex digits> (a tag can be moved to other content; `docker buildx imagetools inspect REF` prints the digest)",
			what, v);
	name_len = (size_t)(at - v);
	if (name_len == 0 || strlen(at + 8) != 64 || strspn(at + 8, "0123456789abcdef") != 64)
		return usage(diag,
			     "%s '%s' needs a name and a sha256 digest of 64 lower-case hex digits",
			     what, v);
	for (size_t i = 0; i < name_len; i++) {
		unsigned char c = (unsigned char)v[i];

		if (!(islower(c) || isdigit(c) || strchr("._-/:", c)))
			return usage(
				diag,
				"%s '%s': an image reference has lower-case letters, digits and . _ - / : only",
				what, v);
	}
	if (v[0] == '/' || v[name_len - 1] == '/' || v[name_len - 1] == ':')
		return usage(diag, "%s '%s' is not an image reference", what, v);
	return BH_OK;
}

int bh_init_tool_of(const char *ref)
{
	const char *end = strstr(ref, "@sha256:"), *last = ref, *colon;
	size_t n;

	if (!end)
		return -1;
	for (const char *p = ref; p < end; p++)
		if (*p == '/')
			last = p + 1;
	colon = memchr(last, ':', (size_t)(end - last));
	n = (size_t)((colon ? colon : end) - last);
	for (int t = 0; t < BH_INIT_NTOOLS; t++)
		if (strlen(bh_init_tool_names[t]) == n && !strncmp(last, bh_init_tool_names[t], n))
			return t;
	return -1;
}

/* Cloud metadata endpoints (AWS/GCP/Azure, Alibaba, AWS over IPv6), as the NP rules list them. */
static const char *const metadata_ips[] = { "169.254.169.254", "100.100.100.200", "fd00:ec2::254" };

static int parse_port(const char *s, unsigned *out)
{
	char *end;
	unsigned long v;

	if (!isdigit((unsigned char)*s))
		return -1;
	v = strtoul(s, &end, 10);
	if (*end || v == 0 || v > 65535)
		return -1;
	*out = (unsigned)v;
	return 0;
}

/* Whether a (of family af, prefix bits) covers the address text ip of the same family. */
static int covers(int af, const unsigned char *net, unsigned bits, const char *ip)
{
	unsigned char a[16];

	if (inet_pton(af, ip, a) != 1)
		return 0;
	for (unsigned i = 0; i < bits; i++)
		if (((net[i / 8] ^ a[i / 8]) >> (7 - i % 8)) & 1)
			return 0;
	return 1;
}

static bh_err parse_cidr(const char *arg, const char *text, int v6, struct bh_init_egress *out,
			 struct bh_diag *diag)
{
	char addr[64];
	unsigned char net[16];
	const char *slash = strchr(text, '/');
	unsigned bits, max = v6 ? 128 : 32;
	size_t alen;

	if (!slash || (alen = (size_t)(slash - text)) >= sizeof(addr) ||
	    !isdigit((unsigned char)slash[1]))
		return usage(diag, "--egress '%s': a CIDR needs a prefix length, as in %s", arg,
			     v6 ? "2001:db8::/32" : "203.0.113.0/24");
	memcpy(addr, text, alen);
	addr[alen] = '\0';
	bits = (unsigned)strtoul(slash + 1, NULL, 10);
	if (strspn(slash + 1, "0123456789") != strlen(slash + 1) || bits > max ||
	    inet_pton(v6 ? AF_INET6 : AF_INET, addr, net) != 1)
		return usage(diag, "--egress '%s': '%s' is not a valid CIDR", arg, text);
	for (unsigned i = bits; i < max; i++)
		if ((net[i / 8] >> (7 - i % 8)) & 1)
			return usage(
				diag,
				"--egress '%s': '%s' has bits set after the prefix; give the network address",
				arg, text);
	if (bits < (v6 ? 16u : 8u))
		return usage(
			diag,
			"--egress '%s': '%s' is too wide (shorter than /8 for IPv4 or /16 for IPv6); declare the addresses the agent needs",
			arg, text);
	if ((size_t)snprintf(out->cidr, sizeof(out->cidr), "%s/%u", addr, bits) >=
	    sizeof(out->cidr))
		return usage(diag, "--egress '%s': CIDR too long", arg);
	out->v6 = v6;
	/* The metadata endpoints the block covers go to its except list. */
	for (size_t i = 0; i < sizeof(metadata_ips) / sizeof(*metadata_ips); i++)
		if (covers(v6 ? AF_INET6 : AF_INET, net, bits, metadata_ips[i]))
			out->except[out->nexcept++] = metadata_ips[i];
	return BH_OK;
}

bh_err bh_init_parse_egress(const char *arg, struct bh_init_egress *out, struct bh_diag *diag)
{
	struct bh_init_egress e = { 0 };
	char text[300];
	const char *port = NULL;
	size_t n = strlen(arg);
	bh_err err;

	if (n == 0 || n >= sizeof(text))
		return usage(diag, "--egress '%s': give HOST:PORT or CIDR[:PORT]", arg);
	memcpy(text, arg, n + 1);
	if (text[0] == '[') {
		/* [IPv6-CIDR]:PORT */
		char *close = strchr(text, ']');

		if (!close || (close[1] && close[1] != ':'))
			return usage(diag,
				     "--egress '%s': write an IPv6 CIDR with a port as [CIDR]:PORT",
				     arg);
		*close = '\0';
		port = close[1] ? close + 2 : NULL;
		err = parse_cidr(arg, text + 1, 1, &e, diag);
	} else if (strchr(text, '/')) {
		char *colon = strrchr(text, ':');
		int v6 = strchr(text, ':') != colon || (colon && strchr(colon, '/'));

		if (colon && !v6) {
			*colon = '\0';
			port = colon + 1;
		}
		err = parse_cidr(arg, text, v6, &e, diag);
	} else {
		char *colon = strrchr(text, ':');
		size_t hl;

		if (!colon)
			return usage(diag,
				     "--egress '%s': a host needs a port (HOST:PORT, e.g. %s:443)",
				     arg, text);
		*colon = '\0';
		port = colon + 1;
		if (!is_dns_name(text))
			return usage(
				diag,
				"--egress '%s': '%s' is not a host name (lower-case DNS name) or a CIDR",
				arg, text);
		snprintf(e.host, sizeof(e.host), "%s", text);
		/* NAME.NS.svc or NAME.NS.svc.cluster.local: a Service inside the cluster. */
		hl = strlen(text);
		if (hl > 18 && !strcmp(text + hl - 18, ".svc.cluster.local"))
			text[hl - 18] = '\0';
		else if (hl > 4 && !strcmp(text + hl - 4, ".svc"))
			text[hl - 4] = '\0';
		else
			text[0] = '\0';
		if (text[0]) {
			char *dot = strchr(text, '.');

			if (!dot || strchr(dot + 1, '.') ||
			    bh_init_check_label("namespace", dot + 1, NULL))
				return usage(
					diag,
					"--egress '%s': an in-cluster host is SERVICE.NAMESPACE.svc",
					arg);
			snprintf(e.svc_ns, sizeof(e.svc_ns), "%s", dot + 1);
		}
		err = BH_OK;
	}
	if (err)
		return err;
	if (port && parse_port(port, &e.port))
		return usage(diag, "--egress '%s': port '%s' is not a number from 1 to 65535", arg,
			     port);
	*out = e;
	return BH_OK;
}

/* A label name or value: 1 to 63 characters, alphanumerics with - _ . inside. */
static int label_word(const char *w)
{
	size_t n = strlen(w);

	return n > 0 && n <= 63 && isalnum((unsigned char)w[0]) &&
	       isalnum((unsigned char)w[n - 1]) &&
	       strspn(w, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.") == n;
}

bh_err bh_init_parse_label(const char *arg, struct bh_init_label *out, struct bh_diag *diag)
{
	const char *eq = strchr(arg, '=');
	struct bh_init_label l = { 0 };
	size_t kn;

	if (!eq)
		return usage(diag, "--orchestrator '%s': give a pod label as KEY=VALUE", arg);
	kn = (size_t)(eq - arg);
	if (kn == 0 || kn >= sizeof(l.key) || strlen(eq + 1) >= sizeof(l.value))
		return usage(diag, "--orchestrator '%s': the key or the value is too long or empty",
			     arg);
	memcpy(l.key, arg, kn);
	snprintf(l.value, sizeof(l.value), "%s", eq + 1);
	/* Label keys: [prefix/]name, the prefix a DNS subdomain; names and values: 63 at most,
	 * alphanumerics with - _ . inside. */
	{
		const char *slash = strrchr(l.key, '/');
		const char *name = slash ? slash + 1 : l.key;

		if (slash) {
			char prefix[254];
			size_t pn = (size_t)(slash - l.key);

			memcpy(prefix, l.key, pn);
			prefix[pn] = '\0';
			if (!is_dns_name(prefix))
				return usage(diag, "--orchestrator '%s': '%s' is not a label key",
					     arg, l.key);
		}
		if (!label_word(name))
			return usage(diag, "--orchestrator '%s': '%s' is not a label key", arg,
				     l.key);
	}
	if (!label_word(l.value))
		return usage(diag, "--orchestrator '%s': '%s' is not a label value", arg, l.value);
	*out = l;
	return BH_OK;
}

bh_err bh_init_check(const struct bh_init_opts *o, struct bh_diag *diag)
{
	char missing[128] = "";

	if (!o->image)
		return usage(
			diag,
			"--image is required: the agent image the Deployment runs, pinned by digest (REF@sha256:<64 hex>)");
	if (!o->build_image)
		return usage(
			diag,
			"--build-image is required: the image the Dockerfile's build stage compiles the agent in, pinned by digest (e.g. golang:1.23@sha256:<64 hex>; `docker buildx imagetools inspect golang:1.23` prints it)");
	if (o->port < 1024)
		return usage(
			diag,
			"--port %u: the agent runs without root or NET_BIND_SERVICE, so it listens on 1024 or above",
			o->port);
	for (size_t i = 0; i < o->negress; i++) {
		const struct bh_init_egress *e = &o->egress[i];

		if (e->host[0] && !e->svc_ns[0] && o->mesh != BH_INIT_MESH_CILIUM)
			return usage(
				diag,
				"--egress %s: a NetworkPolicy cannot match a host name outside the cluster; give the CIDR it is served from, send it through an in-cluster gateway (SERVICE.NAMESPACE.svc:PORT), or use --mesh cilium (toFQDNs)",
				e->host);
	}
	if (o->ci != BH_INIT_CI_NONE) {
		for (int t = 0; t < BH_INIT_NTOOLS; t++) {
			if (o->tools[t] || (t == BH_INIT_TOOL_DOCKER && o->ci != BH_INIT_CI_GITLAB))
				continue;
			size_t used = strlen(missing);

			snprintf(missing + used, sizeof(missing) - used, "%s%s", used ? ", " : "",
				 bh_init_tool_names[t]);
		}
		if (missing[0])
			return usage(
				diag,
				"the CI pipeline runs its tools as containers pinned by digest; pass --ci-tool IMAGE@sha256:<64 hex> for each of: %s (%s), or --ci none",
				missing,
				o->ci == BH_INIT_CI_GITLAB
					? "docker is a docker:*-dind image, used as the job image and as the service"
					: "the image's last path component names the tool, e.g. aquasec/trivy:0.58.1@sha256:...");
	}
	return BH_OK;
}
