/*
 * The network layer's internal model: namespaces, workloads (connectivity peers), NetworkPolicies
 * normalised once (effective policyTypes, selectors as requirement lists, ipBlocks as exact IP
 * interval sets, ports as protocol x interval sets), and the set algebra the reachability
 * evaluator needs. Semantics follow ../shared/docs/NETPOL_SEMANTICS.md; section numbers in
 * comments refer to it.
 *
 * Ownership: the model and everything it points to live in the scan's arena, except connection
 * sets (struct np_conn), which are malloc-owned by whoever holds them and freed with
 * np_conn_free(), because the evaluator makes and drops millions of them.
 */
#ifndef BH_NP_H
#define BH_NP_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/doc.h"
#include "core/err.h"
#include "core/scan.h"

/* Protocols in print order: the connlist sorts them lexicographically (SCTP < TCP < UDP). */
enum np_proto {
	NP_SCTP,
	NP_TCP,
	NP_UDP,
	NP_NPROTO,
};

/* ---- port sets -------------------------------------------------------------------------- */

struct np_iv {
	uint32_t lo, hi; /* closed */
};

struct np_ports {
	struct np_iv *v; /* sorted, merged, non-adjacent */
	uint32_t n, cap;
};

struct np_conn {
	struct np_ports p[NP_NPROTO];
};

void np_conn_free(struct np_conn *c);
void np_conn_clear(struct np_conn *c);
bh_err np_conn_add(struct np_conn *c, enum np_proto proto, uint32_t lo, uint32_t hi);
bh_err np_conn_set_all(struct np_conn *c);
bh_err np_conn_union(struct np_conn *dst, const struct np_conn *src);
bh_err np_conn_intersect(struct np_conn *dst, const struct np_conn *src);
int np_conn_is_all(const struct np_conn *c);
int np_conn_is_empty(const struct np_conn *c);
int np_conn_has(const struct np_conn *c, enum np_proto proto, uint32_t port);
/* "All Connections", "No Connections" or "TCP 80,8080-8090,UDP 53" (section 5.5). */
bh_err np_conn_format(const struct np_conn *c, struct bh_buf *out);
const char *np_proto_name(enum np_proto p);
int np_proto_parse(const char *s, enum np_proto *out);

/* ---- IP sets ---------------------------------------------------------------------------- */

/* An address in 128 bits; IPv4 uses the low 32 bits of lo. The family is in the range. */
struct np_ip {
	uint64_t hi, lo;
};

struct np_iprange {
	struct np_ip lo, hi; /* closed */
	unsigned char v6;
};

struct np_ipset {
	struct np_iprange *v; /* sorted by (v6, lo), merged; malloc-owned */
	size_t n, cap;
};

/* Parse "a.b.c.d/n" or an IPv6 CIDR; host bits must be zero as the API server requires. */
int np_cidr_parse(const char *s, struct np_iprange *out, char *why, size_t whylen);
/* Parse a single address (for explain). */
int np_ip_parse(const char *s, struct np_iprange *out);
void np_ipset_free(struct np_ipset *s);
bh_err np_ipset_add(struct np_ipset *s, const struct np_iprange *r);
bh_err np_ipset_sub(struct np_ipset *s, const struct np_iprange *r);
/* 1 when every address of r is in s. */
int np_ipset_covers(const struct np_ipset *s, const struct np_iprange *r);
/* 1 when some address of r is in s. */
int np_ipset_overlaps(const struct np_ipset *s, const struct np_iprange *r);
int np_ip_cmp(const struct np_ip *a, const struct np_ip *b);
/* "10.0.0.0-10.255.255.255" (section 5.2); IPv6 in RFC 5952 form. */
bh_err np_iprange_format(const struct np_iprange *r, struct bh_buf *out);

/* ---- selectors and labels --------------------------------------------------------------- */

struct np_labels {
	const char **k, **v;
	size_t n;
};

enum np_op {
	NP_OP_IN,
	NP_OP_NOTIN,
	NP_OP_EXISTS,
	NP_OP_DNE,
};

struct np_req {
	const char *key;
	enum np_op op;
	const char **values;
	size_t nvalues;
};

struct np_selector {
	struct np_req *req;
	size_t n;
	const struct bh_node *node;
};

int np_selector_match(const struct np_selector *s, const struct np_labels *l);
const char *np_labels_get(const struct np_labels *l, const char *key);

/* ---- the model -------------------------------------------------------------------------- */

struct np_ns {
	const char *name;
	struct np_labels labels;
	const struct bh_node *node; /* the Namespace object, or NULL when implied */
	const char *file;
};

struct np_cport {
	const char *name; /* or NULL */
	uint32_t port;
	enum np_proto proto;
};

struct np_wl {
	const char *name, *kind, *ns;
	const char *id; /* "ns/name[Kind]" */
	size_t nsi;	/* index into the namespaces */
	struct np_labels labels;
	struct np_cport *ports;
	size_t nports;
	const char *file;
	const struct bh_node *root;	/* the object */
	const struct bh_node *pod_meta; /* pod template metadata */
	const struct bh_node *pod_spec; /* pod spec */
	const char *ref;		/* "Kind/ns/name" for findings */
	size_t *ing, *eg;		/* selecting policies per direction */
	size_t ning, neg;
	int agent;		 /* 1 when it is an AI agent workload */
	const char *agent_class; /* its class, or NULL */
	int virtual_;		 /* synthetic probe, never printed */
};

enum np_peer_kind {
	NP_PEER_POD,
	NP_PEER_IP,
};

struct np_peer {
	enum np_peer_kind kind;
	const struct np_selector *pod_sel; /* NULL when absent */
	const struct np_selector *ns_sel;  /* NULL when absent */
	struct np_ipset ips;		   /* cidr \ except */
	const struct bh_node *node;
	uint64_t *match; /* bitset over workloads, filled by np_model_index() */
};

struct np_port {
	enum np_proto proto;
	int all;	   /* no port: every port of the protocol */
	uint32_t lo, hi;   /* numeric port..endPort */
	const char *named; /* named port, resolved per destination */
	const struct bh_node *node;
};

struct np_rule {
	struct np_peer *peers;
	size_t npeers; /* 0: every source or destination */
	struct np_port *ports;
	size_t nports; /* 0: every port and protocol */
	const struct bh_node *node;
};

struct np_policy {
	const char *name, *ns, *file;
	const char *id; /* "ns/name" */
	const struct bh_node *root;
	struct np_selector sel;
	int ingress, egress; /* effective policyTypes (section 1.1) */
	int types_explicit;
	struct np_rule *in, *eg;
	size_t nin, neg;
	int valid;
};

/* A problem that makes an input invalid for the API server (netpol list fails on it). */
struct np_problem {
	const char *file;
	const struct bh_node *node;
	const char *ref;
	const char *msg;
};

/* A Service: which pods it selects and how its ports map to container ports (for NP-010). */
struct np_svc {
	const char *name, *ns;
	const struct bh_node *selector; /* spec.selector mapping, or NULL */
	const struct bh_node *ports;	/* spec.ports */
};

/*
 * What the rules need of a CiliumNetworkPolicy rule set (Cilium is not evaluated for the
 * connlist): the endpoints it selects, whether it isolates them per direction (a present
 * ingress or egress section does in Cilium), and the external addresses its egress allows
 * (toCIDR, toCIDRSet minus except, toEntities world/all), at L3 only.
 */
struct np_cnp {
	const char *ns; /* NULL for a cluster-wide policy */
	struct np_selector sel;
	int ingress, egress;
	struct np_ipset ips;
};

/* A CiliumNetworkPolicy's toFQDNs allow-list, for the FQDN rule. */
struct np_fqdn {
	const char *file, *ref, *ns;
	const struct bh_node *node;
	const char *pattern; /* matchName or matchPattern */
};

struct np_model {
	struct bh_arena *arena;
	struct np_ns *ns;
	size_t nns, ns_cap;
	struct np_wl *wl;
	size_t nwl, wl_cap;
	size_t nreal; /* workloads [0, nreal) are real; the rest are probes */
	struct np_policy *pol;
	size_t npol, pol_cap;
	struct np_problem *prob;
	size_t nprob, prob_cap;
	struct np_fqdn *fqdn;
	size_t nfqdn, fqdn_cap;
	/* Objects seen for the mTLS rule. */
	int uses_istio, uses_cilium;
	const char **mtls_ns; /* namespaces with STRICT PeerAuthentication or Cilium mutual auth */
	size_t nmtls, mtls_cap;
	int mtls_mesh_wide; /* a STRICT PeerAuthentication in the root namespace */
	struct np_svc *svc;
	size_t nsvc, svc_cap;
	struct np_cnp *cnp;
	size_t ncnp, cnp_cap;
	/* IP atoms per side (section 5.2). */
	struct np_iprange *src_atoms, *dst_atoms;
	size_t nsrc_atoms, ndst_atoms;
	size_t words;		/* uint64 words per workload bitset */
	const char *over_limit; /* what exceeded a limit while building, or NULL */
	size_t npeers;		/* pod peers parsed, for BH_LIMIT_NP_PEERS */
};

/* Build the model from the scan's Kubernetes objects (and kind-less lists the layer kept). */
bh_err np_model_build(struct bh_scan *s, struct np_model **out, struct bh_diag *diag);
/* Add a synthetic workload (a probe) after build; returns its index. */
bh_err np_model_add_probe(struct np_model *m, const char *ns, const char *const *labels,
			  size_t nlabels, const struct np_cport *ports, size_t nports, size_t *idx);
/* Compute peer match bitsets, per-workload policy lists and IP atoms; call after probes. */
bh_err np_model_index(struct np_model *m);
void np_model_release(struct np_model *m);
size_t np_ns_find(const struct np_model *m, const char *name);
/* The first workload a Service selects, or (size_t)-1. */
size_t np_svc_workload(const struct np_model *m, const struct np_svc *v);
/* The pod port a Service port forwards to on workload w; 1 when it maps. */
int np_svc_target_port(const struct np_svc *v, const struct np_wl *w, uint32_t port,
		       enum np_proto proto, uint32_t *out);

/* ---- reachability ----------------------------------------------------------------------- */

/* An endpoint: a workload index, or an IP range (an atom or an address). */
struct np_ep {
	int is_ip;
	size_t wl;
	struct np_iprange ip;
};

/* The allowed connections src -> dst (section 4.3) into out (cleared first). */
bh_err np_allowed(const struct np_model *m, const struct np_ep *src, const struct np_ep *dst,
		  struct np_conn *out);
/* One direction only: what dst's ingress allows from src / src's egress allows to dst. */
bh_err np_ingress_allowed(const struct np_model *m, const struct np_ep *src, size_t dst,
			  struct np_conn *out);
bh_err np_egress_allowed(const struct np_model *m, size_t src, const struct np_ep *dst,
			 struct np_conn *out);
/* The connections one rule grants toward a destination (named ports resolved there). */
bh_err np_rule_ports(const struct np_rule *r, const struct np_ep *dst, const struct np_model *m,
		     struct np_conn *out);
/* Whether peer p (of a policy in namespace ns) matches the endpoint. */
int np_peer_matches(const struct np_model *m, const struct np_peer *p, const struct np_ep *e);
int np_rule_matches(const struct np_model *m, const struct np_rule *r, const struct np_ep *e);

/* ---- output ----------------------------------------------------------------------------- */

enum np_format {
	NP_FMT_TXT,
	NP_FMT_JSON,
	NP_FMT_DOT,
	NP_FMT_MD,
	NP_FMT_CSV,
	NP_FMT_MERMAID, /* the graph part of md alone */
};

/*
 * The connlist (section 5) in the given format; focus, when not NULL, keeps only the pairs with
 * that workload on one side (name, ns/name or ns/name[Kind]).
 */
bh_err np_connlist(const struct np_model *m, enum np_format fmt, const char *focus,
		   struct bh_buf *out);
/* Whether endpoint e is the workload called name (name, ns/name or ns/name[Kind]). */
int np_wl_is(const struct np_model *m, const struct np_ep *e, const char *name);
/* Why src can or cannot reach dst; port may be 0 (all). Sets *allowed. */
bh_err np_explain(const struct np_model *m, const struct np_ep *src, const struct np_ep *dst,
		  int proto, uint32_t port, struct bh_buf *out, int *allowed);

/* The layer's model of the scan (built in finish), or NULL. */
struct np_model *np_scan_model(const struct bh_scan *s);

/* The NP rule checks; subject is the model. */
void np_rules_check(struct bh_scan *s, struct np_model *m);

#endif
