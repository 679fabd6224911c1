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

/* A container of a pod spec, from any of the three lists. */
struct bh_container {
	const struct bh_node *node;
	const char *name;
	const char *list; /* "containers", "initContainers" or "ephemeralContainers" */
};

struct bh_kube_index;
struct kube_late;

/* What a K8 check receives: an object, and its workload when it has a pod spec. */
struct bh_kube_target {
	const struct bh_kube_model *model;
	const struct bh_kobj *obj;
	const struct bh_workload *wl; /* NULL for objects without a pod spec */
	/* Filled by the layer before the checks run, for workloads only: */
	const struct bh_container *cs; /* every container, init then regular then ephemeral */
	size_t ncs;
	const struct bh_node *psc; /* the pod securityContext mapping, or NULL */
	int windows;		   /* spec.os.name is windows: PSA exempts some restricted checks */
	int userns;		   /* spec.hostUsers is false: PSA relaxes some checks */
	/*
	 * The Pod Security Admission policy version that decides the workload, as the minor of
	 * v1 (0..KUBE_PSS_NEWEST): its namespace's enforce-version label, else the run's default.
	 */
	int pss;
	const struct bh_kube_index *index; /* the ServiceAccounts of the run, for lookups */
	/* Set only in the layer's second pass, for checks that need every other finding. */
	const struct kube_late *late;
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

/*
 * Pod Security Admission's verdict on one workload at the level of the run's --pss: admitted
 * when no PSS control of that level (baseline, or baseline and restricted) has a finding on
 * it. Suppressions do not change the verdict: the API server does not read them.
 */
struct bh_pss_verdict {
	const struct bh_kobj *obj;
	const struct bh_workload *wl;
	int admitted;
	int pss_minor;			 /* the policy version that decided it: v1.<pss_minor> */
	int pss_latest;			 /* whether that version is the newest one bulkhead knows */
	const struct bh_finding **fails; /* the first finding of each failing control */
	size_t nfails;
};

/*
 * The verdicts of every workload of a finished scan run with s->pss set, in model order,
 * allocated in the scan's arena. Linear in findings plus workloads.
 */
bh_err bh_kube_pss_verdicts(struct bh_scan *s, struct bh_pss_verdict **out, size_t *n);

/* The PSS control a rule implements ("Privileged Containers"), or NULL for other rules. */
const char *bh_kube_pss_control(const struct bh_rule *rule);

/*
 * Mechanical fixes (bulkhead fix) for the workloads of one YAML file's text: securityContext
 * fields, capabilities, seccomp, the service-account token and resource placeholders (marked
 * with a review comment). The result is a text splice: comments, key order and the indentation
 * of untouched lines are kept. want, when not NULL, says whether the fix of a rule may touch an
 * object ("Kind/namespace/name" as findings name it) and container (NULL: the pod); bulkhead
 * fix passes the unsuppressed findings of a scan, so suppressed and disabled rules are not
 * "fixed". *out is malloc'd (NULL and *nedits 0 when nothing changes); the
 * new text is re-parsed before it is returned, so a fix never produces a file that does not
 * parse (BH_ERR_PARSE with diag instead). JSON input is left alone.
 */
typedef int (*bh_kube_fix_filter)(void *arg, const char *rule, const char *object,
				  const char *container);
bh_err bh_kube_fix_text(const char *path, const char *data, size_t len, bh_kube_fix_filter want,
			void *want_arg, char **out, size_t *out_len, unsigned *nedits,
			struct bh_diag *diag);

/* Run every K8 rule over the scan's model (the layer's finish step). */
bh_err bh_kube_check_all(struct bh_scan *s);

extern const struct bh_layer_ops bh_kube_layer;
extern const struct bh_rule bh_kube_rules[];
extern const size_t bh_kube_nrules;

#endif
