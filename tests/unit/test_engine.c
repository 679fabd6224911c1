/*
 * The scan driver: detection by content (a Kubernetes object in a .txt file named on the
 * command line is scanned; the same file found by a directory walk is not), stdin, a syntax
 * error that does not hide the other files, binary input, and config excludes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/engine.h"

static const char pod[] = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n"
			  "  - name: app\n    securityContext:\n      privileged: true\n";

static char *dir;

static void put(const char *rel, const char *text, size_t len)
{
	char p[4096];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", dir, rel);
	f = fopen(p, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, len, f), len);
	fclose(f);
}

static int setup(void **state)
{
	char tmpl[] = "/tmp/bh-test-engine.XXXXXX";

	(void)state;
	dir = strdup(mkdtemp(tmpl));
	put("notes.txt", pod, strlen(pod));
	put("a-broken.yaml", "a: [1, 2\nb: 3\n", 14);
	put("b-pod.yaml", pod, strlen(pod));
	put("c-binary.yaml",
	    "\x7f"
	    "ELF\0\0\0",
	    7);
	return 0;
}

static int teardown(void **state)
{
	char cmd[4200];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	free(dir);
	return system(cmd);
}

static size_t count(const struct bh_scan *s, const char *rule, const char *file_suffix)
{
	size_t n = 0;

	for (size_t i = 0; i < s->findings.n; i++) {
		const char *f = s->findings.items[i].file;
		size_t fl = strlen(f), sl = strlen(file_suffix);

		n += !strcmp(s->findings.items[i].rule->id, rule) && fl >= sl &&
		     !strcmp(f + fl - sl, file_suffix);
	}
	return n;
}

static const struct bh_finding *find(const struct bh_scan *s, const char *rule)
{
	for (size_t i = 0; i < s->findings.n; i++)
		if (!strcmp(s->findings.items[i].rule->id, rule))
			return &s->findings.items[i];
	fail_msg("no %s finding", rule);
	return NULL;
}

static void test_explicit_txt(void **state)
{
	char p[4096];
	const char *paths[] = { p };
	struct bh_scan s;

	(void)state;
	snprintf(p, sizeof(p), "%s/notes.txt", dir);
	bh_scan_init(&s);
	assert_int_equal(bh_engine_scan(&s, paths, 1, NULL), BH_OK);
	assert_int_equal(count(&s, "K8-001", "notes.txt"), 1);
	assert_int_equal(find(&s, "K8-001")->line, 8);
	assert_int_equal(s.nerrors, 0);
	bh_scan_release(&s);
}

static void test_walk(void **state)
{
	const char *paths[] = { dir };
	struct bh_scan s;

	(void)state;
	bh_scan_init(&s);
	assert_int_equal(bh_engine_scan(&s, paths, 1, NULL), BH_OK);
	/* The YAML file is scanned although its sibling has a syntax error. */
	assert_int_equal(count(&s, "K8-001", "b-pod.yaml"), 1);
	assert_int_equal(count(&s, "K8-001", "notes.txt"), 0);
	assert_int_equal(s.nerrors, 1);
	assert_non_null(strstr(s.errors[0].file, "a-broken.yaml"));
	assert_int_equal(s.errors[0].line, 2);
	/* A binary file found by a walk is skipped; named explicitly, it is an error. */
	bh_scan_release(&s);
	{
		char p[4096];
		const char *bin[] = { p };

		snprintf(p, sizeof(p), "%s/c-binary.yaml", dir);
		bh_scan_init(&s);
		assert_int_equal(bh_engine_scan(&s, bin, 1, NULL), BH_OK);
		assert_int_equal(s.nerrors, 1);
		assert_non_null(strstr(s.errors[0].msg, "binary"));
		bh_scan_release(&s);
	}
}

static void test_stdin(void **state)
{
	const char *paths[] = { "-" };
	struct bh_scan s;
	int fds[2], saved = dup(0);

	(void)state;
	assert_int_equal(pipe(fds), 0);
	assert_int_equal(write(fds[1], pod, strlen(pod)), (ssize_t)strlen(pod));
	close(fds[1]);
	dup2(fds[0], 0);
	close(fds[0]);
	bh_scan_init(&s);
	assert_int_equal(bh_engine_scan(&s, paths, 1, NULL), BH_OK);
	dup2(saved, 0);
	close(saved);
	assert_int_equal(count(&s, "K8-001", "-"), 1);
	bh_scan_release(&s);
}

static void test_buffer_and_config(void **state)
{
	static const char cfg[] =
		"disable: [K8-002]\nseverity: {K8-001: low}\nexclude: [b-pod.yaml]\n";
	const char *paths[] = { dir };
	struct bh_scan s;
	struct bh_diag d;
	char p[4096];

	(void)state;
	bh_scan_init(&s);
	assert_int_equal(bh_engine_scan_buffer(&s, "mem.yaml", pod, strlen(pod)), BH_OK);
	bh_engine_finish(&s, NULL);
	assert_int_equal(count(&s, "K8-001", "mem.yaml"), 1);
	assert_int_equal(count(&s, "K8-002", "mem.yaml"), 1);
	bh_scan_release(&s);

	put(".bulkhead.yaml", cfg, strlen(cfg));
	bh_scan_init(&s);
	assert_int_equal(bh_engine_config(&s, NULL, dir, &d), BH_OK);
	assert_int_equal(bh_engine_scan(&s, paths, 1, NULL), BH_OK);
	assert_int_equal(count(&s, "K8-001", "b-pod.yaml"), 0); /* excluded */
	bh_scan_release(&s);
	bh_scan_init(&s);
	snprintf(p, sizeof(p), "%s/notes.txt", dir);
	paths[0] = p;
	assert_int_equal(bh_engine_config(&s, NULL, p, &d), BH_OK);
	assert_int_equal(bh_engine_scan(&s, paths, 1, NULL), BH_OK);
	assert_int_equal(count(&s, "K8-001", "notes.txt"), 1);
	assert_int_equal(find(&s, "K8-001")->severity, BH_SEV_LOW); /* overridden */
	assert_int_equal(count(&s, "K8-002", "notes.txt"), 0);	    /* disabled */
	bh_scan_release(&s);
	snprintf(p, sizeof(p), "%s/.bulkhead.yaml", dir);
	unlink(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_explicit_txt),
		cmocka_unit_test(test_walk),
		cmocka_unit_test(test_stdin),
		cmocka_unit_test(test_buffer_and_config),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
