/*
 * Output of the evaluator: the connlist in netpol-analyzer's text format (section 5: peers
 * named ns/name[Kind] and IP atoms first-last[External], lines
 * sorted by source then destination in byte order, IP-to-IP and self pairs left out), the same
 * list as JSON, Graphviz dot and Markdown with a Mermaid graph, and `explain`, which walks the
 * policies of one pair and says which rule allows what and why the rest does not.
 */
#include "np.h"

#include <stdlib.h>
#include <string.h>

#include "core/banned.h"

struct ep_name {
	struct np_ep ep;
	char *name;
};

static int name_cmp(const void *a, const void *b)
{
	return strcmp(((const struct ep_name *)a)->name, ((const struct ep_name *)b)->name);
}

/* The endpoints of one side (IP atoms and real workloads), sorted by printed name. */
static bh_err side(const struct np_model *m, int src, struct ep_name **out, size_t *nout)
{
	const struct np_iprange *atoms = src ? m->src_atoms : m->dst_atoms;
	size_t na = src ? m->nsrc_atoms : m->ndst_atoms;
	struct ep_name *v = calloc(na + m->nreal + 1, sizeof(*v));
	struct bh_buf b;
	size_t n = 0;

	if (!v)
		return BH_ERR_NOMEM;
	bh_buf_init(&b, 0);
	for (size_t i = 0; i < na; i++) {
		bh_buf_reset(&b);
		/* netpol-analyzer marks IP peers as outside the cluster (its PR #563, 2025). */
		if (np_iprange_format(&atoms[i], &b) || bh_buf_adds(&b, "[External]"))
			goto nomem;
		v[n].ep.is_ip = 1;
		v[n].ep.ip = atoms[i];
		v[n].name = bh_arena_strdup(m->arena, bh_buf_str(&b));
		if (!v[n++].name)
			goto nomem;
	}
	for (size_t i = 0; i < m->nreal; i++) {
		v[n].ep.wl = i;
		v[n++].name = (char *)m->wl[i].id;
	}
	bh_buf_release(&b);
	qsort(v, n, sizeof(*v), name_cmp);
	*out = v;
	*nout = n;
	return BH_OK;
nomem:
	bh_buf_release(&b);
	free(v);
	return BH_ERR_NOMEM;
}

static bh_err json_str(struct bh_buf *o, const char *s)
{
	bh_err err = bh_buf_addc(o, '"');

	for (; *s && !err; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			err = bh_buf_printf(o, "\\%c", c);
		else if (c < 0x20)
			err = bh_buf_printf(o, "\\u%04x", c);
		else
			err = bh_buf_addc(o, (char)c);
	}
	return err ? err : bh_buf_addc(o, '"');
}

int np_wl_is(const struct np_model *m, const struct np_ep *e, const char *name)
{
	const struct np_wl *w;
	size_t nl;

	if (e->is_ip)
		return 0;
	w = &m->wl[e->wl];
	nl = strlen(w->ns);
	return !strcmp(name, w->id) || !strcmp(name, w->name) ||
	       (!strncmp(name, w->ns, nl) && name[nl] == '/' && !strcmp(name + nl + 1, w->name));
}

/* The names of both sides merged, each once, sorted: the graph's nodes. */
static struct ep_name *unique_names(const struct ep_name *a, size_t na, const struct ep_name *b,
				    size_t nb, size_t *n)
{
	struct ep_name *v = calloc(na + nb + 1, sizeof(*v));
	size_t i = 0, j = 0, k = 0;

	if (!v)
		return NULL;
	while (i < na || j < nb) {
		int c = i == na ? 1 : j == nb ? -1 : strcmp(a[i].name, b[j].name);

		v[k++] = c <= 0 ? a[i] : b[j];
		if (c <= 0)
			i++;
		if (c >= 0)
			j++;
	}
	*n = k;
	return v;
}

static size_t name_index(const struct ep_name *v, size_t n, const char *name)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(v[mid].name, name);

		if (c == 0)
			return mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/*
 * netpol-analyzer's dot layout: one cluster per namespace (sorted by name) holding its
 * workloads, then the IP ranges; the edges follow in connlist order.
 */
static bh_err dot_nodes(const struct np_model *m, const struct ep_name *names, size_t n,
			struct bh_buf *out)
{
	const char **nss = calloc(m->nns + 1, sizeof(*nss));
	bh_err err;

	if (!nss)
		return BH_ERR_NOMEM;
	err = bh_buf_adds(out, "digraph {\n");
	for (size_t i = 0; i < m->nns; i++)
		nss[i] = m->ns[i].name;
	qsort(nss, m->nns, sizeof(*nss), str_cmp);
	for (size_t i = 0; i < m->nns && !err; i++) {
		int any = 0;

		for (size_t k = 0; k < n && !err; k++) {
			const struct np_wl *w;

			if (names[k].ep.is_ip)
				continue;
			w = &m->wl[names[k].ep.wl];
			if (strcmp(w->ns, nss[i]) != 0)
				continue;
			if (!any)
				err = bh_buf_printf(out, "\tsubgraph \"cluster_%s\" {\n", nss[i]);
			any = 1;
			if (!err)
				err = bh_buf_printf(
					out,
					"\t\t\"%s\" [label=\"%s[%s]\" color=\"blue\" fontcolor=\"blue\"]\n",
					w->id, w->name, w->kind);
		}
		if (any && !err)
			err = bh_buf_printf(out, "\t\tlabel=\"%s\"\n\t}\n", nss[i]);
	}
	for (size_t k = 0; k < n && !err; k++)
		if (names[k].ep.is_ip)
			err = bh_buf_printf(
				out, "\t\"%s\" [label=\"%s\" color=\"red2\" fontcolor=\"red2\"]\n",
				names[k].name, names[k].name);
	free(nss);
	return err;
}

/* One allowed pair in the chosen format. */
static bh_err emit_pair(enum np_format fmt, const char *src, const char *dst, const char *conn,
			size_t idx, const struct ep_name *names, size_t nnames, struct bh_buf *out)
{
	bh_err err;

	switch (fmt) {
	case NP_FMT_TXT:
		return bh_buf_printf(out, "%s => %s : %s\n", src, dst, conn);
	case NP_FMT_CSV:
		/* RFC 4180: a field holding a comma is quoted ("TCP 80,UDP 53"). */
		return bh_buf_printf(out, strchr(conn, ',') ? "%s,%s,\"%s\"\n" : "%s,%s,%s\n", src,
				     dst, conn);
	case NP_FMT_MD:
		return bh_buf_printf(out, "| %s | %s | %s |\n", src, dst, conn);
	case NP_FMT_DOT:
		return bh_buf_printf(
			out,
			"\t\"%s\" -> \"%s\" [label=\"%s\" color=\"gold2\" fontcolor=\"darkgreen\"]\n",
			src, dst, conn);
	case NP_FMT_JSON:
		err = bh_buf_adds(out, idx ? ",\n  {\n    \"src\": " : "\n  {\n    \"src\": ");
		if (!err)
			err = json_str(out, src);
		if (!err)
			err = bh_buf_adds(out, ",\n    \"dst\": ");
		if (!err)
			err = json_str(out, dst);
		if (!err)
			err = bh_buf_adds(out, ",\n    \"conn\": ");
		if (!err)
			err = json_str(out, conn);
		return err ? err : bh_buf_adds(out, "\n  }");
	case NP_FMT_MERMAID:
		return bh_buf_printf(out, "  n%zu -->|\"%s\"| n%zu\n",
				     name_index(names, nnames, src), conn,
				     name_index(names, nnames, dst));
	}
	return BH_OK;
}

/* Every allowed pair, in connlist order (sources, then destinations, by name). */
static bh_err pairs(const struct np_model *m, enum np_format fmt, const char *focus,
		    const struct ep_name *srcs, size_t ns, const struct ep_name *dsts, size_t nd,
		    const struct ep_name *names, size_t nnames, struct bh_buf *out, size_t *nlines)
{
	struct np_conn c = { 0 };
	struct bh_buf cb;
	bh_err err = BH_OK;

	bh_buf_init(&cb, 0);
	for (size_t i = 0; i < ns && !err; i++)
		for (size_t j = 0; j < nd && !err; j++) {
			const struct np_ep *s = &srcs[i].ep, *d = &dsts[j].ep;

			if ((s->is_ip && d->is_ip) || (!s->is_ip && !d->is_ip && s->wl == d->wl))
				continue;
			if (focus && !np_wl_is(m, s, focus) && !np_wl_is(m, d, focus))
				continue;
			if ((err = np_allowed(m, s, d, &c)) || np_conn_is_empty(&c))
				continue;
			bh_buf_reset(&cb);
			if (!(err = np_conn_format(&c, &cb)))
				err = emit_pair(fmt, srcs[i].name, dsts[j].name, bh_buf_str(&cb),
						(*nlines)++, names, nnames, out);
		}
	np_conn_free(&c);
	bh_buf_release(&cb);
	return err;
}

bh_err np_connlist(const struct np_model *m, enum np_format fmt, const char *focus,
		   struct bh_buf *out)
{
	struct ep_name *srcs = NULL, *dsts = NULL, *names = NULL;
	size_t ns = 0, nd = 0, nnames = 0, nlines = 0;
	bh_err err;

	if ((err = side(m, 1, &srcs, &ns)) || (err = side(m, 0, &dsts, &nd)))
		goto out;
	names = unique_names(srcs, ns, dsts, nd, &nnames);
	if (!names) {
		err = BH_ERR_NOMEM;
		goto out;
	}
	switch (fmt) {
	case NP_FMT_JSON:
		err = bh_buf_adds(out, "[");
		break;
	case NP_FMT_DOT:
		err = dot_nodes(m, names, nnames, out);
		break;
	case NP_FMT_MD:
		err = bh_buf_adds(out, "| src | dst | conn |\n|-----|-----|------|\n");
		break;
	case NP_FMT_CSV:
		err = bh_buf_adds(out, "src,dst,conn\n");
		break;
	case NP_FMT_TXT:
	case NP_FMT_MERMAID:
		break;
	}
	if (!err)
		err = pairs(m, fmt, focus, srcs, ns, dsts, nd, names, nnames, out, &nlines);
	if (err)
		goto out;
	switch (fmt) {
	case NP_FMT_JSON:
		err = bh_buf_adds(out, nlines ? "\n]\n" : "]\n");
		break;
	case NP_FMT_DOT:
		err = bh_buf_adds(out, "}\n");
		break;
	case NP_FMT_MD:
		/* The same graph for renderers that draw Mermaid (GitHub, GitLab). */
		err = bh_buf_adds(out, "\n```mermaid\nflowchart LR\n");
		for (size_t i = 0; i < nnames && !err; i++)
			err = bh_buf_printf(
				out, names[i].ep.is_ip ? "  n%zu([\"%s\"])\n" : "  n%zu[\"%s\"]\n",
				i, names[i].name);
		nlines = 0;
		if (!err)
			err = pairs(m, NP_FMT_MERMAID, focus, srcs, ns, dsts, nd, names, nnames,
				    out, &nlines);
		if (!err)
			err = bh_buf_adds(out, "```\n");
		break;
	case NP_FMT_TXT:
	case NP_FMT_CSV:
	case NP_FMT_MERMAID:
		break;
	}
out:
	free(srcs);
	free(dsts);
	free(names);
	return err;
}

/* ---- explain ------------------------------------------------------------------------------ */

static bh_err ep_name(const struct np_model *m, const struct np_ep *e, struct bh_buf *o)
{
	if (!e->is_ip)
		return bh_buf_adds(o, m->wl[e->wl].id);
	if (np_ip_cmp(&e->ip.lo, &e->ip.hi) == 0) {
		struct bh_buf t;
		bh_err err;

		bh_buf_init(&t, 0);
		err = np_iprange_format(&e->ip, &t);
		if (!err) {
			const char *s = bh_buf_str(&t);

			err = bh_buf_add(o, s, strlen(s) / 2); /* "a-a": print "a" */
		}
		bh_buf_release(&t);
		return err;
	}
	return np_iprange_format(&e->ip, o);
}

static bh_err describe_selector(const struct np_selector *s, struct bh_buf *o)
{
	static const char *const ops[] = { "in", "notin", "exists", "!" };
	bh_err err = BH_OK;

	if (!s->n)
		return bh_buf_adds(o, "{} (everything)");
	for (size_t i = 0; i < s->n && !err; i++) {
		const struct np_req *r = &s->req[i];

		if (i)
			err = bh_buf_adds(o, ", ");
		if (err)
			break;
		if (r->op == NP_OP_IN && r->nvalues == 1)
			err = bh_buf_printf(o, "%s=%s", r->key, r->values[0]);
		else if (r->op == NP_OP_EXISTS)
			err = bh_buf_printf(o, "%s", r->key);
		else if (r->op == NP_OP_DNE)
			err = bh_buf_printf(o, "!%s", r->key);
		else {
			err = bh_buf_printf(o, "%s %s (", r->key, ops[r->op]);
			for (size_t k = 0; k < r->nvalues && !err; k++)
				err = bh_buf_printf(o, "%s%s", k ? "," : "", r->values[k]);
			if (!err)
				err = bh_buf_addc(o, ')');
		}
	}
	return err;
}

static bh_err describe_peer(const struct np_policy *p, const struct np_peer *peer, struct bh_buf *o)
{
	bh_err err = BH_OK;

	if (peer->kind == NP_PEER_IP) {
		err = bh_buf_adds(o, "ipBlock ");
		for (size_t i = 0; i < peer->ips.n && !err; i++) {
			if (i)
				err = bh_buf_adds(o, " + ");
			if (!err)
				err = np_iprange_format(&peer->ips.v[i], o);
		}
		return err;
	}
	if (peer->ns_sel && peer->pod_sel) {
		err = bh_buf_adds(o, "pods matching ");
		if (!err)
			err = describe_selector(peer->pod_sel, o);
		if (!err)
			err = bh_buf_adds(o, " AND in namespaces matching ");
		if (!err)
			err = describe_selector(peer->ns_sel, o);
		return err;
	}
	if (peer->ns_sel) {
		err = bh_buf_adds(o, "all pods in namespaces matching ");
		return err ? err : describe_selector(peer->ns_sel, o);
	}
	err = bh_buf_adds(o, "pods matching ");
	if (!err)
		err = describe_selector(peer->pod_sel, o);
	if (!err)
		err = bh_buf_printf(o, " in namespace %s only", p->ns);
	return err;
}

static unsigned node_line(const struct bh_node *n)
{
	return n ? n->line : 0;
}

/* Whether a named port entry resolves on the destination (never on an IP). */
static int named_resolves(const struct np_model *m, const struct np_ep *dst,
			  const struct np_port *p)
{
	const struct np_wl *w;

	if (dst->is_ip)
		return 0;
	w = &m->wl[dst->wl];
	for (size_t q = 0; q < w->nports; q++)
		if (w->ports[q].name && !strcmp(w->ports[q].name, p->named) &&
		    w->ports[q].proto == p->proto)
			return 1;
	return 0;
}

/* One direction: the policies that isolate the workload and what each rule says about peer. */
static bh_err explain_side(const struct np_model *m, size_t w, int ingress,
			   const struct np_ep *peer, const struct np_ep *dst, struct bh_buf *o)
{
	const struct np_wl *wl = &m->wl[w];
	const size_t *pols = ingress ? wl->ing : wl->eg;
	size_t npols = ingress ? wl->ning : wl->neg;
	struct np_conn tmp = { 0 };
	struct bh_buf cb;
	bh_err err;

	bh_buf_init(&cb, 0);
	err = bh_buf_printf(o, "%s of %s:\n", ingress ? "Ingress" : "Egress", wl->id);
	if (!err && !npols)
		err = bh_buf_printf(
			o,
			"  not isolated: no NetworkPolicy selects it with %s in its policyTypes, so all %s traffic is allowed (system default)\n",
			ingress ? "Ingress" : "Egress", ingress ? "incoming" : "outgoing");
	for (size_t i = 0; i < npols && !err; i++) {
		const struct np_policy *p = &m->pol[pols[i]];
		const struct np_rule *rs = ingress ? p->in : p->eg;
		size_t nr = ingress ? p->nin : p->neg;

		err = bh_buf_printf(o, "  NetworkPolicy %s (%s:%u) isolates it%s\n", p->id, p->file,
				    node_line(p->root),
				    p->types_explicit ? ""
				    : ingress	      ? " (policyTypes defaulted to Ingress)"
					      : " (policyTypes defaulted: it has egress rules)");
		if (!err && !nr)
			err = bh_buf_printf(o, "    no %s rules: denies all %s traffic\n",
					    ingress ? "ingress" : "egress",
					    ingress ? "incoming" : "outgoing");
		for (size_t r = 0; r < nr && !err; r++) {
			const struct np_rule *rule = &rs[r];
			int match = np_rule_matches(m, rule, peer);

			err = bh_buf_printf(
				o, "    %s rule #%zu (line %u): ", ingress ? "Ingress" : "Egress",
				r + 1, node_line(rule->node));
			if (err)
				break;
			if (!rule->npeers) {
				err = bh_buf_printf(o, "no '%s' peers, so it matches every %s",
						    ingress ? "from" : "to",
						    ingress ? "source" : "destination");
			} else {
				err = bh_buf_printf(o, "%zu peer%s (ORed)", rule->npeers,
						    rule->npeers == 1 ? "" : "s");
				for (size_t k = 0; k < rule->npeers && !err; k++) {
					err = bh_buf_printf(
						o, "; #%zu %s: ", k + 1,
						np_peer_matches(m, &rule->peers[k], peer)
							? "matches"
							: "does not match");
					if (!err)
						err = describe_peer(p, &rule->peers[k], o);
				}
			}
			if (err)
				break;
			if (!match) {
				err = bh_buf_adds(o, " -> not applicable\n");
				continue;
			}
			if ((err = np_rule_ports(rule, dst, m, &tmp)))
				break;
			bh_buf_reset(&cb);
			if ((err = np_conn_format(&tmp, &cb)))
				break;
			err = bh_buf_printf(o, " -> allows %s", bh_buf_str(&cb));
			for (size_t k = 0; k < rule->nports && !err; k++)
				if (rule->ports[k].named &&
				    !named_resolves(m, dst, &rule->ports[k]))
					err = bh_buf_printf(
						o,
						" (named port '%s' has no %s match on the destination)",
						rule->ports[k].named,
						np_proto_name(rule->ports[k].proto));
			if (!err)
				err = bh_buf_addc(o, '\n');
		}
	}
	np_conn_free(&tmp);
	bh_buf_release(&cb);
	return err;
}

bh_err np_explain(const struct np_model *m, const struct np_ep *src, const struct np_ep *dst,
		  int proto, uint32_t port, struct bh_buf *o, int *allowed)
{
	struct np_conn c = { 0 }, side_c = { 0 };
	struct bh_buf cb;
	bh_err err;

	bh_buf_init(&cb, 0);
	if ((err = ep_name(m, src, o)) || (err = bh_buf_adds(o, " => ")) ||
	    (err = ep_name(m, dst, o)) || (err = bh_buf_addc(o, '\n')))
		goto out;
	if (src->is_ip)
		err = bh_buf_adds(
			o,
			"Egress: the source is an IP address outside the cluster; no NetworkPolicy applies to it.\n");
	else
		err = explain_side(m, src->wl, 0, dst, dst, o);
	if (err)
		goto out;
	if (dst->is_ip)
		err = bh_buf_adds(
			o,
			"Ingress: the destination is an IP address outside the cluster; no NetworkPolicy applies to it.\n");
	else
		err = explain_side(m, dst->wl, 1, src, dst, o);
	if (err || (err = np_allowed(m, src, dst, &c)))
		goto out;
	if (!src->is_ip) {
		if ((err = np_egress_allowed(m, src->wl, dst, &side_c)))
			goto out;
		bh_buf_reset(&cb);
		if ((err = np_conn_format(&side_c, &cb)) ||
		    (err = bh_buf_printf(o, "Egress allows: %s\n", bh_buf_str(&cb))))
			goto out;
	}
	if (!dst->is_ip) {
		if ((err = np_ingress_allowed(m, src, dst->wl, &side_c)))
			goto out;
		bh_buf_reset(&cb);
		if ((err = np_conn_format(&side_c, &cb)) ||
		    (err = bh_buf_printf(o, "Ingress allows: %s\n", bh_buf_str(&cb))))
			goto out;
	}
	bh_buf_reset(&cb);
	if ((err = np_conn_format(&c, &cb)) ||
	    (err = bh_buf_printf(o, "Allowed (egress AND ingress): %s\n", bh_buf_str(&cb))))
		goto out;
	if (proto >= 0) {
		int ok = np_conn_has(&c, (enum np_proto)proto, port);

		*allowed = ok;
		err = bh_buf_printf(o, "Verdict for %u/%s: %s\n", port,
				    np_proto_name((enum np_proto)proto), ok ? "ALLOWED" : "DENIED");
	} else {
		*allowed = !np_conn_is_empty(&c);
		err = bh_buf_printf(o, "Verdict: %s\n",
				    *allowed ? "ALLOWED (some connections)"
					     : "DENIED (no connections)");
	}
out:
	np_conn_free(&c);
	np_conn_free(&side_c);
	bh_buf_release(&cb);
	return err;
}
