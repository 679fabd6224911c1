/*
 * The Kubernetes layer: the object and workload model shared with the network layer, and the
 * K8 rules.
 *
 * Every YAML/JSON document with apiVersion and kind is an object; a *List is expanded into its
 * items. A workload is any object with a pod spec: a Pod, the known controllers, and any other
 * kind by shape (spec.template.spec, spec.jobTemplate.spec.template.spec). Checks receive a
 * struct bh_kube_target and run in finish(), when the whole set is known.
 */
#ifndef BH_KUBE_H
#define BH_KUBE_H

#include <stddef.h>

#include "core/doc.h"
#include "core/layer.h"
#include "core/rule.h"

struct bh_kobj {
	const char *file;
	const struct bh_doc *doc;
	const struct bh_node *root; /* the object's mapping */
	const char *api_version;
	const char *kind;
	const char *name;
	const char *ns; /* metadata.namespace, or NULL when unset */
	const struct bh_node *metadata;
	const struct bh_node *labels;
	const struct bh_node *annotations;
	const char *ref; /* "Kind/namespace/name" for findings */
};

struct bh_workload {
	const struct bh_kobj *obj;
	const struct bh_node *pod_meta; /* the pod template's metadata (the object's for a Pod) */
	const struct bh_node *pod_spec;
	const char *spec_path; /* "spec", "spec.template.spec", ... */
};

struct bh_kube_model {
	struct bh_kobj *objs;
	size_t nobjs, objs_cap;
	struct bh_workload *wls;
	size_t nwls, wls_cap;
};

/* What a K8 check receives: an object, and its workload when it has a pod spec. */
struct bh_kube_target {
	const struct bh_kube_model *model;
	const struct bh_kobj *obj;
	const struct bh_workload *wl; /* NULL for objects without a pod spec */
};

/* A container of a pod spec, from any of the three lists. */
struct bh_container {
	const struct bh_node *node;
	const char *name;
	const char *list; /* "containers", "initContainers" or "ephemeralContainers" */
};

/* The model built so far in this scan (never NULL after the first Kubernetes document). */
const struct bh_kube_model *bh_kube_model(const struct bh_scan *s);

/*
 * The containers of a pod spec in list order (init, regular, ephemeral), into an arena array.
 * Returns the count.
 */
size_t bh_kube_containers(struct bh_arena *a, const struct bh_node *pod_spec,
			  struct bh_container **out);

/* The namespace an object lives in: metadata.namespace, or "default". */
const char *bh_kobj_namespace(const struct bh_kobj *o);

/* Whether an object is a workload (has a pod spec), and where. */
int bh_kube_pod_spec(const struct bh_kobj *o, const struct bh_node **meta,
		     const struct bh_node **spec, const char **path);

/* Run every K8 rule over the scan's model (the layer's finish step). */
bh_err bh_kube_check_all(struct bh_scan *s);

extern const struct bh_layer_ops bh_kube_layer;
extern const struct bh_rule bh_kube_rules[];
extern const size_t bh_kube_nrules;

#endif
