/*
 * Image references (src/registry/ref.c) and WWW-Authenticate challenges (challenge.c): valid
 * references with the parts they must split into and the form they format back to, invalid ones
 * with the reason they must be refused for, and challenges as registries send them and as a
 * hostile peer might.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "registry/registry.h"

#define HEX64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

struct good {
	const char *in, *registry, *repository, *tag, *digest, *formatted;
};

static const struct good goods[] = {
	{ "nginx", "docker.io", "library/nginx", NULL, NULL, "docker.io/library/nginx" },
	{ "nginx:1.25", "docker.io", "library/nginx", "1.25", NULL,
	  "docker.io/library/nginx:1.25" },
	{ "team/app", "docker.io", "team/app", NULL, NULL, "docker.io/team/app" },
	{ "localhost/app", "localhost", "app", NULL, NULL, "localhost/app" },
	{ "localhost:5000/a/b:v1", "localhost:5000", "a/b", "v1", NULL, "localhost:5000/a/b:v1" },
	{ "127.0.0.1:5000/x", "127.0.0.1:5000", "x", NULL, NULL, "127.0.0.1:5000/x" },
	{ "[::1]:5000/r:t", "[::1]:5000", "r", "t", NULL, "[::1]:5000/r:t" },
	{ "Reg.Example.Test/r", "Reg.Example.Test", "r", NULL, NULL, "Reg.Example.Test/r" },
	{ "reg.test:443/a/b/c/d", "reg.test:443", "a/b/c/d", NULL, NULL, "reg.test:443/a/b/c/d" },
	{ "reg.test/app@sha256:" HEX64, "reg.test", "app", NULL, "sha256:" HEX64,
	  "reg.test/app@sha256:" HEX64 },
	{ "reg.test/app:v2@sha256:" HEX64, "reg.test", "app", "v2", "sha256:" HEX64,
	  "reg.test/app:v2@sha256:" HEX64 },
	/* cosign's signature and attestation tags. */
	{ "reg.test/app:sha256-" HEX64 ".sig", "reg.test", "app", "sha256-" HEX64 ".sig", NULL,
	  "reg.test/app:sha256-" HEX64 ".sig" },
	{ "team/a.b_c__d-e--f", "docker.io", "team/a.b_c__d-e--f", NULL, NULL,
	  "docker.io/team/a.b_c__d-e--f" },
	/* A first component with '.' is a host, even where a path would be valid too. */
	{ "a.b/c", "a.b", "c", NULL, NULL, "a.b/c" },
	{ "app:_x.Y-z", "docker.io", "library/app", "_x.Y-z", NULL,
	  "docker.io/library/app:_x.Y-z" },
	/* A port-like suffix without a host is a tag, as in the distribution grammar. */
	{ "localhost:5000", "docker.io", "library/localhost", "5000", NULL,
	  "docker.io/library/localhost:5000" },
};

struct bad {
	const char *in, *why;
};

static const struct bad bads[] = {
	{ "", "empty" },
	{ "Nginx", "lower case" },
	{ "reg.test/Team/app", "lower case" },
	{ "app:", "the tag is empty" },
	{ "app:-x", "a tag starts with" },
	{ "app:.x", "a tag starts with" },
	{ "app:a+b", "a tag holds only" },
	{ "app@sha256:abc", "exactly 64 hex digits" },
	{ "app@sha256:" HEX64 "00", "exactly 64 hex digits" },
	{ "app@sha256:0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef",
	  "must be lower case" },
	{ "app@sha512:" HEX64 HEX64, "only sha256" },
	{ "app@md5", "algorithm:hex" },
	{ "app@sha256:" HEX64 "@sha256:" HEX64, "not hex" },
	{ "reg.test/", "empty component" },
	{ "reg.test//app", "empty component" },
	{ "/app", "empty component" },
	{ "app/", "empty component" },
	{ "a..b", "holds only a-z" },
	{ "a-", "ends with a separator" },
	{ "-a", "starts and ends" },
	{ "a___b", "starts and ends" },
	{ "reg.test:/app", "the port is 1 to 5 digits" },
	{ "reg.test:99999/app", "above 65535" },
	{ "reg.test:123456/app", "1 to 5 digits" },
	{ "reg.test:5x/app", "1 to 5 digits" },
	{ "-reg.test/app", "the host holds a character" },
	{ "reg-.test/app", "ends with '-'" },
	{ "reg..test/app", "empty" },
	{ "re_g.test/app", "character other than" },
	{ "[::1/app", "IPv6" },
	{ "[::1]x/app", "followed only by :port" },
	{ ":tag", "the repository name is empty" },
	{ "@sha256:" HEX64, "the repository name is empty" },
	{ "a b", "holds only a-z" },
	{ "app:t\n", "a tag holds only" },
};

static void test_good(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(goods) / sizeof(goods[0]); i++) {
		const struct good *g = &goods[i];
		struct bh_ref r;
		struct bh_diag d = { 0 };
		char *f;

		if (bh_ref_parse(g->in, &r, &d) != BH_OK)
			fail_msg("%s: %s", g->in, d.msg);
		assert_string_equal(r.registry, g->registry);
		assert_string_equal(r.repository, g->repository);
		if (g->tag)
			assert_string_equal(r.tag, g->tag);
		else
			assert_null(r.tag);
		if (g->digest)
			assert_string_equal(r.digest, g->digest);
		else
			assert_null(r.digest);
		f = bh_ref_format(&r);
		assert_string_equal(f, g->formatted);
		bh_ref_free(&r);
		/* The formatted form parses back to itself. */
		assert_int_equal(bh_ref_parse(f, &r, &d), BH_OK);
		free(f);
		f = bh_ref_format(&r);
		assert_string_equal(f, g->formatted);
		free(f);
		bh_ref_free(&r);
	}
}

static void test_bad(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bads) / sizeof(bads[0]); i++) {
		struct bh_ref r = { (char *)"untouched", NULL, NULL, NULL };
		struct bh_diag d = { 0 };

		if (bh_ref_parse(bads[i].in, &r, &d) != BH_ERR_PARSE)
			fail_msg("\"%s\" was accepted", bads[i].in);
		if (!strstr(d.msg, bads[i].why))
			fail_msg("\"%s\": message \"%s\" does not say \"%s\"", bads[i].in, d.msg,
				 bads[i].why);
		assert_string_equal(r.registry, "untouched");
	}
}

static void test_lengths(void **state)
{
	char name[300], tag[200], big[2000];
	struct bh_ref r;
	struct bh_diag d;

	(void)state;
	/* A 255-byte name is the longest allowed. */
	memset(name, 'a', 255);
	memcpy(name, "reg.test/", 9);
	name[255] = '\0';
	assert_int_equal(bh_ref_parse(name, &r, &d), BH_OK);
	bh_ref_free(&r);
	name[255] = 'a';
	name[256] = '\0';
	assert_int_equal(bh_ref_parse(name, &r, &d), BH_ERR_PARSE);
	assert_non_null(strstr(d.msg, "longer than 255"));
	/* Without a host the default registry and prefix count too: 255 in all. */
	memset(name, 'b', 237);
	name[237] = '\0';
	assert_int_equal(bh_ref_parse(name, &r, &d), BH_OK);
	assert_int_equal(strlen(r.registry) + 1 + strlen(r.repository), 255);
	bh_ref_free(&r);
	name[237] = 'b';
	name[238] = '\0';
	assert_int_equal(bh_ref_parse(name, &r, &d), BH_ERR_PARSE);
	/* Tags: 128 characters, not 129. */
	memcpy(tag, "app:", 4);
	memset(tag + 4, 't', 128);
	tag[132] = '\0';
	assert_int_equal(bh_ref_parse(tag, &r, &d), BH_OK);
	assert_int_equal(strlen(r.tag), 128);
	bh_ref_free(&r);
	tag[132] = 't';
	tag[133] = '\0';
	assert_int_equal(bh_ref_parse(tag, &r, &d), BH_ERR_PARSE);
	assert_non_null(strstr(d.msg, "longer than 128"));
	/* Far too long a reference is refused before it is looked at. */
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(bh_ref_parse(big, &r, &d), BH_ERR_PARSE);
	assert_non_null(strstr(d.msg, "too long"));
	assert_int_equal(bh_ref_parse(NULL, &r, NULL), BH_ERR_PARSE);
}

static void test_digest(void **state)
{
	char out[BH_DIGEST_BUF];

	(void)state;
	/* The sha256 of "abc" (FIPS 180-2 example). */
	bh_digest_of("abc", 3, out);
	assert_string_equal(
		out, "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	assert_true(bh_digest_valid(out));
	assert_false(bh_digest_valid("sha256:" HEX64 "0"));
	assert_false(bh_digest_valid("sha256:0123"));
	assert_false(bh_digest_valid("sha384:" HEX64));
	assert_false(bh_digest_valid(NULL));
}

static void test_challenge(void **state)
{
	struct bh_challenge c;
	struct bh_diag d;

	(void)state;
	assert_int_equal(bh_challenge_parse("Bearer realm=\"https://auth.test/token\","
					    "service=\"reg.test\",scope=\"repository:a/b:pull\"",
					    &c, &d),
			 BH_OK);
	assert_string_equal(c.scheme, "Bearer");
	assert_string_equal(c.realm, "https://auth.test/token");
	assert_string_equal(c.service, "reg.test");
	assert_string_equal(c.scope, "repository:a/b:pull");
	bh_challenge_free(&c);

	/* Spaces, unquoted values, escapes, unknown parameters, and a second challenge. */
	assert_int_equal(bh_challenge_parse("  bearer  Realm = https://a.test/t , x=\"q\\\"z\" ,"
					    "service=\"s\\\\1\", Basic realm=\"other\"",
					    &c, &d),
			 BH_OK);
	assert_string_equal(c.scheme, "bearer");
	assert_string_equal(c.realm, "https://a.test/t");
	assert_string_equal(c.service, "s\\1");
	assert_null(c.scope);
	bh_challenge_free(&c);

	assert_int_equal(bh_challenge_parse("Basic realm=\"Registry Realm\"", &c, &d), BH_OK);
	assert_string_equal(c.scheme, "Basic");
	assert_string_equal(c.realm, "Registry Realm");
	bh_challenge_free(&c);

	assert_int_equal(bh_challenge_parse("Bearer", &c, &d), BH_OK);
	assert_null(c.realm);
	bh_challenge_free(&c);

	assert_int_equal(bh_challenge_parse("", &c, &d), BH_ERR_PARSE);
	assert_non_null(strstr(d.msg, "no scheme"));
	assert_int_equal(bh_challenge_parse("Bearer realm=\"open", &c, &d), BH_ERR_PARSE);
	assert_non_null(strstr(d.msg, "not closed"));
	assert_int_equal(bh_challenge_parse("Bearer realm=\"a\",realm=\"b\"", &c, &d),
			 BH_ERR_PARSE);
	assert_non_null(strstr(d.msg, "twice"));
	assert_int_equal(bh_challenge_parse("Bearer realm=", &c, &d), BH_ERR_PARSE);
	assert_non_null(strstr(d.msg, "no value"));
	assert_int_equal(bh_challenge_parse("Bearer realm=\"a\" service=\"b\"", &c, &d),
			 BH_ERR_PARSE);
	assert_non_null(strstr(d.msg, "separated"));
	assert_int_equal(bh_challenge_parse("Bearer realm=\"a\x01\"", &c, &d), BH_ERR_PARSE);
	assert_non_null(strstr(d.msg, "control character"));
	assert_int_equal(bh_challenge_parse("Bearer,realm=a", &c, &d), BH_ERR_PARSE);
	assert_non_null(strstr(d.msg, "not followed by a space"));
	assert_int_equal(bh_challenge_parse("Bearer =a", &c, &d), BH_ERR_PARSE);
	assert_non_null(strstr(d.msg, "no name"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),	  cmocka_unit_test(test_bad),
		cmocka_unit_test(test_lengths),	  cmocka_unit_test(test_digest),
		cmocka_unit_test(test_challenge),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
