/*
 * Building the network model from the scanned objects, as netpol-analyzer reads them (section 5.1
 * of NETPOL_SEMANTICS.md): workloads are the known controller kinds and Pods (a Pod with a
 * controller ownerReference becomes its owner, and pods sharing an owner collapse into one peer,
 * the first supplying labels and ports); namespaces are the Namespace objects plus every one a
 * workload or policy lives in, each carrying kubernetes.io/metadata.name; NetworkPolicies are
 * validated as the API server validates them and normalised once.
 *
 * Inputs that the API server would reject are recorded as problems (file, node, reason) and the
 * offending policy is left out of the evaluation; `netpol list` refuses to print a connlist when
 * there is any, and `scan` reports each one as a finding.
 *
 * The layer records every object document in input order (np_layer_docs), including kind-less
 * `items:` lists that the Kubernetes layer does not claim, so the model sees what
 * netpol-analyzer sees, in the same order.
 */
#include "np.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/limits.h"
#include "kube/kube.h"
#include "network.h"

#include "core/banned.h"

#define GROW(a, arr, n, cap) ((n) < (cap) ? 0 : grow((a), (void **)&(arr), &(cap), sizeof(*(arr))))

static int grow(struct bh_arena *a, void **arr, size_t *cap, size_t elem)
{
	size_t ncap = *cap ? *cap * 2 : 16;
	void *p = bh_arena_realloc(a, *arr, *cap * elem, ncap * elem);

	if (!p)
		return -1;
	*arr = p;
	*cap = ncap;
	return 0;
}

static int problem(struct np_model *m, const char *file, const struct bh_node *node,
		   const char *ref, const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static int problem(struct np_model *m, const char *file, const struct bh_node *node,
		   const char *ref, const char *fmt, ...)
{
	struct np_problem *p;
	char msg[BH_DIAG_MSG_MAX];
	va_list ap;

	if (GROW(m->arena, m->prob, m->nprob, m->prob_cap))
		return -1;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	p = &m->prob[m->nprob++];
	p->file = file;
	p->node = node;
	p->ref = ref;
	p->msg = bh_arena_strdup(m->arena, msg);
	return p->msg ? 0 : -1;
}

size_t np_ns_find(const struct np_model *m, const char *name)
{
	for (size_t i = 0; i < m->nns; i++)
		if (strcmp(m->ns[i].name, name) == 0)
			return i;
	return (size_t)-1;
}

static const char *const ns_label = "kubernetes.io/metadata.name";

static int labels_add(struct bh_arena *a, struct np_labels *l, const char *k, const char *v)
{
	const char **nk = bh_arena_realloc(a, l->k, l->n * sizeof(*nk), (l->n + 1) * sizeof(*nk));
	const char **nv = bh_arena_realloc(a, l->v, l->n * sizeof(*nv), (l->n + 1) * sizeof(*nv));

	if (!nk || !nv)
		return -1;
	nk[l->n] = k;
	nv[l->n] = v;
	l->k = nk;
	l->v = nv;
	l->n++;
	return 0;
}

const char *np_labels_get(const struct np_labels *l, const char *key)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->k[i], key) == 0)
			return l->v[i];
	return NULL;
}

static int labels_from(struct bh_arena *a, const struct bh_node *map, struct np_labels *out)
{
	memset(out, 0, sizeof(*out));
	if (!bh_node_is_map(map))
		return 0;
	for (size_t i = 0; i < map->map.n; i++) {
		const char *k = bh_node_str(map->map.pairs[i].key);
		const char *v = bh_node_str(map->map.pairs[i].value);

		if (!k || !v)
			continue;
		/* A later duplicate key overrides, as in the API server. */
		for (size_t j = 0; j < out->n; j++)
			if (strcmp(out->k[j], k) == 0) {
				out->v[j] = v;
				k = NULL;
				break;
			}
		if (k && labels_add(a, out, k, v))
			return -1;
	}
	return 0;
}

static size_t ns_get(struct np_model *m, const char *name)
{
	size_t i = np_ns_find(m, name);
	struct np_ns *n;

	if (i != (size_t)-1)
		return i;
	if (GROW(m->arena, m->ns, m->nns, m->ns_cap))
		return (size_t)-1;
	n = &m->ns[m->nns];
	memset(n, 0, sizeof(*n));
	n->name = name;
	if (labels_add(m->arena, &n->labels, ns_label, name))
		return (size_t)-1;
	return m->nns++;
}

/* ---- selectors ---------------------------------------------------------------------------- */

int np_selector_match(const struct np_selector *s, const struct np_labels *l)
{
	for (size_t i = 0; i < s->n; i++) {
		const struct np_req *r = &s->req[i];
		const char *v = np_labels_get(l, r->key);
		int in = 0;

		switch (r->op) {
		case NP_OP_EXISTS:
			if (!v)
				return 0;
			continue;
		case NP_OP_DNE:
			if (v)
				return 0;
			continue;
		case NP_OP_IN:
		case NP_OP_NOTIN:
			if (v)
				for (size_t k = 0; k < r->nvalues && !in; k++)
					in = strcmp(v, r->values[k]) == 0;
			if (r->op == NP_OP_IN ? !in : in)
				return 0;
			continue;
		}
	}
	return 1;
}

static int req_add(struct bh_arena *a, struct np_selector *s, const char *key, enum np_op op,
		   const char **values, size_t nvalues)
{
	struct np_req *n = bh_arena_realloc(a, s->req, s->n * sizeof(*n), (s->n + 1) * sizeof(*n));

	if (!n)
		return -1;
	n[s->n].key = key;
	n[s->n].op = op;
	n[s->n].values = values;
	n[s->n].nvalues = nvalues;
	s->req = n;
	s->n++;
	return 0;
}

static int alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* A label value or key name: at most 63 of [A-Za-z0-9-_.], alphanumeric at both ends. */
static int valid_label_name(const char *s, int allow_empty)
{
	size_t n = strlen(s);

	if (n == 0)
		return allow_empty;
	if (n > 63 || !alnum(s[0]) || !alnum(s[n - 1]))
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!alnum(s[i]) && s[i] != '-' && s[i] != '_' && s[i] != '.')
			return 0;
	return 1;
}

/* A label key: an optional DNS-subdomain prefix and '/', then a name. */
static int valid_label_key(const char *k)
{
	const char *slash = strchr(k, '/');

	if (slash) {
		size_t pl = (size_t)(slash - k);

		if (pl == 0 || pl > 253)
			return 0;
		for (size_t i = 0; i < pl; i++) {
			char c = k[i];

			if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
			      c == '.'))
				return 0;
		}
		if (!alnum(k[0]) || !alnum(k[pl - 1]))
			return 0;
		k = slash + 1;
	}
	return valid_label_name(k, 0);
}

/* Cilium selector keys may carry a label source ("k8s:app"); pods carry the bare key. */
static const char *cilium_key(const char *k)
{
	return !strncmp(k, "k8s:", 4) ? k + 4 : !strncmp(k, "any:", 4) ? k + 4 : k;
}

/*
 * Parse a LabelSelector; a NULL or null node is the empty selector. Returns -1 on NOMEM.
 * cilium: an endpointSelector, whose keys may carry a source prefix and are not validated here.
 */
static int selector_parse(struct np_model *m, const char *file, const char *ref,
			  const struct bh_node *node, struct np_selector *out, int *bad, int cilium)
{
	const struct bh_node *ml, *me;

	memset(out, 0, sizeof(*out));
	out->node = node;
	if (!node || bh_node_is_null(node))
		return 0;
	if (!bh_node_is_map(node)) {
		*bad = 1;
		return problem(m, file, node, ref, "a label selector must be a mapping");
	}
	ml = bh_node_get(node, "matchLabels");
	me = bh_node_get(node, "matchExpressions");
	if (ml && !bh_node_is_null(ml)) {
		if (!bh_node_is_map(ml)) {
			*bad = 1;
			return problem(m, file, ml, ref, "matchLabels must be a mapping");
		}
		for (size_t i = 0; i < ml->map.n; i++) {
			const char *k = bh_node_str(ml->map.pairs[i].key);
			const char *v = bh_node_str(ml->map.pairs[i].value);
			const char **vals;

			if (!k || !v) {
				*bad = 1;
				return problem(m, file, ml->map.pairs[i].value, ref,
					       "matchLabels values must be strings");
			}
			if (cilium)
				k = cilium_key(k);
			else if (!valid_label_key(k)) {
				*bad = 1;
				return problem(m, file, ml->map.pairs[i].key, ref,
					       "invalid label key '%s' in selector", k);
			}
			if (!cilium && !valid_label_name(v, 1)) {
				*bad = 1;
				return problem(
					m, file, ml->map.pairs[i].value, ref,
					"invalid label value '%s' in selector (at most 63 of A-Z a-z 0-9 - _ ., alphanumeric at both ends)",
					v);
			}
			vals = bh_arena_alloc(m->arena, sizeof(*vals));
			if (!vals)
				return -1;
			vals[0] = v;
			if (req_add(m->arena, out, k, NP_OP_IN, vals, 1))
				return -1;
		}
	}
	if (me && !bh_node_is_null(me)) {
		if (!bh_node_is_seq(me)) {
			*bad = 1;
			return problem(m, file, me, ref, "matchExpressions must be a list");
		}
		for (size_t i = 0; i < me->seq.n; i++) {
			const struct bh_node *e = me->seq.items[i];
			const char *key = bh_node_str(bh_node_get(e, "key"));
			const char *op = bh_node_str(bh_node_get(e, "operator"));
			const struct bh_node *vs = bh_node_get(e, "values");
			size_t nv = bh_node_is_seq(vs) ? vs->seq.n : 0;
			const char **vals = bh_arena_alloc(m->arena, (nv ? nv : 1) * sizeof(*vals));
			enum np_op o;

			if (!vals)
				return -1;
			if (!key || !op) {
				*bad = 1;
				return problem(m, file, e, ref,
					       "a matchExpressions entry needs key and operator");
			}
			if (!strcmp(op, "In"))
				o = NP_OP_IN;
			else if (!strcmp(op, "NotIn"))
				o = NP_OP_NOTIN;
			else if (!strcmp(op, "Exists"))
				o = NP_OP_EXISTS;
			else if (!strcmp(op, "DoesNotExist"))
				o = NP_OP_DNE;
			else {
				*bad = 1;
				return problem(
					m, file, bh_node_get(e, "operator"), ref,
					"unknown selector operator '%s' (In, NotIn, Exists or DoesNotExist)",
					op);
			}
			if (cilium)
				key = cilium_key(key);
			else if (!valid_label_key(key)) {
				*bad = 1;
				return problem(m, file, bh_node_get(e, "key"), ref,
					       "invalid label key '%s' in selector", key);
			}
			for (size_t k = 0; k < nv; k++) {
				vals[k] = bh_node_str(vs->seq.items[k]);
				if (vals[k] && !cilium && !valid_label_name(vals[k], 1)) {
					*bad = 1;
					return problem(m, file, vs->seq.items[k], ref,
						       "invalid label value '%s' in selector",
						       vals[k]);
				}
				if (!vals[k]) {
					*bad = 1;
					return problem(m, file, vs->seq.items[k], ref,
						       "selector values must be strings");
				}
			}
			if ((o == NP_OP_IN || o == NP_OP_NOTIN) && nv == 0) {
				*bad = 1;
				return problem(m, file, e, ref,
					       "operator %s requires a non-empty values list", op);
			}
			if ((o == NP_OP_EXISTS || o == NP_OP_DNE) && nv > 0) {
				*bad = 1;
				return problem(m, file, vs, ref,
					       "operator %s requires values to be empty", op);
			}
			if (req_add(m->arena, out, key, o, vals, nv))
				return -1;
		}
	}
	return 0;
}

/* ---- workloads ---------------------------------------------------------------------------- */

static const char *const wl_kinds[] = {
	"Pod",	     "Deployment", "ReplicaSet", "StatefulSet",
	"DaemonSet", "Job",	   "CronJob",	 "ReplicationController",
};

static int is_wl_kind(const char *k)
{
	for (size_t i = 0; i < sizeof(wl_kinds) / sizeof(*wl_kinds); i++)
		if (strcmp(k, wl_kinds[i]) == 0)
			return 1;
	return 0;
}

/* IANA_SVC_NAME: 1-15 of [a-z0-9-], at least one letter, no leading, trailing or double '-'. */
static int valid_port_name(const char *s)
{
	size_t n = strlen(s);
	int letter = 0;

	if (n == 0 || n > 15 || s[0] == '-' || s[n - 1] == '-')
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (c >= 'a' && c <= 'z')
			letter = 1;
		else if (!(c >= '0' && c <= '9') && !(c == '-' && s[i + 1] != '-'))
			return 0;
	}
	return letter;
}

static int collect_ports(struct np_model *m, struct np_wl *w)
{
	static const char *const lists[] = { "containers", "initContainers" };
	size_t n = 0;

	for (size_t l = 0; l < 2; l++) {
		const struct bh_node *cs = bh_node_get(w->pod_spec, lists[l]);

		for (size_t i = 0; bh_node_is_seq(cs) && i < cs->seq.n; i++) {
			const struct bh_node *ps = bh_node_get(cs->seq.items[i], "ports");

			n += bh_node_is_seq(ps) ? ps->seq.n : 0;
		}
	}
	w->ports = bh_arena_alloc(m->arena, (n ? n : 1) * sizeof(*w->ports));
	if (!w->ports)
		return -1;
	for (size_t l = 0; l < 2; l++) {
		const struct bh_node *cs = bh_node_get(w->pod_spec, lists[l]);

		for (size_t i = 0; bh_node_is_seq(cs) && i < cs->seq.n; i++) {
			const struct bh_node *ps = bh_node_get(cs->seq.items[i], "ports");

			for (size_t j = 0; bh_node_is_seq(ps) && j < ps->seq.n; j++) {
				const struct bh_node *p = ps->seq.items[j];
				const char *proto = bh_node_str(bh_node_get(p, "protocol"));
				long long num;
				struct np_cport *c = &w->ports[w->nports];

				if (!bh_node_int(bh_node_get(p, "containerPort"), &num) ||
				    num < 1 || num > 65535)
					continue;
				c->port = (uint32_t)num;
				c->name = bh_node_str(bh_node_get(p, "name"));
				c->proto = NP_TCP;
				if (proto && np_proto_parse(proto, &c->proto))
					continue;
				w->nports++;
			}
		}
	}
	return 0;
}

static const struct bh_node *controller_owner(const struct bh_node *meta)
{
	const struct bh_node *refs = bh_node_get(meta, "ownerReferences");
	const struct bh_node *first = NULL;

	if (!bh_node_is_seq(refs))
		return NULL;
	for (size_t i = 0; i < refs->seq.n; i++) {
		const struct bh_node *r = refs->seq.items[i];
		int b;

		if (!bh_node_is_map(r) || !bh_node_str(bh_node_get(r, "name")))
			continue;
		if (bh_node_bool(bh_node_get(r, "controller"), &b) && b)
			return r;
		if (!first)
			first = r;
	}
	return first;
}

static int add_workload(struct np_model *m, const char *file, const struct bh_node *root,
			const char *kind)
{
	struct bh_kobj o = { 0 };
	const struct bh_node *meta, *spec, *owner;
	const char *path, *name, *ns, *okind;
	struct np_wl *w;
	char *id;

	o.root = root;
	o.kind = kind;
	o.metadata = bh_node_get(root, "metadata");
	/*
	 * A workload object without a pod template (or a Pod without a spec) is still a peer, as
	 * netpol-analyzer counts it: its pods exist, with no labels or ports known.
	 */
	if (!bh_kube_pod_spec(&o, &meta, &spec, &path)) {
		meta = !strcmp(kind, "Pod") ? o.metadata : NULL;
		spec = NULL;
	}
	name = bh_node_str(bh_node_get(o.metadata, "name"));
	if (!name)
		name = bh_node_str(bh_node_get(o.metadata, "generateName"));
	if (!name)
		return problem(m, file, root, NULL, "%s without metadata.name", kind);
	ns = bh_node_str(bh_node_get(o.metadata, "namespace"));
	if (!ns || !*ns)
		ns = "default";
	okind = kind;
	if (strcmp(kind, "Pod") == 0 && (owner = controller_owner(o.metadata))) {
		const char *k = bh_node_str(bh_node_get(owner, "kind"));

		if (!k || strcmp(k, "Node") != 0) {
			name = bh_node_str(bh_node_get(owner, "name"));
			okind = k && *k ? k : "Pod";
		}
	}
	id = bh_arena_printf(m->arena, "%s/%s[%s]", ns, name, okind);
	if (!id)
		return -1;
	for (size_t i = 0; i < m->nwl; i++)
		if (strcmp(m->wl[i].id, id) == 0)
			return 0; /* the first one seen supplies labels and ports */
	if (m->nwl >= BH_LIMIT_NP_WORKLOADS) {
		m->over_limit = "workloads";
		return 0;
	}
	if (GROW(m->arena, m->wl, m->nwl, m->wl_cap))
		return -1;
	w = &m->wl[m->nwl];
	memset(w, 0, sizeof(*w));
	w->name = name;
	w->kind = okind;
	w->ns = ns;
	w->id = id;
	w->file = file;
	w->root = root;
	w->pod_meta = meta;
	w->pod_spec = spec;
	w->ref = bh_arena_printf(m->arena, "%s/%s/%s", kind, ns,
				 bh_node_str(bh_node_get(o.metadata, "name"))
					 ? bh_node_str(bh_node_get(o.metadata, "name"))
					 : name);
	if (!w->ref || labels_from(m->arena, bh_node_get(meta, "labels"), &w->labels) ||
	    collect_ports(m, w))
		return -1;
	w->nsi = ns_get(m, ns);
	if (w->nsi == (size_t)-1)
		return -1;
	m->nwl++;
	return 0;
}

/* ---- NetworkPolicies ---------------------------------------------------------------------- */

static int parse_port(struct np_model *m, struct np_policy *p, const struct bh_node *n,
		      struct np_port *out, int *bad)
{
	const struct bh_node *proto = bh_node_get(n, "protocol");
	const struct bh_node *port = bh_node_get(n, "port");
	const struct bh_node *end = bh_node_get(n, "endPort");
	long long v, e;

	memset(out, 0, sizeof(*out));
	out->node = n;
	out->proto = NP_TCP;
	if (!bh_node_is_map(n)) {
		*bad = 1;
		return problem(m, p->file, n, p->id, "a port entry must be a mapping");
	}
	if (proto && !bh_node_is_null(proto) &&
	    (!bh_node_str(proto) || np_proto_parse(bh_node_str(proto), &out->proto))) {
		*bad = 1;
		return problem(m, p->file, proto, p->id,
			       "protocol must be TCP, UDP or SCTP (exact, upper case)");
	}
	if (!port || bh_node_is_null(port)) {
		out->all = 1;
		if (end && !bh_node_is_null(end)) {
			*bad = 1;
			return problem(m, p->file, end, p->id, "endPort requires a numeric port");
		}
		return 0;
	}
	if (port->kind == BH_NODE_SCALAR && port->scalar.style == BH_STYLE_PLAIN &&
	    bh_node_int(port, &v)) {
		if (v < 1 || v > 65535) {
			*bad = 1;
			return problem(m, p->file, port, p->id, "port %lld is outside 1-65535", v);
		}
		out->lo = out->hi = (uint32_t)v;
		if (end && !bh_node_is_null(end)) {
			if (!bh_node_int(end, &e) || e < v || e > 65535) {
				*bad = 1;
				return problem(
					m, p->file, end, p->id,
					"endPort must be a number between port (%lld) and 65535",
					v);
			}
			out->hi = (uint32_t)e;
		}
		return 0;
	}
	out->named = bh_node_str(port);
	if (!out->named || !valid_port_name(out->named)) {
		*bad = 1;
		return problem(m, p->file, port, p->id,
			       "port must be a number or a named port (IANA service name)");
	}
	if (end && !bh_node_is_null(end)) {
		*bad = 1;
		return problem(m, p->file, end, p->id, "endPort cannot be used with a named port");
	}
	return 0;
}

/* Move a malloc'd IP set into the arena, so the model needs no release step. */
static int ipset_to_arena(struct np_model *m, struct np_ipset *tmp, struct np_ipset *out)
{
	out->v = bh_arena_alloc(m->arena, (tmp->n ? tmp->n : 1) * sizeof(*out->v));
	if (!out->v)
		return -1;
	if (tmp->n)
		memcpy(out->v, tmp->v, tmp->n * sizeof(*out->v));
	out->n = out->cap = tmp->n;
	return 0;
}

static int parse_ipblock(struct np_model *m, struct np_policy *p, const struct bh_node *ib,
			 struct np_peer *peer, int *bad)
{
	const struct bh_node *cidr = bh_node_get(ib, "cidr");
	const struct bh_node *ex = bh_node_get(ib, "except");
	struct np_ipset tmp = { 0 };
	struct np_iprange r, x;
	char why[256];
	int rc = -1;

	if (!bh_node_is_map(ib) || !bh_node_str(cidr)) {
		*bad = 1;
		return problem(m, p->file, ib, p->id, "ipBlock needs a cidr");
	}
	if (np_cidr_parse(bh_node_str(cidr), &r, why, sizeof(why))) {
		*bad = 1;
		return problem(m, p->file, cidr, p->id, "%s", why);
	}
	if (ex && !bh_node_is_null(ex) && !bh_node_is_seq(ex)) {
		*bad = 1;
		return problem(m, p->file, ex, p->id, "except must be a list of CIDRs");
	}
	if (bh_node_is_seq(ex) && ex->seq.n > BH_LIMIT_NP_EXCEPTS) {
		*bad = 1;
		return problem(m, p->file, ex, p->id, "more than %u except entries in one ipBlock",
			       BH_LIMIT_NP_EXCEPTS);
	}
	if (np_ipset_add(&tmp, &r))
		goto out;
	for (size_t i = 0; bh_node_is_seq(ex) && i < ex->seq.n; i++) {
		const char *s = bh_node_str(ex->seq.items[i]);

		if (!s || np_cidr_parse(s, &x, why, sizeof(why))) {
			*bad = 1;
			rc = problem(m, p->file, ex->seq.items[i], p->id, "%s",
				     s ? why : "except entries must be CIDR strings");
			goto out;
		}
		if (x.v6 != r.v6 || np_ip_cmp(&x.lo, &r.lo) < 0 || np_ip_cmp(&x.hi, &r.hi) > 0 ||
		    (np_ip_cmp(&x.lo, &r.lo) == 0 && np_ip_cmp(&x.hi, &r.hi) == 0)) {
			*bad = 1;
			rc = problem(
				m, p->file, ex->seq.items[i], p->id,
				"except '%s' must be strictly inside cidr '%s' (same IP family)", s,
				bh_node_str(cidr));
			goto out;
		}
		if (np_ipset_sub(&tmp, &x))
			goto out;
	}
	rc = ipset_to_arena(m, &tmp, &peer->ips);
out:
	np_ipset_free(&tmp);
	return rc;
}

static int parse_peer(struct np_model *m, struct np_policy *p, const struct bh_node *n,
		      struct np_peer *out, int *bad)
{
	const struct bh_node *ps = bh_node_get(n, "podSelector");
	const struct bh_node *nss = bh_node_get(n, "namespaceSelector");
	const struct bh_node *ib = bh_node_get(n, "ipBlock");
	struct np_selector *sel;

	memset(out, 0, sizeof(*out));
	out->node = n;
	if (!bh_node_is_map(n)) {
		*bad = 1;
		return problem(m, p->file, n, p->id, "a peer must be a mapping");
	}
	if (ps && bh_node_is_null(ps))
		ps = NULL;
	if (nss && bh_node_is_null(nss))
		nss = NULL;
	if (ib && bh_node_is_null(ib))
		ib = NULL;
	if (!ps && !nss && !ib) {
		*bad = 1;
		return problem(m, p->file, n, p->id,
			       "a peer must set podSelector, namespaceSelector or ipBlock");
	}
	if (ib && (ps || nss)) {
		*bad = 1;
		return problem(
			m, p->file, n, p->id,
			"ipBlock cannot be combined with podSelector or namespaceSelector in one peer");
	}
	if (ib) {
		out->kind = NP_PEER_IP;
		return parse_ipblock(m, p, ib, out, bad);
	}
	out->kind = NP_PEER_POD;
	if (++m->npeers > BH_LIMIT_NP_PEERS) {
		m->over_limit = "policy peers";
		*bad = 1;
		return 0;
	}
	if (ps) {
		sel = bh_arena_alloc(m->arena, sizeof(*sel));
		if (!sel || selector_parse(m, p->file, p->id, ps, sel, bad, 0))
			return -1;
		out->pod_sel = sel;
	}
	if (nss) {
		sel = bh_arena_alloc(m->arena, sizeof(*sel));
		if (!sel || selector_parse(m, p->file, p->id, nss, sel, bad, 0))
			return -1;
		out->ns_sel = sel;
	}
	return 0;
}

static int parse_rules(struct np_model *m, struct np_policy *p, const struct bh_node *list,
		       const char *peers_key, struct np_rule **out, size_t *nout, int *bad)
{
	if (!list || bh_node_is_null(list))
		return 0;
	if (!bh_node_is_seq(list)) {
		*bad = 1;
		return problem(m, p->file, list, p->id, "rules must be a list");
	}
	*out = bh_arena_alloc(m->arena, (list->seq.n ? list->seq.n : 1) * sizeof(**out));
	if (!*out)
		return -1;
	for (size_t i = 0; i < list->seq.n; i++) {
		const struct bh_node *rn = list->seq.items[i];
		const struct bh_node *peers = bh_node_get(rn, peers_key);
		const struct bh_node *ports = bh_node_get(rn, "ports");
		struct np_rule *r = &(*out)[i];

		r->node = rn;
		if (!bh_node_is_map(rn) && !bh_node_is_null(rn)) {
			*bad = 1;
			return problem(m, p->file, rn, p->id, "a rule must be a mapping");
		}
		if (peers && !bh_node_is_null(peers) && !bh_node_is_seq(peers)) {
			*bad = 1;
			return problem(m, p->file, peers, p->id, "'%s' must be a list", peers_key);
		}
		if (ports && !bh_node_is_null(ports) && !bh_node_is_seq(ports)) {
			*bad = 1;
			return problem(m, p->file, ports, p->id, "'ports' must be a list");
		}
		if (bh_node_is_seq(peers) && peers->seq.n) {
			r->peers = bh_arena_alloc(m->arena, peers->seq.n * sizeof(*r->peers));
			if (!r->peers)
				return -1;
			for (size_t k = 0; k < peers->seq.n; k++) {
				if (parse_peer(m, p, peers->seq.items[k], &r->peers[k], bad))
					return -1;
				r->npeers++;
				if (*bad)
					return 0;
			}
		}
		if (bh_node_is_seq(ports) && ports->seq.n) {
			r->ports = bh_arena_alloc(m->arena, ports->seq.n * sizeof(*r->ports));
			if (!r->ports)
				return -1;
			for (size_t k = 0; k < ports->seq.n; k++) {
				if (parse_port(m, p, ports->seq.items[k], &r->ports[k], bad))
					return -1;
				r->nports++;
				if (*bad)
					return 0;
			}
		}
		for (size_t k = 0; k < r->nports; k++)
			for (size_t q = 0;
			     r->ports[k].named && !strcmp(peers_key, "to") && q < r->npeers; q++)
				if (r->peers[q].kind == NP_PEER_IP) {
					*bad = 1;
					return problem(
						m, p->file, r->ports[k].node, p->id,
						"named port '%s' cannot apply to an ipBlock peer in the same rule (IP destinations have no named ports)",
						r->ports[k].named);
				}
		(*nout)++;
	}
	return 0;
}

static int add_policy(struct np_model *m, const char *file, const struct bh_node *root)
{
	const struct bh_node *meta = bh_node_get(root, "metadata");
	const struct bh_node *spec = bh_node_get(root, "spec");
	const struct bh_node *types;
	struct np_policy *p;
	int bad = 0;

	if (m->npol >= BH_LIMIT_NP_POLICIES) {
		m->over_limit = "NetworkPolicies";
		return 0;
	}
	if (GROW(m->arena, m->pol, m->npol, m->pol_cap))
		return -1;
	p = &m->pol[m->npol];
	memset(p, 0, sizeof(*p));
	p->file = file;
	p->root = root;
	p->name = bh_node_str(bh_node_get(meta, "name"));
	p->ns = bh_node_str(bh_node_get(meta, "namespace"));
	if (!p->ns || !*p->ns)
		p->ns = "default";
	p->id = bh_arena_printf(m->arena, "%s/%s", p->ns, p->name ? p->name : "(unnamed)");
	if (!p->id)
		return -1;
	m->npol++;
	if (!p->name)
		return problem(m, file, root, p->id, "NetworkPolicy without metadata.name");
	if (!bh_node_is_map(spec))
		return problem(m, file, spec ? spec : root, p->id,
			       "NetworkPolicy without a spec mapping");
	if (ns_get(m, p->ns) == (size_t)-1)
		return -1;
	if (selector_parse(m, file, p->id, bh_node_get(spec, "podSelector"), &p->sel, &bad, 0))
		return -1;
	if (bad)
		return 0;
	types = bh_node_get(spec, "policyTypes");
	if (bh_node_is_seq(types) && types->seq.n) {
		p->types_explicit = 1;
		for (size_t i = 0; i < types->seq.n; i++) {
			const char *t = bh_node_str(types->seq.items[i]);

			if (t && !strcmp(t, "Ingress"))
				p->ingress = 1;
			else if (t && !strcmp(t, "Egress"))
				p->egress = 1;
			else
				return problem(m, file, types->seq.items[i], p->id,
					       "policyTypes entries must be Ingress or Egress");
		}
	} else if (types && !bh_node_is_null(types) && !bh_node_is_seq(types)) {
		return problem(m, file, types, p->id, "policyTypes must be a list");
	}
	if (parse_rules(m, p, bh_node_get(spec, "ingress"), "from", &p->in, &p->nin, &bad) ||
	    (!bad && parse_rules(m, p, bh_node_get(spec, "egress"), "to", &p->eg, &p->neg, &bad)))
		return -1;
	if (bad)
		return 0;
	if (!p->types_explicit) {
		/* Section 1.1: Ingress always; Egress only when there are egress rules. */
		p->ingress = 1;
		p->egress = p->neg > 0;
	}
	p->valid = 1;
	return 0;
}

/* ---- other objects ------------------------------------------------------------------------ */

static int add_namespace(struct np_model *m, const char *file, const struct bh_node *root)
{
	const struct bh_node *meta = bh_node_get(root, "metadata");
	const char *name = bh_node_str(bh_node_get(meta, "name"));
	struct np_labels l;
	size_t i;

	if (!name)
		return 0;
	i = np_ns_find(m, name);
	if (i != (size_t)-1 && m->ns[i].node)
		return 0; /* the first definition wins */
	if (labels_from(m->arena, bh_node_get(meta, "labels"), &l))
		return -1;
	if (!np_labels_get(&l, ns_label) && labels_add(m->arena, &l, ns_label, name))
		return -1;
	if (i == (size_t)-1) {
		i = ns_get(m, name);
		if (i == (size_t)-1)
			return -1;
	}
	m->ns[i].labels = l;
	m->ns[i].node = root;
	m->ns[i].file = file;
	return 0;
}

static int mtls_add(struct np_model *m, const char *ns)
{
	if (GROW(m->arena, m->mtls_ns, m->nmtls, m->mtls_cap))
		return -1;
	m->mtls_ns[m->nmtls++] = ns;
	return 0;
}

/* Add cidr (minus excepts) to set; malformed entries are skipped (Cilium validates them). */
static int cnp_cidr(struct np_ipset *set, const char *cidr, const struct bh_node *except)
{
	struct np_ipset one = { 0 };
	struct np_iprange r, x;
	char why[128];
	int rc = 0;

	if (!cidr || np_cidr_parse(cidr, &r, why, sizeof(why)))
		return 0;
	if (np_ipset_add(&one, &r))
		rc = -1;
	for (size_t i = 0;
	     !rc && bh_node_is_seq(except) && i < except->seq.n && i < BH_LIMIT_NP_EXCEPTS; i++) {
		const char *e = bh_node_str(except->seq.items[i]);

		if (e && !np_cidr_parse(e, &x, why, sizeof(why)) && np_ipset_sub(&one, &x))
			rc = -1;
	}
	for (size_t i = 0; !rc && i < one.n; i++)
		if (np_ipset_add(set, &one.v[i]))
			rc = -1;
	np_ipset_free(&one);
	return rc;
}

static int cnp_add(struct np_model *m, const char *file, const char *ns, int clusterwide,
		   const struct bh_node *spec)
{
	const struct bh_node *eg = bh_node_get(spec, "egress");
	struct np_ipset ips = { 0 };
	struct np_cnp *c;
	int bad = 0, rc = -1;

	if (!bh_node_is_map(spec))
		return 0;
	for (size_t i = 0; bh_node_is_seq(eg) && i < eg->seq.n; i++) {
		const struct bh_node *r = eg->seq.items[i];
		const struct bh_node *l = bh_node_get(r, "toCIDR");
		const struct bh_node *set = bh_node_get(r, "toCIDRSet");
		const struct bh_node *ent = bh_node_get(r, "toEntities");

		for (size_t k = 0; bh_node_is_seq(l) && k < l->seq.n; k++)
			if (cnp_cidr(&ips, bh_node_str(l->seq.items[k]), NULL))
				goto out;
		for (size_t k = 0; bh_node_is_seq(set) && k < set->seq.n; k++)
			if (cnp_cidr(&ips, bh_node_str(bh_node_get(set->seq.items[k], "cidr")),
				     bh_node_get(set->seq.items[k], "except")))
				goto out;
		for (size_t k = 0; bh_node_is_seq(ent) && k < ent->seq.n; k++)
			if ((bh_node_is(ent->seq.items[k], "world") ||
			     bh_node_is(ent->seq.items[k], "all")) &&
			    (cnp_cidr(&ips, "0.0.0.0/0", NULL) || cnp_cidr(&ips, "::/0", NULL)))
				goto out;
	}
	if (GROW(m->arena, m->cnp, m->ncnp, m->cnp_cap))
		goto out;
	c = &m->cnp[m->ncnp];
	memset(c, 0, sizeof(*c));
	c->ns = clusterwide ? NULL : ns;
	c->ingress = bh_node_get(spec, "ingress") || bh_node_get(spec, "ingressDeny");
	c->egress = eg || bh_node_get(spec, "egressDeny");
	if (selector_parse(m, file, NULL, bh_node_get(spec, "endpointSelector"), &c->sel, &bad, 1))
		goto out;
	if (bad) {
		/* Not a NetworkPolicy problem: Cilium's own validation covers it. */
		m->nprob--;
		rc = 0;
		goto out;
	}
	if (ipset_to_arena(m, &ips, &c->ips))
		goto out;
	m->ncnp++;
	rc = 0;
out:
	np_ipset_free(&ips);
	return rc;
}

static int add_cilium(struct np_model *m, const char *file, const struct bh_node *root)
{
	const struct bh_node *meta = bh_node_get(root, "metadata");
	const char *ns = bh_node_str(bh_node_get(meta, "namespace"));
	const char *name = bh_node_str(bh_node_get(meta, "name"));
	const struct bh_node *one = bh_node_get(root, "spec");
	const struct bh_node *many = bh_node_get(root, "specs");
	size_t nspecs = (one ? 1 : 0) + (bh_node_is_seq(many) ? many->seq.n : 0);
	const char *ref = NULL;
	int mutual = 0;

	if (!ns)
		ns = "default";
	for (size_t si = 0; si < nspecs; si++) {
		/* spec, then each entry of specs (a list of rules). */
		const struct bh_node *spec =
			one ? (si == 0 ? one : many->seq.items[si - 1]) : many->seq.items[si];
		const struct bh_node *eg = bh_node_get(spec, "egress");
		const struct bh_node *in = bh_node_get(spec, "ingress");

		if (cnp_add(m, file, ns,
			    !strcmp(bh_node_str(bh_node_get(root, "kind")),
				    "CiliumClusterwideNetworkPolicy"),
			    spec))
			return -1;

		for (size_t i = 0; bh_node_is_seq(eg) && i < eg->seq.n; i++) {
			const struct bh_node *f = bh_node_get(eg->seq.items[i], "toFQDNs");

			for (size_t k = 0; bh_node_is_seq(f) && k < f->seq.n; k++) {
				const struct bh_node *e = f->seq.items[k];
				const char *pat = bh_node_str(bh_node_get(e, "matchName"));
				struct np_fqdn *q;

				if (!pat)
					pat = bh_node_str(bh_node_get(e, "matchPattern"));
				if (!pat)
					continue;
				if (GROW(m->arena, m->fqdn, m->nfqdn, m->fqdn_cap))
					return -1;
				q = &m->fqdn[m->nfqdn++];
				q->file = file;
				q->ns = ns;
				q->node = e;
				q->pattern = pat;
				if (!ref)
					ref = bh_arena_printf(
						m->arena, "%s/%s/%s",
						bh_node_str(bh_node_get(root, "kind")), ns,
						name ? name : "");
				if (!ref)
					return -1;
				q->ref = ref;
			}
		}
		for (size_t i = 0; bh_node_is_seq(in) && i < in->seq.n; i++)
			if (bh_node_is(bh_node_path(in->seq.items[i], "authentication.mode"),
				       "required"))
				mutual = 1;
	}
	return mutual ? mtls_add(m, ns) : 0;
}

static int add_peerauth(struct np_model *m, const struct bh_node *root)
{
	const struct bh_node *meta = bh_node_get(root, "metadata");
	const char *ns = bh_node_str(bh_node_get(meta, "namespace"));

	if (!bh_node_is(bh_node_path(root, "spec.mtls.mode"), "STRICT"))
		return 0;
	if (!ns)
		ns = "default";
	if (!strcmp(ns, "istio-system") && !bh_node_get(bh_node_get(root, "spec"), "selector")) {
		m->mtls_mesh_wide = 1;
		return 0;
	}
	return mtls_add(m, ns);
}

static int add_service(struct np_model *m, const struct bh_node *root)
{
	const struct bh_node *meta = bh_node_get(root, "metadata");
	struct np_svc *v;

	if (GROW(m->arena, m->svc, m->nsvc, m->svc_cap))
		return -1;
	v = &m->svc[m->nsvc++];
	v->name = bh_node_str(bh_node_get(meta, "name"));
	v->ns = bh_node_str(bh_node_get(meta, "namespace"));
	if (!v->name)
		v->name = "(unnamed)";
	if (!v->ns || !*v->ns)
		v->ns = "default";
	v->selector = bh_node_path(root, "spec.selector");
	v->ports = bh_node_path(root, "spec.ports");
	return 0;
}

static int has_prefix(const char *s, const char *p)
{
	return s && strncmp(s, p, strlen(p)) == 0;
}

static int add_object(struct np_model *m, const char *file, const struct bh_node *root,
		      const char *kind_default, unsigned depth);

static int add_list(struct np_model *m, const char *file, const struct bh_node *root,
		    const char *kind, unsigned depth)
{
	const struct bh_node *items = bh_node_get(root, "items");
	char *elem = NULL;
	size_t kl = kind ? strlen(kind) : 0;

	/* A typed list's items may omit kind: PodList items are Pods. */
	if (kl > 4 && strcmp(kind, "List") != 0) {
		elem = bh_arena_strndup(m->arena, kind, kl - 4);
		if (!elem)
			return -1;
	}
	for (size_t i = 0; bh_node_is_seq(items) && i < items->seq.n; i++)
		if (add_object(m, file, items->seq.items[i], elem, depth + 1))
			return -1;
	return 0;
}

static int add_object(struct np_model *m, const char *file, const struct bh_node *root,
		      const char *kind_default, unsigned depth)
{
	const char *kind, *api;
	size_t kl;

	if (!bh_node_is_map(root) || depth > 4)
		return 0;
	kind = bh_node_str(bh_node_get(root, "kind"));
	api = bh_node_str(bh_node_get(root, "apiVersion"));
	if (!kind || !*kind)
		kind = kind_default;
	if (!kind) {
		if (bh_node_is_seq(bh_node_get(root, "items")))
			return add_list(m, file, root, NULL, depth);
		return 0;
	}
	kl = strlen(kind);
	if (kl >= 4 && strcmp(kind + kl - 4, "List") == 0)
		return add_list(m, file, root, kind, depth);
	if (has_prefix(api, "security.istio.io/") || has_prefix(api, "networking.istio.io/"))
		m->uses_istio = 1;
	if (has_prefix(api, "cilium.io/"))
		m->uses_cilium = 1;
	if (!strcmp(kind, "NetworkPolicy") && (!api || !strcmp(api, "networking.k8s.io/v1")))
		return add_policy(m, file, root);
	if (!strcmp(kind, "Namespace")) {
		const struct bh_node *l = bh_node_path(root, "metadata.labels");

		/* Sidecar injection by namespace label means the set uses Istio. */
		if (bh_node_is(bh_node_get(l, "istio-injection"), "enabled") ||
		    bh_node_get(l, "istio.io/rev"))
			m->uses_istio = 1;
		return add_namespace(m, file, root);
	}
	if (!strcmp(kind, "Service"))
		return add_service(m, root);
	if (!strcmp(kind, "CiliumNetworkPolicy") || !strcmp(kind, "CiliumClusterwideNetworkPolicy"))
		return add_cilium(m, file, root);
	if (!strcmp(kind, "PeerAuthentication"))
		return add_peerauth(m, root);
	if (is_wl_kind(kind))
		return add_workload(m, file, root, kind);
	return 0;
}

bh_err np_model_build(struct bh_scan *s, struct np_model **out, struct bh_diag *diag)
{
	struct np_model *m = bh_arena_alloc(&s->arena, sizeof(*m));
	const struct bh_doc *const *docs;
	size_t n = np_layer_docs(s, &docs);

	if (!m)
		return BH_ERR_NOMEM;
	m->arena = &s->arena;
	for (size_t i = 0; i < n; i++)
		if (add_object(m, docs[i]->file, docs[i]->root, NULL, 0)) {
			np_model_release(m);
			return BH_ERR_NOMEM;
		}
	m->nreal = m->nwl;
	if (m->over_limit)
		return bh_diag_set(
			diag, BH_ERR_LIMIT, n ? docs[0]->file : "", 0, 0,
			"more %s than the network analysis allows (%u workloads, %u policies, %u pod peers)",
			m->over_limit, BH_LIMIT_NP_WORKLOADS, BH_LIMIT_NP_POLICIES,
			BH_LIMIT_NP_PEERS);
	*out = m;
	return BH_OK;
}

bh_err np_model_add_probe(struct np_model *m, const char *ns, const char *const *labels,
			  size_t nlabels, const struct np_cport *ports, size_t nports, size_t *idx)
{
	struct np_wl *w;

	if (GROW(m->arena, m->wl, m->nwl, m->wl_cap))
		return BH_ERR_NOMEM;
	w = &m->wl[m->nwl];
	memset(w, 0, sizeof(*w));
	w->ns = ns;
	w->name = "(probe)";
	w->kind = "Pod";
	w->id = bh_arena_printf(m->arena, "%s/(probe)[Pod]", ns);
	w->ref = w->id;
	w->virtual_ = 1;
	w->nsi = ns_get(m, ns);
	if (!w->id || w->nsi == (size_t)-1)
		return BH_ERR_NOMEM;
	for (size_t i = 0; i + 1 < nlabels * 2; i += 2)
		if (labels_add(m->arena, &w->labels, labels[i], labels[i + 1]))
			return BH_ERR_NOMEM;
	if (nports) {
		w->ports = bh_arena_alloc(m->arena, nports * sizeof(*ports));
		if (!w->ports)
			return BH_ERR_NOMEM;
		memcpy(w->ports, ports, nports * sizeof(*ports));
		w->nports = nports;
	}
	*idx = m->nwl++;
	return BH_OK;
}

void np_model_release(struct np_model *m)
{
	/* Everything lives in the scan's arena (IP sets are moved there when parsed). */
	(void)m;
}

size_t np_svc_workload(const struct np_model *m, const struct np_svc *v)
{
	const struct bh_node *sel = v->selector;

	if (!bh_node_is_map(sel) || !sel->map.n)
		return (size_t)-1;
	for (size_t w = 0; w < m->nreal; w++) {
		const struct np_wl *wl = &m->wl[w];
		int ok = !strcmp(wl->ns, v->ns);

		for (size_t i = 0; ok && i < sel->map.n; i++) {
			const char *k = bh_node_str(sel->map.pairs[i].key);
			const char *val = bh_node_str(sel->map.pairs[i].value);
			const char *have = k ? np_labels_get(&wl->labels, k) : NULL;

			ok = have && val && !strcmp(have, val);
		}
		if (ok)
			return w;
	}
	return (size_t)-1;
}

int np_svc_target_port(const struct np_svc *v, const struct np_wl *w, uint32_t port,
		       enum np_proto proto, uint32_t *out)
{
	for (size_t k = 0; bh_node_is_seq(v->ports) && k < v->ports->seq.n; k++) {
		const struct bh_node *sp = v->ports->seq.items[k];
		const struct bh_node *tp = bh_node_get(sp, "targetPort");
		const char *pr = bh_node_str(bh_node_get(sp, "protocol"));
		enum np_proto p = NP_TCP;
		long long num, t;

		if ((pr && np_proto_parse(pr, &p)) || p != proto ||
		    !bh_node_int(bh_node_get(sp, "port"), &num) || num != (long long)port)
			continue;
		if (!tp) {
			*out = port; /* targetPort defaults to port */
			return 1;
		}
		if (bh_node_int(tp, &t) && t >= 1 && t <= 65535) {
			*out = (uint32_t)t;
			return 1;
		}
		/* A named targetPort resolves on the pod. */
		for (size_t q = 0; bh_node_str(tp) && q < w->nports; q++)
			if (w->ports[q].name && !strcmp(w->ports[q].name, bh_node_str(tp)) &&
			    w->ports[q].proto == proto) {
				*out = w->ports[q].port;
				return 1;
			}
		return 0;
	}
	return 0;
}
