/*
 * Unit tests of the kube layer's model and reporting: which objects are workloads (known
 * kinds, Lists, and any kind by the shape of its pod template), the order of container lists,
 * that a finding points at the exact field and names its container, and the PSA verdict API.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "engine/engine.h"
#include "kube/kube.h"

static void scan(struct bh_scan *s, const char *yaml, enum bh_pss_level pss)
{
	bh_scan_init(s);
	s->pss = pss;
	assert_int_equal(bh_engine_scan_buffer(s, "t.yaml", yaml, strlen(yaml)), BH_OK);
	bh_engine_finish(s, NULL);
	assert_int_equal(s->nerrors, 0);
}

static const struct bh_finding *find(const struct bh_scan *s, const char *id, size_t nth)
{
	for (size_t i = 0; i < s->findings.n; i++)
		if (!strcmp(s->findings.items[i].rule->id, id) && nth-- == 0)
			return &s->findings.items[i];
	return NULL;
}

static size_t count(const struct bh_scan *s, const char *id)
{
	size_t n = 0;

	for (size_t i = 0; i < s->findings.n; i++)
		n += !strcmp(s->findings.items[i].rule->id, id);
	return n;
}

static void test_workloads_by_kind_and_shape(void **state)
{
	static const char yaml[] =
		"apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata: {name: r}\n"
		"spec:\n  template:\n    spec:\n      containers: [{name: a, image: x}]\n"
		"---\napiVersion: serving.knative.dev/v1\nkind: Service\nmetadata: {name: k}\n"
		"spec:\n  template:\n    spec:\n      containers: [{image: y}]\n"
		"---\napiVersion: apps.openshift.io/v1\nkind: DeploymentConfig\nmetadata: {name: dc}\n"
		"spec:\n  template:\n    spec:\n      containers: [{name: c, image: z}]\n"
		"---\napiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n"
		"spec:\n  template:\n    spec:\n      replicas: 3\n"
		"---\napiVersion: v1\nkind: PodList\nitems:\n"
		"- {apiVersion: v1, kind: Pod, metadata: {name: p1}, spec: {containers: [{name: a, image: b}]}}\n"
		"- {apiVersion: v1, kind: Pod, metadata: {name: p2}, spec: {containers: [{name: a, image: b}]}}\n"
		"---\napiVersion: v1\nkind: PodTemplate\nmetadata: {name: pt}\n"
		"template:\n  spec:\n    containers: [{name: a, image: b}]\n";
	struct bh_scan s;
	const struct bh_kube_model *m;

	(void)state;
	scan(&s, yaml, BH_PSS_NONE);
	m = bh_kube_model(&s);
	/* Rollout, Knative Service, DeploymentConfig, p1, p2, PodTemplate; not the Widget. */
	assert_int_equal(m->nwls, 6);
	for (size_t i = 0; i < m->nwls; i++)
		assert_non_null(m->wls[i].obj);
	assert_string_equal(m->wls[1].obj->kind, "Service");
	assert_string_equal(m->wls[1].spec_path, "spec.template.spec");
	bh_scan_release(&s);
}

static void test_container_lists_and_positions(void **state)
{
	static const char yaml[] = "apiVersion: apps/v1\n"
				   "kind: Deployment\n"
				   "metadata: {name: d, namespace: n}\n"
				   "spec:\n"
				   "  template:\n"
				   "    spec:\n"
				   "      initContainers:\n"
				   "      - name: init\n"
				   "        image: a\n"
				   "        securityContext: {privileged: true}\n"
				   "      containers:\n"
				   "      - name: main\n"
				   "        image: b\n"
				   "      ephemeralContainers:\n"
				   "      - name: debug\n"
				   "        image: c\n"
				   "        securityContext:\n"
				   "          privileged: yes\n";
	struct bh_scan s;
	const struct bh_finding *f;
	struct bh_container *cs;
	size_t n;

	(void)state;
	scan(&s, yaml, BH_PSS_NONE);
	n = bh_kube_containers(&s.arena, bh_kube_model(&s)->wls[0].pod_spec, &cs);
	assert_int_equal(n, 3);
	assert_string_equal(cs[0].list, "initContainers");
	assert_string_equal(cs[2].name, "debug");
	assert_int_equal(count(&s, "K8-001"), 2);
	f = find(&s, "K8-001", 0);
	assert_string_equal(f->container, "init");
	assert_int_equal(f->line, 10);
	assert_int_equal(f->col, 39);
	f = find(&s, "K8-001", 1);
	assert_string_equal(f->container, "debug");
	assert_int_equal(f->line, 18);
	assert_int_equal(f->col, 23);
	/* Missing allowPrivilegeEscalation points at the container's name, in every list. */
	assert_int_equal(count(&s, "K8-002"), 3);
	f = find(&s, "K8-002", 1);
	assert_string_equal(f->container, "main");
	assert_int_equal(f->line, 12);
	assert_int_equal(f->col, 15);
	bh_scan_release(&s);
}

static void test_pod_level_satisfies_containers(void **state)
{
	static const char yaml[] =
		"apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n"
		"spec:\n"
		"  securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}\n"
		"  containers:\n"
		"  - {name: a, image: b, securityContext: {runAsNonRoot: false}}\n"
		"  - {name: c, image: d}\n";
	struct bh_scan s;

	(void)state;
	scan(&s, yaml, BH_PSS_RESTRICTED);
	assert_int_equal(count(&s, "K8-003"), 1);
	assert_string_equal(find(&s, "K8-003", 0)->container, "a");
	assert_int_equal(count(&s, "K8-018"), 0);
	/* --pss runs only the PSS controls. */
	assert_int_equal(count(&s, "K8-028"), 0);
	bh_scan_release(&s);
}

static void test_verdicts(void **state)
{
	static const char yaml[] = "apiVersion: v1\nkind: Pod\nmetadata: {name: bad}\n"
				   "spec: {hostPID: true, containers: [{name: a, image: b}]}\n"
				   "---\napiVersion: v1\nkind: Pod\nmetadata: {name: good}\n"
				   "spec: {containers: [{name: a, image: b}]}\n"
				   "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm}\n";
	struct bh_scan s;
	struct bh_pss_verdict *v;
	size_t n;

	(void)state;
	scan(&s, yaml, BH_PSS_BASELINE);
	assert_int_equal(bh_kube_pss_verdicts(&s, &v, &n), BH_OK);
	assert_int_equal(n, 2);
	assert_false(v[0].admitted);
	assert_int_equal(v[0].nfails, 1);
	assert_string_equal(bh_kube_pss_control(v[0].fails[0]->rule), "Host Namespaces");
	assert_true(v[1].admitted);
	bh_scan_release(&s);
}

static void test_service_account_lookup(void **state)
{
	static const char yaml[] =
		"apiVersion: v1\nkind: Pod\nmetadata: {name: a, namespace: x}\n"
		"spec: {serviceAccountName: quiet, containers: [{name: a, image: b}]}\n"
		"---\napiVersion: v1\nkind: Pod\nmetadata: {name: b, namespace: y}\n"
		"spec: {serviceAccountName: quiet, containers: [{name: a, image: b}]}\n"
		"---\napiVersion: v1\nkind: ServiceAccount\nmetadata: {name: quiet, namespace: x}\n"
		"automountServiceAccountToken: false\n";
	struct bh_scan s;

	(void)state;
	scan(&s, yaml, BH_PSS_NONE);
	/* Only the pod whose namespace has no such ServiceAccount mounts a token. */
	assert_int_equal(count(&s, "K8-027"), 1);
	assert_string_equal(find(&s, "K8-027", 0)->object, "Pod/y/b");
	bh_scan_release(&s);
}

static void test_fix_keeps_text(void **state)
{
	static const char yaml[] = "# keep me\n"
				   "apiVersion: v1\n"
				   "kind: Pod\n"
				   "metadata: {name: p}   # and me\n"
				   "spec:\n"
				   "  containers:\n"
				   "  - name: a\n"
				   "    image: b  # image\n";
	char *out = NULL, *again = NULL;
	size_t len = 0, len2 = 0;
	unsigned n = 0, n2 = 0;
	struct bh_diag d = { 0 };

	(void)state;
	assert_int_equal(
		bh_kube_fix_text("p.yaml", yaml, strlen(yaml), NULL, NULL, &out, &len, &n, &d),
		BH_OK);
	assert_non_null(out);
	assert_true(n > 0);
	/* Everything that was there is still there, in order, as a prefix of the new text. */
	assert_memory_equal(out, yaml, strlen(yaml) - 1);
	assert_non_null(
		strstr(out, "    securityContext:\n      allowPrivilegeEscalation: false\n"));
	assert_int_equal(bh_kube_fix_text("p.yaml", out, len, NULL, NULL, &again, &len2, &n2, &d),
			 BH_OK);
	assert_null(again);
	assert_int_equal(n2, 0);
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_workloads_by_kind_and_shape),
		cmocka_unit_test(test_container_lists_and_positions),
		cmocka_unit_test(test_pod_level_satisfies_containers),
		cmocka_unit_test(test_verdicts),
		cmocka_unit_test(test_service_account_lookup),
		cmocka_unit_test(test_fix_keeps_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
