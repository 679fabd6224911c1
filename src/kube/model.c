/*
 * The object and workload model. Objects are collected while the driver feeds documents and
 * judged in finish(), so that cross-object checks (a ServiceAccount's token setting, a
 * Namespace's labels, NetworkPolicies) see the whole set.
 */
#include "kube.h"

#include <stdlib.h>
#include <string.h>

#include "core/banned.h"

static struct bh_kube_model *model_of(struct bh_scan *s)
{
	if (!s->layer_state[BH_LAYER_K8])
		s->layer_state[BH_LAYER_K8] =
			bh_arena_alloc(&s->arena, sizeof(struct bh_kube_model));
	return s->layer_state[BH_LAYER_K8];
}

const struct bh_kube_model *bh_kube_model(const struct bh_scan *s)
{
	static const struct bh_kube_model empty;
	const struct bh_kube_model *m = s->layer_state[BH_LAYER_K8];

	return m ? m : &empty;
}

const char *bh_kobj_namespace(const struct bh_kobj *o)
{
	return o->ns && *o->ns ? o->ns : "default";
}

int bh_kube_pod_spec(const struct bh_kobj *o, const struct bh_node **meta,
		     const struct bh_node **spec, const char **path)
{
	static const char *const paths[][2] = {
		{ "spec.template.spec", "spec.template.metadata" },
		{ "spec.jobTemplate.spec.template.spec",
		  "spec.jobTemplate.spec.template.metadata" },
		{ "template.spec", "template.metadata" }, /* PodTemplate */
	};
	const struct bh_node *s;

	if (o->kind && strcmp(o->kind, "Pod") == 0) {
		s = bh_node_get(o->root, "spec");
		if (!bh_node_is_map(s))
			return 0;
		*spec = s;
		*meta = o->metadata;
		*path = "spec";
		return 1;
	}
	static const char *const known[] = {
		"Deployment", "ReplicaSet", "StatefulSet",	     "DaemonSet",
		"Job",	      "CronJob",    "ReplicationController", "PodTemplate",
		NULL
	};
	int is_known = 0;

	for (size_t i = 0; known[i] && o->kind; i++)
		is_known |= strcmp(o->kind, known[i]) == 0;
	for (size_t i = 0; i < sizeof(paths) / sizeof(*paths); i++) {
		s = bh_node_path(o->root, paths[i][0]);
		/* Other kinds (Argo Rollout, DeploymentConfig, Knative Service...) count by shape:
		 * a pod template that holds containers. */
		if (bh_node_is_map(s) &&
		    (bh_node_is_seq(bh_node_get(s, "containers")) || is_known)) {
			*spec = s;
			*meta = bh_node_path(o->root, paths[i][1]);
			*path = paths[i][0];
			return 1;
		}
	}
	return 0;
}

size_t bh_kube_containers(struct bh_arena *a, const struct bh_node *pod_spec,
			  struct bh_container **out)
{
	static const char *const lists[] = { "initContainers", "containers",
					     "ephemeralContainers" };
	size_t n = 0, k = 0;
	struct bh_container *v;

	for (size_t i = 0; i < 3; i++) {
		const struct bh_node *l = bh_node_get(pod_spec, lists[i]);

		if (bh_node_is_seq(l))
			n += l->seq.n;
	}
	v = bh_arena_alloc(a, (n ? n : 1) * sizeof(*v));
	if (!v) {
		*out = NULL;
		return 0;
	}
	for (size_t i = 0; i < 3; i++) {
		const struct bh_node *l = bh_node_get(pod_spec, lists[i]);

		if (!bh_node_is_seq(l))
			continue;
		for (size_t j = 0; j < l->seq.n; j++) {
			const struct bh_node *c = l->seq.items[j];

			if (!bh_node_is_map(c))
				continue;
			v[k].node = c;
			v[k].name = bh_node_str(bh_node_get(c, "name"));
			if (!v[k].name)
				v[k].name = "(unnamed)";
			v[k].list = lists[i];
			k++;
		}
	}
	*out = v;
	return k;
}

static bh_err add_object(struct bh_scan *s, const char *file, const struct bh_doc *doc,
			 const struct bh_node *root)
{
	struct bh_kube_model *m = model_of(s);
	struct bh_kobj *o;
	const struct bh_node *spec, *meta;
	const char *path;

	if (!m)
		return BH_ERR_NOMEM;
	if (m->nobjs == m->objs_cap) {
		size_t ncap = m->objs_cap ? m->objs_cap * 2 : 64;
		struct bh_kobj *p = bh_arena_realloc(&s->arena, m->objs, m->objs_cap * sizeof(*p),
						     ncap * sizeof(*p));

		if (!p)
			return BH_ERR_NOMEM;
		m->objs = p;
		m->objs_cap = ncap;
	}
	o = &m->objs[m->nobjs++];
	o->file = file;
	o->doc = doc;
	o->root = root;
	o->api_version = bh_node_str(bh_node_get(root, "apiVersion"));
	o->kind = bh_node_str(bh_node_get(root, "kind"));
	o->metadata = bh_node_get(root, "metadata");
	o->name = bh_node_str(bh_node_get(o->metadata, "name"));
	if (!o->name)
		o->name = bh_node_str(bh_node_get(o->metadata, "generateName"));
	if (!o->name)
		o->name = "(unnamed)";
	o->ns = bh_node_str(bh_node_get(o->metadata, "namespace"));
	o->labels = bh_node_get(o->metadata, "labels");
	o->annotations = bh_node_get(o->metadata, "annotations");
	o->ref = bh_arena_printf(&s->arena, "%s/%s/%s", o->kind ? o->kind : "?", o->ns ? o->ns : "",
				 o->name);
	if (!o->ref)
		return BH_ERR_NOMEM;
	if (bh_kube_pod_spec(o, &meta, &spec, &path)) {
		struct bh_workload *w;

		if (m->nwls == m->wls_cap) {
			size_t ncap = m->wls_cap ? m->wls_cap * 2 : 64;
			struct bh_workload *p = bh_arena_realloc(
				&s->arena, m->wls, m->wls_cap * sizeof(*p), ncap * sizeof(*p));

			if (!p)
				return BH_ERR_NOMEM;
			m->wls = p;
			m->wls_cap = ncap;
		}
		w = &m->wls[m->nwls++];
		w->obj = NULL; /* fixed up in finish: objs may still move */
		w->pod_meta = meta;
		w->pod_spec = spec;
		w->spec_path = path;
	}
	return BH_OK;
}

static int is_object(const struct bh_node *n)
{
	return bh_node_is_map(n) && bh_node_str(bh_node_get(n, "apiVersion")) &&
	       bh_node_str(bh_node_get(n, "kind"));
}

static int claims_doc(const char *path, const struct bh_doc *doc)
{
	return is_object(doc->root);
}

static bh_err scan_doc(struct bh_scan *s, const struct bh_input *in, const struct bh_doc *doc,
		       struct bh_diag *diag)
{
	const char *kind = bh_node_str(bh_node_get(doc->root, "kind"));
	size_t klen = strlen(kind);
	const struct bh_node *items = bh_node_get(doc->root, "items");
	bh_err err = add_object(s, in->path, doc, doc->root);

	if (err)
		return err;
	/* A List (v1 List, PodList, ...) carries its objects in items. */
	if (klen >= 4 && strcmp(kind + klen - 4, "List") == 0 && bh_node_is_seq(items)) {
		for (size_t i = 0; i < items->seq.n && !err; i++)
			if (is_object(items->seq.items[i]))
				err = add_object(s, in->path, doc, items->seq.items[i]);
	}
	return err;
}

static bh_err finish(struct bh_scan *s, struct bh_diag *diag)
{
	struct bh_kube_model *m = s->layer_state[BH_LAYER_K8];
	size_t w = 0;

	if (!m)
		return BH_OK;
	/* Link workloads to their objects now that the object array no longer moves. */
	for (size_t i = 0; i < m->nobjs; i++) {
		const struct bh_node *meta, *spec;
		const char *path;

		if (bh_kube_pod_spec(&m->objs[i], &meta, &spec, &path) && w < m->nwls)
			m->wls[w++].obj = &m->objs[i];
	}
	return bh_kube_check_all(s);
}

const struct bh_layer_ops bh_kube_layer = {
	.name = "kubernetes",
	.layer = BH_LAYER_K8,
	.claims_doc = claims_doc,
	.scan_doc = scan_doc,
	.finish = finish,
};
