/*
 * Internals of the Kubernetes layer shared by its files: the field helpers that resolve a
 * securityContext value as Kubernetes does, the report helpers, the run index, and the check
 * functions the rule table (rules.c) points at. Nothing here is for other layers.
 */
#ifndef BH_KUBE_INT_H
#define BH_KUBE_INT_H

#include <stddef.h>

#include "kube.h"

/* The ServiceAccounts of the run, sorted by namespace and name for binary search. */
struct kube_named {
	const char *ns, *name;
	const struct bh_kobj *obj;
};

struct bh_kube_index {
	struct kube_named *sas;
	size_t nsas;
	struct kube_named *nss; /* the Namespace objects, by name (ns is "") */
	size_t nnss;
};

bh_err kube_index_build(struct bh_arena *a, const struct bh_kube_model *m,
			struct bh_kube_index *out);
const struct bh_kobj *kube_index_sa(const struct bh_kube_index *ix, const char *ns,
				    const char *name);
/* The Namespace object of the run with that name, or NULL. */
const struct bh_kobj *kube_index_ns(const struct bh_kube_index *ix, const char *name);

/*
 * The newest Pod Security Admission policy version bulkhead implements, v1.37: "latest" and
 * every later version decide as it does, as PSA clamps a version past its newest check.
 */
#define KUBE_PSS_NEWEST		   37
#define KUBE_ENFORCE_LABEL	   "pod-security.kubernetes.io/enforce"
#define KUBE_ENFORCE_VERSION_LABEL "pod-security.kubernetes.io/enforce-version"
/*
 * The policy version that decides workloads of namespace ns (NULL when the run has no such
 * Namespace): its enforce-version label, else the run's default; an unparsable label means
 * latest, as in PSA's PolicyToEvaluate. *label, when not NULL, receives the label's node.
 */
int kube_pss_version(const struct bh_scan *s, const struct bh_kobj *ns,
		     const struct bh_node **label);

/* What the second pass knows about a workload: its namespace's enforce level and failures. */
struct kube_late {
	const char *ns, *level;
	const char *version;		 /* the enforce-version label as written, or NULL */
	const struct bh_finding **fails; /* the first finding of each failing control */
	size_t nfails;
};

/* The securityContext mapping of a pod spec or a container, or NULL. */
const struct bh_node *kube_sc(const struct bh_node *n);
/*
 * A securityContext field as it applies to container c: the container's own value, or the
 * pod's for the fields that exist at both levels. *pod_level says which one it came from.
 */
const struct bh_node *kube_eff(const struct bh_kube_target *t, const struct bh_container *c,
			       const char *key, int *pod_level);
/* Boolean helpers: 1 only for a YAML boolean of that value. */
int kube_true(const struct bh_node *n);
int kube_false(const struct bh_node *n);
/* Whether a string is in a NULL-terminated list. */
int kube_in(const char *s, const char *const *list);
/* The value of an annotation on the pod template or, failing that, the object. */
const char *kube_annotation(const struct bh_kube_target *t, const char *key);

/*
 * Report at the start of node only (one line), for a field that is missing from the mapping
 * node: the finding points at the container or pod spec without underlining all of it.
 */
void kube_report_missing(struct bh_ctx *ctx, const struct bh_node *node, const char *key,
			 const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* The key of the pod spec ("spec:"), for findings about the pod as a whole. */
const struct bh_node *kube_spec_anchor(const struct bh_kube_target *t);
/* The node findings about container c point at when a field is missing: its name value. */
const struct bh_node *kube_container_anchor(const struct bh_container *c);

/* Pod Security Standards (pss.c). */
void kube_check_privileged(struct bh_ctx *ctx, const void *subject);
void kube_check_privilege_escalation(struct bh_ctx *ctx, const void *subject);
void kube_check_run_as_non_root(struct bh_ctx *ctx, const void *subject);
void kube_check_host_namespaces(struct bh_ctx *ctx, const void *subject);
void kube_check_host_process(struct bh_ctx *ctx, const void *subject);
void kube_check_caps_baseline(struct bh_ctx *ctx, const void *subject);
void kube_check_host_path(struct bh_ctx *ctx, const void *subject);
void kube_check_host_ports(struct bh_ctx *ctx, const void *subject);
void kube_check_apparmor(struct bh_ctx *ctx, const void *subject);
void kube_check_selinux(struct bh_ctx *ctx, const void *subject);
void kube_check_proc_mount(struct bh_ctx *ctx, const void *subject);
void kube_check_seccomp_baseline(struct bh_ctx *ctx, const void *subject);
void kube_check_sysctls(struct bh_ctx *ctx, const void *subject);
void kube_check_probe_host(struct bh_ctx *ctx, const void *subject);
void kube_check_volume_types(struct bh_ctx *ctx, const void *subject);
void kube_check_run_as_user(struct bh_ctx *ctx, const void *subject);
void kube_check_seccomp_restricted(struct bh_ctx *ctx, const void *subject);
void kube_check_caps_restricted(struct bh_ctx *ctx, const void *subject);
void kube_check_proc_mount_userns(struct bh_ctx *ctx, const void *subject);
void kube_check_ulimits(struct bh_ctx *ctx, const void *subject);
void kube_check_cgroup_mount(struct bh_ctx *ctx, const void *subject);

/* Agent hardening beyond PSS (harden.c). */
void kube_check_duplicate_keys(struct bh_ctx *ctx, const void *subject);
void kube_check_uid(struct bh_ctx *ctx, const void *subject);
void kube_check_gid(struct bh_ctx *ctx, const void *subject);
void kube_check_read_only_root(struct bh_ctx *ctx, const void *subject);
void kube_check_writable_volume(struct bh_ctx *ctx, const void *subject);
void kube_check_tmp(struct bh_ctx *ctx, const void *subject);
void kube_check_resources(struct bh_ctx *ctx, const void *subject);
void kube_check_sa_token(struct bh_ctx *ctx, const void *subject);
void kube_check_image_digest(struct bh_ctx *ctx, const void *subject);
void kube_check_env_secrets(struct bh_ctx *ctx, const void *subject);
void kube_check_default_namespace(struct bh_ctx *ctx, const void *subject);
void kube_check_agent_namespace(struct bh_ctx *ctx, const void *subject);
void kube_check_namespace_level(struct bh_ctx *ctx, const void *subject);
void kube_check_namespace_rejects(struct bh_ctx *ctx, const void *subject);
void kube_check_namespace_labels(struct bh_ctx *ctx, const void *subject);

/* Shared facts. */
extern const char *const kube_baseline_caps[];
extern const char *const kube_safe_sysctls[];
/* The annotation that marks a workload as needing the Kubernetes API (keeps its token). */
#define KUBE_NEEDS_API "bulkhead.dev/needs-api"
/* What bulkhead fix writes for a missing UID/GID; above the usual system ranges. */
#define KUBE_FIX_ID "10001"

#endif
