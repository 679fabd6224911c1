/*
 * The webhook's decision without HTTP: the 400s (not JSON, not an AdmissionReview, no uid, no
 * operation, no object), DELETE allowed, a denial's field path and uid, warnings below fail-on,
 * the exemptions (subresources, deletionTimestamp, unchanged spec in another key order), a
 * key order change that is not a spec change, the namespace cache's labels and DELETE, the
 * ignore annotation with and without no_annotation_ignore, and the clipped message.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "webhook/webhook.h"

#define HEAD "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":"
#define PRIV_SPEC                                                                               \
	"{\"containers\":[{\"name\":\"c\",\"image\":\"x\",\"securityContext\":{\"privileged\":" \
	"true}}]}"
#define SECCOMPLESS                                                                              \
	"{\"automountServiceAccountToken\":false,\"securityContext\":{\"runAsNonRoot\":true,"    \
	"\"runAsUser\":10001,\"runAsGroup\":10001},\"containers\":[{\"name\":\"c\",\"image\":"   \
	"\"r/x:1@sha256:0d2a3bd1c2f6b5e1a0c1a9a4e1b3f0b5a1d2c3e4f5a6b7c8d9e0f1a2b3c4d5e6\","     \
	"\"securityContext\":{\"allowPrivilegeEscalation\":false,\"readOnlyRootFilesystem\":"    \
	"true,\"capabilities\":{\"drop\":[\"ALL\"]}},\"resources\":{\"requests\":{\"cpu\":"      \
	"\"1\",\"memory\":\"1Gi\"},\"limits\":{\"cpu\":\"1\",\"memory\":\"1Gi\"}},"              \
	"\"volumeMounts\":[{\"name\":\"tmp\",\"mountPath\":\"/tmp\"}]}],\"volumes\":[{\"name\":" \
	"\"tmp\",\"emptyDir\":{\"medium\":\"Memory\",\"sizeLimit\":\"1Mi\"}}]}"

struct run {
	struct bh_config cfg;
	struct bh_webhook_policy p;
	struct bh_webhook_verdict v;
	struct bh_buf out;
};

static const char *review(struct run *r, const char *body)
{
	bh_buf_reset(&r->out);
	assert_int_equal(bh_webhook_review(&r->p, body, strlen(body), &r->out, &r->v), BH_OK);
	return bh_buf_str(&r->out);
}

static void setup_run(struct run *r)
{
	memset(r, 0, sizeof(*r));
	bh_config_defaults(&r->cfg);
	r->p.cfg = &r->cfg;
	r->p.fail_on = BH_SEV_HIGH;
	r->p.ns = bh_webhook_ns_cache_new();
	bh_buf_init(&r->out, 0);
}

static void release_run(struct run *r)
{
	bh_buf_release(&r->out);
	bh_webhook_ns_cache_free(r->p.ns);
}

/* A pod review: op, subresource ("" for none), namespace, object metadata extras, spec. */
static const char *pod(char *buf, size_t n, const char *op, const char *sub, const char *ns,
		       const char *meta, const char *spec, const char *old_spec)
{
	int k = snprintf(buf, n,
			 HEAD "{\"uid\":\"u-1\",\"kind\":{\"kind\":\"Pod\"},\"operation\":\"%s\","
			      "\"subResource\":\"%s\",\"namespace\":\"%s\",\"name\":\"p\","
			      "\"object\":{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{"
			      "\"name\":\"p\",\"namespace\":\"%s\"%s},\"spec\":%s}",
			 op, sub, ns, ns, meta, spec);

	if (old_spec)
		k += snprintf(
			buf + k, n - (size_t)k,
			",\"oldObject\":{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{"
			"\"name\":\"p\"},\"spec\":%s}",
			old_spec);
	snprintf(buf + k, n - (size_t)k, "}}");
	return buf;
}

static void test_bad_requests(void **state)
{
	static const char *const bad[] = {
		"",
		"[1]",
		"{\"a\":",
		"{\"apiVersion\":\"v1\",\"kind\":\"Pod\"}",
		HEAD "{\"operation\":\"CREATE\",\"object\":{}}}",
		HEAD "{\"uid\":\"u\",\"object\":{}}}",
		HEAD "{\"uid\":\"u\",\"operation\":\"CREATE\"}}",
		HEAD "{\"uid\":\"u\",\"operation\":\"UPDATE\",\"object\":[1]}}",
	};
	struct run r;

	(void)state;
	setup_run(&r);
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		review(&r, bad[i]);
		assert_int_equal(r.v.status, 400);
		assert_non_null(strchr(bh_buf_str(&r.out), '\n'));
	}
	release_run(&r);
}

static void test_verdicts(void **state)
{
	char buf[8192];
	struct run r;
	const char *out;

	(void)state;
	setup_run(&r);
	out = review(&r, HEAD "{\"uid\":\"u-9\",\"operation\":\"DELETE\",\"object\":null}}");
	assert_int_equal(r.v.status, 200);
	assert_non_null(strstr(out, "\"allowed\": true"));
	assert_non_null(strstr(out, "\"uid\": \"u-9\""));

	out = review(&r, pod(buf, sizeof(buf), "CREATE", "", "a", "", PRIV_SPEC, NULL));
	assert_int_equal(r.v.status, 200);
	assert_int_equal(r.v.allowed, 0);
	assert_non_null(strstr(out, "\"code\": 403"));
	assert_non_null(strstr(out, "K8-001 critical"));
	assert_non_null(strstr(out, "(spec.containers[0].securityContext.privileged)"));
	assert_non_null(strstr(out, "\"warnings\""));
	assert_non_null(strstr(r.v.summary, "denied"));

	/* Exempt: a status update, an object being deleted, a spec reordered but equal. */
	review(&r, pod(buf, sizeof(buf), "UPDATE", "status", "a", "", PRIV_SPEC, PRIV_SPEC));
	assert_int_equal(r.v.allowed, 1);
	review(&r, pod(buf, sizeof(buf), "UPDATE", "", "a",
		       ",\"deletionTimestamp\":\"2026-01-01T00:00:00Z\"", PRIV_SPEC, PRIV_SPEC));
	assert_int_equal(r.v.allowed, 1);
	review(&r, pod(buf, sizeof(buf), "UPDATE", "", "a", "", PRIV_SPEC,
		       "{\"containers\":[{\"securityContext\":{\"privileged\":true},\"image\":"
		       "\"x\",\"name\":\"c\"}]}"));
	assert_int_equal(r.v.allowed, 1);
	/* Not exempt: the spec changed, or the pod's ephemeral containers. */
	review(&r, pod(buf, sizeof(buf), "UPDATE", "", "a", "", PRIV_SPEC,
		       "{\"containers\":[{\"name\":\"c\",\"image\":\"x\"}]}"));
	assert_int_equal(r.v.allowed, 0);
	review(&r,
	       pod(buf, sizeof(buf), "UPDATE", "ephemeralcontainers", "a", "", PRIV_SPEC, NULL));
	assert_int_equal(r.v.allowed, 0);

	/* The annotation exempts, unless the policy says it may not. */
	review(&r, pod(buf, sizeof(buf), "CREATE", "", "a",
		       ",\"annotations\":{\"bulkhead.dev/ignore\":\"all\"}", PRIV_SPEC, NULL));
	assert_int_equal(r.v.allowed, 1);
	r.p.no_annotation_ignore = 1;
	review(&r, pod(buf, sizeof(buf), "CREATE", "", "a",
		       ",\"annotations\":{\"bulkhead.dev/ignore\":\"all\"}", PRIV_SPEC, NULL));
	assert_int_equal(r.v.allowed, 0);
	release_run(&r);
}

static void test_namespace_cache(void **state)
{
	char buf[8192];
	struct run r;
	const char *out;

	(void)state;
	setup_run(&r);
	/* Without a known namespace, a missing seccomp profile is a warning. */
	out = review(&r, pod(buf, sizeof(buf), "CREATE", "", "team", "", SECCOMPLESS, NULL));
	assert_int_equal(r.v.allowed, 1);
	assert_non_null(strstr(out, "K8-018"));
	review(&r, HEAD "{\"uid\":\"n\",\"kind\":{\"kind\":\"Namespace\"},\"name\":\"team\","
			"\"operation\":\"CREATE\",\"object\":{\"apiVersion\":\"v1\",\"kind\":"
			"\"Namespace\",\"metadata\":{\"name\":\"team\",\"labels\":{\"pod-security."
			"kubernetes.io/enforce\":\"restricted\"}}}}}");
	assert_int_equal(r.v.allowed, 1);
	out = review(&r, pod(buf, sizeof(buf), "CREATE", "", "team", "", SECCOMPLESS, NULL));
	assert_int_equal(r.v.allowed, 0);
	assert_non_null(strstr(out, "K8-033"));
	/* Another namespace is not affected; a DELETE forgets it. */
	review(&r, pod(buf, sizeof(buf), "CREATE", "", "other", "", SECCOMPLESS, NULL));
	assert_int_equal(r.v.allowed, 1);
	review(&r, HEAD "{\"uid\":\"n\",\"kind\":{\"kind\":\"Namespace\"},\"name\":\"team\","
			"\"operation\":\"DELETE\",\"object\":null}}");
	review(&r, pod(buf, sizeof(buf), "CREATE", "", "team", "", SECCOMPLESS, NULL));
	assert_int_equal(r.v.allowed, 1);
	release_run(&r);
}

static void test_clipped(void **state)
{
	static char name[100000], spec[110000], buf[120000];
	struct run r;
	const char *out;

	(void)state;
	setup_run(&r);
	memset(name, 'n', sizeof(name) - 1);
	snprintf(spec, sizeof(spec),
		 "{\"containers\":[{\"name\":\"%s\",\"image\":\"x\",\"securityContext\":{"
		 "\"privileged\":true}}]}",
		 name);
	out = review(&r, pod(buf, sizeof(buf), "CREATE", "", "a", "", spec, NULL));
	assert_int_equal(r.v.allowed, 0);
	assert_non_null(strstr(out, "K8-001"));
	assert_true(r.out.len < 40000);
	assert_true(strlen(r.v.summary) < sizeof(r.v.summary));
	release_run(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bad_requests),
		cmocka_unit_test(test_verdicts),
		cmocka_unit_test(test_namespace_cache),
		cmocka_unit_test(test_clipped),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
