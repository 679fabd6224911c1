/*
 * The findings list, its sort order and fingerprints. Fingerprints are SHA-256 (OpenSSL) over
 * NUL-separated identity fields, truncated to 128 bits in hex: long enough that two distinct
 * findings never collide in a baseline, short enough to read in a report.
 */
#include "finding.h"

#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#include "fs.h"
#include "hash.h"
#include "limits.h"

#include "banned.h"

void bh_finding_fingerprint(struct bh_finding *f)
{
	const char *parts[5];
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();

	parts[0] = f->rule ? f->rule->id : "";
	/* "./x.yaml" and "x.yaml" are one file, so a baseline works with either spelling. */
	parts[1] = f->file ? bh_fs_strip_dot(f->file) : "";
	parts[2] = f->object ? f->object : "";
	parts[3] = f->container ? f->container : "";
	parts[4] = f->key ? f->key : (f->message ? f->message : "");
	if (!ctx || !EVP_DigestInit_ex(ctx, bh_sha256_md(), NULL)) {
		memset(f->fingerprint, '0', BH_FINGERPRINT_LEN);
		f->fingerprint[BH_FINGERPRINT_LEN] = '\0';
		EVP_MD_CTX_free(ctx);
		return;
	}
	for (size_t i = 0; i < 5; i++)
		EVP_DigestUpdate(ctx, parts[i], strlen(parts[i]) + 1);
	EVP_DigestFinal_ex(ctx, md, &mdlen);
	EVP_MD_CTX_free(ctx);
	bh_hex(md, BH_FINGERPRINT_LEN / 2, f->fingerprint);
}

bh_err bh_findings_add(struct bh_findings *list, struct bh_arena *a, const struct bh_finding *f)
{
	struct bh_prop *props = NULL;

	if (list->n >= BH_LIMIT_FINDINGS)
		return BH_ERR_LIMIT;
	/* The caller's properties often live on its stack or in a shorter-lived arena. */
	if (f->nprops) {
		props = bh_arena_alloc(a, f->nprops * sizeof(*props));
		if (!props)
			return BH_ERR_NOMEM;
		for (size_t i = 0; i < f->nprops; i++) {
			props[i].name = bh_arena_strdup(a, f->props[i].name);
			props[i].value =
				bh_arena_strdup(a, f->props[i].value ? f->props[i].value : "");
			if (!props[i].name || !props[i].value)
				return BH_ERR_NOMEM;
		}
	}
	if (list->n == list->cap) {
		size_t ncap = list->cap ? list->cap * 2 : 64;
		struct bh_finding *p = realloc(list->items, ncap * sizeof(*p));

		if (!p)
			return BH_ERR_NOMEM;
		list->items = p;
		list->cap = ncap;
	}
	list->items[list->n] = *f;
	list->items[list->n].props = props;
	bh_finding_fingerprint(&list->items[list->n]);
	list->n++;
	return BH_OK;
}

void bh_findings_release(struct bh_findings *list)
{
	free(list->items);
	list->items = NULL;
	list->n = list->cap = 0;
}

static int strcmp0(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "");
}

static int finding_cmp(const void *x, const void *y)
{
	const struct bh_finding *a = x, *b = y;
	int c = strcmp0(a->file, b->file);

	if (c)
		return c;
	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	if (a->col != b->col)
		return a->col < b->col ? -1 : 1;
	c = strcmp(a->rule->id, b->rule->id);
	if (c)
		return c;
	c = strcmp0(a->container, b->container);
	if (c)
		return c;
	c = strcmp0(a->message, b->message);
	if (c)
		return c;
	return strcmp(a->fingerprint, b->fingerprint);
}

void bh_findings_sort(struct bh_findings *list)
{
	if (list->n > 1)
		qsort(list->items, list->n, sizeof(*list->items), finding_cmp);
}

void bh_findings_summary(const struct bh_findings *list, struct bh_summary *out)
{
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < list->n; i++) {
		const struct bh_finding *f = &list->items[i];

		if (f->suppressed_by) {
			out->suppressed++;
			continue;
		}
		out->by_sev[f->severity]++;
		out->total++;
	}
}

int bh_findings_fail(const struct bh_findings *list, enum bh_severity fail_on)
{
	if (fail_on == BH_SEV_NONE)
		return 0;
	for (size_t i = 0; i < list->n; i++)
		if (!list->items[i].suppressed_by && list->items[i].severity >= fail_on)
			return 1;
	return 0;
}
