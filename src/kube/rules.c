/*
 * The K8 rule table and its checks. Container-level checks resolve each field as Kubernetes
 * does: a container securityContext value overrides the pod's for the fields that exist at
 * both levels. A finding points at the offending field, or at the container (or pod spec) where
 * a required field is missing, and names the container.
 */
#include "kube.h"

#include <string.h>

#include "core/scan.h"
#include "core/banned.h"

/* The containers of the target's workload (none for other objects). */
static size_t containers(struct bh_ctx *ctx, const struct bh_kube_target *t,
			 struct bh_container **out)
{
	*out = NULL;
	if (!t->wl)
		return 0;
	return bh_kube_containers(&ctx->scan->arena, t->wl->pod_spec, out);
}

static const struct bh_node *sc_of(const struct bh_node *n)
{
	const struct bh_node *sc = bh_node_get(n, "securityContext");

	return bh_node_is_map(sc) ? sc : NULL;
}

static void check_privileged(struct bh_ctx *ctx, const void *subject)
{
	const struct bh_kube_target *t = subject;
	struct bh_container *cs;
	size_t n = containers(ctx, t, &cs);

	for (size_t i = 0; i < n; i++) {
		const struct bh_container *c = &cs[i];

		const struct bh_node *v = bh_node_get(sc_of(c->node), "privileged");
		int b;

		ctx->container = c->name;
		if (bh_node_bool(v, &b) && b)
			bh_report(ctx, v, c->name, "container '%s' runs privileged", c->name);
	}
}

static void check_privilege_escalation(struct bh_ctx *ctx, const void *subject)
{
	const struct bh_kube_target *t = subject;
	struct bh_container *cs;
	size_t n = containers(ctx, t, &cs);

	for (size_t i = 0; i < n; i++) {
		const struct bh_container *c = &cs[i];

		const struct bh_node *v = bh_node_get(sc_of(c->node), "allowPrivilegeEscalation");
		int b;

		ctx->container = c->name;
		if (!v)
			bh_report(ctx, c->node, c->name,
				  "container '%s' does not set allowPrivilegeEscalation: false", c->name);
		else if (!bh_node_bool(v, &b) || b)
			bh_report(ctx, v, c->name, "container '%s' allows privilege escalation",
				  c->name);
	}
}

static void check_run_as_non_root(struct bh_ctx *ctx, const void *subject)
{
	const struct bh_kube_target *t = subject;
	const struct bh_node *pod_v = bh_node_get(sc_of(t->wl ? t->wl->pod_spec : NULL), "runAsNonRoot");
	int pod_b = 0, pod_set = bh_node_bool(pod_v, &pod_b);

	struct bh_container *cs;
	size_t n = containers(ctx, t, &cs);

	if (pod_set && !pod_b)
		bh_report(ctx, pod_v, "pod", "the pod sets runAsNonRoot: false");

	for (size_t i = 0; i < n; i++) {
		const struct bh_container *c = &cs[i];

		const struct bh_node *v = bh_node_get(sc_of(c->node), "runAsNonRoot");
		int b;

		ctx->container = c->name;
		if (bh_node_bool(v, &b)) {
			if (!b)
				bh_report(ctx, v, c->name, "container '%s' sets runAsNonRoot: false",
					  c->name);
		} else if (!(pod_set && pod_b)) {
			bh_report(ctx, c->node, c->name,
				  "container '%s' may run as root: runAsNonRoot is not true in the pod or container securityContext",
				  c->name);
		}
	}
}

static void check_duplicate_keys(struct bh_ctx *ctx, const void *subject)
{
	const struct bh_kube_target *t = subject;
	const struct bh_doc *doc = t->obj->doc;

	/* Only the document's first object reports, so List items do not repeat it. */
	if (t->obj->root != doc->root)
		return;
	for (size_t i = 0; i < doc->ndups; i++) {
		const struct bh_dupkey *d = &doc->dups[i];

		bh_report(ctx, d->second, d->second->scalar.str,
			  "duplicate key '%s' (first at line %u): the API server and other tools may read different values",
			  d->second->scalar.str, d->first->line);
	}
}

const struct bh_rule bh_kube_rules[] = {
	{
		.id = "K8-001",
		.layer = BH_LAYER_K8,
		.severity = BH_SEV_CRITICAL,
		.title = "Privileged container",
		.attack = "A privileged container has every capability and the host's devices, so code execution in the agent is root on the node.",
		.fix = "Remove securityContext.privileged or set it to false.",
		.refs = "PSS baseline: Privileged Containers; CIS 5.2.2",
		.check = check_privileged,
		.flags = BH_RULE_PSS_BASELINE,
	},
	{
		.id = "K8-002",
		.layer = BH_LAYER_K8,
		.severity = BH_SEV_HIGH,
		.title = "Privilege escalation allowed",
		.attack = "Without no_new_privs a process in the container can gain privileges through setuid binaries or file capabilities.",
		.fix = "Set securityContext.allowPrivilegeEscalation: false on every container.",
		.refs = "PSS restricted: Privilege Escalation; CIS 5.2.6",
		.check = check_privilege_escalation,
		.flags = BH_RULE_PSS_RESTRICTED,
	},
	{
		.id = "K8-003",
		.layer = BH_LAYER_K8,
		.severity = BH_SEV_HIGH,
		.title = "Container may run as root",
		.attack = "Code execution in the agent becomes root in the container, one step from the node.",
		.fix = "Set runAsNonRoot: true and a non-zero runAsUser in the pod or container securityContext.",
		.refs = "PSS restricted: Running as Non-root; CIS 5.2.7",
		.check = check_run_as_non_root,
		.flags = BH_RULE_PSS_RESTRICTED,
	},
	{
		.id = "K8-004",
		.layer = BH_LAYER_K8,
		.severity = BH_SEV_HIGH,
		.title = "Duplicate key in a manifest",
		.attack = "A scanner and the API server can read different values for a duplicated key, so a reviewed manifest can deploy something else.",
		.fix = "Remove the duplicate key so that each field appears once.",
		.refs = "YAML 1.2 section 3.2.1.1 (keys are unique)",
		.check = check_duplicate_keys,
	},
};
const size_t bh_kube_nrules = sizeof(bh_kube_rules) / sizeof(*bh_kube_rules);

static const char *object_ignore(const struct bh_kobj *o, const struct bh_workload *w)
{
	const char *v = bh_node_str(bh_node_get(o->annotations, "bulkhead.dev/ignore"));

	if (!v && w)
		v = bh_node_str(bh_node_get(bh_node_get(w->pod_meta, "annotations"), "bulkhead.dev/ignore"));
	return v;
}

bh_err bh_kube_check_all(struct bh_scan *s)
{
	const struct bh_kube_model *m = bh_kube_model(s);
	size_t w = 0;

	for (size_t i = 0; i < m->nobjs; i++) {
		const struct bh_kobj *o = &m->objs[i];
		struct bh_kube_target t = { .model = m, .obj = o };
		struct bh_ctx ctx = { .scan = s, .file = o->file, .object = o->ref };

		if (w < m->nwls && m->wls[w].obj == o)
			t.wl = &m->wls[w++];
		ctx.ignore = object_ignore(o, t.wl);
		if (ctx.ignore)
			ctx.ignore_src = bh_arena_printf(&s->arena, "annotation bulkhead.dev/ignore on %s",
							 o->ref);
		bh_rules_run(&ctx, bh_kube_rules, bh_kube_nrules, &t);
	}
	return BH_OK;
}
