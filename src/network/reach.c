/*
 * Reachability (section 4): which policies select each workload per direction, which workloads
 * each peer matches (precomputed as bitsets so a pair costs a few bit tests per rule), the IP
 * atoms of each side (section 5.2), and the connection predicate
 *   Allowed(S->D) = EgressAllowed(S, D) & IngressAllowed(D, S)
 * with named ports resolved at the destination pod.
 */
#include "np.h"

#include <stdlib.h>
#include <string.h>

#include "core/banned.h"

static int bit(const uint64_t *b, size_t i)
{
	return (int)((b[i / 64] >> (i % 64)) & 1u);
}

static int peer_matches_wl(const struct np_model *m, const struct np_policy *p,
			   const struct np_peer *peer, const struct np_wl *w)
{
	if (peer->kind != NP_PEER_POD)
		return 0;
	if (peer->ns_sel) {
		if (!np_selector_match(peer->ns_sel, &m->ns[w->nsi].labels))
			return 0;
	} else if (strcmp(w->ns, p->ns) != 0) {
		return 0;
	}
	return !peer->pod_sel || np_selector_match(peer->pod_sel, &w->labels);
}

static bh_err index_rules(struct np_model *m, const struct np_policy *p, struct np_rule *rs,
			  size_t n)
{
	for (size_t r = 0; r < n; r++)
		for (size_t k = 0; k < rs[r].npeers; k++) {
			struct np_peer *peer = &rs[r].peers[k];

			if (peer->kind != NP_PEER_POD)
				continue;
			peer->match = bh_arena_alloc(m->arena, m->words * sizeof(uint64_t));
			if (!peer->match)
				return BH_ERR_NOMEM;
			for (size_t w = 0; w < m->nwl; w++)
				if (peer_matches_wl(m, p, peer, &m->wl[w]))
					peer->match[w / 64] |= (uint64_t)1 << (w % 64);
		}
	return BH_OK;
}

static int cut_cmp(const void *a, const void *b)
{
	return np_ip_cmp(a, b);
}

/* Cut one family's space at every boundary of the ipBlocks of one side into atoms. */
static bh_err atoms_for(struct np_model *m, int ingress, int v6, struct np_iprange **out,
			size_t *nout)
{
	struct np_ip *cuts = NULL;
	size_t ncuts = 0, cap = 0, any = 0;
	struct np_iprange *atoms;
	bh_err err = BH_ERR_NOMEM;

	for (size_t i = 0; i < m->npol; i++) {
		const struct np_policy *p = &m->pol[i];
		const struct np_rule *rs = ingress ? p->in : p->eg;
		size_t nr = ingress ? p->nin : p->neg;

		if (!p->valid)
			continue;
		for (size_t r = 0; r < nr; r++)
			for (size_t k = 0; k < rs[r].npeers; k++) {
				const struct np_ipset *s = &rs[r].peers[k].ips;

				for (size_t j = 0; j < s->n; j++) {
					struct np_ip hi1 = s->v[j].hi;

					if (s->v[j].v6 != v6)
						continue;
					any = 1;
					if (ncuts + 2 > cap) {
						size_t nc = cap ? cap * 2 : 64;
						struct np_ip *c = realloc(cuts, nc * sizeof(*c));

						if (!c)
							goto out;
						cuts = c;
						cap = nc;
					}
					cuts[ncuts++] = s->v[j].lo;
					if (++hi1.lo == 0)
						hi1.hi++;
					/* The end of the space is not a cut. */
					if (v6 ? !(hi1.hi == 0 && hi1.lo == 0)
					       : hi1.lo != (uint64_t)1 << 32)
						cuts[ncuts++] = hi1;
				}
			}
	}
	if (!any && v6) {
		*out = NULL;
		*nout = 0;
		err = BH_OK;
		goto out;
	}
	if (ncuts)
		qsort(cuts, ncuts, sizeof(*cuts), cut_cmp);
	atoms = bh_arena_alloc(m->arena, (ncuts + 1) * sizeof(*atoms));
	if (!atoms)
		goto out;
	*nout = 0;
	{
		struct np_ip start = { 0, 0 };

		for (size_t i = 0; i <= ncuts; i++) {
			struct np_iprange a = { .v6 = (unsigned char)v6, .lo = start };

			if (i < ncuts) {
				if (np_ip_cmp(&cuts[i], &start) <= 0)
					continue; /* duplicate or the space's start */
				a.hi = cuts[i];
				if (a.hi.lo-- == 0)
					a.hi.hi--;
				start = cuts[i];
			} else if (v6) {
				a.hi.hi = a.hi.lo = UINT64_MAX;
			} else {
				a.hi.hi = 0;
				a.hi.lo = 0xffffffffu;
			}
			atoms[(*nout)++] = a;
		}
	}
	*out = atoms;
	err = BH_OK;
out:
	free(cuts);
	return err;
}

static bh_err atoms_side(struct np_model *m, int ingress, struct np_iprange **out, size_t *nout)
{
	struct np_iprange *a4, *a6;
	size_t n4, n6;
	bh_err err = atoms_for(m, ingress, 0, &a4, &n4);

	if (!err)
		err = atoms_for(m, ingress, 1, &a6, &n6);
	if (err)
		return err;
	*out = bh_arena_alloc(m->arena, (n4 + n6 + 1) * sizeof(**out));
	if (!*out)
		return BH_ERR_NOMEM;
	memcpy(*out, a4, n4 * sizeof(*a4));
	if (n6)
		memcpy(*out + n4, a6, n6 * sizeof(*a6));
	*nout = n4 + n6;
	return BH_OK;
}

bh_err np_model_index(struct np_model *m)
{
	bh_err err;

	m->words = (m->nwl + 63) / 64;
	if (!m->words)
		m->words = 1;
	for (size_t i = 0; i < m->npol; i++) {
		struct np_policy *p = &m->pol[i];

		if (!p->valid)
			continue;
		if ((err = index_rules(m, p, p->in, p->nin)) ||
		    (err = index_rules(m, p, p->eg, p->neg)))
			return err;
	}
	for (size_t w = 0; w < m->nwl; w++) {
		struct np_wl *wl = &m->wl[w];

		wl->ning = wl->neg = 0;
		for (int pass = 0; pass < 2; pass++) {
			if (pass) {
				wl->ing = bh_arena_alloc(m->arena, (wl->ning + 1) * sizeof(size_t));
				wl->eg = bh_arena_alloc(m->arena, (wl->neg + 1) * sizeof(size_t));
				if (!wl->ing || !wl->eg)
					return BH_ERR_NOMEM;
				wl->ning = wl->neg = 0;
			}
			for (size_t i = 0; i < m->npol; i++) {
				const struct np_policy *p = &m->pol[i];

				if (!p->valid || strcmp(p->ns, wl->ns) != 0 ||
				    !np_selector_match(&p->sel, &wl->labels))
					continue;
				if (p->ingress) {
					if (pass)
						wl->ing[wl->ning] = i;
					wl->ning++;
				}
				if (p->egress) {
					if (pass)
						wl->eg[wl->neg] = i;
					wl->neg++;
				}
			}
		}
	}
	if ((err = atoms_side(m, 1, &m->src_atoms, &m->nsrc_atoms)) ||
	    (err = atoms_side(m, 0, &m->dst_atoms, &m->ndst_atoms)))
		return err;
	return BH_OK;
}

int np_peer_matches(const struct np_model *m, const struct np_peer *p, const struct np_ep *e)
{
	(void)m;
	if (e->is_ip)
		return p->kind == NP_PEER_IP && np_ipset_covers(&p->ips, &e->ip);
	return p->kind == NP_PEER_POD && p->match && bit(p->match, e->wl);
}

int np_rule_matches(const struct np_model *m, const struct np_rule *r, const struct np_ep *e)
{
	if (!r->npeers)
		return 1;
	for (size_t k = 0; k < r->npeers; k++)
		if (np_peer_matches(m, &r->peers[k], e))
			return 1;
	return 0;
}

bh_err np_rule_ports(const struct np_rule *r, const struct np_ep *dst, const struct np_model *m,
		     struct np_conn *out)
{
	np_conn_clear(out);
	if (!r->nports)
		return np_conn_set_all(out);
	for (size_t i = 0; i < r->nports; i++) {
		const struct np_port *p = &r->ports[i];

		if (p->named) {
			const struct np_wl *w;

			if (dst->is_ip)
				continue; /* named ports never resolve for IP destinations */
			w = &m->wl[dst->wl];
			for (size_t k = 0; k < w->nports; k++)
				if (w->ports[k].name && w->ports[k].proto == p->proto &&
				    strcmp(w->ports[k].name, p->named) == 0) {
					if (np_conn_add(out, p->proto, w->ports[k].port,
							w->ports[k].port))
						return BH_ERR_NOMEM;
					break; /* the first container port with the name */
				}
			continue;
		}
		if (np_conn_add(out, p->proto, p->all ? 1 : p->lo, p->all ? 65535 : p->hi))
			return BH_ERR_NOMEM;
	}
	return BH_OK;
}

/* Union over the rules of the given policies that match peer, with ports toward dst. */
static bh_err fold(const struct np_model *m, const size_t *pols, size_t npols, int ingress,
		   const struct np_ep *peer, const struct np_ep *dst, struct np_conn *out)
{
	struct np_conn tmp = { 0 };
	bh_err err = BH_OK;

	np_conn_clear(out);
	for (size_t i = 0; i < npols && !err; i++) {
		const struct np_policy *p = &m->pol[pols[i]];
		const struct np_rule *rs = ingress ? p->in : p->eg;
		size_t nr = ingress ? p->nin : p->neg;

		for (size_t r = 0; r < nr && !err; r++) {
			if (!np_rule_matches(m, &rs[r], peer))
				continue;
			err = np_rule_ports(&rs[r], dst, m, &tmp);
			if (!err)
				err = np_conn_union(out, &tmp);
			if (!err && np_conn_is_all(out))
				goto done;
		}
	}
done:
	np_conn_free(&tmp);
	return err;
}

bh_err np_ingress_allowed(const struct np_model *m, const struct np_ep *src, size_t dst,
			  struct np_conn *out)
{
	const struct np_wl *w = &m->wl[dst];
	struct np_ep d = { .is_ip = 0, .wl = dst };

	if (!w->ning)
		return np_conn_set_all(out);
	return fold(m, w->ing, w->ning, 1, src, &d, out);
}

bh_err np_egress_allowed(const struct np_model *m, size_t src, const struct np_ep *dst,
			 struct np_conn *out)
{
	const struct np_wl *w = &m->wl[src];

	if (!w->neg)
		return np_conn_set_all(out);
	return fold(m, w->eg, w->neg, 0, dst, dst, out);
}

bh_err np_allowed(const struct np_model *m, const struct np_ep *src, const struct np_ep *dst,
		  struct np_conn *out)
{
	struct np_conn in = { 0 };
	bh_err err;

	if (!src->is_ip)
		err = np_egress_allowed(m, src->wl, dst, out);
	else
		err = np_conn_set_all(out);
	if (err || dst->is_ip || np_conn_is_empty(out))
		return err;
	err = np_ingress_allowed(m, src, dst->wl, &in);
	if (!err)
		err = np_conn_intersect(out, &in);
	np_conn_free(&in);
	return err;
}
