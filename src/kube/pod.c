/*
 * Field helpers for pod specs: where a securityContext value comes from (a container's value
 * overrides the pod's for the fields that exist at both levels), YAML booleans as the API
 * server reads them, annotations of the pod template or its object, and the run index of
 * ServiceAccounts that cross-object checks search in O(log n).
 */
#include "kube_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/scan.h"

#include "core/banned.h"

const struct bh_node *kube_sc(const struct bh_node *n)
{
	const struct bh_node *sc = bh_node_get(n, "securityContext");

	return bh_node_is_map(sc) ? sc : NULL;
}

const struct bh_node *kube_eff(const struct bh_kube_target *t, const struct bh_container *c,
			       const char *key, int *pod_level)
{
	const struct bh_node *v = bh_node_get(kube_sc(c->node), key);

	if (pod_level)
		*pod_level = 0;
	if (v && !bh_node_is_null(v))
		return v;
	v = bh_node_get(t->psc, key);
	if (v && !bh_node_is_null(v)) {
		if (pod_level)
			*pod_level = 1;
		return v;
	}
	return NULL;
}

int kube_true(const struct bh_node *n)
{
	int b;

	return bh_node_bool(n, &b) && b;
}

int kube_false(const struct bh_node *n)
{
	int b;

	return bh_node_bool(n, &b) && !b;
}

int kube_in(const char *s, const char *const *list)
{
	if (!s)
		return 0;
	for (size_t i = 0; list[i]; i++)
		if (strcmp(s, list[i]) == 0)
			return 1;
	return 0;
}

const char *kube_annotation(const struct bh_kube_target *t, const char *key)
{
	const char *v = NULL;

	if (t->wl)
		v = bh_node_str(bh_node_get(bh_node_get(t->wl->pod_meta, "annotations"), key));
	if (!v)
		v = bh_node_str(bh_node_get(t->obj->annotations, key));
	return v;
}

void kube_report_missing(struct bh_ctx *ctx, const struct bh_node *node, const char *key,
			 const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	unsigned end_col;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!node) {
		bh_report(ctx, NULL, key, "%s", msg);
		return;
	}
	/* Underline the node when it is a one-line scalar, else only its first character. */
	end_col = node->kind == BH_NODE_SCALAR && node->end_line == node->line ? node->end_col
									       : node->col + 1;
	bh_report_at(ctx, node->line, node->col, node->line, end_col, key, "%s", msg);
}

const struct bh_node *kube_container_anchor(const struct bh_container *c)
{
	const struct bh_node *n = bh_node_get(c->node, "name");

	return n ? n : c->node;
}

static int named_cmp(const void *x, const void *y)
{
	const struct kube_named *a = x, *b = y;
	int c = strcmp(a->ns, b->ns);

	return c ? c : strcmp(a->name, b->name);
}

static int is_kind(const struct bh_kobj *o, const char *kind)
{
	return o->kind && strcmp(o->kind, kind) == 0;
}

/* The Namespaces of the run by name; the first of a duplicated name wins the search. */
static bh_err index_namespaces(struct bh_arena *a, const struct bh_kube_model *m,
			       struct bh_kube_index *out)
{
	size_t n = 0;

	for (size_t i = 0; i < m->nobjs; i++)
		n += is_kind(&m->objs[i], "Namespace");
	if (!n)
		return BH_OK;
	out->nss = bh_arena_alloc(a, n * sizeof(*out->nss));
	if (!out->nss)
		return BH_ERR_NOMEM;
	for (size_t i = 0; i < m->nobjs; i++) {
		if (!is_kind(&m->objs[i], "Namespace"))
			continue;
		out->nss[out->nnss].ns = "";
		out->nss[out->nnss].name = m->objs[i].name;
		out->nss[out->nnss].obj = &m->objs[i];
		out->nnss++;
	}
	qsort(out->nss, out->nnss, sizeof(*out->nss), named_cmp);
	return BH_OK;
}

const struct bh_kobj *kube_index_ns(const struct bh_kube_index *ix, const char *name)
{
	struct kube_named key = { .ns = "", .name = name };
	const struct kube_named *hit;

	if (!ix || !ix->nnss || !name)
		return NULL;
	hit = bsearch(&key, ix->nss, ix->nnss, sizeof(*ix->nss), named_cmp);
	return hit ? hit->obj : NULL;
}

bh_err kube_index_build(struct bh_arena *a, const struct bh_kube_model *m,
			struct bh_kube_index *out)
{
	size_t n = 0;
	bh_err err;

	memset(out, 0, sizeof(*out));
	err = index_namespaces(a, m, out);
	if (err)
		return err;
	for (size_t i = 0; i < m->nobjs; i++)
		n += m->objs[i].kind && strcmp(m->objs[i].kind, "ServiceAccount") == 0;
	if (!n)
		return BH_OK;
	out->sas = bh_arena_alloc(a, n * sizeof(*out->sas));
	if (!out->sas)
		return BH_ERR_NOMEM;
	for (size_t i = 0; i < m->nobjs; i++) {
		const struct bh_kobj *o = &m->objs[i];

		if (!o->kind || strcmp(o->kind, "ServiceAccount") != 0)
			continue;
		out->sas[out->nsas].ns = bh_kobj_namespace(o);
		out->sas[out->nsas].name = o->name;
		out->sas[out->nsas].obj = o;
		out->nsas++;
	}
	qsort(out->sas, out->nsas, sizeof(*out->sas), named_cmp);
	return BH_OK;
}

const struct bh_kobj *kube_index_sa(const struct bh_kube_index *ix, const char *ns,
				    const char *name)
{
	struct kube_named key = { .ns = ns, .name = name };
	const struct kube_named *hit;

	if (!ix || !ix->nsas)
		return NULL;
	hit = bsearch(&key, ix->sas, ix->nsas, sizeof(*ix->sas), named_cmp);
	return hit ? hit->obj : NULL;
}

int kube_pss_version(const struct bh_scan *s, const struct bh_kobj *ns,
		     const struct bh_node **label)
{
	const struct bh_node *l = ns ? bh_node_get(ns->labels, KUBE_ENFORCE_VERSION_LABEL) : NULL;
	int v = s->cfg.pss_version;

	if (label)
		*label = l;
	if (l && bh_pss_version_parse(bh_node_str(l), &v))
		v = BH_PSS_LATEST;
	return v == BH_PSS_LATEST || v > KUBE_PSS_NEWEST ? KUBE_PSS_NEWEST : v;
}

const struct bh_node *kube_spec_anchor(const struct bh_kube_target *t)
{
	char parent[64];
	const char *path = t->wl->spec_path, *dot = strrchr(path, '.');
	const struct bh_node *owner = t->obj->root, *k;
	size_t n;

	/* The key "spec" that holds the pod spec: under the object, or under its template. */
	if (dot) {
		n = (size_t)(dot - path);
		if (n >= sizeof(parent))
			return t->wl->pod_spec;
		memcpy(parent, path, n);
		parent[n] = '\0';
		owner = bh_node_path(t->obj->root, parent);
	}
	k = bh_node_get_key(owner, dot ? dot + 1 : path);
	return k ? k : t->wl->pod_spec;
}
