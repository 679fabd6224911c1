/*
 * The package-database parsers on the real databases in ../shared/corpus/pkgdb (dpkg status of
 * a 69-package Debian rootfs, distroless status.d, apk installed, Python dist-info and egg-info,
 * npm package.json, an rpm 4.18 sqlite database), their hostile cases (truncated RPM headers,
 * garbage), the layer filesystem's whiteout and opaque-directory semantics on tars built here
 * with libarchive, and the IM secret-name heuristics.
 */
#include <archive.h>
#include <archive_entry.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/fs.h"
#include "image/oci.h"

static char *corpus(const char *rel, size_t *len)
{
	const char *shared = getenv("SHARED");
	char path[4096];
	char *data = NULL;

	snprintf(path, sizeof(path), "%s/corpus/pkgdb/%s", shared ? shared : "../shared", rel);
	assert_int_equal(bh_fs_read(path, 1u << 26, &data, len, NULL), BH_OK);
	return data;
}

static const struct bh_pkg *find(const struct bh_pkgs *p, const char *name)
{
	for (size_t i = 0; i < p->n; i++)
		if (!strcmp(p->items[i].name, name))
			return &p->items[i];
	return NULL;
}

static void test_dpkg_status(void **state)
{
	struct bh_arena a;
	struct bh_pkgs p = { 0 };
	size_t len;
	char *d = corpus("dpkg/status", &len);
	const struct bh_pkg *bash;

	(void)state;
	bh_arena_init(&a, 0);
	assert_int_equal(bh_pkgdb_dpkg(&a, d, len, "/var/lib/dpkg/status", &p, NULL), BH_OK);
	assert_int_equal(p.n, 69);
	bash = find(&p, "bash");
	assert_non_null(bash);
	assert_string_equal(bash->version, "5.2.15-2+b13");
	assert_string_equal(bash->source, "bash");
	assert_string_equal(bash->source_version, "5.2.15-2");
	assert_string_equal(bash->arch, "amd64");
	free(d);
	bh_arena_release(&a);
}

static void test_dpkg_removed(void **state)
{
	static const char db[] = "Package: gone\nStatus: deinstall ok config-files\nVersion: 1\n\n"
				 "Package: half\nStatus: install ok half-installed\nVersion: 1\n\n"
				 "Package: kept\nStatus: install ok installed\nVersion: 2\n"
				 "Description: x\n continuation: not a field\n";
	struct bh_arena a;
	struct bh_pkgs p = { 0 };

	(void)state;
	bh_arena_init(&a, 0);
	assert_int_equal(bh_pkgdb_dpkg(&a, db, sizeof(db) - 1, "s", &p, NULL), BH_OK);
	assert_int_equal(p.n, 1);
	assert_string_equal(p.items[0].name, "kept");
	assert_int_not_equal(bh_pkgdb_dpkg(&a, "garbage line\n", 13, "s", &p, NULL), BH_OK);
	bh_arena_release(&a);
}

static void test_status_d(void **state)
{
	static const char *const names[] = { "base-files", "libc6", "libssl3", "netbase" };
	struct bh_arena a;
	struct bh_pkgs p = { 0 };

	(void)state;
	bh_arena_init(&a, 0);
	for (size_t i = 0; i < 4; i++) {
		char rel[128];
		size_t len;
		char *d;

		snprintf(rel, sizeof(rel), "dpkg-status.d/%s", names[i]);
		d = corpus(rel, &len);
		assert_int_equal(bh_pkgdb_dpkg(&a, d, len, rel, &p, NULL), BH_OK);
		free(d);
	}
	assert_int_equal(p.n, 4);
	assert_non_null(find(&p, "libssl3"));
	assert_string_equal(find(&p, "libssl3")->source, "openssl");
	bh_arena_release(&a);
}

static void test_deb_copyright(void **state)
{
	static const char dep5[] = "Format: https://example.org/copyright-format/1.0/\n\n"
				   "Files: *\nCopyright: 1999 A\nLicense: GPL-2+\n\n"
				   "Files: x/*\nLicense: BSD-3-clause\n\nLicense: GPL-2+\n text\n";
	static const char freeform[] = "This package was debianized by X.\nLicense: GPL\n";
	struct bh_arena a;

	(void)state;
	bh_arena_init(&a, 0);
	assert_string_equal(bh_pkgdb_deb_copyright(&a, dep5, sizeof(dep5) - 1),
			    "GPL-2+, BSD-3-clause");
	assert_null(bh_pkgdb_deb_copyright(&a, freeform, sizeof(freeform) - 1));
	bh_arena_release(&a);
}

static void test_apk(void **state)
{
	struct bh_arena a;
	struct bh_pkgs p = { 0 };
	size_t len;
	char *d = corpus("apk/installed", &len);

	(void)state;
	bh_arena_init(&a, 0);
	assert_int_equal(bh_pkgdb_apk(&a, d, len, "/lib/apk/db/installed", &p, NULL), BH_OK);
	assert_int_equal(p.n, 1);
	assert_string_equal(p.items[0].name, "musl");
	assert_string_equal(p.items[0].version, "1.2.4-r2");
	assert_string_equal(p.items[0].arch, "x86_64");
	assert_string_equal(p.items[0].license, "MIT");
	assert_string_equal(p.items[0].source, "musl");
	p.os.id = "alpine";
	p.os.version_id = "3.18.4";
	assert_int_equal(bh_pkgs_purls(&a, &p), BH_OK);
	assert_string_equal(p.items[0].purl,
			    "pkg:apk/alpine/musl@1.2.4-r2?arch=x86_64&distro=alpine-3.18.4");
	free(d);
	bh_arena_release(&a);
}

static void test_python(void **state)
{
	struct bh_arena a;
	struct bh_pkgs p = { 0 };
	size_t len;
	char *d;

	(void)state;
	bh_arena_init(&a, 0);
	d = corpus("python/PyYAML-6.0.dist-info/METADATA", &len);
	assert_int_equal(bh_pkgdb_python(&a, d, len, "m", &p, NULL), BH_OK);
	free(d);
	d = corpus("python/PyJWT-2.6.0.egg-info/PKG-INFO", &len);
	assert_int_equal(bh_pkgdb_python(&a, d, len, "m", &p, NULL), BH_OK);
	free(d);
	d = corpus("python/requests-2.28.1.dist-info/METADATA", &len);
	assert_int_equal(bh_pkgdb_python(&a, d, len, "m", &p, NULL), BH_OK);
	free(d);
	assert_int_equal(p.n, 3);
	assert_string_equal(find(&p, "PyYAML")->license, "MIT");
	assert_string_equal(find(&p, "requests")->license, "Apache 2.0");
	assert_int_equal(bh_pkgs_purls(&a, &p), BH_OK);
	assert_string_equal(find(&p, "PyYAML")->purl, "pkg:pypi/pyyaml@6.0");
	assert_string_equal(find(&p, "PyJWT")->purl, "pkg:pypi/pyjwt@2.6.0");
	assert_int_not_equal(bh_pkgdb_python(&a, "Foo: bar\n", 9, "m", &p, NULL), BH_OK);
	bh_arena_release(&a);
}

static void test_npm(void **state)
{
	struct bh_arena a;
	struct bh_pkgs p = { 0 };
	size_t len;
	char *d;

	(void)state;
	bh_arena_init(&a, 0);
	d = corpus("npm/ajv-package.json", &len);
	assert_int_equal(bh_pkgdb_npm(&a, d, len, "x", &p, NULL), BH_OK);
	free(d);
	assert_int_equal(p.n, 1);
	assert_string_equal(p.items[0].name, "ajv");
	assert_string_equal(p.items[0].version, "8.20.0");
	assert_string_equal(p.items[0].license, "MIT");
	assert_int_equal(bh_pkgdb_npm(&a, "{\"name\":\"x\"}", 12, "x", &p, NULL), BH_OK);
	assert_int_equal(p.n, 1); /* no version: not a package */
	assert_int_not_equal(bh_pkgdb_npm(&a, "{", 1, "x", &p, NULL), BH_OK);
	{
		static const char j[] =
			"{\"name\":\"@s/n\",\"version\":\"1\",\"licenses\":[{\"type\":\"BSD\"}]}";

		assert_int_equal(bh_pkgdb_npm(&a, j, sizeof(j) - 1, "x", &p, NULL), BH_OK);
	}
	assert_int_equal(p.n, 2);
	assert_string_equal(p.items[1].license, "BSD");
	bh_arena_release(&a);
}

static void test_rpm(void **state)
{
	struct bh_arena a;
	struct bh_pkgs p = { 0 };
	size_t len;
	char *d = corpus("rpm/rpmdb.sqlite", &len);
	unsigned char hdr[8 + 16 + 8] = { 0, 0, 0, 1, 0, 0, 0, 8, 0, 0, 0x03, 0xe8, 0, 0, 0, 6 };

	(void)state;
	bh_arena_init(&a, 0);
	assert_int_equal(bh_pkgdb_rpmdb(&a, d, len, "/var/lib/rpm/rpmdb.sqlite", &p, NULL), BH_OK);
	assert_int_equal(p.n, 1);
	assert_string_equal(p.items[0].name, "agent-hello");
	assert_string_equal(p.items[0].version, "1.2.3-4.el9");
	assert_string_equal(p.items[0].epoch, "1");
	assert_string_equal(p.items[0].arch, "x86_64");
	assert_non_null(p.items[0].license);
	assert_string_equal(p.items[0].source, "agent-hello");
	free(d);
	/* Hostile headers: counts past the blob, a string without its NUL, garbage. */
	assert_int_not_equal(bh_pkgdb_rpm_header(&a, hdr, 7, "h", &p, NULL), BH_OK);
	memcpy(hdr + 24, "abcdefgh", 8); /* NAME at offset 0 with no NUL in 8 bytes */
	assert_int_not_equal(bh_pkgdb_rpm_header(&a, hdr, sizeof(hdr), "h", &p, NULL), BH_OK);
	hdr[3] = 0xff; /* 255 entries do not fit */
	assert_int_not_equal(bh_pkgdb_rpm_header(&a, hdr, sizeof(hdr), "h", &p, NULL), BH_OK);
	assert_int_not_equal(bh_pkgdb_rpmdb(&a, "not sqlite", 10, "r", &p, NULL), BH_OK);
	assert_int_equal(p.n, 1);
	bh_arena_release(&a);
}

/* ---- the layer filesystem ---- */

struct ent {
	const char *path;
	char type; /* f file, d dir, l symlink, h hardlink */
	const char *data;
	unsigned mode;
};

static void *make_tar(const struct ent *e, size_t n, size_t *len)
{
	size_t cap = 1 << 20, used = 0;
	void *buf = malloc(cap);
	struct archive *a = archive_write_new();

	archive_write_set_format_pax_restricted(a);
	archive_write_open_memory(a, buf, cap, &used);
	for (size_t i = 0; i < n; i++) {
		struct archive_entry *ae = archive_entry_new();

		archive_entry_set_pathname(ae, e[i].path);
		archive_entry_set_perm(ae, e[i].mode);
		if (e[i].type == 'd') {
			archive_entry_set_filetype(ae, AE_IFDIR);
		} else if (e[i].type == 'l') {
			archive_entry_set_filetype(ae, AE_IFLNK);
			archive_entry_set_symlink(ae, e[i].data);
		} else if (e[i].type == 'h') {
			archive_entry_set_filetype(ae, AE_IFREG);
			archive_entry_set_hardlink(ae, e[i].data);
		} else {
			archive_entry_set_filetype(ae, AE_IFREG);
			archive_entry_set_size(ae, (la_int64_t)strlen(e[i].data));
		}
		archive_write_header(a, ae);
		if (e[i].type == 'f')
			archive_write_data(a, e[i].data, strlen(e[i].data));
		archive_entry_free(ae);
	}
	archive_write_close(a);
	archive_write_free(a);
	*len = used;
	return buf;
}

static void test_whiteouts(void **state)
{
	static const struct ent l1[] = {
		{ "etc/", 'd', NULL, 0755 },
		{ "etc/passwd", 'f', "root:x:0:0::/root:/bin/sh\n", 0644 },
		{ "app/", 'd', NULL, 0755 },
		{ "app/a", 'f', "a", 0644 },
		{ "app/tmp", 'f', "t", 0644 },
		{ "app/sub/", 'd', NULL, 0755 },
		{ "app/sub/deep", 'f', "d", 0644 },
		{ "keep/", 'd', NULL, 0755 },
		{ "keep/old", 'f', "o", 0644 },
		{ "usr/bin/", 'd', NULL, 0755 },
		{ "usr/bin/dash", 'f', "#!", 0755 },
		{ "bin", 'l', "usr/bin", 0777 },
		{ "usr/bin/sh", 'l', "dash", 0777 },
	};
	static const struct ent l2[] = {
		{ "app/.wh.tmp", 'f', "", 0644 },   { "app/.wh.sub", 'f', "", 0644 },
		{ "keep/new", 'f', "n", 0644 },	    { "keep/.wh..wh..opq", 'f', "", 0644 },
		{ "./app/hl", 'h', "app/a", 0644 }, { "/app/suid", 'f', "s", 04755 },
	};
	size_t len[2];
	const void *data[2];
	struct bh_image img;
	struct bh_diag d = { 0 };
	const struct bh_img_node *n;

	(void)state;
	data[0] = make_tar(l1, sizeof(l1) / sizeof(*l1), &len[0]);
	data[1] = make_tar(l2, sizeof(l2) / sizeof(*l2), &len[1]);
	assert_int_equal(bh_image_from_layers(&img, "t", data, len, 2, &d), BH_OK);
	assert_non_null(bh_image_lookup(&img, "app/a"));
	assert_null(bh_image_lookup(&img, "app/tmp"));
	assert_null(bh_image_lookup(&img, "app/sub"));
	assert_null(bh_image_lookup(&img, "app/sub/deep"));
	assert_null(bh_image_lookup(&img, "keep/old"));	    /* opaque: lower content hidden */
	assert_non_null(bh_image_lookup(&img, "keep/new")); /* same layer: stays */
	n = bh_image_lookup(&img, "app/hl");
	assert_non_null(n);
	assert_int_equal(n->type, BH_IMG_REG);
	n = bh_image_lookup(&img, "app/suid");
	assert_non_null(n);
	assert_int_equal(n->mode, 04755);
	assert_int_equal(img.nevents, 1); /* the absolute path */
	assert_int_equal(img.events[0].kind, BH_IMG_EV_ABSOLUTE);
	/* Symlinks through directories (usrmerge) and in the last component. */
	n = bh_image_resolve(&img, "bin/sh");
	assert_non_null(n);
	assert_string_equal(n->path, "usr/bin/dash");
	assert_null(bh_image_resolve(&img, "bin/missing"));
	n = bh_image_resolve(&img, "etc/passwd");
	assert_non_null(n);
	assert_non_null(n->data); /* kept for the IM rules */
	bh_image_release(&img);
	free((void *)data[0]);
	free((void *)data[1]);
}

static void test_symlink_loop(void **state)
{
	static const struct ent l1[] = {
		{ "a", 'l', "b", 0777 },
		{ "b", 'l', "a", 0777 },
		{ "c", 'l', "../../../../x", 0777 },
	};
	size_t len;
	const void *data;
	struct bh_image img;

	(void)state;
	data = make_tar(l1, 3, &len);
	assert_int_equal(bh_image_from_layers(&img, "t", &data, &len, 1, NULL), BH_OK);
	assert_null(bh_image_resolve(&img, "a"));
	assert_null(bh_image_resolve(&img, "c")); /* clamped at the root: /x does not exist */
	assert_int_equal(img.nevents, 1);
	assert_int_equal(img.events[0].kind, BH_IMG_EV_LINK_ESCAPE);
	bh_image_release(&img);
	free((void *)data);
}

static void test_paths_and_names(void **state)
{
	char p1[] = "./a//b/./c/", p2[] = "/etc/x", p3[] = "a/../b", p4[] = "./";
	int abs;

	(void)state;
	assert_int_equal(bh_image_path_clean(p1, &abs), 0);
	assert_string_equal(p1, "a/b/c");
	assert_int_equal(abs, 0);
	assert_int_equal(bh_image_path_clean(p2, &abs), 0);
	assert_string_equal(p2, "etc/x");
	assert_int_equal(abs, 1);
	assert_int_equal(bh_image_path_clean(p3, &abs), -1);
	assert_int_equal(bh_image_path_clean(p4, &abs), 0);
	assert_string_equal(p4, "");

	assert_true(bh_image_keep_path("var/lib/dpkg/status"));
	assert_true(bh_image_keep_path("var/lib/dpkg/status.d/libc6"));
	assert_false(bh_image_keep_path("var/lib/dpkg/status.d/libc6.md5sums"));
	assert_true(bh_image_keep_path("usr/lib/python3/site-packages/x-1.dist-info/METADATA"));
	assert_true(bh_image_keep_path("app/node_modules/@s/n/package.json"));
	assert_true(bh_image_keep_path("app/node_modules/a/node_modules/b/package.json"));
	assert_false(bh_image_keep_path("app/node_modules/a/lib/package.json"));
	assert_false(bh_image_keep_path("app/package.json"));

	assert_true(bh_im_secret_name("DB_PASSWORD", 11));
	assert_true(bh_im_secret_name("AWS_SECRET_ACCESS_KEY", 21));
	assert_true(bh_im_secret_name("OPENAI_API_KEY", 14));
	assert_true(bh_im_secret_name("github_token", 12));
	assert_false(bh_im_secret_name("TOKENIZERS_PARALLELISM", 22));
	assert_false(bh_im_secret_name("PWD", 3));
	assert_false(bh_im_secret_name("GPG_KEY", 7));
	assert_false(bh_im_secret_name("PASSWORD_FILE", 13));
	assert_false(bh_im_secret_name("AWS_ACCESS_KEY_ID", 17));
	assert_false(bh_im_secret_name("PATH", 4));
	assert_true(bh_im_placeholder("", 0));
	assert_true(bh_im_placeholder("${TOKEN}", 8));
	assert_true(bh_im_placeholder("xxxxxx", 6));
	assert_true(bh_im_placeholder("\"<your-key>\"", 12));
	assert_true(bh_im_placeholder("/run/secrets/pw", 15));
	assert_false(bh_im_placeholder("hunter2secret", 13));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dpkg_status),
		cmocka_unit_test(test_dpkg_removed),
		cmocka_unit_test(test_status_d),
		cmocka_unit_test(test_deb_copyright),
		cmocka_unit_test(test_apk),
		cmocka_unit_test(test_python),
		cmocka_unit_test(test_npm),
		cmocka_unit_test(test_rpm),
		cmocka_unit_test(test_whiteouts),
		cmocka_unit_test(test_symlink_loop),
		cmocka_unit_test(test_paths_and_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
