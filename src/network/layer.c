/*
 * Registration of the network layer. It claims every document that looks like a Kubernetes
 * object or list (including kind-less `items:` lists, which kubectl emits and the Kubernetes
 * layer skips), keeps them in input order, and in finish() builds the model, adds the probe
 * workloads the rules need (a cluster DNS pod when the input has none, and a stranger pod in an
 * unknown namespace), indexes it and runs the NP rules.
 */
#include "network.h"

#include <string.h>

#include "np.h"

#include "core/banned.h"

struct np_state {
	const struct bh_doc **docs;
	size_t n, cap;
	struct np_model *model;
};

static struct np_state *state(struct bh_scan *s)
{
	if (!s->layer_state[BH_LAYER_NP])
		s->layer_state[BH_LAYER_NP] = bh_arena_alloc(&s->arena, sizeof(struct np_state));
	return s->layer_state[BH_LAYER_NP];
}

size_t np_layer_docs(const struct bh_scan *s, const struct bh_doc *const **out)
{
	const struct np_state *st = s->layer_state[BH_LAYER_NP];

	*out = st ? st->docs : NULL;
	return st ? st->n : 0;
}

struct np_model *np_scan_model(const struct bh_scan *s)
{
	const struct np_state *st = s->layer_state[BH_LAYER_NP];

	return st ? st->model : NULL;
}

static int claims_doc(const char *path, const struct bh_doc *doc)
{
	const struct bh_node *r = doc->root;

	(void)path;
	if (!bh_node_is_map(r))
		return 0;
	return (bh_node_str(bh_node_get(r, "apiVersion")) && bh_node_str(bh_node_get(r, "kind"))) ||
	       bh_node_is_seq(bh_node_get(r, "items"));
}

static bh_err scan_doc(struct bh_scan *s, const struct bh_input *in, const struct bh_doc *doc,
		       struct bh_diag *diag)
{
	struct np_state *st = state(s);

	(void)in;
	(void)diag;
	if (!st)
		return BH_ERR_NOMEM;
	if (st->n == st->cap) {
		size_t ncap = st->cap ? st->cap * 2 : 64;
		const struct bh_doc **p = bh_arena_realloc(&s->arena, st->docs,
							   st->cap * sizeof(*p), ncap * sizeof(*p));

		if (!p)
			return BH_ERR_NOMEM;
		st->docs = p;
		st->cap = ncap;
	}
	st->docs[st->n++] = doc;
	return BH_OK;
}

/* The probe workloads: cluster DNS when the input has none, and a pod nobody selects. */
static bh_err add_probes(struct np_model *m)
{
	static const char *const dns_labels[] = { "k8s-app", "kube-dns" };
	static const struct np_cport dns_ports[] = {
		{ "dns", 53, NP_UDP },
		{ "dns-tcp", 53, NP_TCP },
	};
	size_t idx;
	int have_dns = 0;
	bh_err err;

	for (size_t i = 0; i < m->nreal; i++) {
		const char *app = np_labels_get(&m->wl[i].labels, "k8s-app");

		if (!strcmp(m->wl[i].ns, "kube-system") && app && !strcmp(app, "kube-dns"))
			have_dns = 1;
	}
	if (!have_dns &&
	    (err = np_model_add_probe(m, "kube-system", dns_labels, 1, dns_ports, 2, &idx)))
		return err;
	return np_model_add_probe(m, "bulkhead-probe-unknown-namespace", NULL, 0, NULL, 0, &idx);
}

static bh_err finish(struct bh_scan *s, struct bh_diag *diag)
{
	struct np_state *st = s->layer_state[BH_LAYER_NP];
	struct np_model *m;
	bh_err err;

	if (!st || !st->n)
		return BH_OK;
	if ((err = np_model_build(s, &m, diag)))
		return err;
	st->model = m;
	if ((err = add_probes(m)) || (err = np_model_index(m)))
		return err;
	np_rules_check(s, m);
	return BH_OK;
}

static void release(struct bh_scan *s)
{
	struct np_state *st = s->layer_state[BH_LAYER_NP];

	if (st && st->model)
		np_model_release(st->model);
}

const struct bh_layer_ops bh_network_layer = {
	.name = "network",
	.layer = BH_LAYER_NP,
	.claims_doc = claims_doc,
	.scan_doc = scan_doc,
	.finish = finish,
	.release = release,
};
