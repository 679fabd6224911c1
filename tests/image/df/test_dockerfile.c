/*
 * Unit tests of the Dockerfile parser beyond the BuildKit dump corpus: heredocs (the corpus
 * keeps them out of the dump; expectations follow BuildKit's parser_heredoc_test.go), line
 * ranges, directives, errors with their lines, variable substitution, stages, and hostile
 * inputs that must fail cleanly.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/banned.h"
#include "image/dockerfile.h"

struct fx {
	struct bh_arena a;
	struct bh_dockerfile df;
	struct bh_diag d;
};

static bh_err parse(struct fx *f, const char *text)
{
	memset(&f->d, 0, sizeof(f->d));
	return bh_dockerfile_parse(&f->a, "Dockerfile", text, strlen(text), &f->df, &f->d);
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	bh_arena_init(&f->a, 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	bh_arena_release(&f->a);
	free(f);
	return 0;
}

static void test_heredoc_basic(void **state)
{
	struct fx *f = *state;

	assert_int_equal(parse(f, "FROM alpine\nRUN <<EOF\necho hi\n  echo there\nEOF\nUSER 1\n"),
			 BH_OK);
	assert_int_equal(f->df.n, 3);
	assert_int_equal(f->df.instrs[1].nheredocs, 1);
	assert_string_equal(f->df.instrs[1].heredocs[0].name, "EOF");
	assert_string_equal(f->df.instrs[1].heredocs[0].content, "echo hi\n  echo there\n");
	assert_true(f->df.instrs[1].heredocs[0].expand);
	assert_int_equal(f->df.instrs[1].start_line, 2);
	assert_int_equal(f->df.instrs[1].end_line, 5);
	assert_int_equal(f->df.instrs[2].start_line, 6);
}

static void test_heredoc_several_quoted_chomp(void **state)
{
	struct fx *f = *state;

	assert_int_equal(parse(f, "FROM alpine\nCOPY <<-\"A\" 3<<'B' /dest/\n\tone\n\tA\ntwo\nB\n"),
			 BH_OK);
	assert_int_equal(f->df.instrs[1].nheredocs, 2);
	assert_string_equal(f->df.instrs[1].heredocs[0].name, "A");
	assert_true(f->df.instrs[1].heredocs[0].chomp);
	assert_false(f->df.instrs[1].heredocs[0].expand);
	assert_string_equal(f->df.instrs[1].heredocs[0].content, "\tone\n");
	assert_string_equal(f->df.instrs[1].heredocs[1].name, "B");
	assert_int_equal(f->df.instrs[1].heredocs[1].fd, 3);
	assert_string_equal(f->df.instrs[1].heredocs[1].content, "two\n");
	assert_int_equal(f->df.instrs[1].end_line, 6);
}

static void test_heredoc_not_in_json_or_quotes(void **state)
{
	struct fx *f = *state;

	assert_int_equal(
		parse(f, "FROM a\nRUN [\"sh\", \"-c\", \"cat <<EOF\"]\nRUN echo '<<EOF'\n"), BH_OK);
	assert_int_equal(f->df.n, 3);
	assert_int_equal(f->df.instrs[1].nheredocs, 0);
	assert_int_equal(f->df.instrs[2].nheredocs, 0);
}

static void test_heredoc_unterminated(void **state)
{
	struct fx *f = *state;

	assert_int_equal(parse(f, "FROM a\nRUN <<EOF\necho\n"), BH_ERR_PARSE);
	assert_int_equal(f->d.line, 2);
	assert_non_null(strstr(f->d.msg, "unterminated heredoc"));
}

static void test_onbuild_heredoc(void **state)
{
	struct fx *f = *state;

	assert_int_equal(parse(f, "FROM a\nONBUILD RUN <<X\nls\nX\n"), BH_OK);
	assert_non_null(f->df.instrs[1].sub);
	assert_string_equal(f->df.instrs[1].sub->kw, "RUN");
	assert_int_equal(f->df.instrs[1].nheredocs, 1);
}

static void test_directives(void **state)
{
	struct fx *f = *state;

	assert_int_equal(
		parse(f,
		      "# syntax=docker/dockerfile:1\n# check=error=true\n# escape=`\nFROM a\nRUN x `\n y\n"),
		BH_OK);
	assert_string_equal(f->df.syntax, "docker/dockerfile:1");
	assert_string_equal(f->df.check, "error=true");
	assert_int_equal(f->df.escape, '`');
	assert_string_equal(f->df.instrs[1].args[0], "x  y");
	assert_int_equal(parse(f, "# escape=\\\n# escape=`\nFROM a\n"), BH_ERR_PARSE);
	assert_int_equal(f->d.line, 2);
	assert_int_equal(parse(f, "# escape=x\nFROM a\n"), BH_ERR_PARSE);
	/* After an instruction a directive is an ordinary comment. */
	assert_int_equal(parse(f, "FROM a\n# escape=`\nRUN a \\\n b\n"), BH_OK);
	assert_int_equal(f->df.escape, '\\');
}

static void test_crlf_bom_and_lines(void **state)
{
	struct fx *f = *state;
	struct bh_buf b = BH_BUF_INIT;

	assert_int_equal(parse(f, "\xEF\xBB\xBF"
				  "FROM a\r\nRUN echo \\\r\n  # comment\r\n\r\n  b\r\n"),
			 BH_OK);
	assert_int_equal(f->df.n, 2);
	assert_int_equal(f->df.instrs[1].start_line, 2);
	assert_int_equal(f->df.instrs[1].end_line, 5);
	assert_int_equal(f->df.empty_continuation_lines, 1);
	bh_buf_init(&b, 0);
	assert_int_equal(bh_dockerfile_dump(&f->df, &b), BH_OK);
	assert_string_equal(bh_buf_str(&b), "(from \"a\")\n(run \"echo   b\")\n");
	bh_buf_release(&b);
}

static void test_locate(void **state)
{
	struct fx *f = *state;
	unsigned line, col;
	const struct bh_df_instr *in;
	const char *p;

	assert_int_equal(parse(f, "FROM a\n  RUN apt-get update \\\n    && sudo ls\n"), BH_OK);
	in = &f->df.instrs[1];
	p = strstr(in->original, "sudo");
	assert_non_null(p);
	bh_df_locate(in, (size_t)(p - in->original), &line, &col);
	assert_int_equal(line, 3);
	assert_int_equal(col, 8);
	bh_df_locate(in, 0, &line, &col);
	assert_int_equal(line, 2);
	assert_int_equal(col, 3);
}

static void test_flags(void **state)
{
	struct fx *f = *state;

	assert_int_equal(
		parse(f,
		      "FROM --platform=$BUILDPLATFORM a AS b\nCOPY --from=b --chown=\"1:1\" --link x y\n"),
		BH_OK);
	assert_string_equal(bh_df_flag(&f->df.instrs[0], "platform"), "$BUILDPLATFORM");
	assert_string_equal(bh_df_flag(&f->df.instrs[1], "from"), "b");
	assert_string_equal(bh_df_flag(&f->df.instrs[1], "chown"), "1:1");
	assert_string_equal(bh_df_flag(&f->df.instrs[1], "link"), "");
	assert_null(bh_df_flag(&f->df.instrs[1], "chmod"));
	assert_int_equal(f->df.instrs[1].nargs, 2);
}

static void test_errors_have_lines(void **state)
{
	struct fx *f = *state;

	assert_int_equal(parse(f, ""), BH_ERR_PARSE);
	assert_int_equal(parse(f, "# only\n\n"), BH_ERR_PARSE);
	assert_int_equal(parse(f, "FROM a\n\nENV X\n"), BH_ERR_PARSE);
	assert_int_equal(f->d.line, 3);
	assert_int_equal(parse(f, "FROM a\nCMD [\"a\", 1]\n"), BH_ERR_PARSE);
	assert_int_equal(f->d.line, 2);
	assert_int_equal(parse(f, "FROM a\nLABEL a=b c\n"), BH_ERR_PARSE);
	/* Invalid JSON falls back to the shell form. */
	assert_int_equal(parse(f, "FROM a\nCMD [\"a\", ]\n"), BH_OK);
	assert_false(f->df.instrs[1].json);
	assert_int_equal(f->df.instrs[1].nargs, 1);
}

static void test_validate(void **state)
{
	struct fx *f = *state;

	/* A snippet without FROM is accepted, as BuildKit's parser accepts it. */
	assert_int_equal(parse(f, "RUN x\nFROM a\n"), BH_OK);
	assert_int_equal(bh_dockerfile_validate(&f->df, &f->d), BH_OK);
	assert_int_equal(parse(f, "ARG V=1\nFROM a:$V\nFOO bar\n"), BH_OK);
	assert_int_equal(bh_dockerfile_validate(&f->df, &f->d), BH_ERR_PARSE);
	assert_int_equal(f->d.line, 3);
	assert_int_equal(parse(f, "FROM a\nONBUILD FROM b\n"), BH_OK);
	assert_int_equal(bh_dockerfile_validate(&f->df, &f->d), BH_ERR_PARSE);
	assert_int_equal(parse(f, "FROM a\nCOPY onlyone\n"), BH_OK);
	assert_int_equal(bh_dockerfile_validate(&f->df, &f->d), BH_ERR_PARSE);
	assert_int_equal(f->d.line, 2);
	assert_int_equal(parse(f, "FROM a\nENV =x\n"), BH_OK);
	assert_int_equal(bh_dockerfile_validate(&f->df, &f->d), BH_ERR_PARSE);
	assert_int_equal(parse(f, "ARG A\nFROM a\nCOPY <<E /x\nhi\nE\nUSER 1\n"), BH_OK);
	assert_int_equal(bh_dockerfile_validate(&f->df, &f->d), BH_OK);
}

static void test_expand(void **state)
{
	struct fx *f = *state;
	struct bh_df_vars v = { 0 };
	int un = 0;

	bh_df_vars_set(&f->a, &v, "A", "x");
	bh_df_vars_set(&f->a, &v, "E", "");
	assert_string_equal(bh_df_expand(&f->a, "$A/${A}", '\\', &v, &un), "x/x");
	assert_false(un);
	assert_string_equal(bh_df_expand(&f->a, "${E:-d}|${E-d}|${U:-d}", '\\', &v, &un), "d||d");
	assert_string_equal(bh_df_expand(&f->a, "${A:+y}${E:+y}${U+y}", '\\', &v, &un), "y");
	assert_string_equal(bh_df_expand(&f->a, "'$A'\"$A\"\\$A", '\\', &v, &un), "$Ax$A");
	assert_string_equal(bh_df_expand(&f->a, "${U:-${A}}", '\\', &v, &un), "x");
	assert_false(un);
	assert_string_equal(bh_df_expand(&f->a, "$U", '\\', &v, &un), "");
	assert_true(un);
}

static void test_stages(void **state)
{
	struct fx *f = *state;
	struct bh_df_stage *st;
	size_t n;
	struct bh_df_vars g = { 0 };

	assert_int_equal(
		parse(f,
		      "ARG IMG=golang\nARG TAG=1.22\nFROM ${IMG}:${TAG} AS Build\nRUN x\nFROM build\nFROM $NOPE\n"),
		BH_OK);
	assert_int_equal(bh_dockerfile_stages(&f->a, &f->df, &st, &n, &g), BH_OK);
	assert_int_equal(n, 3);
	assert_string_equal(st[0].image, "golang:1.22");
	assert_string_equal(st[0].name, "build");
	assert_int_equal(st[0].last, 3);
	assert_int_equal(st[1].parent_index, 0);
	assert_false(st[2].image_resolved);
}

static void test_hostile(void **state)
{
	struct fx *f = *state;
	size_t n = 200000;
	char *s = malloc(n + 32);

	/* JSON nested past Go's limit falls back to the shell form instead of recursing. */
	memcpy(s, "FROM a\nCMD [\"a\", ", 17);
	memset(s + 17, '[', n);
	memcpy(s + 17 + n, "\n", 2);
	assert_int_equal(parse(f, s), BH_OK);
	assert_false(f->df.instrs[1].json);
	/* A very long continuation is one instruction, parsed in linear time. */
	for (size_t i = 0; i < n; i += 2)
		s[i] = 'a', s[i + 1] = '\\';
	memcpy(s, "FROM a\nRUN ", 11);
	for (size_t i = 11; i + 1 < n; i += 3)
		s[i] = 'x', s[i + 1] = '\\', s[i + 2] = '\n';
	s[n] = '\0';
	assert_int_equal(parse(f, s), BH_OK);
	free(s);
	/* NUL from a JSON escape stays in the argument. */
	assert_int_equal(parse(f, "FROM a\nCMD [\"a\\u0000b\"]\n"), BH_OK);
	assert_int_equal(f->df.instrs[1].arg_lens[0], 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_heredoc_basic, setup, teardown),
		cmocka_unit_test_setup_teardown(test_heredoc_several_quoted_chomp, setup, teardown),
		cmocka_unit_test_setup_teardown(test_heredoc_not_in_json_or_quotes, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_heredoc_unterminated, setup, teardown),
		cmocka_unit_test_setup_teardown(test_onbuild_heredoc, setup, teardown),
		cmocka_unit_test_setup_teardown(test_directives, setup, teardown),
		cmocka_unit_test_setup_teardown(test_crlf_bom_and_lines, setup, teardown),
		cmocka_unit_test_setup_teardown(test_locate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_flags, setup, teardown),
		cmocka_unit_test_setup_teardown(test_errors_have_lines, setup, teardown),
		cmocka_unit_test_setup_teardown(test_validate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_expand, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stages, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hostile, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
