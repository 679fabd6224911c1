/*
 * Agent hardening beyond the Pod Security Standards: identities, a read-only root with
 * memory-backed scratch space, resources, the service-account token, image pinning, literal
 * credentials in env, the namespace a workload lands in and the PSA labels of agent
 * namespaces. Like the PSS checks, a finding points at the offending value, or at the
 * container's name (the pod spec) when a field is missing.
 *
 * Checks are linear in the object's size; cross-object lookups (a workload's ServiceAccount)
 * go through the run index, so the whole pass stays linear in the number of objects.
 */
#include "kube_int.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/scan.h"
#include "secrets/secrets.h"

#include "core/banned.h"

#define T(subject) ((const struct bh_kube_target *)(subject))

void kube_check_duplicate_keys(struct bh_ctx *ctx, const void *subject)
{
	const struct bh_kube_target *t = T(subject);
	const struct bh_doc *doc = t->obj->doc;

	/* Only the document's first object reports, so List items do not repeat it. */
	if (t->obj->root != doc->root)
		return;
	for (size_t i = 0; i < doc->ndups; i++) {
		const struct bh_dupkey *d = &doc->dups[i];

		bh_report(
			ctx, d->second, d->second->scalar.str,
			"duplicate key '%s' (first at line %u): the API server and other tools may read different values",
			d->second->scalar.str, d->first->line);
	}
}

void kube_check_uid(struct bh_ctx *ctx, const void *subject)
{
	const struct bh_kube_target *t = T(subject);

	if (t->windows)
		return;
	for (size_t i = 0; i < t->ncs; i++) {
		const struct bh_container *c = &t->cs[i];
		const struct bh_node *v = kube_eff(t, c, "runAsUser", NULL);
		long long uid;

		ctx->container = c->name;
		if (!v)
			kube_report_missing(
				ctx, kube_container_anchor(c), c->name,
				"container '%s' does not set runAsUser: the image decides its UID",
				c->name);
		else if (t->userns && bh_node_int(v, &uid) && uid == 0)
			/* Outside a user namespace K8-017 reports UID 0. */
			bh_report(ctx, v, c->name,
				  "container '%s' runs as UID 0, root inside its user namespace",
				  c->name);
	}
}

void kube_check_gid(struct bh_ctx *ctx, const void *subject)
{
	const struct bh_kube_target *t = T(subject);
	const struct bh_node *v, *sg;
	long long id;

	if (!t->wl || t->windows)
		return;
	v = bh_node_get(t->psc, "fsGroup");
	if (bh_node_int(v, &id) && id == 0)
		bh_report(ctx, v, "fsGroup",
			  "the pod sets fsGroup: 0, giving volumes to the root group");
	sg = bh_node_get(t->psc, "supplementalGroups");
	for (size_t j = 0; bh_node_is_seq(sg) && j < sg->seq.n; j++)
		if (bh_node_int(sg->seq.items[j], &id) && id == 0)
			bh_report(ctx, sg->seq.items[j], "supplementalGroups",
				  "the pod adds the root group (0) to supplementalGroups");
	for (size_t i = 0; i < t->ncs; i++) {
		const struct bh_container *c = &t->cs[i];

		v = kube_eff(t, c, "runAsGroup", NULL);
		ctx->container = c->name;
		if (!v)
			kube_report_missing(
				ctx, kube_container_anchor(c), c->name,
				"container '%s' does not set runAsGroup: the image decides its GID, often 0",
				c->name);
		else if (bh_node_int(v, &id) && id == 0)
			bh_report(ctx, v, c->name, "container '%s' runs with GID 0 (root group)",
				  c->name);
	}
}

void kube_check_read_only_root(struct bh_ctx *ctx, const void *subject)
{
	const struct bh_kube_target *t = T(subject);

	if (t->windows)
		return;
	for (size_t i = 0; i < t->ncs; i++) {
		const struct bh_container *c = &t->cs[i];
		const struct bh_node *v = bh_node_get(kube_sc(c->node), "readOnlyRootFilesystem");

		ctx->container = c->name;
		if (!v || bh_node_is_null(v))
			kube_report_missing(
				ctx, kube_container_anchor(c), c->name,
				"container '%s' does not set readOnlyRootFilesystem: true",
				c->name);
		else if (!kube_true(v))
			bh_report(ctx, v, c->name, "container '%s' has a writable root filesystem",
				  c->name);
	}
}

/* The pod volume named name, or NULL. */
static const struct bh_node *volume_named(const struct bh_node *vols, const char *name,
					  size_t *index)
{
	for (size_t i = 0; name && bh_node_is_seq(vols) && i < vols->seq.n; i++) {
		if (bh_node_is(bh_node_get(vols->seq.items[i], "name"), name)) {
			*index = i;
			return vols->seq.items[i];
		}
	}
	return NULL;
}

/* The volume's source type: its first key other than name, "emptyDir" when it has none. */
static const char *volume_type(const struct bh_node *v)
{
	for (size_t j = 0; bh_node_is_map(v) && j < v->map.n; j++) {
		const char *k = bh_node_str(v->map.pairs[j].key);

		if (k && strcmp(k, "name") != 0 && !bh_node_is_null(v->map.pairs[j].value))
			return k;
	}
	return "emptyDir";
}

static int is_tmp(const char *path)
{
	return path && (!strcmp(path, "/tmp") || !strcmp(path, "/tmp/"));
}

/* Calls fn for every writable mount of every container with its volume, once per volume. */
typedef void (*mount_fn)(struct bh_ctx *ctx, const struct bh_container *c,
			 const struct bh_node *mount, const struct bh_node *vol);

static void each_writable_mount(struct bh_ctx *ctx, const struct bh_kube_target *t, mount_fn fn)
{
	const struct bh_node *vols = t->wl ? bh_node_get(t->wl->pod_spec, "volumes") : NULL;
	unsigned char *seen;

	if (!bh_node_is_seq(vols) || !vols->seq.n)
		return;
	seen = bh_arena_alloc(&ctx->scan->arena, vols->seq.n);
	if (!seen)
		return;
	for (size_t i = 0; i < t->ncs; i++) {
		const struct bh_container *c = &t->cs[i];
		const struct bh_node *mounts = bh_node_get(c->node, "volumeMounts");

		ctx->container = c->name;
		for (size_t j = 0; bh_node_is_seq(mounts) && j < mounts->seq.n; j++) {
			const struct bh_node *m = mounts->seq.items[j];
			size_t vi = 0;
			const struct bh_node *v =
				volume_named(vols, bh_node_str(bh_node_get(m, "name")), &vi);

			if (!v || kube_true(bh_node_get(m, "readOnly")) || seen[vi])
				continue;
			seen[vi] = 1;
			fn(ctx, c, m, v);
		}
	}
}

static void writable_volume(struct bh_ctx *ctx, const struct bh_container *c,
			    const struct bh_node *mount, const struct bh_node *vol)
{
	/* Always mounted read-only by the kubelet, or reported by K8-008. */
	static const char *const fine[] = { "emptyDir",	 "configMap", "secret", "downwardAPI",
					    "projected", "hostPath",  "image",	NULL };
	const char *type = volume_type(vol);
	const struct bh_node *path = bh_node_get(mount, "mountPath");

	if (kube_in(type, fine) || kube_true(bh_node_get(bh_node_get(vol, type), "readOnly")))
		return;
	bh_report(
		ctx, path ? path : mount, bh_node_str(bh_node_get(vol, "name")),
		"container '%s' can write to %s volume '%s' at %s, which outlives the pod; keep writable paths on emptyDir",
		c->name, type, bh_node_str(bh_node_get(vol, "name")),
		bh_node_str(path) ? bh_node_str(path) : "?");
}

void kube_check_writable_volume(struct bh_ctx *ctx, const void *subject)
{
	each_writable_mount(ctx, T(subject), writable_volume);
}

static void tmp_volume(struct bh_ctx *ctx, const struct bh_container *c,
		       const struct bh_node *mount, const struct bh_node *vol)
{
	const struct bh_node *ed = bh_node_get(vol, "emptyDir");
	const char *name = bh_node_str(bh_node_get(vol, "name"));

	if (!is_tmp(bh_node_str(bh_node_get(mount, "mountPath"))) ||
	    strcmp(volume_type(vol), "emptyDir") != 0)
		return;
	if (!bh_node_is(bh_node_get(ed, "medium"), "Memory") ||
	    bh_node_is_null(bh_node_get(ed, "sizeLimit")))
		kube_report_missing(
			ctx, ed ? bh_node_get_key(vol, "emptyDir") : vol, name,
			"/tmp of container '%s' (volume '%s') is not a memory-backed emptyDir with a sizeLimit",
			c->name, name ? name : "?");
}

void kube_check_tmp(struct bh_ctx *ctx, const void *subject)
{
	each_writable_mount(ctx, T(subject), tmp_volume);
}

void kube_check_resources(struct bh_ctx *ctx, const void *subject)
{
	static const char *const what[][2] = {
		{ "limits", "cpu" },
		{ "limits", "memory" },
		{ "requests", "cpu" },
		{ "requests", "memory" },
	};
	const struct bh_kube_target *t = T(subject);

	for (size_t i = 0; i < t->ncs; i++) {
		const struct bh_container *c = &t->cs[i];
		const struct bh_node *res = bh_node_get(c->node, "resources");
		char missing[96] = "";
		size_t off = 0;

		/* Ephemeral containers cannot have resources. */
		if (!strcmp(c->list, "ephemeralContainers"))
			continue;
		ctx->container = c->name;
		for (size_t k = 0; k < 4; k++) {
			const struct bh_node *v =
				bh_node_get(bh_node_get(res, what[k][0]), what[k][1]);

			/* An unset request defaults to the limit. */
			if (!v && k >= 2)
				v = bh_node_get(bh_node_get(res, "limits"), what[k][1]);
			if (v && !bh_node_is_null(v))
				continue;
			off += (size_t)snprintf(missing + off, sizeof(missing) - off, "%s%s %s",
						off ? ", " : "", what[k][1],
						what[k][0][0] == 'l' ? "limit" : "request");
		}
		if (off)
			kube_report_missing(ctx,
					    res ? bh_node_get_key(c->node, "resources")
						: kube_container_anchor(c),
					    c->name, "container '%s' has no %s", c->name, missing);
	}
}

void kube_check_sa_token(struct bh_ctx *ctx, const void *subject)
{
	const struct bh_kube_target *t = T(subject);
	const struct bh_node *v;
	const struct bh_kobj *sa;
	const char *san, *need;

	if (!t->wl)
		return;
	need = kube_annotation(t, KUBE_NEEDS_API);
	if (need && !strcmp(need, "true"))
		return;
	v = bh_node_get(t->wl->pod_spec, "automountServiceAccountToken");
	if (kube_false(v))
		return;
	if (kube_true(v)) {
		bh_report(
			ctx, v, "token",
			"the pod mounts its service-account token (annotate %s: \"true\" if it needs the API)",
			KUBE_NEEDS_API);
		return;
	}
	san = bh_node_str(bh_node_get(t->wl->pod_spec, "serviceAccountName"));
	if (!san || !*san)
		san = bh_node_str(bh_node_get(t->wl->pod_spec, "serviceAccount"));
	if (!san || !*san)
		san = "default";
	sa = kube_index_sa(t->index, bh_kobj_namespace(t->obj), san);
	if (sa && kube_false(bh_node_get(sa->root, "automountServiceAccountToken")))
		return;
	kube_report_missing(
		ctx, kube_spec_anchor(t), "token",
		"the service-account token of '%s' is mounted: neither the pod nor the ServiceAccount sets automountServiceAccountToken: false",
		san);
}

void kube_check_image_digest(struct bh_ctx *ctx, const void *subject)
{
	const struct bh_kube_target *t = T(subject);

	for (size_t i = 0; i < t->ncs; i++) {
		const struct bh_container *c = &t->cs[i];
		const struct bh_node *n = bh_node_get(c->node, "image");
		const char *img = bh_node_str(n), *slash, *colon;

		ctx->container = c->name;
		/* Templates (Helm, envsubst) are judged after rendering. */
		if (!img || !*img || strchr(img, '@') || strstr(img, "{{") || strstr(img, "${") ||
		    strstr(img, "$("))
			continue;
		slash = strrchr(img, '/');
		colon = strrchr(slash ? slash : img, ':');
		if (!colon)
			bh_report(
				ctx, n, img,
				"image '%s' has no tag and no digest: it pulls whatever :latest is",
				img);
		else if (!strcmp(colon + 1, "latest"))
			bh_report(ctx, n, img,
				  "image '%s' uses the mutable tag latest instead of a digest",
				  img);
		else
			bh_report(
				ctx, n, img,
				"image '%s' is pinned by tag only; tags can be moved, digests cannot",
				img);
	}
}

/* Env names whose value is a credential when given literally. */
static int secret_name(const char *name)
{
	static const char *const words[] = { "PASSWORD",   "PASSWD",	 "PASSPHRASE",
					     "SECRET",	   "TOKEN",	 "APIKEY",
					     "API_KEY",	   "ACCESS_KEY", "PRIVATE_KEY",
					     "CREDENTIAL", "AUTH_KEY",	 NULL };
	/* Suffixes that name where a secret is, or something about it, not the secret. */
	static const char *const not_secret[] = { "_FILE",  "_PATH",   "_DIR",	    "_URL",
						  "_URI",   "_NAME",   "_ENDPOINT", "_HOST",
						  "_ID",    "_KEY_ID", "_REF",	    "_LENGTH",
						  "_TTL",   "_TYPE",   "_EXPIRY",   "_ENABLED",
						  "_MOUNT", "_HEADER", "_PORT",	    "_TIMEOUT",
						  "_FIELD", NULL };
	char up[128];
	size_t n = strlen(name);

	if (n >= sizeof(up))
		return 0;
	for (size_t i = 0; i <= n; i++)
		up[i] = (char)toupper((unsigned char)name[i]);
	for (size_t i = 0; not_secret[i]; i++) {
		size_t m = strlen(not_secret[i]);

		if (n > m && !strcmp(up + n - m, not_secret[i]))
			return 0;
	}
	for (size_t i = 0; words[i]; i++)
		if (strstr(up, words[i]))
			return 1;
	return 0;
}

/* Values that cannot be a credential whatever the name says. */
static int placeholder_value(const char *v)
{
	static const char *const fixed[] = { "true", "false",	"yes",	    "no", "none",
					     "null", "enabled", "disabled", NULL };

	int upper_ident = 1, underscore = 0;

	if (strlen(v) < 4 || v[0] == '/' || v[0] == '<' || strstr(v, "$(") || strstr(v, "${") ||
	    strstr(v, "{{") || strstr(v, "://") || strstr(v, "INSERT") || strstr(v, "REPLACE") ||
	    strstr(v, "YOUR_") || strstr(v, "your-"))
		return 1;
	/* GOOGLE_API_KEY_VAL and the like: a template variable left for the user to fill in. */
	for (const char *p = v; *p; p++) {
		underscore |= *p == '_';
		if (!isupper((unsigned char)*p) && !isdigit((unsigned char)*p) && *p != '_')
			upper_ident = 0;
	}
	if (upper_ident && underscore)
		return 1;
	for (size_t i = 0; fixed[i]; i++)
		if (!strcasecmp(v, fixed[i]))
			return 1;
	for (const char *p = v; *p; p++)
		if (!isdigit((unsigned char)*p))
			return 0;
	return 1; /* a number: a port, a size, a count */
}

struct secret_hit {
	const char *rule;
};

static void on_secret(const struct bh_secret_match *m, void *arg)
{
	struct secret_hit *h = arg;

	if (!h->rule)
		h->rule = m->rule ? m->rule->id : "SE";
}

void kube_check_env_secrets(struct bh_ctx *ctx, const void *subject)
{
	const struct bh_kube_target *t = T(subject);

	for (size_t i = 0; i < t->ncs; i++) {
		const struct bh_container *c = &t->cs[i];
		const struct bh_node *env = bh_node_get(c->node, "env");

		ctx->container = c->name;
		for (size_t j = 0; bh_node_is_seq(env) && j < env->seq.n; j++) {
			const struct bh_node *e = env->seq.items[j];
			const char *name = bh_node_str(bh_node_get(e, "name"));
			const struct bh_node *vn = bh_node_get(e, "value");
			const char *val = bh_node_str(vn);
			struct secret_hit hit = { 0 };

			if (!name || !val || !*val)
				continue;
			bh_secrets_scan_buffer(name, val, vn->scalar.len, on_secret, &hit);
			if (hit.rule)
				bh_report(
					ctx, vn, name,
					"env %s of container '%s' holds a credential (%s) literally; use valueFrom.secretKeyRef",
					name, c->name, hit.rule);
			else if (secret_name(name) && !placeholder_value(val))
				bh_report(
					ctx, vn, name,
					"env %s of container '%s' looks like a credential given literally; use valueFrom.secretKeyRef",
					name, c->name);
		}
	}
}

void kube_check_default_namespace(struct bh_ctx *ctx, const void *subject)
{
	const struct bh_kube_target *t = T(subject);
	const struct bh_node *ns;

	/* A manifest without a namespace is placed by kubectl -n or kustomize: not judged. */
	if (!t->wl || !t->obj->ns || strcmp(t->obj->ns, "default") != 0)
		return;
	ns = bh_node_get(t->obj->metadata, "namespace");
	bh_report(ctx, ns, "namespace",
		  "%s runs in the default namespace, shared with everything that forgot one",
		  t->obj->ref);
}

/* Whether a Namespace object is an agent namespace. */
static int agent_namespace(const struct bh_ctx *ctx, const struct bh_kobj *o)
{
	const struct bh_node *l = bh_node_get(ctx->scan->cfg.agents, "namespaces");
	const char *mark = bh_node_str(bh_node_get(o->labels, "bulkhead.dev/agent"));

	if (!mark)
		mark = bh_node_str(bh_node_get(o->annotations, "bulkhead.dev/agent"));
	if (mark && strcmp(mark, "false") != 0)
		return 1;
	for (size_t i = 0; bh_node_is_seq(l) && i < l->seq.n; i++)
		if (bh_node_is(l->seq.items[i], o->name))
			return 1;
	return 0;
}

static int is_namespace(const struct bh_kobj *o)
{
	return o->kind && !strcmp(o->kind, "Namespace");
}

void kube_check_agent_namespace(struct bh_ctx *ctx, const void *subject)
{
	const struct bh_kube_target *t = T(subject);
	const struct bh_node *v;

	if (!is_namespace(t->obj) || !agent_namespace(ctx, t->obj))
		return;
	v = bh_node_get(t->obj->labels, "pod-security.kubernetes.io/enforce");
	if (bh_node_is(v, "restricted"))
		return;
	if (v)
		bh_report(ctx, v, "enforce",
			  "agent namespace '%s' enforces Pod Security level '%s', not restricted",
			  t->obj->name, bh_node_str(v) ? bh_node_str(v) : "?");
	else
		kube_report_missing(
			ctx, bh_node_get(t->obj->metadata, "name"), "enforce",
			"agent namespace '%s' has no pod-security.kubernetes.io/enforce: restricted label",
			t->obj->name);
}

void kube_check_namespace_level(struct bh_ctx *ctx, const void *subject)
{
	const struct bh_kube_target *t = T(subject);
	const struct bh_node *v;

	if (!is_namespace(t->obj) || agent_namespace(ctx, t->obj))
		return;
	v = bh_node_get(t->obj->labels, "pod-security.kubernetes.io/enforce");
	if (bh_node_is(v, "privileged"))
		bh_report(
			ctx, v, "enforce",
			"namespace '%s' enforces the privileged level: Pod Security admits anything there",
			t->obj->name);
}

void kube_check_namespace_rejects(struct bh_ctx *ctx, const void *subject)
{
	const struct bh_kube_target *t = T(subject);
	const struct kube_late *l = t->late;
	const struct bh_node *at;
	char list[512] = "";
	size_t off = 0;
	int minor;

	if (!l || !l->nfails)
		return; /* the first pass, or nothing fails */
	for (size_t i = 0; i < l->nfails && off < sizeof(list) - 1; i++)
		off += (size_t)snprintf(list + off, sizeof(list) - off, "%s%s (%s)", i ? ", " : "",
					bh_kube_pss_control(l->fails[i]->rule),
					l->fails[i]->rule->id);
	at = bh_node_get(t->obj->metadata, "namespace");
	if (!at)
		at = bh_node_get(t->obj->metadata, "name");
	if (l->version && (bh_pss_version_parse(l->version, &minor) || minor != t->pss))
		bh_report(
			ctx, at, l->ns,
			"%s would be rejected by namespace '%s' (enforce: %s, enforce-version: %s, which PSA applies as v1.%d): %s",
			t->obj->ref, l->ns, l->level, l->version, t->pss, list);
	else if (l->version)
		bh_report(
			ctx, at, l->ns,
			"%s would be rejected by namespace '%s' (enforce: %s, enforce-version: %s): %s",
			t->obj->ref, l->ns, l->level, l->version, list);
	else
		bh_report(ctx, at, l->ns,
			  "%s would be rejected by namespace '%s' (enforce: %s): %s", t->obj->ref,
			  l->ns, l->level, list);
}

/*
 * The Pod Security labels of a Namespace as PSA's PolicyToEvaluate parses them: a level of
 * privileged, baseline or restricted, a version of latest or v1.MINOR. The API server refuses
 * to create a Namespace with a label that does not parse, and for one that exists PSA evaluates
 * restricted for a bad level and latest for a bad version.
 */
void kube_check_namespace_labels(struct bh_ctx *ctx, const void *subject)
{
	static const char *const modes[] = { "enforce", "audit", "warn" };
	const struct bh_kube_target *t = T(subject);

	if (!is_namespace(t->obj))
		return;
	for (size_t i = 0; i < 3; i++) {
		char key[64];
		const struct bh_node *v;
		const char *s;
		int minor;

		snprintf(key, sizeof(key), "pod-security.kubernetes.io/%s", modes[i]);
		v = bh_node_get(t->obj->labels, key);
		s = bh_node_str(v);
		if (v && !(s && (!strcmp(s, "privileged") || !strcmp(s, "baseline") ||
				 !strcmp(s, "restricted"))))
			bh_report(
				ctx, v, key,
				"namespace '%s' has %s: '%s', not privileged, baseline or restricted: the API server refuses the Namespace, and Pod Security Admission would apply %s",
				t->obj->name, key, s ? s : "(not a string)",
				i ? "privileged (no audit or warning)" : "restricted");
		snprintf(key, sizeof(key), "pod-security.kubernetes.io/%s-version", modes[i]);
		v = bh_node_get(t->obj->labels, key);
		s = bh_node_str(v);
		if (v && bh_pss_version_parse(s, &minor))
			bh_report(
				ctx, v, key,
				"namespace '%s' has %s: '%s', not latest or v1.MINOR: the API server refuses the Namespace, and Pod Security Admission would apply the latest policy version",
				t->obj->name, key, s ? s : "(not a string)");
	}
}
