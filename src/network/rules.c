/*
 * The NP rules. Every verdict is computed by the reachability evaluator, never by looking for a
 * pattern in YAML: "can reach the metadata endpoint" means Allowed(workload -> 169.254.169.254)
 * is non-empty, so an allow of 0.0.0.0/0 is caught and the same allow with the address in
 * `except` passes.
 *
 * Agents are the workloads that .bulkhead.yaml `agents:` names (namespaces, label selectors), or
 * that carry the bulkhead.dev/agent annotation (on the object or its pod template) or the
 * bulkhead.dev/agent-class label. Without an `agents:` section, a workload in a namespace with
 * "agent" or "agents" as a word of its name is treated as one, so that an unconfigured scan still
 * judges the usual layout. An agent's class is its bulkhead.dev/agent-class label, else the
 * annotation's value when it is not a plain "true".
 *
 * CiliumNetworkPolicies are not part of the connlist, but a workload that no NetworkPolicy
 * isolates and a Cilium policy does is judged by its Cilium rules where that is sound at L3: the
 * metadata and internet-egress rules use the addresses its toCIDR/toCIDRSet/toEntities allow,
 * the agent-ingress rule leaves it alone, and an all-endpoints Cilium policy counts as a
 * namespace default deny.
 *
 * Each check receives the model (struct np_model) as its subject and reports at the most precise
 * node it has: the ipBlock or rule that grants a connection, or the workload when no policy
 * isolates it.
 */
#include "np.h"

#include <string.h>

#include "core/rule.h"
#include "core/scan.h"
#include "network.h"

#include "core/banned.h"

#define AGENT_ANNOTATION  "bulkhead.dev/agent"
#define CLASS_LABEL	  "bulkhead.dev/agent-class"
#define IGNORE_ANNOTATION "bulkhead.dev/ignore"

static const char *const metadata_ips[] = { "169.254.169.254", "100.100.100.200", "fd00:ec2::254" };

/* ---- helpers ------------------------------------------------------------------------------ */

static const char *annotation(const struct bh_node *meta, const char *key)
{
	return bh_node_str(bh_node_get(bh_node_get(meta, "annotations"), key));
}

static void ctx_wl(struct bh_ctx *ctx, const struct np_wl *w)
{
	ctx->file = w->file;
	ctx->object = w->ref;
	ctx->container = NULL;
	ctx->ignore = annotation(w->pod_meta, IGNORE_ANNOTATION);
	if (!ctx->ignore)
		ctx->ignore = annotation(bh_node_get(w->root, "metadata"), IGNORE_ANNOTATION);
}

static void ctx_pol(struct bh_ctx *ctx, const struct np_policy *p)
{
	ctx->file = p->file;
	ctx->object = bh_arena_printf(&ctx->scan->arena, "NetworkPolicy/%s", p->id);
	ctx->container = NULL;
	ctx->ignore = annotation(bh_node_get(p->root, "metadata"), IGNORE_ANNOTATION);
}

/* The node to point at for a workload: its metadata name, else the object. */
static const struct bh_node *wl_node(const struct np_wl *w)
{
	const struct bh_node *n = bh_node_get(bh_node_get(w->root, "metadata"), "name");

	return n ? n : w->root;
}

/*
 * Whether a namespace name reads as an agent namespace: "agent" or "agents" as one of its
 * dash-separated words ("agents", "ai-agents", "moltbot-agents"). Workload names are not used:
 * "user-agent-parser" is not an agent.
 */
static int agent_namespace_name(const char *ns)
{
	const char *p = ns;

	while (p && *p) {
		size_t n = strcspn(p, "-_.");

		if ((n == 5 && !strncmp(p, "agent", 5)) || (n == 6 && !strncmp(p, "agents", 6)))
			return 1;
		p += n;
		if (*p)
			p++;
	}
	return 0;
}

/* Labels of a config selector ({app: agent}) matched as matchLabels. */
static int cfg_labels_match(const struct bh_node *sel, const struct np_labels *l)
{
	if (!bh_node_is_map(sel))
		return 0;
	for (size_t i = 0; i < sel->map.n; i++) {
		const char *k = bh_node_str(sel->map.pairs[i].key);
		const char *v = bh_node_str(sel->map.pairs[i].value);
		const char *have = k ? np_labels_get(l, k) : NULL;

		if (!have || !v || strcmp(have, v) != 0)
			return 0;
	}
	return 1;
}

static void mark_agents(const struct bh_scan *s, struct np_model *m)
{
	const struct bh_node *ag = s->cfg.agents;
	const struct bh_node *nss = bh_node_get(ag, "namespaces");
	const struct bh_node *sels = bh_node_get(ag, "selectors");

	for (size_t i = 0; i < m->nreal; i++) {
		struct np_wl *w = &m->wl[i];
		const char *a = annotation(w->pod_meta, AGENT_ANNOTATION);
		const char *cls = np_labels_get(&w->labels, CLASS_LABEL);

		if (!a)
			a = annotation(bh_node_get(w->root, "metadata"), AGENT_ANNOTATION);
		if (a && !strcmp(a, "false"))
			continue;
		w->agent = a || cls;
		for (size_t k = 0; bh_node_is_seq(nss) && k < nss->seq.n; k++)
			if (bh_node_is(nss->seq.items[k], w->ns))
				w->agent = 1;
		for (size_t k = 0; bh_node_is_seq(sels) && k < sels->seq.n; k++)
			if (cfg_labels_match(sels->seq.items[k], &w->labels))
				w->agent = 1;
		if (!ag && agent_namespace_name(w->ns))
			w->agent = 1;
		/* The declared orchestrator drives agents; it is not one of them. */
		if (cfg_labels_match(bh_node_get(ag, "orchestrator"), &w->labels))
			w->agent = 0;
		w->agent_class = cls ? cls : (a && strcmp(a, "true") && *a) ? a : NULL;
	}
}

static bh_err egress_to_ip(const struct np_model *m, size_t w, const char *ip, struct np_conn *out)
{
	struct np_ep d = { .is_ip = 1 };

	if (np_ip_parse(ip, &d.ip))
		return BH_ERR_INTERNAL;
	return np_egress_allowed(m, w, &d, out);
}

/* Whether a Cilium policy selects w (its namespace, or any for a cluster-wide one). */
static int cnp_selects(const struct np_cnp *c, const struct np_wl *w)
{
	const struct np_labels *l = &w->labels;
	struct np_labels ext;
	const char *k[64], *v[64];

	if (c->ns && strcmp(c->ns, w->ns) != 0)
		return 0;
	if (l->n >= 64)
		return np_selector_match(&c->sel, l);
	/* Cilium endpoints also carry their namespace as a label. */
	if (l->n) {
		memcpy(k, l->k, l->n * sizeof(*k));
		memcpy(v, l->v, l->n * sizeof(*v));
	}
	k[l->n] = "io.kubernetes.pod.namespace";
	v[l->n] = w->ns;
	ext.k = k;
	ext.v = v;
	ext.n = l->n + 1;
	return np_selector_match(&c->sel, &ext);
}

/*
 * Cilium isolation of w in one direction; for egress, the union of the external addresses its
 * Cilium policies allow goes to ips (when not NULL).
 */
static int cnp_isolated(const struct np_model *m, const struct np_wl *w, int ingress,
			struct np_ipset *ips)
{
	int iso = 0;

	for (size_t i = 0; i < m->ncnp; i++) {
		const struct np_cnp *c = &m->cnp[i];

		if (!(ingress ? c->ingress : c->egress) || !cnp_selects(c, w))
			continue;
		iso = 1;
		for (size_t k = 0; ips && k < c->ips.n; k++)
			if (np_ipset_add(ips, &c->ips.v[k]))
				return iso;
	}
	return iso;
}

/* The first egress rule of w's policies that grants something to endpoint d. */
static const struct bh_node *granting_node(const struct np_model *m, const struct np_wl *w,
					   const struct np_ep *d, const char **file)
{
	struct np_conn c = { 0 };
	const struct bh_node *found = NULL;

	for (size_t i = 0; i < w->neg && !found; i++) {
		const struct np_policy *p = &m->pol[w->eg[i]];

		for (size_t r = 0; r < p->neg && !found; r++) {
			const struct np_rule *rule = &p->eg[r];

			if (!np_rule_matches(m, rule, d) || np_rule_ports(rule, d, m, &c) ||
			    np_conn_is_empty(&c))
				continue;
			found = rule->node;
			for (size_t k = 0; k < rule->npeers; k++)
				if (np_peer_matches(m, &rule->peers[k], d))
					found = rule->peers[k].node;
			*file = p->file;
		}
	}
	np_conn_free(&c);
	return found;
}

/* ---- namespace default deny --------------------------------------------------------------- */

static void check_default_deny(struct bh_ctx *ctx, const struct np_model *m, int ingress)
{
	for (size_t n = 0; n < m->nns; n++) {
		const struct np_wl *first = NULL;
		int deny = 0;

		for (size_t i = 0; i < m->nreal && !first; i++)
			if (m->wl[i].nsi == n)
				first = &m->wl[i];
		if (!first)
			continue;
		for (size_t i = 0; i < m->npol && !deny; i++) {
			const struct np_policy *p = &m->pol[i];

			deny = p->valid && !strcmp(p->ns, m->ns[n].name) && p->sel.n == 0 &&
			       (ingress ? p->ingress : p->egress);
		}
		/* A Cilium policy selecting every endpoint with that section is a default deny too.
		 */
		for (size_t i = 0; i < m->ncnp && !deny; i++) {
			const struct np_cnp *c = &m->cnp[i];

			deny = (!c->ns || !strcmp(c->ns, m->ns[n].name)) && c->sel.n == 0 &&
			       (ingress ? c->ingress : c->egress);
		}
		if (deny)
			continue;
		if (m->ns[n].node) {
			ctx->file = m->ns[n].file;
			ctx->object =
				bh_arena_printf(&ctx->scan->arena, "Namespace//%s", m->ns[n].name);
			ctx->ignore = annotation(bh_node_get(m->ns[n].node, "metadata"),
						 IGNORE_ANNOTATION);
			ctx->container = NULL;
			bh_report(
				ctx, bh_node_get(m->ns[n].node, "metadata"), m->ns[n].name,
				"namespace '%s' has workloads but no default-deny %s NetworkPolicy (podSelector: {} with %s in policyTypes)",
				m->ns[n].name, ingress ? "ingress" : "egress",
				ingress ? "Ingress" : "Egress");
		} else {
			ctx_wl(ctx, first);
			ctx->object =
				bh_arena_printf(&ctx->scan->arena, "Namespace//%s", m->ns[n].name);
			bh_report(
				ctx, wl_node(first), m->ns[n].name,
				"namespace '%s' has workloads but no default-deny %s NetworkPolicy (podSelector: {} with %s in policyTypes)",
				m->ns[n].name, ingress ? "ingress" : "egress",
				ingress ? "Ingress" : "Egress");
		}
	}
}

static void check_ns_ingress(struct bh_ctx *ctx, const void *subject)
{
	check_default_deny(ctx, subject, 1);
}

static void check_ns_egress(struct bh_ctx *ctx, const void *subject)
{
	check_default_deny(ctx, subject, 0);
}

/* ---- agent internet egress ---------------------------------------------------------------- */

/* Addresses in a set of one family, saturating at 2^64 (enough to compare with thresholds). */
static uint64_t ipset_size(const struct np_ipset *s, int v6)
{
	uint64_t total = 0;

	for (size_t i = 0; i < s->n; i++) {
		const struct np_iprange *r = &s->v[i];
		uint64_t sz;

		if (r->v6 != v6)
			continue;
		if (r->hi.hi != r->lo.hi)
			return UINT64_MAX;
		sz = r->hi.lo - r->lo.lo;
		if (sz == UINT64_MAX || total + sz + 1 < total)
			return UINT64_MAX;
		total += sz + 1;
	}
	return total;
}

static void check_agent_internet(struct bh_ctx *ctx, const void *subject)
{
	const struct np_model *m = subject;
	const struct bh_node *allow = bh_node_get(ctx->scan->cfg.agents, "egress");
	struct np_conn c = { 0 };

	for (size_t w = 0; w < m->nreal; w++) {
		const struct np_wl *wl = &m->wl[w];
		struct np_ipset reach = { 0 };
		const struct bh_node *at = NULL;
		const char *file = wl->file;
		int bad = 0;

		if (!wl->agent)
			continue;
		ctx_wl(ctx, wl);
		if (!wl->neg && !cnp_isolated(m, wl, 0, &reach)) {
			bh_report(
				ctx, wl_node(wl), "internet",
				"agent '%s' is not egress-isolated: it can connect to any address on the internet",
				wl->id);
			continue;
		}
		/* The reachable external space: the atoms egress allows anything to. */
		for (size_t a = 0; a < m->ndst_atoms && !bad && wl->neg; a++) {
			struct np_ep d = { .is_ip = 1, .ip = m->dst_atoms[a] };

			if (np_egress_allowed(m, w, &d, &c)) {
				bad = 1;
				break;
			}
			if (!np_conn_is_empty(&c)) {
				if (np_ipset_add(&reach, &d.ip))
					bad = 1;
				if (!at)
					at = granting_node(m, wl, &d, &file);
			}
		}
		for (size_t k = 0; bh_node_is_seq(allow) && k < allow->seq.n && !bad; k++) {
			const char *cidr = bh_node_str(bh_node_get(allow->seq.items[k], "cidr"));
			struct np_iprange r;
			char why[128];

			if (cidr && !np_cidr_parse(cidr, &r, why, sizeof(why)) &&
			    np_ipset_sub(&reach, &r))
				bad = 1;
		}
		/* Internet-wide: more than a /8 of IPv4 or a /32 of IPv6 beyond the allow-list. */
		if (!bad && (ipset_size(&reach, 0) > ((uint64_t)1 << 24) ||
			     ipset_size(&reach, 1) == UINT64_MAX)) {
			if (at)
				ctx->file = file;
			bh_report(
				ctx, at ? at : wl_node(wl), "internet",
				"agent '%s' can open connections to most of the internet (an ipBlock such as 0.0.0.0/0): beyond its declared egress allow-list",
				wl->id);
		}
		np_ipset_free(&reach);
	}
	np_conn_free(&c);
}

/* ---- metadata endpoints ------------------------------------------------------------------- */

static void check_metadata(struct bh_ctx *ctx, const void *subject)
{
	const struct np_model *m = subject;
	struct np_conn c = { 0 };
	struct bh_buf list;

	bh_buf_init(&list, 0);
	/* One finding per workload, listing every metadata endpoint it can reach. */
	for (size_t w = 0; w < m->nreal; w++) {
		const struct np_wl *wl = &m->wl[w];
		const struct bh_node *at = NULL;
		const char *file = wl->file, *at_file = wl->file;

		struct np_ipset cil = { 0 };
		int cilium = !wl->neg && cnp_isolated(m, wl, 0, &cil);

		bh_buf_reset(&list);
		for (size_t k = 0; k < sizeof(metadata_ips) / sizeof(*metadata_ips); k++) {
			struct np_ep d = { .is_ip = 1 };

			np_ip_parse(metadata_ips[k], &d.ip);
			/* Cilium egress (L3 only here) stands in when no NetworkPolicy isolates. */
			if (cilium ? !np_ipset_covers(&cil, &d.ip)
				   : (egress_to_ip(m, w, metadata_ips[k], &c) ||
				      np_conn_is_empty(&c)))
				continue;
			if (!at && wl->neg && (at = granting_node(m, wl, &d, &file)))
				at_file = file;
			if (bh_buf_printf(&list, "%s%s", list.len ? ", " : "", metadata_ips[k]))
				break;
		}
		np_ipset_free(&cil);
		if (!list.len)
			continue;
		ctx_wl(ctx, wl);
		ctx->file = at_file;
		if (cilium)
			bh_report(
				ctx, wl_node(wl), "metadata",
				"'%s' can reach the cloud metadata endpoint %s: its CiliumNetworkPolicy egress allows the address",
				wl->id, bh_buf_str(&list));
		else if (at)
			bh_report(
				ctx, at, "metadata",
				"'%s' can reach the cloud metadata endpoint %s (this rule allows it; add the address to the except list of its ipBlock)",
				wl->id, bh_buf_str(&list));
		else
			bh_report(
				ctx, wl_node(wl), "metadata",
				"'%s' can reach the cloud metadata endpoint %s: no NetworkPolicy restricts its egress",
				wl->id, bh_buf_str(&list));
	}
	bh_buf_release(&list);
	np_conn_free(&c);
}

/* ---- DNS ---------------------------------------------------------------------------------- */

static int is_cluster_dns(const struct np_wl *w)
{
	const char *app = np_labels_get(&w->labels, "k8s-app");
	const char *dns = np_labels_get(&w->labels, "dns.operator.openshift.io/daemonset-dns");

	return (app && (!strcmp(app, "kube-dns") || !strcmp(app, "coredns"))) || dns;
}

static int dns_ports(const struct np_conn *c)
{
	return np_conn_has(c, NP_UDP, 53) || np_conn_has(c, NP_TCP, 53) ||
	       np_conn_has(c, NP_UDP, 5353) || np_conn_has(c, NP_TCP, 5353);
}

static void check_dns_elsewhere(struct bh_ctx *ctx, const void *subject)
{
	const struct np_model *m = subject;
	struct np_conn c = { 0 };
	struct bh_buf b;

	bh_buf_init(&b, 0);
	for (size_t w = 0; w < m->nreal; w++) {
		const struct np_wl *wl = &m->wl[w];

		if (!wl->neg)
			continue; /* NP-002 covers workloads without egress isolation */
		for (size_t a = 0; a < m->ndst_atoms; a++) {
			struct np_ep d = { .is_ip = 1, .ip = m->dst_atoms[a] };
			const struct bh_node *at;
			const char *file = wl->file;

			if (np_egress_allowed(m, w, &d, &c) ||
			    !(np_conn_has(&c, NP_UDP, 53) || np_conn_has(&c, NP_TCP, 53)))
				continue;
			bh_buf_reset(&b);
			np_iprange_format(&d.ip, &b);
			at = granting_node(m, wl, &d, &file);
			ctx_wl(ctx, wl);
			ctx->file = file;
			bh_report(
				ctx, at ? at : wl_node(wl), "dns-external",
				"'%s' may send DNS (port 53) to %s, not only to cluster DNS: a resolver outside the cluster bypasses DNS policy and carries exfiltration",
				wl->id, bh_buf_str(&b));
			break;
		}
	}
	bh_buf_release(&b);
	np_conn_free(&c);
}

static void check_dns_missing(struct bh_ctx *ctx, const void *subject)
{
	const struct np_model *m = subject;
	struct np_conn c = { 0 };

	for (size_t w = 0; w < m->nreal; w++) {
		const struct np_wl *wl = &m->wl[w];
		struct np_ep s = { .is_ip = 0, .wl = w };
		int ok = 0;

		if (!wl->neg)
			continue;
		for (size_t d = 0; d < m->nwl && !ok; d++) {
			struct np_ep de = { .is_ip = 0, .wl = d };

			if (d == w || !is_cluster_dns(&m->wl[d]))
				continue;
			if (!np_allowed(m, &s, &de, &c) && dns_ports(&c))
				ok = 1;
		}
		/*
		 * NodeLocal DNSCache listens on a link-local address reached by a narrow ipBlock;
		 * a broad one (0.0.0.0/0) is not a DNS path to the cluster resolver.
		 */
		for (size_t i = 0; i < wl->neg && !ok; i++) {
			const struct np_policy *p = &m->pol[wl->eg[i]];
			struct np_ep d = { .is_ip = 1 };

			np_ip_parse("169.254.20.10", &d.ip);
			for (size_t r = 0; r < p->neg && !ok; r++)
				for (size_t k = 0; k < p->eg[r].npeers && !ok; k++) {
					const struct np_peer *peer = &p->eg[r].peers[k];

					if (!np_peer_matches(m, peer, &d) ||
					    ipset_size(&peer->ips, 0) > 65536 ||
					    np_rule_ports(&p->eg[r], &d, m, &c))
						continue;
					ok = dns_ports(&c);
				}
		}
		if (ok)
			continue;
		ctx_wl(ctx, wl);
		bh_report(
			ctx, wl_node(wl), "dns-missing",
			"'%s' is egress-isolated but no rule allows DNS (UDP/TCP 53) to the cluster DNS pods (k8s-app: kube-dns in kube-system): it cannot resolve names",
			wl->id);
	}
	np_conn_free(&c);
}

/* ---- agent ingress and lateral movement --------------------------------------------------- */

static void check_agent_ingress(struct bh_ctx *ctx, const void *subject)
{
	const struct np_model *m = subject;
	const struct bh_node *orch = bh_node_get(ctx->scan->cfg.agents, "orchestrator");
	struct np_conn c = { 0 };

	for (size_t w = 0; w < m->nreal; w++) {
		const struct np_wl *wl = &m->wl[w];
		const char *who = NULL;

		if (!wl->agent)
			continue;
		ctx_wl(ctx, wl);
		if (!wl->ning && cnp_isolated(m, wl, 1, NULL))
			continue; /* Cilium ingress rules are not evaluated here */
		if (!wl->ning) {
			bh_report(
				ctx, wl_node(wl), "ingress",
				"agent '%s' is not ingress-isolated: any pod or address can connect to it, not only the orchestrator",
				wl->id);
			continue;
		}
		/* Probes: a pod in an unknown namespace, and external addresses. */
		for (size_t p = m->nreal; p < m->nwl && !who; p++) {
			struct np_ep s = { .is_ip = 0, .wl = p };

			if (strcmp(m->wl[p].ns, "bulkhead-probe-unknown-namespace") != 0)
				continue;
			if (!np_ingress_allowed(m, &s, w, &c) && !np_conn_is_empty(&c))
				who = "any pod in any namespace";
		}
		for (size_t a = 0; a < m->nsrc_atoms && !who; a++) {
			struct np_ep s = { .is_ip = 1, .ip = m->src_atoms[a] };

			if (!np_ingress_allowed(m, &s, w, &c) && !np_conn_is_empty(&c))
				who = "addresses outside the cluster";
		}
		for (size_t u = 0; u < m->nreal && !who && bh_node_is_map(orch); u++) {
			struct np_ep s = { .is_ip = 0, .wl = u };
			struct np_ep d = { .is_ip = 0, .wl = w };

			if (u == w || cfg_labels_match(orch, &m->wl[u].labels))
				continue;
			if (!np_allowed(m, &s, &d, &c) && !np_conn_is_empty(&c))
				who = m->wl[u].id;
		}
		if (who)
			bh_report(
				ctx, wl_node(wl), "ingress",
				"agent '%s' accepts connections from %s, not only from the declared orchestrator",
				wl->id, who);
	}
	np_conn_free(&c);
}

static void check_lateral(struct bh_ctx *ctx, const void *subject)
{
	const struct np_model *m = subject;
	struct np_conn c = { 0 };

	for (size_t a = 0; a < m->nreal; a++)
		for (size_t b = 0; b < m->nreal; b++) {
			const struct np_wl *x = &m->wl[a], *y = &m->wl[b];
			struct np_ep s = { .is_ip = 0, .wl = a }, d = { .is_ip = 0, .wl = b };

			if (a == b || !x->agent || !y->agent || !x->agent_class ||
			    !y->agent_class || !strcmp(x->agent_class, y->agent_class))
				continue;
			if (np_allowed(m, &s, &d, &c) || np_conn_is_empty(&c))
				continue;
			ctx_wl(ctx, x);
			bh_report(
				ctx, wl_node(x), y->id,
				"agent '%s' (class %s) can connect to agent '%s' (class %s): a compromised agent can move laterally across classes",
				x->id, x->agent_class, y->id, y->agent_class);
		}
	np_conn_free(&c);
}

/* ---- policy hygiene ----------------------------------------------------------------------- */

static void check_selects_nothing(struct bh_ctx *ctx, const void *subject)
{
	const struct np_model *m = subject;

	for (size_t i = 0; i < m->npol; i++) {
		const struct np_policy *p = &m->pol[i];
		int any_in_ns = 0, selected = 0;

		if (!p->valid || !p->sel.n)
			continue;
		for (size_t w = 0; w < m->nreal; w++) {
			if (strcmp(m->wl[w].ns, p->ns) != 0)
				continue;
			any_in_ns = 1;
			if (np_selector_match(&p->sel, &m->wl[w].labels))
				selected = 1;
		}
		if (!any_in_ns || selected)
			continue;
		ctx_pol(ctx, p);
		bh_report(
			ctx, p->sel.node ? p->sel.node : p->root, "podSelector",
			"NetworkPolicy %s selects no workload in namespace %s: its rules protect nothing (check the labels)",
			p->id, p->ns);
	}
}

static int wl_has_port(const struct np_wl *w, const struct np_port *p)
{
	for (size_t k = 0; k < w->nports; k++) {
		if (w->ports[k].proto != p->proto)
			continue;
		if (p->named ? (w->ports[k].name && !strcmp(w->ports[k].name, p->named))
			     : (p->all || (w->ports[k].port >= p->lo && w->ports[k].port <= p->hi)))
			return 1;
	}
	return 0;
}

/*
 * The classic Service mistake: the rule names the Service port, but policies see the pod's
 * port after DNAT. When a Service selecting the policy's pods maps this port elsewhere, say so.
 */
static int service_hint(struct bh_ctx *ctx, const struct np_model *m, const struct np_policy *p,
			const struct np_port *port)
{
	for (size_t i = 0; i < m->nsvc; i++) {
		const struct np_svc *v = &m->svc[i];
		int selects = 0;

		if (strcmp(v->ns, p->ns) != 0 || !bh_node_is_map(v->selector) ||
		    !v->selector->map.n || !bh_node_is_seq(v->ports))
			continue;
		for (size_t w = 0; w < m->nreal && !selects; w++)
			selects = !strcmp(m->wl[w].ns, p->ns) &&
				  np_selector_match(&p->sel, &m->wl[w].labels) &&
				  cfg_labels_match(v->selector, &m->wl[w].labels);
		if (!selects)
			continue;
		for (size_t k = 0; k < v->ports->seq.n; k++) {
			const struct bh_node *sp = v->ports->seq.items[k];
			const struct bh_node *tp = bh_node_get(sp, "targetPort");
			long long num;

			if (!bh_node_int(bh_node_get(sp, "port"), &num) || num < port->lo ||
			    num > port->hi || !tp || !bh_node_str(tp))
				continue;
			bh_report(
				ctx, port->node, NULL,
				"port %lld is the port of Service %s, which forwards to targetPort %s: policies see the pod's port after DNAT, so allow %s",
				num, v->name, bh_node_str(tp), bh_node_str(tp));
			return 1;
		}
	}
	return 0;
}

static void check_ports_rule(struct bh_ctx *ctx, const struct np_model *m,
			     const struct np_policy *p, const struct np_rule *r, int ingress)
{
	for (size_t k = 0; k < r->nports; k++) {
		const struct np_port *port = &r->ports[k];
		int targets = 0, hit = 0;

		if (port->all)
			continue;
		for (size_t w = 0; w < m->nreal && !hit; w++) {
			const struct np_wl *wl = &m->wl[w];
			struct np_ep e = { .is_ip = 0, .wl = w };

			if (ingress) {
				if (strcmp(wl->ns, p->ns) ||
				    !np_selector_match(&p->sel, &wl->labels))
					continue;
			} else if (!r->npeers || !np_rule_matches(m, r, &e)) {
				continue;
			}
			if (!wl->nports)
				continue; /* ports not declared: nothing to compare */
			targets++;
			hit = wl_has_port(wl, port);
		}
		if (!targets || hit)
			continue;
		ctx_pol(ctx, p);
		if (!port->named && ingress && service_hint(ctx, m, p, port))
			continue;
		if (port->named)
			bh_report(
				ctx, port->node, port->named,
				"named port '%s' (%s) matches no container port of the %s: this entry allows nothing",
				port->named, np_proto_name(port->proto),
				ingress ? "selected pods" : "destination pods");
		else
			bh_report(
				ctx, port->node, NULL,
				"port %u%s%.0u/%s matches no container port of the %s (policies see pod ports after Service DNAT: use the targetPort)",
				port->lo, port->hi != port->lo ? "-" : "",
				port->hi != port->lo ? port->hi : 0, np_proto_name(port->proto),
				ingress ? "selected pods" : "destination pods");
	}
}

static void check_ports(struct bh_ctx *ctx, const void *subject)
{
	const struct np_model *m = subject;

	for (size_t i = 0; i < m->npol; i++) {
		const struct np_policy *p = &m->pol[i];

		if (!p->valid)
			continue;
		for (size_t r = 0; r < p->nin; r++)
			check_ports_rule(ctx, m, p, &p->in[r], 1);
		for (size_t r = 0; r < p->neg; r++)
			check_ports_rule(ctx, m, p, &p->eg[r], 0);
	}
}

static void check_mtls(struct bh_ctx *ctx, const void *subject)
{
	const struct np_model *m = subject;

	if ((!m->uses_istio && !m->uses_cilium) || m->mtls_mesh_wide)
		return;
	for (size_t n = 0; n < m->nns; n++) {
		const struct np_wl *first = NULL;
		int ok = 0;

		for (size_t w = 0; w < m->nreal && !first; w++)
			if (m->wl[w].nsi == n && m->wl[w].agent)
				first = &m->wl[w];
		if (!first)
			continue;
		for (size_t k = 0; k < m->nmtls && !ok; k++)
			ok = !strcmp(m->mtls_ns[k], m->ns[n].name);
		if (ok)
			continue;
		ctx_wl(ctx, first);
		bh_report(
			ctx, wl_node(first), m->ns[n].name,
			"agent namespace '%s' has no %s: traffic between agents is not mutually authenticated",
			m->ns[n].name,
			m->uses_istio
				? "Istio PeerAuthentication with mtls.mode STRICT"
				: "Cilium mutual authentication (authentication.mode: required)");
	}
}

/*
 * A Service name inside the cluster (NAME.NAMESPACE.svc, optionally .cluster.local): a
 * NetworkPolicy expresses it with a namespace and pod selector, so it needs no hostname rule.
 */
static int in_cluster_host(const char *h)
{
	size_t n = strlen(h);

	return (n > 4 && !strcmp(h + n - 4, ".svc")) ||
	       (n > 18 && !strcmp(h + n - 18, ".svc.cluster.local"));
}

/* Whether agents.egress declares host (exactly, as a toFQDNs matchName names it). */
static int declared_host(const struct bh_node *allow, const char *host)
{
	for (size_t k = 0; bh_node_is_seq(allow) && k < allow->seq.n; k++) {
		const char *h = bh_node_str(bh_node_get(allow->seq.items[k], "host"));

		if (h && !strcmp(h, host))
			return 1;
	}
	return 0;
}

static void check_fqdn(struct bh_ctx *ctx, const void *subject)
{
	const struct np_model *m = subject;
	const struct bh_node *allow = bh_node_get(ctx->scan->cfg.agents, "egress");

	/* One finding per Cilium policy: its effective hostname allow-list (entries are
	 * contiguous). */
	for (size_t i = 0; i < m->nfqdn;) {
		const struct np_fqdn *q = &m->fqdn[i];
		struct bh_buf b;
		size_t j = i;

		int undeclared = 0;

		bh_buf_init(&b, 0);
		for (; j < m->nfqdn && m->fqdn[j].ref == q->ref; j++) {
			undeclared |= !declared_host(allow, m->fqdn[j].pattern);
			if (bh_buf_printf(&b, "%s%s", j > i ? ", " : "", m->fqdn[j].pattern))
				break;
		}
		/* A list made only of hosts the agents: section declares has been reviewed. */
		if (!undeclared) {
			bh_buf_release(&b);
			i = j > i ? j : i + 1;
			continue;
		}
		ctx->file = q->file;
		ctx->object = q->ref;
		ctx->container = NULL;
		ctx->ignore = NULL;
		bh_report(
			ctx, q->node, "fqdn",
			"effective FQDN egress allow-list (CiliumNetworkPolicy toFQDNs, namespace %s): %s",
			q->ns, bh_buf_str(&b));
		bh_buf_release(&b);
		i = j > i ? j : i + 1;
	}
	if (m->nfqdn || !ctx->scan->cfg.path)
		return;
	for (size_t k = 0; bh_node_is_seq(allow) && k < allow->seq.n; k++) {
		const struct bh_node *host = bh_node_get(allow->seq.items[k], "host");

		if (!bh_node_str(host) || in_cluster_host(bh_node_str(host)))
			continue;
		ctx->file = ctx->scan->cfg.path;
		ctx->object = NULL;
		ctx->container = NULL;
		ctx->ignore = NULL;
		bh_report(
			ctx, host, bh_node_str(host),
			"the declared egress host '%s' cannot be expressed by a standard NetworkPolicy (L3/L4 only, no hostnames): use CiliumNetworkPolicy toFQDNs, Calico DNS policy or an egress proxy",
			bh_node_str(host));
	}
}

static void check_invalid(struct bh_ctx *ctx, const void *subject)
{
	const struct np_model *m = subject;

	for (size_t i = 0; i < m->nprob; i++) {
		const struct np_problem *p = &m->prob[i];

		ctx->file = p->file;
		ctx->object =
			p->ref ? bh_arena_printf(&ctx->scan->arena, "NetworkPolicy/%s", p->ref)
			       : NULL;
		ctx->container = NULL;
		ctx->ignore = NULL;
		bh_report(ctx, p->node, p->msg, "invalid %s: %s",
			  p->ref ? "NetworkPolicy" : "object", p->msg);
	}
}

static void check_ignored_egress(struct bh_ctx *ctx, const void *subject)
{
	const struct np_model *m = subject;

	for (size_t i = 0; i < m->npol; i++) {
		const struct np_policy *p = &m->pol[i];
		const struct bh_node *spec = bh_node_get(p->root, "spec");

		if (!p->valid || !p->types_explicit || p->egress || !p->neg)
			continue;
		ctx_pol(ctx, p);
		bh_report(ctx, bh_node_get_key(spec, "egress"), "egress",
			  "policyTypes does not list Egress, so these egress rules are ignored");
	}
}

/* Section 1.1: what the policyTypes default does that authors do not expect. */
static void check_types_default(struct bh_ctx *ctx, const void *subject)
{
	const struct np_model *m = subject;

	for (size_t i = 0; i < m->npol; i++) {
		const struct np_policy *p = &m->pol[i];
		const struct bh_node *spec = bh_node_get(p->root, "spec");
		const struct bh_node *eg = bh_node_get(spec, "egress");
		const char *victim = NULL;

		if (!p->valid || p->types_explicit)
			continue;
		if (bh_node_is_seq(eg) && eg->seq.n == 0) {
			ctx_pol(ctx, p);
			bh_report(
				ctx, bh_node_get_key(spec, "egress"), "egress-empty",
				"egress: [] without policyTypes: [Egress] isolates nothing for egress (policyTypes defaults to Ingress only)");
			continue;
		}
		if (!p->neg || p->nin)
			continue;
		/* Egress rules only: the default also isolates ingress, with no ingress rule. */
		for (size_t w = 0; w < m->nreal && !victim; w++) {
			const struct np_wl *wl = &m->wl[w];
			int other = 0;

			if (strcmp(wl->ns, p->ns) || !np_selector_match(&p->sel, &wl->labels))
				continue;
			for (size_t k = 0; k < wl->ning && !other; k++)
				other = wl->ing[k] != i && m->pol[wl->ing[k]].nin > 0;
			if (!other)
				victim = wl->id;
		}
		if (!victim)
			continue;
		ctx_pol(ctx, p);
		bh_report(
			ctx, bh_node_get_key(spec, "egress"), "ingress-deny",
			"this policy has only egress rules and no policyTypes, so it also isolates its pods for ingress with no ingress rule: all incoming traffic to '%s' is denied (add policyTypes: [Egress] if that is not intended)",
			victim);
	}
}

static void check_host_network(struct bh_ctx *ctx, const void *subject)
{
	const struct np_model *m = subject;

	for (size_t w = 0; w < m->nreal; w++) {
		const struct np_wl *wl = &m->wl[w];
		const struct bh_node *hn = bh_node_get(wl->pod_spec, "hostNetwork");
		int b;

		if (!bh_node_bool(hn, &b) || !b || (!wl->ning && !wl->neg))
			continue;
		ctx_wl(ctx, wl);
		bh_report(
			ctx, hn, "hostNetwork",
			"'%s' uses hostNetwork, so the NetworkPolicies that select it (%s) do not govern its traffic",
			wl->id, m->pol[wl->ning ? wl->ing[0] : wl->eg[0]].id);
	}
}

/* Default pod and Service CIDRs of common distributions (kubeadm, k3s, EKS). */
static const char *const cluster_cidrs[] = {
	"10.96.0.0/12", "10.244.0.0/16", "10.42.0.0/16",
	"10.43.0.0/16", "10.100.0.0/16", "172.20.0.0/16",
};

static void check_ipblock_cluster(struct bh_ctx *ctx, const void *subject)
{
	const struct np_model *m = subject;

	for (size_t i = 0; i < m->npol; i++) {
		const struct np_policy *p = &m->pol[i];

		for (int dir = 0; dir < 2 && p->valid; dir++) {
			const struct np_rule *rs = dir ? p->eg : p->in;
			size_t nr = dir ? p->neg : p->nin;

			for (size_t r = 0; r < nr; r++)
				for (size_t k = 0; k < rs[r].npeers; k++) {
					const struct np_peer *peer = &rs[r].peers[k];
					const struct bh_node *cidr =
						bh_node_path(peer->node, "ipBlock.cidr");
					struct np_iprange blk, c;
					char why[128];

					if (peer->kind != NP_PEER_IP || !bh_node_str(cidr) ||
					    np_cidr_parse(bh_node_str(cidr), &blk, why,
							  sizeof(why)))
						continue;
					for (size_t q = 0;
					     q < sizeof(cluster_cidrs) / sizeof(*cluster_cidrs);
					     q++) {
						struct np_ipset one = { &c, 1, 1 };

						np_cidr_parse(cluster_cidrs[q], &c, why,
							      sizeof(why));
						if (!np_ipset_covers(&one, &blk))
							continue;
						ctx_pol(ctx, p);
						bh_report(
							ctx, cidr, bh_node_str(cidr),
							"ipBlock %s lies in a typical pod or Service range (%s): ipBlock is for addresses outside the cluster, pod traffic is matched by selectors and a Service ClusterIP is never seen after DNAT",
							bh_node_str(cidr), cluster_cidrs[q]);
						break;
					}
				}
		}
	}
}

const struct bh_rule bh_np_rules[] = {
	{
		.id = "NP-001",
		.layer = BH_LAYER_NP,
		.severity = BH_SEV_MEDIUM,
		.title = "Namespace without a default-deny ingress NetworkPolicy",
		.attack =
			"Any pod in the cluster, including a compromised one, can connect to every workload of the namespace.",
		.fix = "Add a NetworkPolicy with podSelector: {} and policyTypes: [Ingress] and no rules, then allow what is needed.",
		.refs = "NetworkPolicy default deny; CIS Kubernetes 5.3.2",
		.check = check_ns_ingress,
	},
	{
		.id = "NP-002",
		.layer = BH_LAYER_NP,
		.severity = BH_SEV_MEDIUM,
		.title = "Namespace without a default-deny egress NetworkPolicy",
		.attack =
			"A compromised workload can connect anywhere: other services, the internet, the node's metadata API.",
		.fix = "Add a NetworkPolicy with podSelector: {} and policyTypes: [Egress] and no rules, then allow DNS and the declared destinations.",
		.refs = "NetworkPolicy default deny; CIS Kubernetes 5.3.2",
		.check = check_ns_egress,
	},
	{
		.id = "NP-003",
		.layer = BH_LAYER_NP,
		.severity = BH_SEV_HIGH,
		.title = "Agent egress reaches the internet beyond its declared allow-list",
		.attack =
			"A prompt-injected agent can exfiltrate data or fetch a second stage from any host on the internet.",
		.fix = "Replace the 0.0.0.0/0 (or ::/0) ipBlock with the CIDRs of the declared LLM gateway and tool APIs, or route egress through a proxy.",
		.refs = "OWASP LLM Top 10: LLM06 Excessive Agency",
		.check = check_agent_internet,
	},
	{
		.id = "NP-004",
		.layer = BH_LAYER_NP,
		.severity = BH_SEV_HIGH,
		.title = "Workload can reach a cloud metadata endpoint",
		.attack =
			"Code running in the pod reads node credentials from 169.254.169.254 (or 100.100.100.200, fd00:ec2::254) and takes over the cloud account.",
		.fix = "Isolate egress and add the metadata addresses to the except list of every broad ipBlock (169.254.169.254/32, 100.100.100.200/32, fd00:ec2::254/128).",
		.refs = "MITRE ATT&CK T1552.005 Cloud Instance Metadata API",
		.check = check_metadata,
	},
	{
		.id = "NP-005",
		.layer = BH_LAYER_NP,
		.severity = BH_SEV_MEDIUM,
		.title = "DNS egress allowed to resolvers other than cluster DNS",
		.attack =
			"DNS to an outside resolver bypasses cluster DNS controls and is a classic exfiltration channel.",
		.fix = "Allow UDP and TCP 53 only to kube-dns: namespaceSelector kubernetes.io/metadata.name: kube-system AND podSelector k8s-app: kube-dns; exclude port 53 from broad ipBlocks.",
		.refs = "MITRE ATT&CK T1071.004 DNS",
		.check = check_dns_elsewhere,
	},
	{
		.id = "NP-006",
		.layer = BH_LAYER_NP,
		.severity = BH_SEV_LOW,
		.title = "Egress-isolated workload has no DNS egress",
		.attack =
			"Not an attack: the pod cannot resolve names, so teams loosen the policy in a hurry later.",
		.fix = "Allow UDP and TCP 53 to namespaceSelector kubernetes.io/metadata.name: kube-system AND podSelector k8s-app: kube-dns.",
		.refs = "NETPOL_SEMANTICS 6.4",
		.check = check_dns_missing,
	},
	{
		.id = "NP-007",
		.layer = BH_LAYER_NP,
		.severity = BH_SEV_HIGH,
		.title = "Agent accepts ingress from something other than its orchestrator",
		.attack =
			"Any pod (or outside address) that can reach the agent can drive it with crafted tasks.",
		.fix = "Isolate the agent's ingress and allow only the orchestrator's pods (declare them in .bulkhead.yaml agents.orchestrator).",
		.refs = "OWASP LLM Top 10: LLM06 Excessive Agency",
		.check = check_agent_ingress,
	},
	{
		.id = "NP-008",
		.layer = BH_LAYER_NP,
		.severity = BH_SEV_HIGH,
		.title = "Agents of different classes can reach each other",
		.attack =
			"A compromised low-trust agent moves laterally to a higher-privileged one.",
		.fix = "Put each agent class in its own namespace with a default deny, and allow only orchestrator traffic.",
		.refs = "MITRE ATT&CK TA0008 Lateral Movement",
		.check = check_lateral,
	},
	{
		.id = "NP-009",
		.layer = BH_LAYER_NP,
		.severity = BH_SEV_LOW,
		.title = "NetworkPolicy selects no workload",
		.attack =
			"The policy protects nothing: a label typo leaves the intended pods open.",
		.fix = "Fix spec.podSelector so that it matches the pod template labels of the workloads it is meant for.",
		.refs = "kube-linter dangling-networkpolicy",
		.check = check_selects_nothing,
	},
	{
		.id = "NP-010",
		.layer = BH_LAYER_NP,
		.severity = BH_SEV_LOW,
		.title = "NetworkPolicy port matches no container port of its target",
		.attack =
			"The rule allows nothing, so the service breaks and someone widens the policy to fix it.",
		.fix = "Use the container port (the Service targetPort), or a named port that the target container declares with the same protocol.",
		.refs = "NETPOL_SEMANTICS 3.4, 6.3",
		.check = check_ports,
	},
	{
		.id = "NP-011",
		.layer = BH_LAYER_NP,
		.severity = BH_SEV_LOW,
		.title = "Agent namespace without mutual TLS",
		.attack =
			"Traffic between agents can be read or spoofed by anything on the pod network.",
		.fix = "Add an Istio PeerAuthentication with mtls.mode: STRICT in the agent namespace, or Cilium mutual authentication.",
		.refs = "Istio PeerAuthentication; Cilium mutual authentication",
		.check = check_mtls,
	},
	{
		.id = "NP-012",
		.layer = BH_LAYER_NP,
		.severity = BH_SEV_INFO,
		.title = "FQDN egress allow-list",
		.attack =
			"Hostname allow-lists need a CNI that enforces them; a standard NetworkPolicy cannot.",
		.fix = "Enforce hostnames with CiliumNetworkPolicy toFQDNs, Calico DNS policy or an egress proxy; keep the list short and declare each host in .bulkhead.yaml agents.egress (a Service inside the cluster, NAME.NAMESPACE.svc, needs no hostname rule).",
		.refs = "Cilium toFQDNs",
		.check = check_fqdn,
	},
	{
		.id = "NP-013",
		.layer = BH_LAYER_NP,
		.severity = BH_SEV_HIGH,
		.title = "Invalid NetworkPolicy",
		.attack =
			"The API server rejects the policy, so the protection it describes never exists.",
		.fix = "Fix the field named in the message (selectors, ipBlock cidr and except, ports).",
		.refs = "networking.k8s.io/v1 validation",
		.check = check_invalid,
	},
	{
		.id = "NP-014",
		.layer = BH_LAYER_NP,
		.severity = BH_SEV_MEDIUM,
		.title = "Egress rules ignored because policyTypes lacks Egress",
		.attack = "The author believes egress is restricted; it is not.",
		.fix = "Add Egress to policyTypes, or remove the egress rules.",
		.refs = "NETPOL_SEMANTICS 1.1",
		.check = check_ignored_egress,
	},
	{
		.id = "NP-017",
		.layer = BH_LAYER_NP,
		.severity = BH_SEV_LOW,
		.title = "policyTypes default changes what the policy does",
		.attack =
			"Not an attack: egress: [] without policyTypes leaves egress open, and an egress-only policy without policyTypes silently denies all ingress.",
		.fix = "Always write policyTypes explicitly: [Egress] for egress-only policies, [Ingress, Egress] for default deny.",
		.refs = "NETPOL_SEMANTICS 1.1, 6.2",
		.check = check_types_default,
	},
	{
		.id = "NP-015",
		.layer = BH_LAYER_NP,
		.severity = BH_SEV_MEDIUM,
		.title = "NetworkPolicy selects a hostNetwork pod",
		.attack =
			"The pod shares the node's network namespace; the policy that seems to isolate it does not apply.",
		.fix = "Drop hostNetwork: true, or protect the node with host firewalling (Calico HostEndpoint, Cilium host policies).",
		.refs = "NETPOL_SEMANTICS 4.3, 6.13",
		.check = check_host_network,
	},
	{
		.id = "NP-016",
		.layer = BH_LAYER_NP,
		.severity = BH_SEV_LOW,
		.title = "ipBlock targets a pod or Service address range",
		.attack =
			"The rule silently does nothing (Service IPs are translated before policy) or depends on pod IPs that change.",
		.fix = "Select pods with podSelector/namespaceSelector; keep ipBlock for addresses outside the cluster.",
		.refs = "NETPOL_SEMANTICS 3.3, 6.3",
		.check = check_ipblock_cluster,
	},
};
const size_t bh_np_nrules = sizeof(bh_np_rules) / sizeof(*bh_np_rules);

void np_rules_check(struct bh_scan *s, struct np_model *m)
{
	struct bh_ctx ctx = { .scan = s };

	mark_agents(s, m);
	bh_rules_run(&ctx, bh_np_rules, bh_np_nrules, m);
}
