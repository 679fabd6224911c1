/*
 * Capped reads, atomic writes and the directory walk. The walk keeps the (device, inode) pairs of
 * the directories on the current path, so a symlink that points back up the tree is detected
 * and reported instead of being followed forever. A file with several hard links is visited
 * once per name, as each name is a path a user can see.
 */
#define _GNU_SOURCE
#include "fs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "limits.h"

#include "banned.h"

bh_err bh_fs_read(const char *path, size_t max, char **data, size_t *len, struct bh_diag *diag)
{
	int fd = 0;
	struct stat st;
	struct bh_buf b;
	bh_err err = BH_OK;
	int is_stdin = strcmp(path, "-") == 0;

	bh_buf_init(&b, max + 1);
	if (!is_stdin) {
		fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
		if (fd < 0)
			return bh_diag_set(diag, BH_ERR_IO, path, 0, 0, "cannot open: %s",
					   strerror(errno));
		if (fstat(fd, &st) < 0) {
			err = bh_diag_set(diag, BH_ERR_IO, path, 0, 0, "cannot stat: %s",
					  strerror(errno));
			goto out;
		}
		if (S_ISDIR(st.st_mode)) {
			err = bh_diag_set(diag, BH_ERR_IO, path, 0, 0, "is a directory");
			goto out;
		}
		if (S_ISREG(st.st_mode) && (unsigned long long)st.st_size > max) {
			err = bh_diag_set(diag, BH_ERR_LIMIT, path, 0, 0,
					  "file is %llu bytes, over the limit of %zu bytes",
					  (unsigned long long)st.st_size, max);
			goto out;
		}
		/* Opened non-blocking so a FIFO cannot hang open(); reads should block. */
		fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	}
	for (;;) {
		ssize_t n;

		err = bh_buf_grow(&b, 65536 > max + 1 - b.len ? max + 1 - b.len : 65536);
		if (err || b.len > max) {
			err = bh_diag_set(diag, BH_ERR_LIMIT, path, 0, 0,
					  "input is over the limit of %zu bytes", max);
			goto out;
		}
		n = read(fd, b.data + b.len, b.cap - b.len - 1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			err = bh_diag_set(diag, BH_ERR_IO, path, 0, 0, "read failed: %s",
					  strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		b.len += (size_t)n;
		b.data[b.len] = '\0';
	}
	*data = bh_buf_detach(&b, len);
	if (!*data)
		err = BH_ERR_NOMEM;
out:
	if (!is_stdin)
		close(fd);
	bh_buf_release(&b);
	return err;
}

/* Write all of data to fd, retrying short writes and EINTR. */
static bh_err write_all(int fd, const char *p, size_t len, const char *path, struct bh_diag *diag)
{
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return bh_diag_set(diag, BH_ERR_IO, path, 0, 0, "write failed: %s",
					   strerror(errno));
		p += n;
		len -= (size_t)n;
	}
	return BH_OK;
}

/* mode < 0: keep the mode of the file replaced, else 0644. */
static bh_err write_atomic(const char *path, const void *data, size_t len, int mode,
			   struct bh_diag *diag)
{
	struct bh_buf tmp;
	const char *p = data;
	int fd, existing;
	bh_err err = BH_OK;
	struct stat st;

	/*
	 * Atomicity is for regular files. A device or a pipe (-o /dev/null, -o /dev/stdout) is
	 * written in place: renaming a temporary file over it would replace /dev/null with a
	 * regular file when running as root.
	 */
	existing = stat(path, &st) == 0;
	if (existing && !S_ISREG(st.st_mode)) {
		if (S_ISDIR(st.st_mode))
			return bh_diag_set(diag, BH_ERR_IO, path, 0, 0, "is a directory");
		fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY);
		if (fd < 0)
			return bh_diag_set(diag, BH_ERR_IO, path, 0, 0, "cannot open: %s",
					   strerror(errno));
		err = write_all(fd, p, len, path, diag);
		if (close(fd) < 0 && !err)
			err = bh_diag_set(diag, BH_ERR_IO, path, 0, 0, "close failed: %s",
					  strerror(errno));
		return err;
	}
	bh_buf_init(&tmp, 0);
	if (bh_buf_printf(&tmp, "%s.tmp.XXXXXX", path))
		return BH_ERR_NOMEM;
	fd = mkstemp(tmp.data);
	if (fd < 0) {
		err = bh_diag_set(diag, BH_ERR_IO, path, 0, 0, "cannot create temporary file: %s",
				  strerror(errno));
		goto out;
	}
	err = write_all(fd, p, len, path, diag);
	/* A report replacing a file keeps that file's mode (a 0600 report stays private). */
	if (!err && fchmod(fd, mode >= 0  ? (mode_t)mode
			       : existing ? (st.st_mode & 07777)
					  : 0644) < 0)
		err = bh_diag_set(diag, BH_ERR_IO, path, 0, 0, "chmod failed: %s", strerror(errno));
	if (close(fd) < 0 && !err)
		err = bh_diag_set(diag, BH_ERR_IO, path, 0, 0, "close failed: %s", strerror(errno));
	if (!err && rename(tmp.data, path) < 0)
		err = bh_diag_set(diag, BH_ERR_IO, path, 0, 0, "rename failed: %s",
				  strerror(errno));
	if (err)
		unlink(tmp.data);
out:
	bh_buf_release(&tmp);
	return err;
}

bh_err bh_fs_write_atomic(const char *path, const void *data, size_t len, struct bh_diag *diag)
{
	return write_atomic(path, data, len, -1, diag);
}

bh_err bh_fs_write_private(const char *path, const void *data, size_t len, struct bh_diag *diag)
{
	return write_atomic(path, data, len, 0600, diag);
}

int bh_fs_looks_binary(const char *data, size_t len)
{
	return memchr(data, '\0', len < 8192 ? len : 8192) != NULL;
}

struct file_id {
	dev_t dev;
	ino_t ino;
};

/* A regular file reached through a symlink, visited when the walk ends unless reached before. */
struct walk_link {
	char *path;
	struct file_id id;
};

struct walk_state {
	const struct bh_walk_opts *opts;
	bh_walk_fn fn;
	void *ctx;
	void (*on_error)(const struct bh_diag *diag, void *ctx);
	dev_t devs[BH_LIMIT_WALK_DEPTH + 1];
	ino_t inos[BH_LIMIT_WALK_DEPTH + 1];
	size_t files;
	/* Every directory walked, so that symlinks reaching one twice do not make the walk visit
	 * it twice (or, with links fanning out, exponentially often). */
	struct file_id *seen;
	size_t nseen, seen_cap; /* open addressing, cap a power of two */
	/*
	 * Files need no such set: with every directory walked once, each directory entry is
	 * visited once, and only a symlink to a file can reach a file a second time. Such links
	 * wait in links; direct holds the files visited through plain entries (appended, sorted
	 * once at the end), and a link to one of them is dropped. A hash set of every file was a
	 * sixth of a walk over many small files.
	 */
	struct file_id *direct;
	size_t ndirect, direct_cap;
	struct walk_link *links;
	size_t nlinks, links_cap;
};

static size_t seen_slot(const struct walk_state *w, dev_t dev, ino_t ino)
{
	uint64_t h = ((uint64_t)ino * 0x9e3779b97f4a7c15ull) ^ (uint64_t)dev;
	size_t i = (size_t)(h ^ (h >> 29)) & (w->seen_cap - 1);

	while (w->seen[i].ino && !(w->seen[i].dev == dev && w->seen[i].ino == ino))
		i = (i + 1) & (w->seen_cap - 1);
	return i;
}

/* 1 when (dev, ino) was new and is now recorded, 0 when seen before, -1 out of memory. */
static int seen_add(struct walk_state *w, dev_t dev, ino_t ino)
{
	size_t i;

	if (ino == 0)
		return 1; /* not a real inode number: cannot tell, so never skip */
	if (2 * (w->nseen + 1) > w->seen_cap) {
		struct walk_state grown = *w;

		grown.seen_cap = w->seen_cap ? w->seen_cap * 2 : 64;
		grown.seen = calloc(grown.seen_cap, sizeof(*grown.seen));
		if (!grown.seen)
			return -1;
		for (size_t j = 0; j < w->seen_cap; j++)
			if (w->seen[j].ino)
				grown.seen[seen_slot(&grown, w->seen[j].dev, w->seen[j].ino)] =
					w->seen[j];
		free(w->seen);
		w->seen = grown.seen;
		w->seen_cap = grown.seen_cap;
	}
	i = seen_slot(w, dev, ino);
	if (w->seen[i].ino)
		return 0;
	w->seen[i].dev = dev;
	w->seen[i].ino = ino;
	w->nseen++;
	return 1;
}

/* Grow *arr (of elem-byte elements) to hold one more; 0 on success. */
static int grow_one(void *arr, size_t *cap, size_t n, size_t elem)
{
	void **p = arr;
	void *g;
	size_t ncap;

	if (n < *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 256;
	g = realloc(*p, ncap * elem);
	if (!g)
		return -1;
	*p = g;
	*cap = ncap;
	return 0;
}

static int cmp_id(const void *pa, const void *pb)
{
	const struct file_id *a = pa, *b = pb;

	if (a->dev != b->dev)
		return a->dev < b->dev ? -1 : 1;
	if (a->ino != b->ino)
		return a->ino < b->ino ? -1 : 1;
	return 0;
}

static void walk_error(struct walk_state *w, const char *path, const char *what, const char *detail)
{
	struct bh_diag d;

	if (!w->on_error)
		return;
	bh_diag_set(&d, BH_ERR_IO, path, 0, 0, "%s%s%s", what, detail ? ": " : "",
		    detail ? detail : "");
	w->on_error(&d, w->ctx);
}

const char *bh_fs_strip_dot(const char *path)
{
	while (path[0] == '.' && path[1] == '/') {
		path += 2;
		while (*path == '/')
			path++;
	}
	return *path ? path : ".";
}

int bh_fs_path_matches(const char *pattern, const char *path)
{
	pattern = bh_fs_strip_dot(pattern);
	path = bh_fs_strip_dot(path);
	if (fnmatch(pattern, path, 0) == 0)
		return 1;
	for (const char *p = strchr(path, '/'); p; p = strchr(p + 1, '/'))
		if (p[1] && fnmatch(pattern, p + 1, FNM_PATHNAME) == 0)
			return 1;
	return 0;
}

static int excluded(const struct bh_walk_opts *o, const char *path)
{
	for (size_t i = 0; o && i < o->nexcludes; i++)
		if (bh_fs_path_matches(o->excludes[i], path))
			return 1;
	return 0;
}

static bh_err walk_dir(struct walk_state *w, const char *path, unsigned depth);

/* Hand one file to the caller, within the limit on files. */
static bh_err visit(struct walk_state *w, const char *path)
{
	if (++w->files > BH_LIMIT_WALK_FILES) {
		walk_error(w, path, "too many files in the walk", NULL);
		return BH_ERR_LIMIT;
	}
	return w->fn(path, w->ctx);
}

/* A regular file named by a plain directory entry: the entry's inode and the directory's
 * device identify it without a stat. */
static bh_err walk_file(struct walk_state *w, const char *path, dev_t dev, ino_t ino)
{
	if (grow_one(&w->direct, &w->direct_cap, w->ndirect, sizeof(*w->direct)))
		return BH_ERR_NOMEM;
	w->direct[w->ndirect].dev = dev;
	w->direct[w->ndirect].ino = ino;
	w->ndirect++;
	return visit(w, path);
}

/* A path to stat: the root, a symlink, or an entry whose type the file system did not give. */
static bh_err walk_path(struct walk_state *w, const char *path, unsigned depth)
{
	struct stat st;
	int k, link = 0;

	if (lstat(path, &st) < 0) {
		walk_error(w, path, "cannot stat", strerror(errno));
		return BH_OK;
	}
	if (S_ISLNK(st.st_mode)) {
		link = 1;
		if (stat(path, &st) < 0) {
			walk_error(w, path, "cannot stat", strerror(errno));
			return BH_OK;
		}
	}
	if (S_ISDIR(st.st_mode)) {
		if (depth >= BH_LIMIT_WALK_DEPTH) {
			walk_error(w, path, "directory nesting over the walk depth limit", NULL);
			return BH_OK;
		}
		for (unsigned i = 0; i < depth; i++) {
			if (w->devs[i] == st.st_dev && w->inos[i] == st.st_ino) {
				walk_error(w, path, "symlink loop: directory already on the path",
					   NULL);
				return BH_OK;
			}
		}
		k = seen_add(w, st.st_dev, st.st_ino);
		if (k <= 0)
			return k < 0 ? BH_ERR_NOMEM
				     : BH_OK; /* walked already, through another link */
		w->devs[depth] = st.st_dev;
		w->inos[depth] = st.st_ino;
		return walk_dir(w, path, depth + 1);
	}
	if (!S_ISREG(st.st_mode))
		return BH_OK;
	if (!link)
		return walk_file(w, path, st.st_dev, st.st_ino);
	if (grow_one(&w->links, &w->links_cap, w->nlinks, sizeof(*w->links)))
		return BH_ERR_NOMEM;
	w->links[w->nlinks].path = strdup(path);
	if (!w->links[w->nlinks].path)
		return BH_ERR_NOMEM;
	w->links[w->nlinks].id.dev = st.st_dev;
	w->links[w->nlinks].id.ino = st.st_ino;
	w->nlinks++;
	return BH_OK;
}

/* A directory entry as readdir(3) gave it: the type and inode spare a stat for plain files. */
struct walk_ent {
	const char *name; /* into the directory's name buffer */
	size_t off;
	ino_t ino;
	unsigned char type;
};

static int cmp_ents(const void *a, const void *b)
{
	return strcmp(((const struct walk_ent *)a)->name, ((const struct walk_ent *)b)->name);
}

static bh_err walk_dir(struct walk_state *w, const char *path, unsigned depth)
{
	DIR *d = opendir(path);
	struct dirent *e;
	struct walk_ent *ents = NULL;
	size_t n = 0, cap = 0, base;
	struct bh_buf names, child;
	bh_err err = BH_OK;

	if (!d) {
		walk_error(w, path, "cannot open directory", strerror(errno));
		return BH_OK;
	}
	/* Names go into one buffer and the child path is rebuilt in place: no allocation per
	 * entry, which matters in directories of thousands of small files. */
	bh_buf_init(&names, 0);
	bh_buf_init(&child, 0);
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (!strcmp(e->d_name, ".git") && !(w->opts && w->opts->include_git))
			continue;
		if (grow_one(&ents, &cap, n, sizeof(*ents))) {
			err = BH_ERR_NOMEM;
			goto out;
		}
		ents[n].off = names.len;
		ents[n].ino = e->d_ino;
		ents[n].type = e->d_type;
		if (bh_buf_add(&names, e->d_name, strlen(e->d_name) + 1)) {
			err = BH_ERR_NOMEM;
			goto out;
		}
		n++;
	}
	for (size_t i = 0; i < n; i++)
		ents[i].name = names.data + ents[i].off;
	qsort(ents, n, sizeof(*ents), cmp_ents);
	if (strcmp(path, "/") ? bh_buf_printf(&child, "%s/", path) : bh_buf_adds(&child, "/")) {
		err = BH_ERR_NOMEM;
		goto out;
	}
	base = child.len;
	for (size_t i = 0; i < n && !err; i++) {
		child.len = base;
		child.data[base] = '\0';
		if (bh_buf_adds(&child, ents[i].name)) {
			err = BH_ERR_NOMEM;
		} else if (excluded(w->opts, child.data)) {
			/* skipped */
		} else if (ents[i].type == DT_REG && ents[i].ino) {
			err = walk_file(w, child.data, w->devs[depth - 1], ents[i].ino);
		} else {
			err = walk_path(w, child.data, depth);
		}
	}
out:
	bh_buf_release(&names);
	bh_buf_release(&child);
	free(ents);
	closedir(d);
	return err;
}

/* The files reached only through symlinks, once each, in the order the walk met them. */
static bh_err visit_links(struct walk_state *w)
{
	size_t *order;
	bh_err err = BH_OK;

	if (!w->nlinks)
		return BH_OK;
	qsort(w->direct, w->ndirect, sizeof(*w->direct), cmp_id);
	order = malloc(w->nlinks * sizeof(*order));
	if (!order)
		return BH_ERR_NOMEM;
	for (size_t i = 0; i < w->nlinks; i++) {
		const struct walk_link *l = &w->links[i];
		int dup = l->id.ino &&
			  bsearch(&l->id, w->direct, w->ndirect, sizeof(*w->direct), cmp_id);

		/* Links are few: the earlier ones are checked one by one. */
		for (size_t j = 0; !dup && l->id.ino && j < i; j++)
			dup = !cmp_id(&w->links[j].id, &l->id);
		order[i] = dup;
	}
	for (size_t i = 0; i < w->nlinks && !err; i++)
		if (!order[i])
			err = visit(w, w->links[i].path);
	free(order);
	return err;
}

static void walk_release(struct walk_state *w)
{
	for (size_t i = 0; i < w->nlinks; i++)
		free(w->links[i].path);
	free(w->links);
	free(w->direct);
	free(w->seen);
}

bh_err bh_fs_walk(const char *path, const struct bh_walk_opts *opts, bh_walk_fn fn, void *ctx,
		  void (*on_error)(const struct bh_diag *diag, void *ctx))
{
	struct walk_state w = { .opts = opts, .fn = fn, .ctx = ctx, .on_error = on_error };
	struct stat st;
	bh_err err;

	if (stat(path, &st) < 0) {
		struct bh_diag d;

		bh_diag_set(&d, BH_ERR_IO, path, 0, 0, "cannot stat: %s", strerror(errno));
		if (on_error)
			on_error(&d, ctx);
		return BH_ERR_IO;
	}
	if (!S_ISDIR(st.st_mode))
		return fn(path, ctx);
	w.devs[0] = st.st_dev;
	w.inos[0] = st.st_ino;
	if (seen_add(&w, st.st_dev, st.st_ino) < 0)
		return BH_ERR_NOMEM;
	err = walk_dir(&w, path, 1);
	if (!err)
		err = visit_links(&w);
	walk_release(&w);
	return err;
}
