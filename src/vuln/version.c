/*
 * Version comparators. Each parses a version into its parts and compares the parts in the order
 * the ecosystem's specification gives; numbers are compared as digit strings so that versions
 * with components beyond 64 bits still order correctly.
 */
#include "vuln/version.h"

#include <ctype.h>
#include <stddef.h>
#include <string.h>

#include "core/banned.h"

#define SIGN(x) ((x) < 0 ? -1 : (x) > 0)

/* Compare two runs of decimal digits by value. */
static int numcmp(const char *a, size_t alen, const char *b, size_t blen)
{
	int c;

	while (alen && *a == '0')
		a++, alen--;
	while (blen && *b == '0')
		b++, blen--;
	if (alen != blen)
		return alen < blen ? -1 : 1;
	c = memcmp(a, b, alen);
	return SIGN(c);
}

static size_t digits(const char *s)
{
	size_t n = 0;

	while (isdigit((unsigned char)s[n]))
		n++;
	return n;
}

/* ---- dpkg: deb-version(7) ---- */

/* The weight of one character in a non-digit run: '~' before the end, letters before others. */
static int dpkg_order(int c)
{
	if (isdigit(c))
		return 0;
	if (isalpha(c))
		return c;
	if (c == '~')
		return -1;
	if (c)
		return c + 256;
	return 0;
}

/* Compare the upstream or revision parts [a, ae) and [b, be) as deb-version(7) describes. */
static int dpkg_part(const char *a, const char *ae, const char *b, const char *be)
{
	while (a < ae || b < be) {
		size_t na, nb;
		int c;

		while ((a < ae && !isdigit((unsigned char)*a)) ||
		       (b < be && !isdigit((unsigned char)*b))) {
			int ac = dpkg_order(a < ae ? (unsigned char)*a : 0);
			int bc = dpkg_order(b < be ? (unsigned char)*b : 0);

			if (ac != bc)
				return SIGN(ac - bc);
			a += a < ae;
			b += b < be;
		}
		for (na = 0; a + na < ae && isdigit((unsigned char)a[na]);)
			na++;
		for (nb = 0; b + nb < be && isdigit((unsigned char)b[nb]);)
			nb++;
		c = numcmp(a, na, b, nb);
		if (c)
			return c;
		a += na, b += nb;
	}
	return 0;
}

struct dpkg_ver {
	const char *epoch;
	size_t epoch_len;
	const char *up, *up_end, *rev, *rev_end;
};

static int dpkg_parse(const char *v, struct dpkg_ver *p)
{
	const char *colon = strchr(v, ':'), *dash, *end = v + strlen(v);

	p->epoch = "0";
	p->epoch_len = 1;
	if (colon) {
		if (colon == v || digits(v) != (size_t)(colon - v))
			return -1;
		p->epoch = v;
		p->epoch_len = (size_t)(colon - v);
		v = colon + 1;
	}
	dash = strrchr(v, '-');
	p->up = v;
	p->up_end = dash ? dash : end;
	p->rev = dash ? dash + 1 : end;
	p->rev_end = end;
	/* deb-version(7): the upstream version should start with a digit; dpkg warns but accepts
	 * others, so only an empty one is refused. */
	if (p->up == p->up_end)
		return -1;
	for (const char *s = v; *s; s++)
		if (isspace((unsigned char)*s) || !isprint((unsigned char)*s))
			return -1;
	return 0;
}

static int dpkg_cmp(const char *a, const char *b, int *cmp)
{
	struct dpkg_ver x, y;
	int c;

	if (dpkg_parse(a, &x) || dpkg_parse(b, &y))
		return -1;
	c = numcmp(x.epoch, x.epoch_len, y.epoch, y.epoch_len);
	if (!c)
		c = dpkg_part(x.up, x.up_end, y.up, y.up_end);
	if (!c)
		c = dpkg_part(x.rev, x.rev_end, y.rev, y.rev_end);
	*cmp = c;
	return 0;
}

/* ---- apk: Alpine's version format (number{.number}*[letter]{_suffix[number]}*[~hash][-rN]) ----
 */

#define APK_MAX_PARTS 32

/* Suffixes in order; those before the empty suffix mark pre-releases and sort before it. */
static const char *const apk_suffixes[] = { "alpha", "beta", "pre", "rc", "cvs",
					    "svn",   "git",  "hg",  "p" };
#define APK_FIRST_POST 4 /* index of "cvs": suffixes from here sort after no suffix */

struct apk_ver {
	const char *num[APK_MAX_PARTS];
	size_t num_len[APK_MAX_PARTS];
	size_t nnum;
	int letter;
	int suf[APK_MAX_PARTS]; /* rank relative to no suffix: negative for pre-releases */
	const char *suf_num[APK_MAX_PARTS];
	size_t suf_num_len[APK_MAX_PARTS];
	size_t nsuf;
	const char *rev;
	size_t rev_len;
	int has_rev;
};

static int apk_parse(const char *v, struct apk_ver *p)
{
	size_t n;

	memset(p, 0, sizeof(*p));
	for (;;) {
		n = digits(v);
		if (!n || p->nnum == APK_MAX_PARTS)
			return -1;
		p->num[p->nnum] = v;
		p->num_len[p->nnum++] = n;
		v += n;
		if (*v != '.')
			break;
		v++;
	}
	if (islower((unsigned char)*v))
		p->letter = *v++;
	while (*v == '_') {
		size_t k, len = 0;

		v++;
		for (k = 0; k < sizeof(apk_suffixes) / sizeof(*apk_suffixes); k++) {
			len = strlen(apk_suffixes[k]);
			if (!strncmp(v, apk_suffixes[k], len))
				break;
		}
		if (k == sizeof(apk_suffixes) / sizeof(*apk_suffixes) || p->nsuf == APK_MAX_PARTS)
			return -1;
		v += len;
		p->suf[p->nsuf] = (int)k < APK_FIRST_POST ? (int)k - APK_FIRST_POST
							  : (int)k - APK_FIRST_POST + 1;
		p->suf_num[p->nsuf] = v;
		p->suf_num_len[p->nsuf++] = digits(v);
		v += digits(v);
	}
	if (*v == '~') {
		v++;
		if (!isxdigit((unsigned char)*v))
			return -1;
		while (isxdigit((unsigned char)*v))
			v++;
	}
	if (v[0] == '-' && v[1] == 'r') {
		n = digits(v + 2);
		if (!n)
			return -1;
		p->rev = v + 2;
		p->rev_len = n;
		p->has_rev = 1;
		v += 2 + n;
	}
	return *v ? -1 : 0;
}

static int apk_cmp(const char *a, const char *b, int *cmp)
{
	struct apk_ver x, y;
	size_t i;
	int c = 0;

	if (apk_parse(a, &x) || apk_parse(b, &y))
		return -1;
	for (i = 0; i < x.nnum && i < y.nnum && !c; i++) {
		/* After the first, a component with a leading zero is a fraction: 1.01 < 1.1. */
		if (i && (x.num[i][0] == '0' || y.num[i][0] == '0')) {
			size_t n = x.num_len[i] < y.num_len[i] ? x.num_len[i] : y.num_len[i];

			c = memcmp(x.num[i], y.num[i], n);
			c = c ? SIGN(c) : SIGN((long)x.num_len[i] - (long)y.num_len[i]);
		} else {
			c = numcmp(x.num[i], x.num_len[i], y.num[i], y.num_len[i]);
		}
	}
	/* More components is a later version, whatever follows the shorter one. */
	if (!c && x.nnum != y.nnum)
		c = x.nnum > y.nnum ? 1 : -1;
	/* A letter is a later version than none: 1.0a > 1.0. */
	if (!c)
		c = SIGN(x.letter - y.letter);
	for (i = 0; i < x.nsuf && i < y.nsuf && !c; i++) {
		c = SIGN(x.suf[i] - y.suf[i]);
		if (!c)
			c = numcmp(x.suf_num[i], x.suf_num_len[i], y.suf_num[i], y.suf_num_len[i]);
	}
	/* An extra pre-release suffix sorts before, any other after: 1.0_rc1 < 1.0 < 1.0_p1. */
	if (!c && x.nsuf != y.nsuf)
		c = x.nsuf > y.nsuf ? (x.suf[i] < 0 ? -1 : 1) : (y.suf[i] < 0 ? 1 : -1);
	/* No revision sorts before any: apk orders 1.0 before 1.0-r0. */
	if (!c && x.has_rev != y.has_rev)
		c = x.has_rev ? 1 : -1;
	if (!c && x.has_rev)
		c = numcmp(x.rev, x.rev_len, y.rev, y.rev_len);
	*cmp = c;
	return 0;
}

/* ---- PEP 440 ---- */

#define PEP_MAX_PARTS 64

struct pep_ver {
	const char *epoch;
	size_t epoch_len;
	const char *rel[PEP_MAX_PARTS];
	size_t rel_len[PEP_MAX_PARTS];
	size_t nrel;
	int pre; /* 0 none, 1 a, 2 b, 3 rc */
	const char *pre_n;
	size_t pre_n_len;
	int post;
	const char *post_n;
	size_t post_n_len;
	int dev;
	const char *dev_n;
	size_t dev_n_len;
	const char *local; /* after '+', or NULL */
};

static int ci_prefix(const char *s, const char *word)
{
	size_t n = strlen(word);

	for (size_t i = 0; i < n; i++)
		if (tolower((unsigned char)s[i]) != word[i])
			return 0;
	return (int)n;
}

static int is_sep(int c)
{
	return c == '.' || c == '-' || c == '_';
}

/* An optional separator then an optional number; the number is "0" when absent. */
static const char *pep_number(const char *v, const char **n, size_t *len)
{
	const char *s = v;

	if (is_sep(*s) && isdigit((unsigned char)s[1]))
		s++;
	*len = digits(s);
	if (*len) {
		*n = s;
		return s + *len;
	}
	*n = "0";
	*len = 1;
	return v;
}

static int pep_parse(const char *v, struct pep_ver *p)
{
	static const struct {
		const char *word;
		int kind;
	} pre[] = { { "alpha", 1 },   { "a", 1 },   { "beta", 2 }, { "b", 2 },
		    { "preview", 3 }, { "pre", 3 }, { "rc", 3 },   { "c", 3 } };
	size_t n;
	int k;

	memset(p, 0, sizeof(*p));
	while (isspace((unsigned char)*v))
		v++;
	if (*v == 'v' || *v == 'V')
		v++;
	n = digits(v);
	p->epoch = "0";
	p->epoch_len = 1;
	if (n && v[n] == '!') {
		p->epoch = v;
		p->epoch_len = n;
		v += n + 1;
	}
	for (;;) {
		n = digits(v);
		if (!n || p->nrel == PEP_MAX_PARTS)
			return -1;
		p->rel[p->nrel] = v;
		p->rel_len[p->nrel++] = n;
		v += n;
		if (*v != '.' || !isdigit((unsigned char)v[1]))
			break;
		v++;
	}
	/* Pre-release: [sep](a|b|rc|alpha|beta|c|pre|preview)[sep][N]. */
	{
		const char *s = is_sep(*v) ? v + 1 : v;

		for (size_t i = 0; i < sizeof(pre) / sizeof(*pre); i++) {
			k = ci_prefix(s, pre[i].word);
			if (k) {
				p->pre = pre[i].kind;
				v = pep_number(s + k, &p->pre_n, &p->pre_n_len);
				break;
			}
		}
	}
	/* Post-release: [sep](post|rev|r)[sep][N], or the implicit "-N". */
	if (*v == '-' && isdigit((unsigned char)v[1])) {
		p->post = 1;
		p->post_n = v + 1;
		p->post_n_len = digits(v + 1);
		v += 1 + p->post_n_len;
	} else {
		const char *s = is_sep(*v) ? v + 1 : v;
		static const char *const post[] = { "post", "rev", "r" };

		for (size_t i = 0; i < 3; i++) {
			k = ci_prefix(s, post[i]);
			if (k) {
				p->post = 1;
				v = pep_number(s + k, &p->post_n, &p->post_n_len);
				break;
			}
		}
	}
	/* Development release: [sep]dev[sep][N]. */
	{
		const char *s = is_sep(*v) ? v + 1 : v;

		k = ci_prefix(s, "dev");
		if (k) {
			p->dev = 1;
			v = pep_number(s + k, &p->dev_n, &p->dev_n_len);
		}
	}
	if (*v == '+') {
		const char *s = ++v;

		if (!isalnum((unsigned char)*s))
			return -1;
		while (isalnum((unsigned char)*s) || (is_sep(*s) && isalnum((unsigned char)s[1])))
			s++;
		p->local = v;
		v = s;
	}
	while (isspace((unsigned char)*v))
		v++;
	return *v ? -1 : 0;
}

/* Compare release segments with trailing zeros ignored: 1.0 == 1.0.0. */
static int pep_release(const struct pep_ver *x, const struct pep_ver *y)
{
	size_t n = x->nrel > y->nrel ? x->nrel : y->nrel;

	for (size_t i = 0; i < n; i++) {
		const char *a = i < x->nrel ? x->rel[i] : "0", *b = i < y->nrel ? y->rel[i] : "0";
		size_t al = i < x->nrel ? x->rel_len[i] : 1, bl = i < y->nrel ? y->rel_len[i] : 1;
		int c = numcmp(a, al, b, bl);

		if (c)
			return c;
	}
	return 0;
}

/* One local segment [s, e): numeric segments sort after alphanumeric ones. */
static int pep_local_seg(const char *a, size_t al, const char *b, size_t bl)
{
	int an = digits(a) >= al, bn = digits(b) >= bl;

	if (an && bn)
		return numcmp(a, al, b, bl);
	if (an != bn)
		return an ? 1 : -1;
	for (size_t i = 0; i < al && i < bl; i++) {
		int c = tolower((unsigned char)a[i]) - tolower((unsigned char)b[i]);

		if (c)
			return SIGN(c);
	}
	return SIGN((long)al - (long)bl);
}

static size_t local_seg_len(const char *s)
{
	size_t n = 0;

	while (isalnum((unsigned char)s[n]))
		n++;
	return n;
}

static int pep_local(const char *a, const char *b)
{
	if (!a || !b)
		return !a && !b ? 0 : (a ? 1 : -1);
	for (;;) {
		size_t al = local_seg_len(a), bl = local_seg_len(b);
		int c;

		if (!al || !bl)
			return al ? 1 : bl ? -1 : 0;
		c = pep_local_seg(a, al, b, bl);
		if (c)
			return c;
		a += al, b += bl;
		a += is_sep(*a), b += is_sep(*b);
	}
}

static int pep_cmp(const char *a, const char *b, int *cmp)
{
	struct pep_ver x, y;
	int c, xp, yp;

	if (pep_parse(a, &x) || pep_parse(b, &y))
		return -1;
	c = numcmp(x.epoch, x.epoch_len, y.epoch, y.epoch_len);
	if (!c)
		c = pep_release(&x, &y);
	if (!c) {
		/* A bare dev release (1.0.dev1) sorts before any pre-release of the same release,
		 * and a final or post release after all of them. */
		xp = x.pre ? x.pre : (!x.post && x.dev) ? -1 : 9;
		yp = y.pre ? y.pre : (!y.post && y.dev) ? -1 : 9;
		c = SIGN(xp - yp);
		if (!c && x.pre)
			c = numcmp(x.pre_n, x.pre_n_len, y.pre_n, y.pre_n_len);
	}
	if (!c) {
		c = SIGN(x.post - y.post);
		if (!c && x.post)
			c = numcmp(x.post_n, x.post_n_len, y.post_n, y.post_n_len);
	}
	if (!c) {
		/* No dev part sorts after any. */
		c = SIGN(y.dev - x.dev);
		if (!c && x.dev)
			c = numcmp(x.dev_n, x.dev_n_len, y.dev_n, y.dev_n_len);
	}
	if (!c)
		c = pep_local(x.local, y.local);
	*cmp = c;
	return 0;
}

/* ---- Semantic Versioning 2.0.0 (npm) ---- */

struct sem_ver {
	const char *core[3];
	size_t core_len[3];
	const char *pre; /* after '-', up to '+' or the end, or NULL */
	size_t pre_len;
};

static int sem_ident_ok(const char *s, size_t n, int pre)
{
	if (!n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '-')
			return 0;
	/* Numeric pre-release identifiers must not have leading zeros (SemVer 2.0.0 item 9). */
	if (pre && digits(s) >= n && n > 1 && s[0] == '0')
		return 0;
	return 1;
}

static int sem_parse(const char *v, struct sem_ver *p)
{
	size_t n;

	memset(p, 0, sizeof(*p));
	/* npm accepts a leading "v" or "=" and so do the advisories written for it. */
	if (*v == 'v' || *v == '=')
		v++;
	for (int i = 0; i < 3; i++) {
		n = digits(v);
		if (!n || (n > 1 && *v == '0'))
			return -1;
		p->core[i] = v;
		p->core_len[i] = n;
		v += n;
		if (i < 2) {
			if (*v != '.')
				return -1;
			v++;
		}
	}
	if (*v == '-') {
		const char *s = ++v;

		while (*v && *v != '+')
			v++;
		p->pre = s;
		p->pre_len = (size_t)(v - s);
		if (!p->pre_len)
			return -1;
		for (const char *t = s; t < v;) {
			const char *dot = memchr(t, '.', (size_t)(v - t));
			const char *e = dot ? dot : v;

			if (!sem_ident_ok(t, (size_t)(e - t), 1))
				return -1;
			t = dot ? dot + 1 : v;
			if (dot && t == v)
				return -1;
		}
	}
	if (*v == '+') {
		const char *s = ++v;

		if (!*s)
			return -1;
		for (; *v; v++)
			if (!isalnum((unsigned char)*v) && *v != '-' && *v != '.')
				return -1;
	}
	return *v ? -1 : 0;
}

static int sem_pre(const char *a, size_t al, const char *b, size_t bl)
{
	const char *ae, *be;

	/* A version without a pre-release sorts after one with: 1.0.0-rc.1 < 1.0.0. */
	if (!a || !b)
		return !a && !b ? 0 : (a ? -1 : 1);
	ae = a + al;
	be = b + bl;
	for (;;) {
		const char *da, *db;
		size_t na, nb;
		int an, bn, c;

		if (a >= ae || b >= be)
			return a < ae ? 1 : b < be ? -1 : 0;
		da = memchr(a, '.', (size_t)(ae - a));
		db = memchr(b, '.', (size_t)(be - b));
		na = (size_t)((da ? da : ae) - a);
		nb = (size_t)((db ? db : be) - b);
		an = digits(a) >= na;
		bn = digits(b) >= nb;
		if (an && bn) {
			c = numcmp(a, na, b, nb);
		} else if (an != bn) {
			c = an ? -1 : 1;
		} else {
			c = memcmp(a, b, na < nb ? na : nb);
			c = c ? SIGN(c) : SIGN((long)na - (long)nb);
		}
		if (c)
			return c;
		a += na + (da != NULL);
		b += nb + (db != NULL);
		if (a > ae)
			a = ae;
		if (b > be)
			b = be;
	}
}

static int sem_cmp(const char *a, const char *b, int *cmp)
{
	struct sem_ver x, y;
	int c = 0;

	if (sem_parse(a, &x) || sem_parse(b, &y))
		return -1;
	for (int i = 0; i < 3 && !c; i++)
		c = numcmp(x.core[i], x.core_len[i], y.core[i], y.core_len[i]);
	if (!c)
		c = sem_pre(x.pre, x.pre_len, y.pre, y.pre_len);
	*cmp = c;
	return 0;
}

int bh_version_cmp(enum bh_vscheme s, const char *a, const char *b, int *cmp)
{
	int rc = -1;

	*cmp = 0;
	switch (s) {
	case BH_VS_DPKG:
		rc = dpkg_cmp(a, b, cmp);
		break;
	case BH_VS_APK:
		rc = apk_cmp(a, b, cmp);
		break;
	case BH_VS_PEP440:
		rc = pep_cmp(a, b, cmp);
		break;
	case BH_VS_SEMVER:
		rc = sem_cmp(a, b, cmp);
		break;
	}
	if (rc)
		*cmp = 0;
	return rc;
}

int bh_version_valid(enum bh_vscheme s, const char *v)
{
	int c;

	return bh_version_cmp(s, v, v, &c) == 0;
}
