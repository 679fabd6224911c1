/*
 * Exact set arithmetic for the evaluator: port interval sets per protocol (connection sets) and
 * IP interval sets over IPv4 and IPv6 (ipBlock cidr minus excepts). Both keep their intervals
 * sorted, merged and non-adjacent, so equality of sets is equality of arrays and printing is a
 * walk. Every operation is linear in the sizes of its operands.
 */
#include "np.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/banned.h"

/* ---- port sets ---------------------------------------------------------------------------- */

static const char *const proto_names[NP_NPROTO] = { "SCTP", "TCP", "UDP" };

const char *np_proto_name(enum np_proto p)
{
	return proto_names[p];
}

int np_proto_parse(const char *s, enum np_proto *out)
{
	for (int i = 0; i < NP_NPROTO; i++)
		if (strcmp(s, proto_names[i]) == 0) {
			*out = (enum np_proto)i;
			return 0;
		}
	return -1;
}

void np_conn_free(struct np_conn *c)
{
	for (int i = 0; i < NP_NPROTO; i++) {
		free(c->p[i].v);
		c->p[i].v = NULL;
		c->p[i].n = c->p[i].cap = 0;
	}
}

void np_conn_clear(struct np_conn *c)
{
	for (int i = 0; i < NP_NPROTO; i++)
		c->p[i].n = 0;
}

static bh_err ports_reserve(struct np_ports *p, uint32_t n)
{
	struct np_iv *v;
	uint32_t cap;

	if (n <= p->cap)
		return BH_OK;
	cap = p->cap ? p->cap * 2 : 4;
	while (cap < n)
		cap *= 2;
	v = realloc(p->v, cap * sizeof(*v));
	if (!v)
		return BH_ERR_NOMEM;
	p->v = v;
	p->cap = cap;
	return BH_OK;
}

/* Insert [lo,hi] keeping the invariant; the sets here are tiny, so a linear merge is fine. */
static bh_err ports_add(struct np_ports *p, uint32_t lo, uint32_t hi)
{
	uint32_t i = 0, j;

	while (i < p->n && (uint64_t)p->v[i].hi + 1 < lo)
		i++;
	j = i;
	while (j < p->n && p->v[j].lo <= (uint64_t)hi + 1) {
		if (p->v[j].lo < lo)
			lo = p->v[j].lo;
		if (p->v[j].hi > hi)
			hi = p->v[j].hi;
		j++;
	}
	if (j == i) {
		if (ports_reserve(p, p->n + 1))
			return BH_ERR_NOMEM;
		memmove(p->v + i + 1, p->v + i, (p->n - i) * sizeof(*p->v));
		p->n++;
	} else if (j > i + 1) {
		memmove(p->v + i + 1, p->v + j, (p->n - j) * sizeof(*p->v));
		p->n -= j - i - 1;
	}
	p->v[i].lo = lo;
	p->v[i].hi = hi;
	return BH_OK;
}

bh_err np_conn_add(struct np_conn *c, enum np_proto proto, uint32_t lo, uint32_t hi)
{
	return ports_add(&c->p[proto], lo, hi);
}

bh_err np_conn_set_all(struct np_conn *c)
{
	for (int i = 0; i < NP_NPROTO; i++) {
		c->p[i].n = 0;
		if (ports_add(&c->p[i], 1, 65535))
			return BH_ERR_NOMEM;
	}
	return BH_OK;
}

bh_err np_conn_union(struct np_conn *dst, const struct np_conn *src)
{
	for (int i = 0; i < NP_NPROTO; i++)
		for (uint32_t k = 0; k < src->p[i].n; k++)
			if (ports_add(&dst->p[i], src->p[i].v[k].lo, src->p[i].v[k].hi))
				return BH_ERR_NOMEM;
	return BH_OK;
}

bh_err np_conn_intersect(struct np_conn *dst, const struct np_conn *src)
{
	for (int i = 0; i < NP_NPROTO; i++) {
		struct np_ports r = { 0 };
		const struct np_ports *a = &dst->p[i], *b = &src->p[i];
		uint32_t x = 0, y = 0;

		while (x < a->n && y < b->n) {
			uint32_t lo = a->v[x].lo > b->v[y].lo ? a->v[x].lo : b->v[y].lo;
			uint32_t hi = a->v[x].hi < b->v[y].hi ? a->v[x].hi : b->v[y].hi;

			if (lo <= hi) {
				if (ports_reserve(&r, r.n + 1)) {
					free(r.v);
					return BH_ERR_NOMEM;
				}
				r.v[r.n].lo = lo;
				r.v[r.n].hi = hi;
				r.n++;
			}
			if (a->v[x].hi < b->v[y].hi)
				x++;
			else
				y++;
		}
		free(dst->p[i].v);
		dst->p[i] = r;
	}
	return BH_OK;
}

int np_conn_is_all(const struct np_conn *c)
{
	for (int i = 0; i < NP_NPROTO; i++)
		if (c->p[i].n != 1 || c->p[i].v[0].lo != 1 || c->p[i].v[0].hi != 65535)
			return 0;
	return 1;
}

int np_conn_is_empty(const struct np_conn *c)
{
	for (int i = 0; i < NP_NPROTO; i++)
		if (c->p[i].n)
			return 0;
	return 1;
}

int np_conn_has(const struct np_conn *c, enum np_proto proto, uint32_t port)
{
	const struct np_ports *p = &c->p[proto];

	for (uint32_t i = 0; i < p->n; i++)
		if (p->v[i].lo <= port && port <= p->v[i].hi)
			return 1;
	return 0;
}

bh_err np_conn_format(const struct np_conn *c, struct bh_buf *out)
{
	int first = 1;
	bh_err err = BH_OK;

	if (np_conn_is_all(c))
		return bh_buf_adds(out, "All Connections");
	if (np_conn_is_empty(c))
		return bh_buf_adds(out, "No Connections");
	for (int i = 0; i < NP_NPROTO && !err; i++) {
		const struct np_ports *p = &c->p[i];

		if (!p->n)
			continue;
		err = bh_buf_printf(out, "%s%s ", first ? "" : ",", proto_names[i]);
		first = 0;
		for (uint32_t k = 0; k < p->n && !err; k++) {
			if (p->v[k].lo == p->v[k].hi)
				err = bh_buf_printf(out, "%s%u", k ? "," : "", p->v[k].lo);
			else
				err = bh_buf_printf(out, "%s%u-%u", k ? "," : "", p->v[k].lo,
						    p->v[k].hi);
		}
	}
	return err;
}

/* ---- IP sets ------------------------------------------------------------------------------ */

int np_ip_cmp(const struct np_ip *a, const struct np_ip *b)
{
	if (a->hi != b->hi)
		return a->hi < b->hi ? -1 : 1;
	if (a->lo != b->lo)
		return a->lo < b->lo ? -1 : 1;
	return 0;
}

static int range_cmp_lo(const struct np_iprange *a, const struct np_iprange *b)
{
	if (a->v6 != b->v6)
		return a->v6 < b->v6 ? -1 : 1;
	return np_ip_cmp(&a->lo, &b->lo);
}

static void ip_inc(struct np_ip *x)
{
	if (++x->lo == 0)
		x->hi++;
}

static void ip_dec(struct np_ip *x)
{
	if (x->lo-- == 0)
		x->hi--;
}

static int ip_is_max(const struct np_ip *x, int v6)
{
	return v6 ? x->hi == UINT64_MAX && x->lo == UINT64_MAX : x->lo == 0xffffffffu;
}

/* a and b touch or overlap (same family, a.lo <= b.lo). */
static int ranges_join(const struct np_iprange *a, const struct np_iprange *b)
{
	struct np_ip n;

	if (a->v6 != b->v6)
		return 0;
	if (np_ip_cmp(&b->lo, &a->hi) <= 0)
		return 1;
	if (ip_is_max(&a->hi, a->v6))
		return 1;
	n = a->hi;
	ip_inc(&n);
	return np_ip_cmp(&n, &b->lo) == 0;
}

void np_ipset_free(struct np_ipset *s)
{
	free(s->v);
	s->v = NULL;
	s->n = s->cap = 0;
}

static bh_err ipset_reserve(struct np_ipset *s, size_t n)
{
	struct np_iprange *v;
	size_t cap;

	if (n <= s->cap)
		return BH_OK;
	cap = s->cap ? s->cap * 2 : 4;
	while (cap < n)
		cap *= 2;
	v = realloc(s->v, cap * sizeof(*v));
	if (!v)
		return BH_ERR_NOMEM;
	s->v = v;
	s->cap = cap;
	return BH_OK;
}

bh_err np_ipset_add(struct np_ipset *s, const struct np_iprange *r)
{
	size_t i = 0, j;
	struct np_iprange m = *r;

	while (i < s->n && range_cmp_lo(&s->v[i], &m) < 0 && !ranges_join(&s->v[i], &m))
		i++;
	j = i;
	while (j < s->n && (ranges_join(&m, &s->v[j]) || ranges_join(&s->v[j], &m))) {
		if (np_ip_cmp(&s->v[j].lo, &m.lo) < 0)
			m.lo = s->v[j].lo;
		if (np_ip_cmp(&s->v[j].hi, &m.hi) > 0)
			m.hi = s->v[j].hi;
		j++;
	}
	if (j == i) {
		if (ipset_reserve(s, s->n + 1))
			return BH_ERR_NOMEM;
		memmove(s->v + i + 1, s->v + i, (s->n - i) * sizeof(*s->v));
		s->n++;
	} else if (j > i + 1) {
		memmove(s->v + i + 1, s->v + j, (s->n - j) * sizeof(*s->v));
		s->n -= j - i - 1;
	}
	s->v[i] = m;
	return BH_OK;
}

bh_err np_ipset_sub(struct np_ipset *s, const struct np_iprange *r)
{
	struct np_ipset out = { 0 };

	for (size_t i = 0; i < s->n; i++) {
		const struct np_iprange *a = &s->v[i];
		struct np_iprange piece;

		if (a->v6 != r->v6 || np_ip_cmp(&a->hi, &r->lo) < 0 ||
		    np_ip_cmp(&a->lo, &r->hi) > 0) {
			if (np_ipset_add(&out, a))
				goto nomem;
			continue;
		}
		if (np_ip_cmp(&a->lo, &r->lo) < 0) {
			piece = *a;
			piece.hi = r->lo;
			ip_dec(&piece.hi);
			if (np_ipset_add(&out, &piece))
				goto nomem;
		}
		if (np_ip_cmp(&a->hi, &r->hi) > 0) {
			piece = *a;
			piece.lo = r->hi;
			ip_inc(&piece.lo);
			if (np_ipset_add(&out, &piece))
				goto nomem;
		}
	}
	free(s->v);
	*s = out;
	return BH_OK;
nomem:
	np_ipset_free(&out);
	return BH_ERR_NOMEM;
}

int np_ipset_covers(const struct np_ipset *s, const struct np_iprange *r)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i].v6 == r->v6 && np_ip_cmp(&s->v[i].lo, &r->lo) <= 0 &&
		    np_ip_cmp(&s->v[i].hi, &r->hi) >= 0)
			return 1;
	return 0;
}

int np_ipset_overlaps(const struct np_ipset *s, const struct np_iprange *r)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i].v6 == r->v6 && np_ip_cmp(&s->v[i].lo, &r->hi) <= 0 &&
		    np_ip_cmp(&s->v[i].hi, &r->lo) >= 0)
			return 1;
	return 0;
}

/* Parse an address of either family into x; returns 4, 6 or 0. */
static int parse_addr(const char *s, size_t len, struct np_ip *x)
{
	char tmp[64];
	unsigned char b[16];

	if (len == 0 || len >= sizeof(tmp))
		return 0;
	memcpy(tmp, s, len);
	tmp[len] = 0;
	if (inet_pton(AF_INET, tmp, b) == 1) {
		x->hi = 0;
		x->lo = (uint64_t)b[0] << 24 | (uint64_t)b[1] << 16 | (uint64_t)b[2] << 8 | b[3];
		return 4;
	}
	if (inet_pton(AF_INET6, tmp, b) == 1) {
		x->hi = x->lo = 0;
		for (int i = 0; i < 8; i++) {
			x->hi = x->hi << 8 | b[i];
			x->lo = x->lo << 8 | b[i + 8];
		}
		return 6;
	}
	return 0;
}

int np_cidr_parse(const char *s, struct np_iprange *out, char *why, size_t whylen)
{
	const char *slash = strchr(s, '/');
	struct np_ip a, mask_lo = { 0, 0 };
	int fam, bits, max;
	long pl = 0;

	if (!slash) {
		snprintf(why, whylen, "'%s' is not a CIDR (missing /prefix)", s);
		return -1;
	}
	fam = parse_addr(s, (size_t)(slash - s), &a);
	if (!fam) {
		snprintf(why, whylen, "'%s' is not a valid IPv4 or IPv6 CIDR", s);
		return -1;
	}
	max = fam == 4 ? 32 : 128;
	if (!slash[1] || strlen(slash + 1) > 3) {
		snprintf(why, whylen, "'%s' has an invalid prefix length", s);
		return -1;
	}
	for (const char *p = slash + 1; *p; p++) {
		if (*p < '0' || *p > '9') {
			snprintf(why, whylen, "'%s' has an invalid prefix length", s);
			return -1;
		}
		pl = pl * 10 + (*p - '0');
	}
	if (pl > max) {
		snprintf(why, whylen, "'%s' has a prefix longer than %d bits", s, max);
		return -1;
	}
	bits = max - (int)pl; /* host bits */
	/* The host-bit mask, as a 128-bit value. */
	if (bits >= 64) {
		mask_lo.lo = UINT64_MAX;
		mask_lo.hi = bits == 128 ? UINT64_MAX : ((uint64_t)1 << (bits - 64)) - 1;
	} else if (bits > 0) {
		mask_lo.lo = ((uint64_t)1 << bits) - 1;
	}
	out->v6 = fam == 6;
	out->lo.hi = a.hi & ~mask_lo.hi;
	out->lo.lo = a.lo & ~mask_lo.lo;
	out->hi.hi = out->lo.hi | mask_lo.hi;
	out->hi.lo = out->lo.lo | mask_lo.lo;
	if (fam == 4)
		out->hi.lo &= 0xffffffffu;
	/*
	 * Host bits are accepted (Go's net.ParseCIDR, which the API server's validation uses,
	 * masks them), so the range is the masked network.
	 */
	return 0;
}

int np_ip_parse(const char *s, struct np_iprange *out)
{
	struct np_ip a;
	int fam = parse_addr(s, strlen(s), &a);

	if (!fam)
		return -1;
	out->v6 = fam == 6;
	out->lo = out->hi = a;
	return 0;
}

static bh_err format_ip(const struct np_ip *x, int v6, struct bh_buf *out)
{
	char txt[64];
	unsigned char b[16];

	if (!v6)
		return bh_buf_printf(out, "%u.%u.%u.%u", (unsigned)(x->lo >> 24) & 255,
				     (unsigned)(x->lo >> 16) & 255, (unsigned)(x->lo >> 8) & 255,
				     (unsigned)x->lo & 255);
	for (int i = 0; i < 8; i++) {
		b[i] = (unsigned char)(x->hi >> (56 - 8 * i));
		b[i + 8] = (unsigned char)(x->lo >> (56 - 8 * i));
	}
	if (!inet_ntop(AF_INET6, b, txt, sizeof(txt)))
		return BH_ERR_INTERNAL;
	return bh_buf_adds(out, txt);
}

bh_err np_iprange_format(const struct np_iprange *r, struct bh_buf *out)
{
	bh_err err = format_ip(&r->lo, r->v6, out);

	if (!err)
		err = bh_buf_addc(out, '-');
	if (!err)
		err = format_ip(&r->hi, r->v6, out);
	return err;
}
