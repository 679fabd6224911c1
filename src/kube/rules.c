/*
 * The K8 rule table and the layer's check pass. The table is the catalogue: `bulkhead rules`,
 * `explain`, SARIF and docs read it. The rules flagged BH_RULE_PSS_* (K8-001..K8-020 but
 * K8-004, and K8-034..K8-035) are the Pod Security Standards controls, one per control, and
 * --pss selects them; the rest harden agents beyond PSS.
 *
 * The first pass visits each object once. Per-workload facts (containers, pod securityContext,
 * Windows, user namespace) are computed once before the rules run, and cross-object lookups go
 * through sorted indexes built once per run. A second pass runs K8-033, which needs every PSS
 * finding of the run (a workload its namespace's enforce label would reject). Both passes are
 * O(n log n) in objects and findings.
 */
#include "kube_int.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/scan.h"

#include "core/banned.h"

#define BASELINE   BH_RULE_PSS_BASELINE
#define RESTRICTED BH_RULE_PSS_RESTRICTED

const struct bh_rule bh_kube_rules[] = {
	{
		.id = "K8-001",
		.layer = BH_LAYER_K8,
		.severity = BH_SEV_CRITICAL,
		.title = "Privileged container",
		.attack =
			"A privileged container has every capability and the host's devices, so code execution in the agent is root on the node.",
		.fix = "Remove securityContext.privileged or set it to false.",
		.refs = "PSS baseline: Privileged Containers; CIS 5.2.2; KSV-0017; CKV_K8S_16",
		.check = kube_check_privileged,
		.flags = BASELINE,
	},
	{
		.id = "K8-002",
		.layer = BH_LAYER_K8,
		.severity = BH_SEV_HIGH,
		.title = "Privilege escalation allowed",
		.attack =
			"Without no_new_privs a process in the container can gain privileges through setuid binaries or file capabilities.",
		.fix = "Set securityContext.allowPrivilegeEscalation: false on every container.",
		.refs = "PSS restricted: Privilege Escalation (v1.8+; Windows exempt from v1.25); CIS 5.2.6; KSV-0001; CKV_K8S_20",
		.check = kube_check_privilege_escalation,
		.flags = RESTRICTED,
	},
	{
		.id = "K8-003",
		.layer = BH_LAYER_K8,
		.severity = BH_SEV_HIGH,
		.title = "Container may run as root",
		.attack =
			"Code execution in the agent becomes root in the container, one step from the node.",
		.fix = "Set runAsNonRoot: true in the pod securityContext (or on every container), with a non-zero runAsUser.",
		.refs = "PSS restricted: Running as Non-root (hostUsers: false exempt from v1.35); CIS 5.2.7; KSV-0012; CKV_K8S_23",
		.check = kube_check_run_as_non_root,
		.flags = RESTRICTED,
	},
	{
		.id = "K8-004",
		.layer = BH_LAYER_K8,
		.severity = BH_SEV_HIGH,
		.title = "Duplicate key in a manifest",
		.attack =
			"A scanner and the API server can read different values for a duplicated key, so a reviewed manifest can deploy something else.",
		.fix = "Remove the duplicate key so that each field appears once.",
		.refs = "YAML 1.2 section 3.2.1.1 (keys are unique)",
		.check = kube_check_duplicate_keys,
	},
	{
		.id = "K8-005",
		.layer = BH_LAYER_K8,
		.severity = BH_SEV_CRITICAL,
		.title = "Host namespaces shared",
		.attack =
			"Sharing the host network, PID or IPC namespace lets the agent sniff node traffic, reach node-local services and signal or read host processes.",
		.fix = "Remove hostNetwork, hostPID and hostIPC, or set them to false.",
		.refs = "PSS baseline: Host Namespaces; CIS 5.2.3-5.2.5; KSV-0008/0009/0010",
		.check = kube_check_host_namespaces,
		.flags = BASELINE,
	},
	{
		.id = "K8-006",
		.layer = BH_LAYER_K8,
		.severity = BH_SEV_CRITICAL,
		.title = "Windows HostProcess container",
		.attack =
			"A HostProcess container runs directly on the Windows node with the node's privileges.",
		.fix = "Remove windowsOptions.hostProcess or set it to false.",
		.refs = "PSS baseline: HostProcess; KSV-0103",
		.check = kube_check_host_process,
		.flags = BASELINE,
	},
	{
		.id = "K8-007",
		.layer = BH_LAYER_K8,
		.severity = BH_SEV_HIGH,
		.title = "Capability beyond the default set",
		.attack =
			"Capabilities such as SYS_ADMIN, NET_ADMIN or NET_RAW give the agent kernel powers that turn code execution into a container escape or network spoofing.",
		.fix = "Remove the capability from securityContext.capabilities.add.",
		.refs = "PSS baseline: Capabilities; CIS 5.2.9; KSV-0022",
		.check = kube_check_caps_baseline,
		.flags = BASELINE,
	},
	{
		.id = "K8-008",
		.layer = BH_LAYER_K8,
		.severity = BH_SEV_HIGH,
		.title = "hostPath volume",
		.attack =
			"A hostPath volume exposes the node's filesystem (container runtime socket, kubelet credentials, other pods' data) to the agent.",
		.fix = "Replace the hostPath volume with emptyDir, a ConfigMap/Secret or a PersistentVolumeClaim.",
		.refs = "PSS baseline: HostPath Volumes; KSV-0023; CKV_K8S_27",
		.check = kube_check_host_path,
		.flags = BASELINE,
	},
	{
		.id = "K8-009",
		.layer = BH_LAYER_K8,
		.severity = BH_SEV_MEDIUM,
		.title = "Host port",
		.attack =
			"A hostPort binds the node's network interface, bypassing NetworkPolicy on the pod network and exposing the agent beside node services.",
		.fix = "Remove hostPort and expose the container through a Service.",
		.refs = "PSS baseline: Host Ports; KSV-0024",
		.check = kube_check_host_ports,
		.flags = BASELINE,
	},
	{
		.id = "K8-010",
		.layer = BH_LAYER_K8,
		.severity = BH_SEV_HIGH,
		.title = "AppArmor profile overridden",
		.attack =
			"An unconfined AppArmor profile removes the mandatory access control that blocks mounts and writes to /proc and /sys after a compromise.",
		.fix = "Use appArmorProfile.type RuntimeDefault or Localhost (annotation: runtime/default or localhost/NAME).",
		.refs = "PSS baseline: AppArmor; KSV-0002",
		.check = kube_check_apparmor,
		.flags = BASELINE,
	},
	{
		.id = "K8-011",
		.layer = BH_LAYER_K8,
		.severity = BH_SEV_MEDIUM,
		.title = "Custom SELinux options",
		.attack =
			"A custom SELinux type, user or role can place the container in a less confined domain than container_t.",
		.fix = "Remove seLinuxOptions user and role, and use type container_t, container_init_t or container_kvm_t.",
		.refs = "PSS baseline: SELinux (v1.0, v1.31); KSV-0025",
		.check = kube_check_selinux,
		.flags = BASELINE,
	},
	{
		.id = "K8-012",
		.layer = BH_LAYER_K8,
		.severity = BH_SEV_HIGH,
		.title = "/proc mount unmasked",
		.attack =
			"An Unmasked /proc exposes kernel interfaces that the runtime masks to prevent information leaks and container escapes.",
		.fix = "Remove securityContext.procMount or set it to Default.",
		.refs = "PSS baseline: /proc Mount Type (v1.0, v1.35); KSV-0027",
		.check = kube_check_proc_mount,
		.flags = BASELINE,
	},
	{
		.id = "K8-013",
		.layer = BH_LAYER_K8,
		.severity = BH_SEV_HIGH,
		.title = "Seccomp disabled",
		.attack =
			"An Unconfined seccomp profile leaves every syscall open, including the ones used in known kernel exploits for container escape.",
		.fix = "Set seccompProfile.type to RuntimeDefault or Localhost.",
		.refs = "PSS baseline: Seccomp (v1.0, v1.19); KSV-0104",
		.check = kube_check_seccomp_baseline,
		.flags = BASELINE,
	},
	{
		.id = "K8-014",
		.layer = BH_LAYER_K8,
		.severity = BH_SEV_HIGH,
		.title = "Unsafe sysctl",
		.attack =
			"A sysctl outside the namespaced safe set changes kernel settings for every pod on the node or disables protections.",
		.fix = "Remove the sysctl, or keep only the safe set (kernel.shm_rmid_forced, net.ipv4.ip_local_port_range, net.ipv4.tcp_syncookies, ...).",
		.refs = "PSS baseline: Sysctls (v1.0 to v1.37); KSV-0026",
		.check = kube_check_sysctls,
		.flags = BASELINE,
	},
	{
		.id = "K8-015",
		.layer = BH_LAYER_K8,
		.severity = BH_SEV_MEDIUM,
		.title = "Probe or lifecycle hook targets another host",
		.attack =
			"A probe or hook with a host makes the kubelet send requests to an arbitrary address from the node (SSRF to node-local and metadata endpoints).",
		.fix = "Remove host from httpGet and tcpSocket probes and lifecycle handlers; they target the pod by default.",
		.refs = "PSS baseline: Host Probes / Lifecycle Hooks (v1.34+)",
		.check = kube_check_probe_host,
		.flags = BASELINE,
	},
	{
		.id = "K8-016",
		.layer = BH_LAYER_K8,
		.severity = BH_SEV_MEDIUM,
		.title = "Restricted volume type",
		.attack =
			"Volume types outside the core set (nfs, iscsi, rbd, gitRepo, flexVolume...) reach storage directly from the node, bypassing PersistentVolume access control.",
		.fix = "Use configMap, csi, downwardAPI, emptyDir, ephemeral, persistentVolumeClaim, projected or secret volumes.",
		.refs = "PSS restricted: Volume Types; KSV-0028",
		.check = kube_check_volume_types,
		.flags = RESTRICTED,
	},
	{
		.id = "K8-017",
		.layer = BH_LAYER_K8,
		.severity = BH_SEV_HIGH,
		.title = "Container runs as UID 0",
		.attack =
			"A runAsUser of 0 runs the agent as root whatever the image says, so code execution is root in the container.",
		.fix = "Set runAsUser to a non-zero UID (for example 10001).",
		.refs = "PSS restricted: Running as Non-root user (v1.23+); KSV-0105",
		.check = kube_check_run_as_user,
		.flags = RESTRICTED,
	},
	{
		.id = "K8-018",
		.layer = BH_LAYER_K8,
		.severity = BH_SEV_MEDIUM,
		.title = "No seccomp profile",
		.attack =
			"Without a seccomp profile the agent can call every syscall, including the ones used in known kernel exploits.",
		.fix = "Set securityContext.seccompProfile.type: RuntimeDefault in the pod securityContext.",
		.refs = "PSS restricted: Seccomp (v1.19+); CIS 5.7.2; KSV-0030; CKV_K8S_31",
		.check = kube_check_seccomp_restricted,
		.flags = RESTRICTED,
	},
	{
		.id = "K8-019",
		.layer = BH_LAYER_K8,
		.severity = BH_SEV_MEDIUM,
		.title = "Capabilities not dropped",
		.attack =
			"The runtime's default capabilities (NET_RAW, CHOWN, SETUID...) let a compromised agent spoof packets and change file ownership.",
		.fix = "Set capabilities.drop: [ALL] and add back at most NET_BIND_SERVICE.",
		.refs = "PSS restricted: Capabilities (v1.22+); CIS 5.2.8-5.2.9; KSV-0003/0106",
		.check = kube_check_caps_restricted,
		.flags = RESTRICTED,
	},
	{
		.id = "K8-020",
		.layer = BH_LAYER_K8,
		.severity = BH_SEV_MEDIUM,
		.title = "/proc mount unmasked in a user namespace",
		.attack =
			"Even in a user namespace an Unmasked /proc exposes kernel interfaces that the restricted level keeps masked.",
		.fix = "Remove securityContext.procMount or set it to Default.",
		.refs = "PSS restricted: /proc Mount Type with hostUsers: false (v1.35+)",
		.check = kube_check_proc_mount_userns,
		.flags = RESTRICTED,
	},
	{
		.id = "K8-021",
		.layer = BH_LAYER_K8,
		.severity = BH_SEV_MEDIUM,
		.title = "No explicit non-zero UID",
		.attack =
			"Without runAsUser the image's USER decides the identity, so a rebuilt or swapped image silently runs the agent as root.",
		.fix = "Set runAsUser to a non-zero UID (for example 10001) in the pod securityContext.",
		.refs = "CIS 5.2.7; KSV-0020; CKV_K8S_40",
		.check = kube_check_uid,
	},
	{
		.id = "K8-022",
		.layer = BH_LAYER_K8,
		.severity = BH_SEV_MEDIUM,
		.title = "Root group",
		.attack =
			"GID 0 (as runAsGroup, fsGroup or a supplemental group) gives the agent every file the root group can write, in the image and on volumes.",
		.fix = "Set runAsGroup and fsGroup to a non-zero GID and keep 0 out of supplementalGroups.",
		.refs = "PSS restricted (optional): Non-root groups; KSV-0021",
		.check = kube_check_gid,
	},
	{
		.id = "K8-023",
		.layer = BH_LAYER_K8,
		.severity = BH_SEV_MEDIUM,
		.title = "Writable root filesystem",
		.attack =
			"A writable root filesystem lets an attacker drop tools and persist changes to the agent's code and configuration for the life of the container.",
		.fix = "Set readOnlyRootFilesystem: true and give writable paths an emptyDir (memory-backed for /tmp).",
		.refs = "CIS 5.2 (immutable root); KSV-0014; CKV_K8S_22",
		.check = kube_check_read_only_root,
	},
	{
		.id = "K8-024",
		.layer = BH_LAYER_K8,
		.severity = BH_SEV_LOW,
		.title = "Writable persistent volume",
		.attack =
			"A writable volume that outlives the pod lets an attacker leave payloads that the next agent run loads.",
		.fix = "Keep writable paths on emptyDir volumes, or mount the volume readOnly: true.",
		.refs = "bulkhead agent hardening: writable paths only through emptyDir",
		.check = kube_check_writable_volume,
	},
	{
		.id = "K8-025",
		.layer = BH_LAYER_K8,
		.severity = BH_SEV_LOW,
		.title = "/tmp not a size-limited memory emptyDir",
		.attack =
			"A disk-backed or unbounded /tmp keeps attacker files on the node and lets a runaway agent fill the node's disk.",
		.fix = "Mount /tmp from an emptyDir with medium: Memory and a sizeLimit.",
		.refs = "bulkhead agent hardening: tmpfs /tmp",
		.check = kube_check_tmp,
	},
	{
		.id = "K8-026",
		.layer = BH_LAYER_K8,
		.severity = BH_SEV_MEDIUM,
		.title = "Missing CPU or memory requests and limits",
		.attack =
			"A container without limits lets a prompt-injected or looping agent exhaust the node's CPU and memory and starve its neighbours.",
		.fix = "Set resources.requests and resources.limits for cpu and memory on every container.",
		.refs = "CIS 5.7; KSV-0011/0015/0016/0018; CKV_K8S_10-13",
		.check = kube_check_resources,
	},
	{
		.id = "K8-027",
		.layer = BH_LAYER_K8,
		.severity = BH_SEV_MEDIUM,
		.title = "Service-account token mounted",
		.attack =
			"A mounted token gives code running in the agent the pod's Kubernetes API identity, the first step of lateral movement in the cluster.",
		.fix = "Set automountServiceAccountToken: false on the pod or its ServiceAccount, or annotate the pod bulkhead.dev/needs-api: \"true\" when it needs the API.",
		.refs = "CIS 5.1.6; KSV-0036; CKV_K8S_38",
		.check = kube_check_sa_token,
	},
	{
		.id = "K8-028",
		.layer = BH_LAYER_K8,
		.severity = BH_SEV_MEDIUM,
		.title = "Image not pinned by digest",
		.attack =
			"A tag can be moved to another image, so whoever controls the registry or the tag decides what the agent runs.",
		.fix = "Reference the image by digest: name@sha256:<digest> (a tag may stay for readability: name:tag@sha256:...).",
		.refs = "CIS 5.5.1; KSV-0013; CKV_K8S_43",
		.check = kube_check_image_digest,
	},
	{
		.id = "K8-029",
		.layer = BH_LAYER_K8,
		.severity = BH_SEV_HIGH,
		.title = "Credential in an env value",
		.attack =
			"A credential written into the manifest is readable by everyone with the repository or get access to the workload, and is never rotated.",
		.fix = "Move the value into a Secret and reference it with env[].valueFrom.secretKeyRef.",
		.refs = "CIS 5.4.1; KSV-0109; CKV_K8S_35",
		.check = kube_check_env_secrets,
	},
	{
		.id = "K8-030",
		.layer = BH_LAYER_K8,
		.severity = BH_SEV_LOW,
		.title = "Workload in the default namespace",
		.attack =
			"The default namespace is shared by everything deployed without a namespace, so its policies and RBAC are the weakest and the agent lands beside strangers.",
		.fix = "Deploy the agent in a dedicated namespace that enforces the restricted Pod Security level.",
		.refs = "CIS 5.7.4; KSV-0110; CKV_K8S_21",
		.check = kube_check_default_namespace,
	},
	{
		.id = "K8-031",
		.layer = BH_LAYER_K8,
		.severity = BH_SEV_HIGH,
		.title = "Agent namespace does not enforce restricted",
		.attack =
			"Without the restricted enforce label, a privileged or root pod can be created in the agent namespace and admission will not stop it.",
		.fix = "Label the namespace pod-security.kubernetes.io/enforce: restricted.",
		.refs = "PSA namespace labels; CIS 5.2.1",
		.check = kube_check_agent_namespace,
	},
	{
		.id = "K8-032",
		.layer = BH_LAYER_K8,
		.severity = BH_SEV_MEDIUM,
		.title = "Namespace enforces the privileged level",
		.attack =
			"An enforce label of privileged turns Pod Security admission off for the namespace, so any pod, privileged or on host namespaces, is admitted.",
		.fix = "Enforce baseline or restricted, and move the workloads that need more into a separate, tightly controlled namespace.",
		.refs = "PSA namespace labels; CIS 5.2.1",
		.check = kube_check_namespace_level,
	},
	{
		.id = "K8-033",
		.layer = BH_LAYER_K8,
		.severity = BH_SEV_HIGH,
		.title = "Workload rejected by its namespace's Pod Security level",
		.attack =
			"A workload that fails its namespace's enforce level is rejected at deploy time, so the rollout breaks (or someone weakens the namespace label to ship it).",
		.fix = "Fix the failing controls listed in the finding; do not lower the namespace's enforce label.",
		.refs = "PSA namespace labels: pod-security.kubernetes.io/enforce",
		.check = kube_check_namespace_rejects,
	},
	{
		.id = "K8-034",
		.layer = BH_LAYER_K8,
		.severity = BH_SEV_MEDIUM,
		.title = "Container ulimits",
		.attack =
			"Per-container ulimits override the limits the runtime and node set; raised ones let one pod exhaust file descriptors, processes or locked memory shared with its neighbours.",
		.fix = "Remove securityContext.ulimits and keep the runtime's defaults.",
		.refs = "PSA baseline check ulimits",
		.check = kube_check_ulimits,
		.flags = BASELINE,
	},
	{
		.id = "K8-035",
		.layer = BH_LAYER_K8,
		.severity = BH_SEV_MEDIUM,
		.title = "Writable cgroup mount",
		.attack =
			"A writable cgroup mount lets the container rewrite its own cgroup limits and controllers, escaping the resource limits set for it.",
		.fix = "Remove securityContext.cgroupOptions.mountMode or set it to ReadOnly.",
		.refs = "PSA restricted check cgroupOptions",
		.check = kube_check_cgroup_mount,
		.flags = RESTRICTED,
	},
	{
		.id = "K8-036",
		.layer = BH_LAYER_K8,
		.severity = BH_SEV_MEDIUM,
		.title = "Invalid Pod Security label",
		.attack =
			"The API server refuses to create a Namespace whose Pod Security labels do not parse; on one that exists already, Pod Security Admission applies restricted for a bad level and the latest policy for a bad version, not what the label meant.",
		.fix = "Set the level labels to privileged, baseline or restricted, and the -version labels to latest or v1.MINOR without leading zeros (v1.25).",
		.refs = "PSA namespace labels: pod-security.kubernetes.io/<mode> and <mode>-version",
		.check = kube_check_namespace_labels,
	},
};
const size_t bh_kube_nrules = sizeof(bh_kube_rules) / sizeof(*bh_kube_rules);

/* The PSS control each PSS rule implements, in table order. */
static const char *const pss_controls[][2] = {
	{ "K8-001", "Privileged Containers" },
	{ "K8-002", "Privilege Escalation" },
	{ "K8-003", "Running as Non-root" },
	{ "K8-005", "Host Namespaces" },
	{ "K8-006", "HostProcess" },
	{ "K8-007", "Capabilities (baseline)" },
	{ "K8-008", "HostPath Volumes" },
	{ "K8-009", "Host Ports" },
	{ "K8-010", "AppArmor" },
	{ "K8-011", "SELinux" },
	{ "K8-012", "/proc Mount Type" },
	{ "K8-013", "Seccomp (baseline)" },
	{ "K8-014", "Sysctls" },
	{ "K8-015", "Host Probes / Lifecycle Hooks" },
	{ "K8-016", "Volume Types" },
	{ "K8-017", "Running as Non-root user" },
	{ "K8-018", "Seccomp (restricted)" },
	{ "K8-019", "Capabilities (restricted)" },
	{ "K8-020", "/proc Mount Type (restricted)" },
	{ "K8-034", "Ulimits" },
	{ "K8-035", "Cgroup Mount (restricted)" },
};

const char *bh_kube_pss_control(const struct bh_rule *rule)
{
	if (!rule || !(rule->flags & (BASELINE | RESTRICTED)))
		return NULL;
	for (size_t i = 0; i < sizeof(pss_controls) / sizeof(*pss_controls); i++)
		if (!strcmp(pss_controls[i][0], rule->id))
			return pss_controls[i][1];
	return NULL;
}

static const char *object_ignore(const struct bh_kobj *o, const struct bh_workload *w)
{
	const char *v = bh_node_str(bh_node_get(o->annotations, "bulkhead.dev/ignore"));

	if (!v && w)
		v = bh_node_str(bh_node_get(bh_node_get(w->pod_meta, "annotations"),
					    "bulkhead.dev/ignore"));
	return v;
}

/* The per-workload facts every check uses, computed once. */
static void prepare(struct bh_scan *s, struct bh_kube_target *t)
{
	const struct bh_node *spec = t->wl->pod_spec, *hu;
	struct bh_container *cs = NULL;

	t->ncs = bh_kube_containers(&s->arena, spec, &cs);
	t->cs = cs;
	t->psc = kube_sc(spec);
	t->windows = bh_node_is(bh_node_path(spec, "os.name"), "windows");
	hu = bh_node_get(spec, "hostUsers");
	t->userns = kube_false(hu);
	t->pss = kube_pss_version(s, kube_index_ns(t->index, bh_kobj_namespace(t->obj)), NULL);
}

struct verdict_slot {
	const struct bh_finding *first[sizeof(bh_kube_rules) / sizeof(*bh_kube_rules)];
};

struct ref_index {
	uintptr_t ref;
	size_t wl;
};

static int ref_cmp(const void *x, const void *y)
{
	const struct ref_index *a = x, *b = y;

	return a->ref < b->ref ? -1 : a->ref > b->ref;
}

static struct verdict_slot *pss_slots(struct bh_scan *s, const struct bh_kube_model *m);
static size_t slot_fails(struct bh_scan *s, const struct verdict_slot *slot, unsigned flags,
			 int windows_restricted, const struct bh_finding ***out);

/* Namespaces of the run that set an enforce level, sorted by name. */
struct ns_level {
	const char *name, *level;
};

static int ns_cmp(const void *x, const void *y)
{
	return strcmp(((const struct ns_level *)x)->name, ((const struct ns_level *)y)->name);
}

/*
 * The second pass: workloads that their namespace's enforce label would reject. It needs every
 * PSS finding of the run, so it runs K8-033 alone after the first pass, with the Namespaces that
 * set a level sorted for lookups.
 */
static bh_err late_pass(struct bh_scan *s, const struct bh_kube_model *m,
			const struct bh_kube_index *ix)
{
	const struct bh_rule *rule = NULL;
	struct verdict_slot *slots;
	struct ns_level *nss;
	size_t nns = 0;

	for (size_t i = 0; i < bh_kube_nrules; i++)
		if (!strcmp(bh_kube_rules[i].id, "K8-033"))
			rule = &bh_kube_rules[i];
	for (size_t i = 0; i < m->nobjs; i++)
		nns += m->objs[i].kind && !strcmp(m->objs[i].kind, "Namespace");
	if (!rule || !nns || !m->nwls || !bh_scan_rule_enabled(s, rule))
		return BH_OK;
	nss = bh_arena_alloc(&s->arena, nns * sizeof(*nss));
	if (!nss)
		return BH_ERR_NOMEM;
	nns = 0;
	for (size_t i = 0; i < m->nobjs; i++) {
		const struct bh_kobj *o = &m->objs[i];
		const char *l;

		if (!o->kind || strcmp(o->kind, "Namespace") != 0)
			continue;
		l = bh_node_str(bh_node_get(o->labels, KUBE_ENFORCE_LABEL));
		if (!bh_node_get(o->labels, KUBE_ENFORCE_LABEL) || (l && !strcmp(l, "privileged")))
			continue;
		/* PSA enforces restricted where the level label does not parse (K8-036 says so). */
		nss[nns].name = o->name;
		nss[nns++].level = l && !strcmp(l, "baseline") ? "baseline" : "restricted";
	}
	if (!nns)
		return BH_OK;
	qsort(nss, nns, sizeof(*nss), ns_cmp);
	slots = pss_slots(s, m);
	if (!slots)
		return BH_ERR_NOMEM;
	for (size_t i = 0; i < m->nwls; i++) {
		const struct bh_kobj *o = m->wls[i].obj;
		struct bh_kube_target t = { .model = m, .obj = o, .wl = &m->wls[i], .index = ix };
		struct bh_ctx ctx = { .scan = s, .file = o->file, .object = o->ref };
		struct ns_level key = { .name = bh_kobj_namespace(o) };
		const struct ns_level *hit = bsearch(&key, nss, nns, sizeof(*nss), ns_cmp);
		struct kube_late late = { .ns = key.name };
		unsigned flags;

		if (!hit)
			continue;
		late.level = hit->level;
		flags = !strcmp(hit->level, "baseline")
				? BH_RULE_PSS_BASELINE
				: BH_RULE_PSS_BASELINE | BH_RULE_PSS_RESTRICTED;
		prepare(s, &t);
		{
			const struct bh_node *vl = NULL;

			kube_pss_version(s, kube_index_ns(ix, key.name), &vl);
			late.version = vl ? bh_node_str(vl) : NULL;
		}
		late.nfails = slot_fails(s, &slots[i], flags,
					 t.windows && t.pss >= 25 && flags != BH_RULE_PSS_BASELINE,
					 &late.fails);
		if (!late.nfails)
			continue;
		t.late = &late;
		ctx.ignore = object_ignore(o, t.wl);
		if (ctx.ignore)
			ctx.ignore_src = bh_arena_printf(
				&s->arena, "annotation bulkhead.dev/ignore on %s", o->ref);
		bh_rules_run(&ctx, rule, 1, &t);
	}
	return BH_OK;
}

bh_err bh_kube_check_all(struct bh_scan *s)
{
	const struct bh_kube_model *m = bh_kube_model(s);
	struct bh_kube_index ix;
	size_t w = 0;
	bh_err err = kube_index_build(&s->arena, m, &ix);

	if (err)
		return err;
	for (size_t i = 0; i < m->nobjs; i++) {
		const struct bh_kobj *o = &m->objs[i];
		struct bh_kube_target t = { .model = m, .obj = o, .index = &ix };
		struct bh_ctx ctx = { .scan = s, .file = o->file, .object = o->ref };

		if (w < m->nwls && m->wls[w].obj == o) {
			t.wl = &m->wls[w++];
			prepare(s, &t);
		}
		ctx.ignore = object_ignore(o, t.wl);
		if (ctx.ignore)
			ctx.ignore_src = bh_arena_printf(
				&s->arena, "annotation bulkhead.dev/ignore on %s", o->ref);
		bh_rules_run(&ctx, bh_kube_rules, bh_kube_nrules, &t);
	}
	return late_pass(s, m, &ix);
}

/*
 * The first PSS finding of each rule for each workload, by the ref string each finding carries
 * (one arena string per object, so the pointer identifies the workload): a sorted index maps
 * findings to workloads in O(log n). Suppressions do not count out a finding: PSA does not read
 * them.
 */
static struct verdict_slot *pss_slots(struct bh_scan *s, const struct bh_kube_model *m)
{
	struct verdict_slot *slots = bh_arena_alloc(&s->arena, m->nwls * sizeof(*slots));
	struct ref_index *refs = bh_arena_alloc(&s->arena, m->nwls * sizeof(*refs));

	if (!slots || !refs)
		return NULL;
	for (size_t i = 0; i < m->nwls; i++) {
		refs[i].ref = (uintptr_t)(m->wls[i].obj ? m->wls[i].obj->ref : NULL);
		refs[i].wl = i;
	}
	qsort(refs, m->nwls, sizeof(*refs), ref_cmp);
	for (size_t i = 0; i < s->findings.n; i++) {
		const struct bh_finding *f = &s->findings.items[i];
		struct ref_index key = { .ref = (uintptr_t)f->object };
		const struct ref_index *hit;
		size_t ri;

		if (!f->object || !f->rule || f->rule->layer != BH_LAYER_K8 ||
		    !bh_kube_pss_control(f->rule))
			continue;
		hit = bsearch(&key, refs, m->nwls, sizeof(*refs), ref_cmp);
		if (!hit)
			continue;
		ri = (size_t)(f->rule - bh_kube_rules);
		if (ri < bh_kube_nrules && !slots[hit->wl].first[ri])
			slots[hit->wl].first[ri] = f;
	}
	return slots;
}

/* Collect the failures of slot at a level into an arena array. */
static size_t slot_fails(struct bh_scan *s, const struct verdict_slot *slot, unsigned flags,
			 int windows_restricted, const struct bh_finding ***out)
{
	size_t k = 0;

	*out = NULL;
	for (int pass = 0; pass < 2; pass++) {
		for (size_t r = 0; r < bh_kube_nrules; r++) {
			const struct bh_finding *f = slot->first[r];

			if (!f || !(bh_kube_rules[r].flags & flags))
				continue;
			/* PSA's restricted checks replace these two baseline ones for Windows. */
			if (windows_restricted && (!strcmp(bh_kube_rules[r].id, "K8-007") ||
						   !strcmp(bh_kube_rules[r].id, "K8-013")))
				continue;
			if (pass)
				(*out)[k] = f;
			k++;
		}
		if (pass || !k)
			break;
		*out = bh_arena_alloc(&s->arena, k * sizeof(**out));
		if (!*out)
			return 0;
		k = 0;
	}
	return k;
}

bh_err bh_kube_pss_verdicts(struct bh_scan *s, struct bh_pss_verdict **out, size_t *n)
{
	const struct bh_kube_model *m = bh_kube_model(s);
	unsigned flags = s->pss == BH_PSS_BASELINE ? BH_RULE_PSS_BASELINE
						   : BH_RULE_PSS_BASELINE | BH_RULE_PSS_RESTRICTED;
	struct bh_pss_verdict *v;
	struct verdict_slot *slots;
	struct bh_kube_index ix;

	*out = NULL;
	*n = 0;
	if (!m->nwls)
		return BH_OK;
	v = bh_arena_alloc(&s->arena, m->nwls * sizeof(*v));
	slots = pss_slots(s, m);
	if (!v || !slots || kube_index_build(&s->arena, m, &ix))
		return BH_ERR_NOMEM;
	for (size_t i = 0; i < m->nwls; i++) {
		const struct bh_kobj *ns = kube_index_ns(&ix, bh_kobj_namespace(m->wls[i].obj));

		v[i].obj = m->wls[i].obj;
		v[i].wl = &m->wls[i];
		v[i].pss_minor = kube_pss_version(s, ns, NULL);
		v[i].pss_latest = v[i].pss_minor == KUBE_PSS_NEWEST;
		/* The run skipped K8-007/K8-013 for Windows pods already when --pss restricted. */
		v[i].nfails = slot_fails(s, &slots[i], flags, 0, &v[i].fails);
		v[i].admitted = v[i].nfails == 0;
	}
	*out = v;
	*n = m->nwls;
	return BH_OK;
}
