/*
 * The CI/CD layer's tests.
 *
 * Fixtures: every entry of tests/pipeline/fixtures/ (a workflow file, or a directory of
 * workflows and actions) is scanned, and its findings must be exactly the `# expect: RULE L:C`
 * lines at the end of its files: a fixture without any expects must scan clean. Each rule has
 * failing and passing fixtures (checked by test_every_rule_has_fixtures).
 *
 * The reference gate: ../shared/corpus/seed/ci-gate-steps.yml is spliced, unchanged, into
 * reference/gate-wrapper.yml; the result must be flagged only for trivy-action@master.
 *
 * The corpus: every workflow of ../shared/corpus/workflows scans without an input error, and
 * the findings equal the reviewed list in corpus-findings.txt (UPDATE=1 rewrites it).
 *
 * Also unit tests of the expression scanner and the shell splitter, and hostile shapes.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* cmocka needs the headers above first. */
#include <cmocka.h>

#include "core/buf.h"
#include "core/fs.h"
#include "core/limits.h"
#include "engine/engine.h"
#include "pipeline/pipeline.h"

static const char *env_or(const char *name, const char *dflt)
{
	const char *v = getenv(name);

	return v && *v ? v : dflt;
}

static char *path_join(const char *a, const char *b)
{
	size_t n = strlen(a) + strlen(b) + 2;
	char *p = malloc(n);

	assert_non_null(p);
	snprintf(p, n, "%s/%s", a, b);
	return p;
}

__attribute__((noinline)) static char *read_all(const char *path)
{
	char *data = NULL;
	size_t len = 0;
	struct bh_diag d;

	assert_int_equal(bh_fs_read(path, BH_LIMIT_FILE_BYTES, &data, &len, &d), BH_OK);
	return data;
}

/* ---- fixtures ---- */

struct expect_ctx {
	struct bh_buf *want;
};

/* Collect "file:line:col RULE" for every "# expect: RULE L:C" line of a file. */
static bh_err collect_expects(const char *path, void *arg)
{
	struct expect_ctx *e = arg;
	char *data = read_all(path);

	for (char *p = data; (p = strstr(p, "# expect: ")); p++) {
		char rule[16];
		unsigned l, c;

		assert_int_equal(sscanf(p + 10, "%15s %u:%u", rule, &l, &c), 3);
		bh_buf_printf(e->want, "%s:%u:%u %s\n", path, l, c, rule);
	}
	free(data);
	return BH_OK;
}

static int cmp_lines(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sort the lines of a buffer in place (so finding order does not matter). */
static char *sorted(const char *text)
{
	char *copy = strdup(text), *lines[4096], *out;
	size_t n = 0, len = strlen(text);
	struct bh_buf b = BH_BUF_INIT;

	assert_non_null(copy);
	for (char *p = copy, *nl; *p && n < 4096; p = nl + 1) {
		nl = strchr(p, '\n');
		if (!nl)
			break;
		*nl = '\0';
		lines[n++] = p;
	}
	qsort(lines, n, sizeof(*lines), cmp_lines);
	bh_buf_init(&b, len + 2);
	for (size_t i = 0; i < n; i++)
		bh_buf_printf(&b, "%s\n", lines[i]);
	out = bh_buf_detach(&b, NULL);
	free(copy);
	return out;
}

static void findings_text(const struct bh_scan *s, struct bh_buf *got, size_t strip)
{
	for (size_t i = 0; i < s->findings.n; i++) {
		const struct bh_finding *f = &s->findings.items[i];

		bh_buf_printf(got, "%s:%u:%u %s\n", f->file + strip, f->line, f->col, f->rule->id);
	}
}

static void scan_paths(struct bh_scan *s, const char *path)
{
	const char *paths[1] = { path };

	bh_scan_init(s);
	assert_int_equal(bh_engine_scan(s, paths, 1, NULL), BH_OK);
	for (size_t i = 0; i < s->nerrors; i++)
		print_error("input error: %s:%u: %s\n", s->errors[i].file, s->errors[i].line,
			    s->errors[i].msg);
	assert_int_equal(s->nerrors, 0);
}

static void test_fixtures(void **state)
{
	char *dir = path_join(env_or("SRCDIR", "."), "tests/pipeline/fixtures");
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t cases = 0, failed = 0;
	struct bh_walk_opts opts = { 0 };

	(void)state;
	assert_non_null(d);
	while ((e = readdir(d))) {
		struct bh_buf want = BH_BUF_INIT, got = BH_BUF_INIT;
		struct expect_ctx ec = { &want };
		struct bh_scan s;
		char *p, *w, *g;

		if (e->d_name[0] == '.')
			continue;
		p = path_join(dir, e->d_name);
		bh_buf_init(&want, 0);
		bh_buf_init(&got, 0);
		assert_int_equal(bh_fs_walk(p, &opts, collect_expects, &ec, NULL), BH_OK);
		scan_paths(&s, p);
		findings_text(&s, &got, 0);
		w = sorted(bh_buf_str(&want));
		g = sorted(bh_buf_str(&got));
		if (strcmp(w, g) != 0) {
			print_error("fixture %s:\n--- expected\n%s--- got\n%s", e->d_name, w, g);
			failed++;
		}
		cases++;
		free(w);
		free(g);
		free(p);
		bh_buf_release(&want);
		bh_buf_release(&got);
		bh_scan_release(&s);
	}
	closedir(d);
	free(dir);
	assert_true(cases >= 60);
	assert_int_equal(failed, 0);
}

/* Every CI rule has a fixture named RULE-fail-* and one named RULE-pass-* (or the full gate). */
static void test_every_rule_has_fixtures(void **state)
{
	char *dir = path_join(env_or("SRCDIR", "."), "tests/pipeline/fixtures");

	(void)state;
	for (size_t i = 0; i < bh_ci_nrules; i++) {
		const struct bh_rule *r = &bh_ci_rules[i];
		int fail = 0, pass = 0;
		DIR *d = opendir(dir);
		struct dirent *e;
		char pf[32], pp[32];

		assert_non_null(d);
		assert_non_null(r->title);
		assert_non_null(r->attack);
		assert_non_null(r->fix);
		assert_non_null(r->refs);
		snprintf(pf, sizeof(pf), "%s-fail-", r->id);
		snprintf(pp, sizeof(pp), "%s-pass-", r->id);
		while ((e = readdir(d))) {
			fail |= strncmp(e->d_name, pf, strlen(pf)) == 0;
			pass |= strncmp(e->d_name, pp, strlen(pp)) == 0 ||
				(i < 5 && strcmp(e->d_name, "gate-pass-full.yml") == 0);
		}
		closedir(d);
		if (!fail || !pass)
			print_error("rule %s lacks a %s fixture\n", r->id,
				    fail ? "passing" : "failing");
		assert_true(fail && pass);
	}
	free(dir);
}

/* ---- the reference gate steps ---- */

static void test_reference_gate(void **state)
{
	char *wrapper_path =
		path_join(env_or("SRCDIR", "."), "tests/pipeline/reference/gate-wrapper.yml");
	char *seed_path = path_join(env_or("SHARED", "../shared"), "corpus/seed/ci-gate-steps.yml");
	char *wrapper = read_all(wrapper_path), *seed = read_all(seed_path);
	char *mark = strstr(wrapper, "@GATE_STEPS@\n");
	struct bh_buf doc = BH_BUF_INIT;
	struct bh_scan s;
	unsigned trivy_line = 0, line = 1;
	const struct bh_finding *f;

	(void)state;
	assert_non_null(mark);
	bh_buf_init(&doc, 0);
	bh_buf_add(&doc, wrapper, (size_t)(mark - wrapper));
	for (const char *c = wrapper; c < mark; c++)
		line += *c == '\n';
	/* The seed's lines, indented by six spaces to become the job's steps, otherwise as is. */
	for (char *p = seed, *nl; *p; p = nl + 1, line++) {
		nl = strchr(p, '\n');
		if (!nl)
			nl = p + strlen(p);
		if (nl > p)
			bh_buf_adds(&doc, "      ");
		bh_buf_add(&doc, p, (size_t)(nl - p));
		bh_buf_addc(&doc, '\n');
		if (strstr(p, "aquasecurity/trivy-action@master") &&
		    strstr(p, "aquasecurity/trivy-action@master") < nl)
			trivy_line = line;
		if (!*nl)
			break;
	}
	assert_true(trivy_line > 0);
	bh_scan_init(&s);
	assert_int_equal(bh_engine_scan_buffer(&s, "gate.yml", bh_buf_str(&doc), doc.len), BH_OK);
	bh_engine_finish(&s, NULL);
	assert_int_equal(s.nerrors, 0);
	for (size_t i = 0; i < s.findings.n; i++)
		print_error("finding %s at %u:%u: %s\n", s.findings.items[i].rule->id,
			    s.findings.items[i].line, s.findings.items[i].col,
			    s.findings.items[i].message);
	assert_int_equal(s.findings.n, 1);
	f = &s.findings.items[0];
	assert_string_equal(f->rule->id, "CI-010");
	assert_int_equal(f->line, trivy_line);
	assert_int_equal(f->col, 15);
	bh_scan_release(&s);
	bh_buf_release(&doc);
	free(wrapper);
	free(seed);
	free(wrapper_path);
	free(seed_path);
}

/* ---- the public corpus ---- */

static void test_corpus(void **state)
{
	char *dir = path_join(env_or("SHARED", "../shared"), "corpus/workflows");
	char *list = path_join(env_or("SRCDIR", "."), "tests/pipeline/corpus-findings.txt");
	struct bh_buf got = BH_BUF_INIT;
	struct bh_scan s;
	char *want, *g;

	(void)state;
	bh_buf_init(&got, 0);
	scan_paths(&s, dir);
	assert_true(s.files_scanned >= 200);
	findings_text(&s, &got, strlen(dir) + 1);
	g = sorted(bh_buf_str(&got));
	if (getenv("UPDATE") && strcmp(getenv("UPDATE"), "1") == 0) {
		struct bh_diag d;

		assert_int_equal(bh_fs_write_atomic(list, g, strlen(g), &d), BH_OK);
	}
	want = read_all(list);
	if (strcmp(want, g) != 0)
		print_error("corpus findings differ from %s (UPDATE=1 rewrites it for review)\n",
			    list);
	assert_string_equal(want, g);
	free(want);
	free(g);
	free(dir);
	free(list);
	bh_buf_release(&got);
	bh_scan_release(&s);
}

/* ---- the recognisers ---- */

struct refs {
	char paths[8][128];
	int passes[8];
	size_t n;
};

static void add_ref(void *arg, const struct bh_ci_ref *r)
{
	struct refs *x = arg;

	if (x->n < 8) {
		snprintf(x->paths[x->n], sizeof(x->paths[0]), "%s", r->path);
		x->passes[x->n] = r->passes;
		x->n++;
	}
}

static void test_expressions(void **state)
{
	const char *s = "a ${{ github.event['issue'].title }} b ${{ '}}' }} c ${{ x";
	struct bh_ci_expr e;
	size_t pos = 0;
	struct refs r = { .n = 0 };
	const char *cond =
		"contains(github.event.issue.title, 'x') && github.event.commits[0].message";

	(void)state;
	assert_true(bh_ci_expr_next(s, strlen(s), &pos, &e));
	assert_int_equal(e.off, 2);
	bh_ci_expr_refs(s + e.body, e.body_len, add_ref, &r);
	assert_int_equal(r.n, 1);
	assert_string_equal(r.paths[0], "github.event.issue.title");
	assert_true(bh_ci_ctx_tainted(r.paths[0], 0));
	assert_true(bh_ci_expr_next(s, strlen(s), &pos, &e)); /* braces inside a string */
	assert_int_equal(e.len, strlen("${{ '}}' }}"));
	assert_false(bh_ci_expr_next(s, strlen(s), &pos, &e)); /* unterminated */

	r.n = 0;
	bh_ci_expr_refs(cond, strlen(cond), add_ref, &r);
	assert_int_equal(r.n, 2);
	assert_false(r.passes[0]); /* inside contains() */
	assert_true(r.passes[1]);
	assert_string_equal(r.paths[1], "github.event.commits.*.message");
	assert_true(bh_ci_ctx_tainted(r.paths[1], 0));
	assert_false(bh_ci_ctx_tainted("github.sha", 0));
	assert_false(bh_ci_ctx_tainted("github.event.pull_request.head.sha", 0));
	assert_false(bh_ci_ctx_tainted("github.event", 0));
	assert_true(bh_ci_ctx_tainted("github.event", 1));
}

static void test_shell(void **state)
{
	const char *script =
		"set -e\n"
		"if trivy image \\\n  --exit-code 1 \"img:${{ github.sha }}\"; then echo ok; fi\n"
		"cat <<EOF > x\ndocker push evil\nEOF\n"
		"A=1 sudo -E docker push 'a b' | tee log && cosign sign x # comment\n";
	struct bh_arena a;
	struct bh_ci_cmd *c;
	size_t n;

	(void)state;
	bh_arena_init(&a, 0);
	assert_int_equal(bh_ci_shell_split(&a, script, strlen(script), &c, &n), BH_OK);
	assert_int_equal(n, 7);
	assert_string_equal(c[0].argv[0], "set");
	assert_string_equal(c[1].argv[0], "trivy");
	assert_int_equal(c[1].argc, 5);
	assert_string_equal(c[1].argv[4], "img:${{ github.sha }}");
	assert_true(c[1].condition);
	assert_string_equal(c[2].argv[0], "echo");
	assert_string_equal(c[3].argv[0], "cat"); /* the here-document body is skipped */
	assert_string_equal(c[4].argv[5], "a b");
	assert_int_equal(c[4].sep, BH_CI_SEP_PIPE);
	assert_string_equal(c[5].argv[0], "tee");
	assert_int_equal(c[5].sep, BH_CI_SEP_AND);
	assert_string_equal(c[6].argv[0], "cosign");
	assert_int_equal(c[6].argc, 3); /* the comment is not a word */
	bh_arena_release(&a);
}

/*
 * Command substitutions, quoted or not, are split into their own commands, and the command
 * around them goes on: its word keeps the substitution's text.
 */
static void test_shell_substitution(void **state)
{
	const char *script =
		"D=\"$(docker push \"a:${{ github.sha }}\" | tail -1)\"; echo \"x$(cosign sign \"$D\")y\" z\n"
		"( cd sub && grype img --fail-on high )\n"
		"docker run -u \"$(id -u):$(id -g)\" --rm $(date +%s) img sign k\n";
	struct bh_arena a;
	struct bh_ci_cmd *c;
	size_t n, seen = 0;

	(void)state;
	bh_arena_init(&a, 0);
	assert_int_equal(bh_ci_shell_split(&a, script, strlen(script), &c, &n), BH_OK);
	for (size_t i = 0; i < n; i++) {
		if (!strcmp(c[i].argv[0], "docker") && !strcmp(c[i].argv[1], "run")) {
			assert_int_equal(c[i].argc, 9);
			assert_string_equal(c[i].argv[3], "$(id -u):$(id -g)");
			assert_string_equal(c[i].argv[5], "$(date +%s)");
			assert_string_equal(c[i].argv[8], "k");
			seen |= 16;
		} else if (!strcmp(c[i].argv[0], "docker")) {
			assert_string_equal(c[i].argv[2], "a:${{ github.sha }}");
			assert_int_equal(c[i].sep, BH_CI_SEP_PIPE);
			seen |= 1;
		} else if (!strcmp(c[i].argv[0], "cosign")) {
			assert_int_equal(c[i].argc, 3);
			assert_string_equal(c[i].argv[2], "$D");
			seen |= 2;
		} else if (!strcmp(c[i].argv[0], "echo")) {
			/* The substitution stays inside the word; the command goes on after it. */
			assert_int_equal(c[i].argc, 3);
			assert_string_equal(c[i].argv[1], "x$(cosign sign \"$D\")y");
			assert_string_equal(c[i].argv[2], "z");
			seen |= 4;
		} else if (!strcmp(c[i].argv[0], "grype")) {
			assert_int_equal(c[i].argc, 4);
			seen |= 8;
		} else if (!strcmp(c[i].argv[0], "id")) {
			seen |= 32;
		}
	}
	assert_int_equal(seen, 63);
	bh_arena_release(&a);
}

/* Malformed shapes are modelled as far as they go, never crash, never error. */
static void test_hostile_shapes(void **state)
{
	static const char *const docs[] = {
		"on: 5\njobs: {}\n",
		"on: [push]\njobs: {a: [1, 2], b: null, c: {steps: x}, d: {steps: [1, {uses: {}}, {run: [1]}]}}\n",
		"on: push\njobs:\n  a:\n    needs: [a, b, zz]\n    steps: [{run: 'docker push x'}]\n  b:\n    needs: a\n    steps: []\n",
		"true: push\njobs: {a: {runs-on: {labels: [self-hosted]}, steps: [{uses: '@'}, {uses: 'docker://'}, {uses: 'x@'}]}}\n",
		"on: pull_request\njobs: {a: {steps: [{run: \"${{ github.event.issue.title\"}, {run: \"'unterminated\"}, {run: 'x <<'}]}}\n",
		"runs: {using: composite, steps: [{run: 'echo ${{ github.head_ref }}', shell: bash}, 7]}\n",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(docs) / sizeof(*docs); i++) {
		struct bh_scan s;

		bh_scan_init(&s);
		assert_int_equal(bh_engine_scan_buffer(&s, "h.yml", docs[i], strlen(docs[i])),
				 BH_OK);
		bh_engine_finish(&s, NULL);
		assert_int_equal(s.nerrors, 0);
		bh_scan_release(&s);
	}
}

/* A run: script past the command limit is an input error with its position. */
static void test_script_limit(void **state)
{
	struct bh_buf b = BH_BUF_INIT;
	struct bh_scan s;

	(void)state;
	bh_buf_init(&b, 0);
	bh_buf_adds(&b, "on: push\njobs:\n  a:\n    steps:\n      - run: \"");
	for (unsigned i = 0; i <= BH_LIMIT_CI_SHELL_COMMANDS; i++)
		bh_buf_adds(&b, "a;");
	bh_buf_adds(&b, "\"\n");
	bh_scan_init(&s);
	assert_int_equal(bh_engine_scan_buffer(&s, "big.yml", bh_buf_str(&b), b.len), BH_OK);
	bh_engine_finish(&s, NULL);
	assert_int_equal(s.nerrors, 1);
	assert_int_equal(s.errors[0].line, 5);
	assert_non_null(strstr(s.errors[0].msg, "limit"));
	bh_scan_release(&s);
	bh_buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_expressions),
		cmocka_unit_test(test_shell),
		cmocka_unit_test(test_shell_substitution),
		cmocka_unit_test(test_hostile_shapes),
		cmocka_unit_test(test_script_limit),
		cmocka_unit_test(test_every_rule_has_fixtures),
		cmocka_unit_test(test_fixtures),
		cmocka_unit_test(test_reference_gate),
		cmocka_unit_test(test_corpus),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
