/*
 * The Pod Security Standards, one check per control, decided as Pod Security Admission
 * (k8s.io/pod-security-admission, policy/check_*.go) decides them at its latest version:
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
	"net.ipv4.tcp_slow_start_after_idle" /* v1.37 */,
	"net.ipv4.tcp_notsent_lowat" /* v1.37 */,
	NULL,
};

static const char *const selinux_types[] = {
	"",
	"container_t",
	"container_init_t",
	"container_kvm_t",
	"container_engine_t" /* v1.31 */,
	NULL,
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

/*
 * At restricted, PSA runs capabilities_restricted and seccompProfile_restricted in place of
 * their baseline checks, and those exempt Windows pods: a Windows pod is judged by the baseline
 * checks only at the baseline level.
 */
static int overridden_for_windows(const struct bh_ctx *ctx, const struct bh_kube_target *t)
{
	return t->windows && ctx->scan->pss == BH_PSS_RESTRICTED;
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

static void selinux_one(struct bh_ctx *ctx, const struct bh_node *opts, const char *who)
{
	const struct bh_node *type, *user, *role;
	const char *s;

	if (!bh_node_is_map(opts))
		return;
	type = bh_node_get(opts, "type");
	s = bh_node_str(type);
	if (type && !bh_node_is_null(type) && !kube_in(s, selinux_types))
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
	selinux_one(ctx, bh_node_get(t->psc, "seLinuxOptions"), "the pod");
	for (size_t i = 0; i < t->ncs; i++) {
		const struct bh_container *c = &t->cs[i];
		const char *who = bh_arena_printf(&ctx->scan->arena, "container '%s'", c->name);

		ctx->container = c->name;
		selinux_one(ctx, bh_node_get(kube_sc(c->node), "seLinuxOptions"),
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

	/* Baseline allows any /proc mount in a user namespace (PSA v1.35+). */
	if (!t->userns)
		proc_mount(ctx, t, ", unmasking /proc");
}

void kube_check_proc_mount_userns(struct bh_ctx *ctx, const void *subject)
{
	const struct bh_kube_target *t = T(subject);

	if (t->userns)
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

void kube_check_seccomp_baseline(struct bh_ctx *ctx, const void *subject)
{
	const struct bh_kube_target *t = T(subject);
	const struct bh_node *v;

	if (!t->wl || overridden_for_windows(ctx, t))
		return;
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

		if (s && !kube_in(s, kube_safe_sysctls))
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

	if (t->windows)
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

	if (!t->wl || t->userns)
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

	if (!t->wl || t->userns)
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

	if (!t->wl || t->windows)
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

	if (t->windows)
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

/* PSA's ulimits check: any securityContext.ulimits, whatever its values, is baseline-forbidden. */
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
