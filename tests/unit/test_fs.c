/*
 * File access: atomic writes (complete or absent, never partial), capped reads that refuse an
 * oversized file from its size, and the walk (sorted, .git skipped, excludes, symlink loops
 * reported and skipped). Every test works in its own mkdtemp directory.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/fs.h"

static char *tmpdir(void)
{
	char tmpl[] = "/tmp/bh-test-fs.XXXXXX";
	char *d = mkdtemp(tmpl);

	assert_non_null(d);
	return strdup(d);
}

static void rmrf(const char *dir)
{
	char cmd[4200];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

static void put(const char *dir, const char *rel, const char *text)
{
	char p[4096];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", dir, rel);
	f = fopen(p, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static size_t count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = 0;

	assert_non_null(d);
	while ((e = readdir(d)))
		n += e->d_name[0] != '.' || (e->d_name[1] && strcmp(e->d_name, ".."));
	closedir(d);
	return n;
}

static void test_atomic_write(void **state)
{
	char *dir = tmpdir();
	char p[4096], *data = NULL;
	size_t len = 0;
	struct bh_diag d;

	(void)state;
	snprintf(p, sizeof(p), "%s/out.json", dir);
	assert_int_equal(bh_fs_write_atomic(p, "first\n", 6, &d), BH_OK);
	assert_int_equal(chmod(p, 0600), 0);
	assert_int_equal(bh_fs_write_atomic(p, "second\n", 7, &d), BH_OK);
	{
		struct stat st;

		/* The replaced file's mode is kept. */
		assert_int_equal(stat(p, &st), 0);
		assert_int_equal(st.st_mode & 07777, 0600);
	}
	assert_int_equal(bh_fs_read(p, 100, &data, &len, &d), BH_OK);
	assert_string_equal(data, "second\n");
	free(data);
	/* No temporary file is left beside it. */
	assert_int_equal(count_entries(dir), 1);
	/* Into a directory that does not exist: an error, and nothing created. */
	snprintf(p, sizeof(p), "%s/missing/out.json", dir);
	assert_int_equal(bh_fs_write_atomic(p, "x", 1, &d), BH_ERR_IO);
	assert_non_null(strstr(d.file, "missing/out.json"));
	/* Onto a directory: an error, and no temporary file is left. */
	snprintf(p, sizeof(p), "%s/sub", dir);
	assert_int_equal(mkdir(p, 0755), 0);
	assert_int_equal(bh_fs_write_atomic(p, "x", 1, &d), BH_ERR_IO);
	assert_int_equal(count_entries(dir), 2);
	/*
	 * A device or a pipe is written in place, not replaced by a renamed file (as root, -o
	 * /dev/null would otherwise turn /dev/null into a regular file). A FIFO of our own stands
	 * in for the device, with its reader open so that writing does not block.
	 */
	{
		struct stat st;
		char buf[8] = { 0 };
		int rd;

		snprintf(p, sizeof(p), "%s/fifo", dir);
		assert_int_equal(mkfifo(p, 0600), 0);
		rd = open(p, O_RDONLY | O_NONBLOCK);
		assert_true(rd >= 0);
		assert_int_equal(bh_fs_write_atomic(p, "abc", 3, &d), BH_OK);
		assert_int_equal(read(rd, buf, sizeof(buf)), 3);
		assert_string_equal(buf, "abc");
		close(rd);
		assert_int_equal(stat(p, &st), 0);
		assert_true(S_ISFIFO(st.st_mode));
		assert_int_equal(count_entries(dir), 3);
	}
	rmrf(dir);
	free(dir);
}

static void test_capped_read(void **state)
{
	char *dir = tmpdir();
	char p[4096], *data = NULL;
	size_t len = 0;
	struct bh_diag d;
	int fd;

	(void)state;
	/* A sparse 20 MB file: refused from its size (the cap is 16 MB), never loaded. */
	snprintf(p, sizeof(p), "%s/big.yaml", dir);
	fd = open(p, O_CREAT | O_WRONLY, 0644);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, 20 << 20), 0);
	close(fd);
	assert_int_equal(bh_fs_read(p, 16u << 20, &data, &len, &d), BH_ERR_LIMIT);
	assert_null(data);
	assert_non_null(strstr(d.msg, "over the limit"));
	/* Exactly at the cap is fine; one byte less of cap is not. */
	put(dir, "ten", "0123456789");
	snprintf(p, sizeof(p), "%s/ten", dir);
	assert_int_equal(bh_fs_read(p, 10, &data, &len, &d), BH_OK);
	assert_int_equal(len, 10);
	free(data);
	data = NULL;
	assert_int_equal(bh_fs_read(p, 9, &data, &len, &d), BH_ERR_LIMIT);
	/* A directory and a missing file are errors that name the path. */
	assert_int_equal(bh_fs_read(dir, 10, &data, &len, &d), BH_ERR_IO);
	snprintf(p, sizeof(p), "%s/nope", dir);
	assert_int_equal(bh_fs_read(p, 10, &data, &len, &d), BH_ERR_IO);
	assert_string_equal(d.file, p);
	rmrf(dir);
	free(dir);
}

struct seen {
	struct bh_buf files;
	struct bh_buf errors;
	const char *root;
};

static bh_err on_file(const char *path, void *arg)
{
	struct seen *s = arg;

	bh_buf_printf(&s->files, "%s\n", path + strlen(s->root) + 1);
	return BH_OK;
}

static void on_error(const struct bh_diag *d, void *arg)
{
	struct seen *s = arg;

	bh_buf_printf(&s->errors, "%s: %s\n", d->file + strlen(s->root) + 1, d->msg);
}

static void test_walk(void **state)
{
	static const char *const excludes[] = { "vendor", "deploy/*.tmpl.yaml" };
	struct bh_walk_opts opts = { .excludes = excludes, .nexcludes = 2 };
	char *dir = tmpdir();
	char p[4096];
	struct seen s = { .root = dir };

	(void)state;
	bh_buf_init(&s.files, 0);
	bh_buf_init(&s.errors, 0);
	snprintf(p, sizeof(p), "%s/deploy", dir);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/.git", dir);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/vendor", dir);
	mkdir(p, 0755);
	put(dir, "b.yaml", "b: 1\n");
	put(dir, "a.yaml", "a: 1\n");
	put(dir, "deploy/pod.yaml", "p: 1\n");
	put(dir, "deploy/x.tmpl.yaml", "t: 1\n");
	put(dir, ".git/config.yaml", "g: 1\n");
	put(dir, "vendor/v.yaml", "v: 1\n");
	/* A loop back up the tree, and a link to itself. */
	snprintf(p, sizeof(p), "%s/deploy/loop", dir);
	assert_int_equal(symlink("..", p), 0);
	snprintf(p, sizeof(p), "%s/self", dir);
	assert_int_equal(symlink("self", p), 0);
	assert_int_equal(bh_fs_walk(dir, &opts, on_file, &s, on_error), BH_OK);
	assert_string_equal(bh_buf_str(&s.files), "a.yaml\nb.yaml\ndeploy/pod.yaml\n");
	assert_non_null(strstr(bh_buf_str(&s.errors), "deploy/loop: symlink loop"));
	assert_non_null(strstr(bh_buf_str(&s.errors), "self: cannot stat"));
	/* Links to a file or directory already walked do not visit it again. */
	bh_buf_reset(&s.files);
	bh_buf_reset(&s.errors);
	snprintf(p, sizeof(p), "%s/z-link-to-a.yaml", dir);
	assert_int_equal(symlink("a.yaml", p), 0);
	snprintf(p, sizeof(p), "%s/z-link-to-deploy", dir);
	assert_int_equal(symlink("deploy", p), 0);
	assert_int_equal(bh_fs_walk(dir, &opts, on_file, &s, on_error), BH_OK);
	assert_string_equal(bh_buf_str(&s.files), "a.yaml\nb.yaml\ndeploy/pod.yaml\n");
	/* include_git descends into .git. */
	bh_buf_reset(&s.files);
	bh_buf_reset(&s.errors);
	opts.include_git = 1;
	assert_int_equal(bh_fs_walk(dir, &opts, on_file, &s, on_error), BH_OK);
	assert_non_null(strstr(bh_buf_str(&s.files), ".git/config.yaml"));
	bh_buf_release(&s.files);
	bh_buf_release(&s.errors);
	rmrf(dir);
	free(dir);
}

/*
 * Hard links are visited once per name; a file outside the tree reached by two symlinks is
 * visited once, under the first link's name, after the plain files; and not at all through a
 * link when a walked (symlinked) directory holds it.
 */
static void test_walk_links(void **state)
{
	char *base = tmpdir();
	char root[1024], p[2048], q[2048];
	struct seen s = { .root = root };

	(void)state;
	bh_buf_init(&s.files, 0);
	bh_buf_init(&s.errors, 0);
	snprintf(root, sizeof(root), "%s/root", base);
	assert_int_equal(mkdir(root, 0755), 0);
	snprintf(p, sizeof(p), "%s/outside", base);
	assert_int_equal(mkdir(p, 0755), 0);
	put(root, "a.txt", "a\n");
	put(p, "x.txt", "x\n");
	snprintf(p, sizeof(p), "%s/a.txt", root);
	snprintf(q, sizeof(q), "%s/b-hard", root);
	assert_int_equal(link(p, q), 0);
	snprintf(p, sizeof(p), "%s/c-link", root);
	assert_int_equal(symlink("../outside/x.txt", p), 0);
	snprintf(p, sizeof(p), "%s/d-link", root);
	assert_int_equal(symlink("../outside/x.txt", p), 0);
	snprintf(p, sizeof(p), "%s/e-link-to-a", root);
	assert_int_equal(symlink("a.txt", p), 0);
	assert_int_equal(bh_fs_walk(root, NULL, on_file, &s, on_error), BH_OK);
	assert_string_equal(bh_buf_str(&s.files), "a.txt\nb-hard\nc-link\n");
	/* Through a symlinked directory the file is a plain entry: the links to it add nothing. */
	bh_buf_reset(&s.files);
	snprintf(p, sizeof(p), "%s/m-dir", root);
	assert_int_equal(symlink("../outside", p), 0);
	assert_int_equal(bh_fs_walk(root, NULL, on_file, &s, on_error), BH_OK);
	assert_string_equal(bh_buf_str(&s.files), "a.txt\nb-hard\nm-dir/x.txt\n");
	assert_string_equal(bh_buf_str(&s.errors), "");
	bh_buf_release(&s.files);
	bh_buf_release(&s.errors);
	rmrf(base);
	free(base);
}

static void test_path_matches(void **state)
{
	(void)state;
	assert_true(bh_fs_path_matches("vendor", "a/vendor"));
	assert_true(bh_fs_path_matches("*.tmpl.yaml", "a/b/x.tmpl.yaml"));
	assert_true(bh_fs_path_matches("legacy/*.yaml", "./deploy/legacy/x.yaml"));
	assert_true(bh_fs_path_matches("./legacy/x.yaml", "legacy/x.yaml"));
	assert_false(bh_fs_path_matches("legacy/*.yaml", "deploy/legacy/sub/x.yaml"));
	assert_false(bh_fs_path_matches("egacy/x.yaml", "legacy/x.yaml"));
	assert_string_equal(bh_fs_strip_dot("./././a/b"), "a/b");
	assert_string_equal(bh_fs_strip_dot("./"), ".");
	assert_string_equal(bh_fs_strip_dot("../a"), "../a");
}

static void test_looks_binary(void **state)
{
	(void)state;
	assert_false(bh_fs_looks_binary("a: b\n", 5));
	assert_true(bh_fs_looks_binary("\x7f"
				       "ELF\0\0",
				       6));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_atomic_write), cmocka_unit_test(test_capped_read),
		cmocka_unit_test(test_walk),	     cmocka_unit_test(test_path_matches),
		cmocka_unit_test(test_looks_binary), cmocka_unit_test(test_walk_links),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
