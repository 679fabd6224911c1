/*
 * The init generator's value parsers, at their edges: egress forms (IPv4 and IPv6 CIDRs with
 * and without ports, in-cluster Service names, external hosts), the metadata endpoints a CIDR
 * covers, digest references, labels, and which files each mesh and CI choice renders.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "init/init.h"

#define DIGEST "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static void test_egress_forms(void **state)
{
	struct bh_init_egress e;
	struct bh_diag d = { 0 };

	(void)state;
	assert_int_equal(bh_init_parse_egress("203.0.113.0/24:443", &e, &d), BH_OK);
	assert_string_equal(e.cidr, "203.0.113.0/24");
	assert_int_equal(e.port, 443);
	assert_int_equal(e.v6, 0);
	assert_int_equal(e.nexcept, 0);

	assert_int_equal(bh_init_parse_egress("198.51.100.0/24", &e, &d), BH_OK);
	assert_int_equal(e.port, 0);

	assert_int_equal(bh_init_parse_egress("[2001:db8::/32]:8443", &e, &d), BH_OK);
	assert_string_equal(e.cidr, "2001:db8::/32");
	assert_int_equal(e.v6, 1);
	assert_int_equal(e.port, 8443);

	assert_int_equal(bh_init_parse_egress("2001:db8::/32", &e, &d), BH_OK);
	assert_int_equal(e.v6, 1);
	assert_int_equal(e.port, 0);

	assert_int_equal(bh_init_parse_egress("llm-gateway.ai-platform.svc:8443", &e, &d), BH_OK);
	assert_string_equal(e.host, "llm-gateway.ai-platform.svc");
	assert_string_equal(e.svc_ns, "ai-platform");

	assert_int_equal(bh_init_parse_egress("tools.tools-ns.svc.cluster.local:443", &e, &d),
			 BH_OK);
	assert_string_equal(e.svc_ns, "tools-ns");

	assert_int_equal(bh_init_parse_egress("api.openai.com:443", &e, &d), BH_OK);
	assert_string_equal(e.host, "api.openai.com");
	assert_string_equal(e.svc_ns, "");
}

static void test_egress_metadata_except(void **state)
{
	struct bh_init_egress e;

	(void)state;
	assert_int_equal(bh_init_parse_egress("169.254.0.0/16", &e, NULL), BH_OK);
	assert_int_equal(e.nexcept, 1);
	assert_string_equal(e.except[0], "169.254.169.254");
	assert_int_equal(bh_init_parse_egress("100.64.0.0/10:443", &e, NULL), BH_OK);
	assert_int_equal(e.nexcept, 1);
	assert_string_equal(e.except[0], "100.100.100.200");
	assert_int_equal(bh_init_parse_egress("fd00:ec2::/32", &e, NULL), BH_OK);
	assert_int_equal(e.nexcept, 1);
	assert_string_equal(e.except[0], "fd00:ec2::254");
	assert_int_equal(bh_init_parse_egress("10.0.0.0/8", &e, NULL), BH_OK);
	assert_int_equal(e.nexcept, 0);
}

static void test_egress_rejected(void **state)
{
	static const char *const bad[] = {
		"",
		"api.openai.com",
		"api.openai.com:0",
		"api.openai.com:65536",
		"api.openai.com:44x",
		"Api.example.com:443",
		"-bad.example.com:443",
		"10.0.0.1/8",
		"10.0.0.0/33",
		"10.0.0.0",
		"300.0.0.0/8",
		"0.0.0.0/0",
		"1.0.0.0/7",
		"::/0",
		"[2001:db8::/32",
		"[2001:db8::/32]x",
		"a.b.c.svc:443",
		"x.Bad.svc:443",
	};
	struct bh_init_egress e;
	struct bh_diag d = { 0 };

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		d.msg[0] = '\0';
		if (bh_init_parse_egress(bad[i], &e, &d) != BH_ERR_USAGE)
			fail_msg("accepted --egress '%s'", bad[i]);
		assert_true(strlen(d.msg) > 0);
	}
}

static void test_digest_refs(void **state)
{
	(void)state;
	assert_int_equal(bh_init_check_digest_ref("x", "golang:1.23@sha256:" DIGEST, NULL), BH_OK);
	assert_int_equal(
		bh_init_check_digest_ref("x", "registry.example.com:5000/a/b@sha256:" DIGEST, NULL),
		BH_OK);
	assert_int_equal(bh_init_check_digest_ref("x", "golang:1.23", NULL), BH_ERR_USAGE);
	assert_int_equal(bh_init_check_digest_ref("x", "@sha256:" DIGEST, NULL), BH_ERR_USAGE);
	assert_int_equal(bh_init_check_digest_ref("x", "a@sha256:ABC", NULL), BH_ERR_USAGE);
	assert_int_equal(bh_init_check_digest_ref("x", "Upper/case@sha256:" DIGEST, NULL),
			 BH_ERR_USAGE);
	assert_int_equal(bh_init_check_digest_ref("x", "a b@sha256:" DIGEST, NULL), BH_ERR_USAGE);
	assert_int_equal(bh_init_tool_of("aquasec/trivy:0.58.1@sha256:" DIGEST),
			 BH_INIT_TOOL_TRIVY);
	assert_int_equal(bh_init_tool_of("docker:27-dind@sha256:" DIGEST), BH_INIT_TOOL_DOCKER);
	assert_int_equal(bh_init_tool_of("registry.example.com:5000/cosign@sha256:" DIGEST),
			 BH_INIT_TOOL_COSIGN);
	assert_int_equal(bh_init_tool_of("anchore/grype@sha256:" DIGEST), -1);
}

static void test_labels(void **state)
{
	struct bh_init_label l;

	(void)state;
	assert_int_equal(bh_init_check_label("n", "research-agent", NULL), BH_OK);
	assert_int_equal(bh_init_check_label("n", "Research", NULL), BH_ERR_USAGE);
	assert_int_equal(bh_init_check_label("n", "agent-", NULL), BH_ERR_USAGE);
	assert_int_equal(bh_init_parse_label("app.kubernetes.io/name=orch-1", &l, NULL), BH_OK);
	assert_string_equal(l.key, "app.kubernetes.io/name");
	assert_string_equal(l.value, "orch-1");
	assert_int_equal(bh_init_parse_label("app=", &l, NULL), BH_ERR_USAGE);
	assert_int_equal(bh_init_parse_label("=x", &l, NULL), BH_ERR_USAGE);
	assert_int_equal(bh_init_parse_label("a b=x", &l, NULL), BH_ERR_USAGE);
	assert_int_equal(bh_init_parse_label("app=x:y", &l, NULL), BH_ERR_USAGE);
	assert_int_equal(bh_init_parse_label("a/b/c=x", &l, NULL), BH_ERR_USAGE);
	assert_int_equal(bh_init_parse_label("Bad_Prefix/app=x", &l, NULL), BH_ERR_USAGE);
}

static int rendered(const struct bh_init_opts *o, const char *path)
{
	struct bh_init_file files[BH_INIT_MAX_FILES];
	size_t n = 0;
	int found = 0;

	assert_int_equal(bh_init_render(o, files, &n), BH_OK);
	for (size_t i = 0; i < n; i++) {
		found |= !strcmp(files[i].path, path);
		bh_buf_release(&files[i].text);
	}
	return found;
}

static void test_files_per_choice(void **state)
{
	struct bh_init_opts *o = calloc(1, sizeof(*o));

	(void)state;
	assert_non_null(o);
	o->name = "a";
	o->ns = "agents";
	o->image = "a@sha256:" DIGEST;
	o->build_image = "b@sha256:" DIGEST;
	o->build_cmd = "make";
	o->port = 8080;
	o->uid = 10001;
	o->norch = 1;
	snprintf(o->orch[0].key, sizeof(o->orch[0].key), "app");
	snprintf(o->orch[0].value, sizeof(o->orch[0].value), "o");
	assert_int_equal(bh_init_check(o, NULL), BH_OK);
	assert_true(rendered(o, "Dockerfile"));
	assert_false(rendered(o, "k8s/istio.yaml"));
	assert_false(rendered(o, ".github/workflows/release.yml"));
	o->mesh = BH_INIT_MESH_ISTIO;
	assert_true(rendered(o, "k8s/istio.yaml"));
	o->mesh = BH_INIT_MESH_CILIUM;
	assert_true(rendered(o, "k8s/cilium.yaml"));
	o->ci = BH_INIT_CI_GITLAB;
	assert_int_equal(bh_init_check(o, NULL), BH_ERR_USAGE); /* no tool pins */
	for (int t = 0; t < BH_INIT_NTOOLS; t++)
		o->tools[t] = "x@sha256:" DIGEST;
	assert_int_equal(bh_init_check(o, NULL), BH_OK);
	assert_true(rendered(o, ".gitlab-ci.yml"));
	o->port = 80;
	assert_int_equal(bh_init_check(o, NULL), BH_ERR_USAGE);
	free(o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_egress_forms),
		cmocka_unit_test(test_egress_metadata_except),
		cmocka_unit_test(test_egress_rejected),
		cmocka_unit_test(test_digest_refs),
		cmocka_unit_test(test_labels),
		cmocka_unit_test(test_files_per_choice),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
