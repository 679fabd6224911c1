/*
 * The Pod Security Standards, one check per control, decided as Pod Security Admission
 * (k8s.io/pod-security-admission, policy/check_*.go) decides them at the workload's policy
 * version (t->pss: its namespace's enforce-version label, else the run's default, else the
 * latest). Each check keeps the versions at which PSA's check changed (MinimumVersion):
 *
 * - restricted: allowPrivilegeEscalation from v1.8, seccompProfile_restricted from v1.19,
 *   capabilities_restricted from v1.22, runAsUser from v1.23, Windows exemptions from v1.25,
 *   the hostUsers: false relaxation of runAsNonRoot and runAsUser from v1.35;
 * - baseline: seccomp from the alpha annotations before v1.19 and from the field since, the
 *   sysctls allowed list growing at v1.27, v1.29, v1.32 and v1.37, SELinux type
 *   container_engine_t from v1.31, host probes and lifecycle hooks from v1.34, the /proc mount
 *   relaxed for user namespaces from v1.35 (restricted keeps Default).
 *
 * AppArmor (annotations and fields), volume types (image volumes included), ulimits and the
 * cgroup mount have one version, v1.0, in PSA, so they decide every version alike. Where a
 * restricted check replaces a baseline one (OverrideCheckIDs), it does so only from its own first
 * version.
 *
 * At every version:
 *
 * - every container list counts (initContainers, containers, ephemeralContainers);
 * - a value set at container level overrides the pod's where the field exists at both levels,
 *   and runAsNonRoot and seccompProfile may be satisfied at pod level alone; an explicit bad
 *   value at pod level fails even when every container overrides it, as PSA's does;
 * - spec.os.name: windows exempts allowPrivilegeEscalation, seccomp and capabilities of the
 *   restricted level (v1.25+);
 * - spec.hostUsers: false (a user namespace) relaxes runAsNonRoot, runAsUser (restricted) and
 *   the baseline /proc mount control; restricted still requires the Default /proc mount
 *   (K8-020), as PSA's procMount_restricted check does since v1.35.
 *
 * Two controls guard the newest securityContext fields, checked by PSA's ulimits (baseline)
 * and cgroupOptions (restricted) checks, whose test data reaches policy v1.37: any ulimits, and a
 * cgroup mountMode other than ReadOnly, are rejected.
 *
 * Where PSA runs two checks on one value (hostPath is also a restricted volume type, Unconfined
 * seccomp fails both levels, a non-default capability both capability checks), the restricted
 * rule leaves that value to the baseline one, so a scan reports it once; --pss restricted runs
 * both levels and so reaches the same verdict as PSA.
 */
#include "kube_int.h"

#include <string.h>

#include "core/scan.h"

#include "core/banned.h"

const char *const kube_baseline_caps[] = {
	"AUDIT_WRITE",	    "CHOWN",   "DAC_OVERRIDE", "FOWNER",  "FSETID", "KILL",	  "MKNOD",
	"NET_BIND_SERVICE", "SETFCAP", "SETGID",       "SETPCAP", "SETUID", "SYS_CHROOT", NULL,
};

/*
 * The namespaced, isolated sysctls PSA allows, as of policy v1.37 (v1.0 + v1.27 + v1.29 + v1.32
 * + v1.37): the list only grows, so the latest one admits every pod an older one did.
 * kube_safe_sysctl_since[i] is the minor of the version that added kube_safe_sysctls[i].
 */
const char *const kube_safe_sysctls[] = {
	"kernel.shm_rmid_forced",
	"net.ipv4.ip_local_port_range",
	"net.ipv4.tcp_syncookies",
	"net.ipv4.ping_group_range",
	"net.ipv4.ip_unprivileged_port_start",
	"net.ipv4.ip_local_reserved_ports",
	"net.ipv4.tcp_keepalive_time",
	"net.ipv4.tcp_fin_timeout",
	"net.ipv4.tcp_keepalive_intvl",
	"net.ipv4.tcp_keepalive_probes",
	"net.ipv4.tcp_rmem",
	"net.ipv4.tcp_wmem",
	"net.ipv4.tcp_slow_start_after_idle",
	"net.ipv4.tcp_notsent_lowat",
	NULL,
};

static const int kube_safe_sysctl_since[] = { 0, 0, 0, 0, 0, 27, 29, 29, 29, 29, 32, 32, 37, 37 };

/* The SELinux types of v1.0; v1.31 adds container_engine_t. */
static const char *const selinux_types[] = {
	"", "container_t", "container_init_t", "container_kvm_t", NULL,
};

static const char *const restricted_volumes_ok[] = {
	"name",
	"configMap",
	"csi",
	"downwardAPI",
	"emptyDir",
	"ephemeral",
	"image" /* OCI image volumes, read-only */,
	"persistentVolumeClaim",
	"projected",
	"secret",
	NULL,
};

#define T(subject) ((const struct bh_kube_target *)(subject))

void kube_check_host_namespaces(struct bh_ctx *ctx, const void *subject)
{
	static const char *const fields[] = { "hostNetwork", "hostPID", "hostIPC" };
	const struct bh_kube_target *t = T(subject);

	if (!t->wl)
		return;
	for (size_t i = 0; i < 3; i++) {
		const struct bh_node *v = bh_node_get(t->wl->pod_spec, fields[i]);

		if (kube_true(v))
			bh_report(ctx, v, fields[i],
				  "the pod shares the host's namespace: %s: true", fields[i]);
	}
}

void kube_check_privileged(struct bh_ctx *ctx, const void *subject)
{
	const struct bh_kube_target *t = T(subject);

	for (size_t i = 0; i < t->ncs; i++) {
		const struct bh_container *c = &t->cs[i];
		const struct bh_node *v = bh_node_get(kube_sc(c->node), "privileged");

		ctx->container = c->name;
		if (kube_true(v))
			bh_report(ctx, v, c->name, "container '%s' runs privileged", c->name);
	}
}

void kube_check_host_process(struct bh_ctx *ctx, const void *subject)
{
	const struct bh_kube_target *t = T(subject);
	const struct bh_node *v;

	if (!t->wl)
		return;
	v = bh_node_path(t->psc, "windowsOptions.hostProcess");
	if (kube_true(v))
		bh_report(ctx, v, "pod", "the pod runs as a Windows HostProcess");
	for (size_t i = 0; i < t->ncs; i++) {
		const struct bh_container *c = &t->cs[i];

		v = bh_node_path(kube_sc(c->node), "windowsOptions.hostProcess");
		ctx->container = c->name;
		if (kube_true(v))
			bh_report(ctx, v, c->name, "container '%s' runs as a Windows HostProcess",
				  c->name);
	}
}

/* Whether the restricted checks exempt Windows pods (spec.os.name: windows), from v1.25. */
static int windows_exempt(const struct bh_kube_target *t)
{
	return t->windows && t->pss >= 25;
}

/*
 * At restricted, PSA runs capabilities_restricted and seccompProfile_restricted in place of
 * their baseline checks, and from v1.25 those exempt Windows pods: a Windows pod is judged by
 * the baseline checks only at the baseline level. Before v1.25 the restricted checks judge it,
 * and the baseline rules keep reporting the values the restricted ones leave to them.
 */
static int overridden_for_windows(const struct bh_ctx *ctx, const struct bh_kube_target *t)
{
	return windows_exempt(t) && ctx->scan->pss == BH_PSS_RESTRICTED;
}

void kube_check_caps_baseline(struct bh_ctx *ctx, const void *subject)
{
	const struct bh_kube_target *t = T(subject);

	if (overridden_for_windows(ctx, t))
		return;

	for (size_t i = 0; i < t->ncs; i++) {
		const struct bh_container *c = &t->cs[i];
		const struct bh_node *add = bh_node_path(kube_sc(c->node), "capabilities.add");

		ctx->container = c->name;
		if (!bh_node_is_seq(add))
			continue;
		for (size_t j = 0; j < add->seq.n; j++) {
			const struct bh_node *cap = add->seq.items[j];
			const char *s = bh_node_str(cap);

			if (s && kube_in(s, kube_baseline_caps))
				continue;
			bh_report(
				ctx, cap, s ? s : "?",
				"container '%s' adds capability %s, beyond the runtime's default set",
				c->name, s ? s : "(not a string)");
		}
	}
}

void kube_check_host_path(struct bh_ctx *ctx, const void *subject)
{
	const struct bh_kube_target *t = T(subject);
	const struct bh_node *vols = t->wl ? bh_node_get(t->wl->pod_spec, "volumes") : NULL;

	if (!bh_node_is_seq(vols))
		return;
	for (size_t i = 0; i < vols->seq.n; i++) {
		const struct bh_node *v = vols->seq.items[i];
		const struct bh_node *hp = bh_node_get(v, "hostPath");
		const char *name = bh_node_str(bh_node_get(v, "name"));
		const char *path = bh_node_str(bh_node_get(hp, "path"));

		if (!hp || bh_node_is_null(hp))
			continue;
		bh_report(ctx, bh_node_get_key(v, "hostPath"), name,
			  "volume '%s' mounts the node's filesystem (hostPath %s)",
			  name ? name : "?", path ? path : "?");
	}
}

void kube_check_host_ports(struct bh_ctx *ctx, const void *subject)
{
	const struct bh_kube_target *t = T(subject);

	for (size_t i = 0; i < t->ncs; i++) {
		const struct bh_container *c = &t->cs[i];
		const struct bh_node *ports = bh_node_get(c->node, "ports");

		ctx->container = c->name;
		if (!bh_node_is_seq(ports))
			continue;
		for (size_t j = 0; j < ports->seq.n; j++) {
			const struct bh_node *hp = bh_node_get(ports->seq.items[j], "hostPort");
			long long port;

			if (bh_node_int(hp, &port) && port != 0)
				bh_report(ctx, hp, bh_node_str(hp),
					  "container '%s' binds host port %lld on the node",
					  c->name, port);
		}
	}
}

static int apparmor_type_ok(const struct bh_node *profile)
{
	const char *type = bh_node_str(bh_node_get(profile, "type"));

	return type && (!strcmp(type, "RuntimeDefault") || !strcmp(type, "Localhost"));
}

void kube_check_apparmor(struct bh_ctx *ctx, const void *subject)
{
	static const char prefix[] = "container.apparmor.security.beta.kubernetes.io/";
	const struct bh_kube_target *t = T(subject);
	const struct bh_node *ann, *p;

	if (!t->wl)
		return;
	ann = bh_node_get(t->wl->pod_meta, "annotations");
	for (size_t i = 0; bh_node_is_map(ann) && i < ann->map.n; i++) {
		const char *k = bh_node_str(ann->map.pairs[i].key);
		const struct bh_node *v = ann->map.pairs[i].value;
		const char *s = bh_node_str(v);

		if (!k || strncmp(k, prefix, sizeof(prefix) - 1) != 0)
			continue;
		if (!s || !*s || !strcmp(s, "runtime/default") || !strncmp(s, "localhost/", 10))
			continue;
		ctx->container = k + sizeof(prefix) - 1;
		bh_report(ctx, v, k,
			  "AppArmor profile '%s' for container '%s' overrides the default", s,
			  k + sizeof(prefix) - 1);
	}
	ctx->container = NULL;
	p = bh_node_get(t->psc, "appArmorProfile");
	if (bh_node_is_map(p) && !apparmor_type_ok(p))
		bh_report(ctx, bh_node_get(p, "type") ? bh_node_get(p, "type") : p, "pod",
			  "the pod's AppArmor profile type is not RuntimeDefault or Localhost");
	for (size_t i = 0; i < t->ncs; i++) {
		const struct bh_container *c = &t->cs[i];

		p = bh_node_get(kube_sc(c->node), "appArmorProfile");
		ctx->container = c->name;
		if (bh_node_is_map(p) && !apparmor_type_ok(p))
			bh_report(
				ctx, bh_node_get(p, "type") ? bh_node_get(p, "type") : p, c->name,
				"container '%s' sets an AppArmor profile type other than RuntimeDefault or Localhost",
				c->name);
	}
}

static void selinux_one(struct bh_ctx *ctx, int pss, const struct bh_node *opts, const char *who)
{
	const struct bh_node *type, *user, *role;
	const char *s;

	if (!bh_node_is_map(opts))
		return;
	type = bh_node_get(opts, "type");
	s = bh_node_str(type);
	if (type && !bh_node_is_null(type) && !kube_in(s, selinux_types) &&
	    !(pss >= 31 && s && !strcmp(s, "container_engine_t")))
		bh_report(ctx, type, who, "%s sets SELinux type '%s'", who, s ? s : "?");
	user = bh_node_get(opts, "user");
	if (bh_node_str(user) && *bh_node_str(user) && !bh_node_is_null(user))
		bh_report(ctx, user, who, "%s sets a custom SELinux user", who);
	role = bh_node_get(opts, "role");
	if (bh_node_str(role) && *bh_node_str(role) && !bh_node_is_null(role))
		bh_report(ctx, role, who, "%s sets a custom SELinux role", who);
}

void kube_check_selinux(struct bh_ctx *ctx, const void *subject)
{
	const struct bh_kube_target *t = T(subject);

	if (!t->wl)
		return;
	selinux_one(ctx, t->pss, bh_node_get(t->psc, "seLinuxOptions"), "the pod");
	for (size_t i = 0; i < t->ncs; i++) {
		const struct bh_container *c = &t->cs[i];
		const char *who = bh_arena_printf(&ctx->scan->arena, "container '%s'", c->name);

		ctx->container = c->name;
		selinux_one(ctx, t->pss, bh_node_get(kube_sc(c->node), "seLinuxOptions"),
			    who ? who : "a container");
	}
}

static void proc_mount(struct bh_ctx *ctx, const struct bh_kube_target *t, const char *why)
{
	for (size_t i = 0; i < t->ncs; i++) {
		const struct bh_container *c = &t->cs[i];
		const struct bh_node *v = bh_node_get(kube_sc(c->node), "procMount");

		ctx->container = c->name;
		if (v && !bh_node_is_null(v) && !bh_node_is(v, "Default"))
			bh_report(ctx, v, c->name, "container '%s' sets procMount: %s%s", c->name,
				  bh_node_str(v) ? bh_node_str(v) : "?", why);
	}
}

void kube_check_proc_mount(struct bh_ctx *ctx, const void *subject)
{
	const struct bh_kube_target *t = T(subject);

	/*
	 * Baseline allows any /proc mount in a user namespace from v1.35; before, it requires
	 * Default at both levels, and K8-020 (restricted, v1.35) has nothing to add.
	 */
	if (!t->userns || t->pss < 35)
		proc_mount(ctx, t, ", unmasking /proc");
}

void kube_check_proc_mount_userns(struct bh_ctx *ctx, const void *subject)
{
	const struct bh_kube_target *t = T(subject);

	if (t->userns && t->pss >= 35)
		proc_mount(ctx, t, " (restricted requires Default even with hostUsers: false)");
}

static int seccomp_ok(const char *type)
{
	return type && (!strcmp(type, "RuntimeDefault") || !strcmp(type, "Localhost"));
}

/* A set seccompProfile whose type is not RuntimeDefault or Localhost (PSA v1.19+). */
static const struct bh_node *bad_seccomp(const struct bh_node *sc)
{
	const struct bh_node *p = bh_node_get(sc, "seccompProfile"), *type;

	if (!p || bh_node_is_null(p))
		return NULL;
	type = bh_node_get(p, "type");
	return seccomp_ok(bh_node_str(type)) ? NULL : type ? type : p;
}

/* A seccomp alpha annotation value PSA accepts before v1.19. */
static int seccomp_annotation_ok(const char *v)
{
	return v && (!strcmp(v, "runtime/default") || !strcmp(v, "docker/default") ||
		     !strncmp(v, "localhost/", 10));
}

/*
 * Before v1.19 PSA reads seccomp from the alpha annotations of the pod (its template for a
 * controller), for the pod and for each container by name, and not from the fields.
 */
static void seccomp_annotations(struct bh_ctx *ctx, const struct bh_kube_target *t)
{
	static const char pod_key[] = "seccomp.security.alpha.kubernetes.io/pod";
	static const char prefix[] = "container.seccomp.security.alpha.kubernetes.io/";
	const struct bh_node *ann = bh_node_get(t->wl->pod_meta, "annotations");
	const struct bh_node *v = bh_node_get(ann, pod_key);

	if (v && !seccomp_annotation_ok(bh_node_str(v)))
		bh_report(ctx, v, "pod", "the pod's seccomp annotation %s is '%s'", pod_key,
			  bh_node_str(v) ? bh_node_str(v) : "?");
	for (size_t i = 0; bh_node_is_map(ann) && i < t->ncs; i++) {
		const struct bh_container *c = &t->cs[i];

		ctx->container = c->name;
		for (size_t j = 0; j < ann->map.n; j++) {
			const char *k = bh_node_str(ann->map.pairs[j].key);

			v = ann->map.pairs[j].value;
			if (!k || strncmp(k, prefix, sizeof(prefix) - 1) != 0 ||
			    strcmp(k + sizeof(prefix) - 1, c->name) != 0 ||
			    seccomp_annotation_ok(bh_node_str(v)))
				continue;
			bh_report(
				ctx, v, c->name,
				"container '%s' has seccomp annotation value '%s', not runtime/default, docker/default or localhost/*",
				c->name, bh_node_str(v) ? bh_node_str(v) : "?");
		}
	}
}

void kube_check_seccomp_baseline(struct bh_ctx *ctx, const void *subject)
{
	const struct bh_kube_target *t = T(subject);
	const struct bh_node *v;

	if (!t->wl || overridden_for_windows(ctx, t))
		return;
	if (t->pss < 19) {
		seccomp_annotations(ctx, t);
		return;
	}
	v = bad_seccomp(t->psc);
	if (v)
		bh_report(ctx, v, "pod",
			  "the pod sets seccomp profile type %s, not RuntimeDefault or Localhost",
			  bh_node_str(v) ? bh_node_str(v) : "(none)");
	for (size_t i = 0; i < t->ncs; i++) {
		const struct bh_container *c = &t->cs[i];

		v = bad_seccomp(kube_sc(c->node));
		ctx->container = c->name;
		if (v)
			bh_report(
				ctx, v, c->name,
				"container '%s' sets seccomp profile type %s, not RuntimeDefault or Localhost",
				c->name, bh_node_str(v) ? bh_node_str(v) : "(none)");
	}
}

void kube_check_sysctls(struct bh_ctx *ctx, const void *subject)
{
	const struct bh_kube_target *t = T(subject);
	const struct bh_node *l = bh_node_get(t->psc, "sysctls");

	if (!bh_node_is_seq(l))
		return;
	for (size_t i = 0; i < l->seq.n; i++) {
		const struct bh_node *n = bh_node_get(l->seq.items[i], "name");
		const char *s = bh_node_str(n);

		size_t k = 0;

		while (s && kube_safe_sysctls[k] && strcmp(s, kube_safe_sysctls[k]) != 0)
			k++;
		if (s && kube_safe_sysctls[k] && kube_safe_sysctl_since[k] > t->pss)
			bh_report(
				ctx, n, s,
				"the pod sets sysctl %s, which policy v1.%d does not allow yet (v1.%d does)",
				s, t->pss, kube_safe_sysctl_since[k]);
		else if (s && !kube_safe_sysctls[k])
			bh_report(ctx, n, s,
				  "the pod sets sysctl %s, which is not namespaced and safe", s);
	}
}

static void probe_host(struct bh_ctx *ctx, const struct bh_container *c, const struct bh_node *h,
		       const char *where)
{
	static const char *const kinds[] = { "httpGet", "tcpSocket" };

	for (size_t k = 0; k < 2; k++) {
		const struct bh_node *host = bh_node_get(bh_node_get(h, kinds[k]), "host");
		const char *s = bh_node_str(host);

		if (s && *s && !bh_node_is_null(host))
			bh_report(ctx, host, where,
				  "container '%s' %s %s targets host '%s' instead of the pod",
				  c->name, where, kinds[k], s);
	}
}

void kube_check_probe_host(struct bh_ctx *ctx, const void *subject)
{
	static const char *const probes[] = { "livenessProbe", "readinessProbe", "startupProbe" };
	static const char *const hooks[] = { "postStart", "preStop" };
	const struct bh_kube_target *t = T(subject);

	if (t->pss < 34)
		return; /* the check hostProbesAndHostLifecycle starts at v1.34 */
	for (size_t i = 0; i < t->ncs; i++) {
		const struct bh_container *c = &t->cs[i];
		const struct bh_node *lc = bh_node_get(c->node, "lifecycle");

		ctx->container = c->name;
		for (size_t p = 0; p < 3; p++)
			probe_host(ctx, c, bh_node_get(c->node, probes[p]), probes[p]);
		for (size_t h = 0; h < 2; h++)
			probe_host(ctx, c, bh_node_get(lc, hooks[h]), hooks[h]);
	}
}

void kube_check_volume_types(struct bh_ctx *ctx, const void *subject)
{
	const struct bh_kube_target *t = T(subject);
	const struct bh_node *vols = t->wl ? bh_node_get(t->wl->pod_spec, "volumes") : NULL;

	if (!bh_node_is_seq(vols))
		return;
	for (size_t i = 0; i < vols->seq.n; i++) {
		const struct bh_node *v = vols->seq.items[i];
		const char *name = bh_node_str(bh_node_get(v, "name"));

		if (!bh_node_is_map(v))
			continue;
		/* A volume with no source is defaulted to emptyDir by the API server. */
		for (size_t j = 0; j < v->map.n; j++) {
			const char *k = bh_node_str(v->map.pairs[j].key);

			if (!k || kube_in(k, restricted_volumes_ok) ||
			    bh_node_is_null(v->map.pairs[j].value))
				continue;
			if (!strcmp(k, "hostPath"))
				continue; /* K8-008's, which restricted includes */
			bh_report(
				ctx, v->map.pairs[j].key, name,
				"volume '%s' is of type %s; restricted allows only configMap, csi, downwardAPI, emptyDir, ephemeral, persistentVolumeClaim, projected and secret",
				name ? name : "?", k);
		}
	}
}

void kube_check_privilege_escalation(struct bh_ctx *ctx, const void *subject)
{
	const struct bh_kube_target *t = T(subject);

	/* The field exists since v1.8; Windows pods are exempt from v1.25. */
	if (t->pss < 8 || windows_exempt(t))
		return;
	for (size_t i = 0; i < t->ncs; i++) {
		const struct bh_container *c = &t->cs[i];
		const struct bh_node *v = bh_node_get(kube_sc(c->node), "allowPrivilegeEscalation");

		ctx->container = c->name;
		if (!v || bh_node_is_null(v))
			kube_report_missing(
				ctx, kube_container_anchor(c), c->name,
				"container '%s' does not set allowPrivilegeEscalation: false",
				c->name);
		else if (!kube_false(v))
			bh_report(ctx, v, c->name, "container '%s' allows privilege escalation",
				  c->name);
	}
}

void kube_check_run_as_non_root(struct bh_ctx *ctx, const void *subject)
{
	const struct bh_kube_target *t = T(subject);
	const struct bh_node *pod_v;
	int pod_ok;

	if (!t->wl || (t->userns && t->pss >= 35))
		return;
	pod_v = bh_node_get(t->psc, "runAsNonRoot");
	pod_ok = kube_true(pod_v);
	if (kube_false(pod_v))
		bh_report(ctx, pod_v, "pod", "the pod sets runAsNonRoot: false");
	for (size_t i = 0; i < t->ncs; i++) {
		const struct bh_container *c = &t->cs[i];
		const struct bh_node *v = bh_node_get(kube_sc(c->node), "runAsNonRoot");

		ctx->container = c->name;
		if (v && !bh_node_is_null(v)) {
			if (!kube_true(v))
				bh_report(ctx, v, c->name,
					  "container '%s' sets runAsNonRoot: false", c->name);
		} else if (!pod_ok) {
			kube_report_missing(
				ctx, kube_container_anchor(c), c->name,
				"container '%s' may run as root: runAsNonRoot is not true in the pod or container securityContext",
				c->name);
		}
	}
}

void kube_check_run_as_user(struct bh_ctx *ctx, const void *subject)
{
	const struct bh_kube_target *t = T(subject);
	const struct bh_node *v;
	long long uid;

	/* The check starts at v1.23; user namespaces relax it from v1.35. */
	if (!t->wl || t->pss < 23 || (t->userns && t->pss >= 35))
		return;
	v = bh_node_get(t->psc, "runAsUser");
	if (bh_node_int(v, &uid) && uid == 0)
		bh_report(ctx, v, "pod", "the pod sets runAsUser: 0 (root)");
	for (size_t i = 0; i < t->ncs; i++) {
		const struct bh_container *c = &t->cs[i];

		v = bh_node_get(kube_sc(c->node), "runAsUser");
		ctx->container = c->name;
		if (bh_node_int(v, &uid) && uid == 0)
			bh_report(ctx, v, c->name, "container '%s' sets runAsUser: 0 (root)",
				  c->name);
	}
}

void kube_check_seccomp_restricted(struct bh_ctx *ctx, const void *subject)
{
	const struct bh_kube_target *t = T(subject);
	const struct bh_node *p;
	int pod_ok;

	if (!t->wl || t->pss < 19 || windows_exempt(t))
		return;
	/* Set but bad values are K8-013's; restricted adds that a profile must be set. */
	p = bh_node_get(t->psc, "seccompProfile");
	pod_ok = p && !bh_node_is_null(p) && !bad_seccomp(t->psc);
	for (size_t i = 0; i < t->ncs; i++) {
		const struct bh_container *c = &t->cs[i];

		p = bh_node_get(kube_sc(c->node), "seccompProfile");
		ctx->container = c->name;
		if ((!p || bh_node_is_null(p)) && !pod_ok)
			kube_report_missing(
				ctx, kube_container_anchor(c), c->name,
				"container '%s' has no seccomp profile: set seccompProfile.type RuntimeDefault in the pod or container securityContext",
				c->name);
	}
}

void kube_check_caps_restricted(struct bh_ctx *ctx, const void *subject)
{
	const struct bh_kube_target *t = T(subject);

	if (t->pss < 22 || windows_exempt(t))
		return;
	for (size_t i = 0; i < t->ncs; i++) {
		const struct bh_container *c = &t->cs[i];
		const struct bh_node *caps = bh_node_get(kube_sc(c->node), "capabilities");
		const struct bh_node *drop = bh_node_get(caps, "drop");
		const struct bh_node *add = bh_node_get(caps, "add");
		int all = 0;

		ctx->container = c->name;
		for (size_t j = 0; bh_node_is_seq(drop) && j < drop->seq.n; j++)
			all |= bh_node_is(drop->seq.items[j], "ALL");
		if (!all)
			kube_report_missing(
				ctx, bh_node_is_seq(drop) ? drop : kube_container_anchor(c), "drop",
				"container '%s' does not drop ALL capabilities", c->name);
		for (size_t j = 0; bh_node_is_seq(add) && j < add->seq.n; j++) {
			const char *s = bh_node_str(add->seq.items[j]);

			/* Capabilities outside the default set are K8-007's. */
			if (!s || !strcmp(s, "NET_BIND_SERVICE") || !kube_in(s, kube_baseline_caps))
				continue;
			bh_report(
				ctx, add->seq.items[j], s,
				"container '%s' adds capability %s; restricted allows only NET_BIND_SERVICE",
				c->name, s);
		}
	}
}

/*
 * PSA's ulimits check: any securityContext.ulimits, whatever its values, is baseline-forbidden.
 * It is registered at v1.0 (one development branch registers it at v1.37, but the test data of
 * both branches holds failing ulimits pods at v1.24 and v1.34 too), so every version decides it.
 */
void kube_check_ulimits(struct bh_ctx *ctx, const void *subject)
{
	const struct bh_kube_target *t = T(subject);

	for (size_t i = 0; i < t->ncs; i++) {
		const struct bh_container *c = &t->cs[i];
		const struct bh_node *v = bh_node_get(kube_sc(c->node), "ulimits");

		ctx->container = c->name;
		if (v && !bh_node_is_null(v))
			bh_report(ctx, bh_node_get_key(kube_sc(c->node), "ulimits"), c->name,
				  "container '%s' sets securityContext.ulimits", c->name);
	}
}

/* PSA's cgroupOptions check: a cgroup mount other than ReadOnly gives write access to it. */
void kube_check_cgroup_mount(struct bh_ctx *ctx, const void *subject)
{
	const struct bh_kube_target *t = T(subject);

	for (size_t i = 0; i < t->ncs; i++) {
		const struct bh_container *c = &t->cs[i];
		const struct bh_node *v = bh_node_path(kube_sc(c->node), "cgroupOptions.mountMode");

		ctx->container = c->name;
		if (v && !bh_node_is_null(v) && !bh_node_is(v, "ReadOnly"))
			bh_report(ctx, v, c->name, "container '%s' mounts its cgroup %s", c->name,
				  bh_node_str(v) ? bh_node_str(v) : "writable");
	}
}
