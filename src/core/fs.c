/*
 * Capped reads, atomic writes and the directory walk. The walk keeps the (device, inode) pairs of
 * the directories on the current path, so a symlink that points back up the tree is detected
 * and reported instead of being followed forever.
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

bh_err bh_fs_write_atomic(const char *path, const void *data, size_t len, struct bh_diag *diag)
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
	if (!err && fchmod(fd, existing ? (st.st_mode & 07777) : 0644) < 0)
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

int bh_fs_looks_binary(const char *data, size_t len)
{
	return memchr(data, '\0', len < 8192 ? len : 8192) != NULL;
}

struct walk_state {
	const struct bh_walk_opts *opts;
	bh_walk_fn fn;
	void *ctx;
	void (*on_error)(const struct bh_diag *diag, void *ctx);
	dev_t devs[BH_LIMIT_WALK_DEPTH + 1];
	ino_t inos[BH_LIMIT_WALK_DEPTH + 1];
	size_t files;
	/* Every file and directory visited, so that symlinks reaching one twice do not make the
	 * walk visit it twice (or, with links fanning out, exponentially often). */
	struct seen_id {
		dev_t dev;
		ino_t ino;
	} * seen;
	size_t nseen, seen_cap; /* open addressing, cap a power of two */
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

		grown.seen_cap = w->seen_cap ? w->seen_cap * 2 : 1024;
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
static bh_err walk_file(struct walk_state *w, const char *path, dev_t dev, ino_t ino);

static bh_err walk_path(struct walk_state *w, const char *path, unsigned depth)
{
	struct stat st;
	int k;

	if (stat(path, &st) < 0) {
		walk_error(w, path, "cannot stat", strerror(errno));
		return BH_OK;
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
	return walk_file(w, path, st.st_dev, st.st_ino);
}

/* A directory entry as readdir(3) gave it: the type and inode spare a stat for plain files. */
struct walk_ent {
	ino_t ino;
	unsigned char type;
	char name[];
};

static int cmp_ents(const void *a, const void *b)
{
	return strcmp((*(struct walk_ent *const *)a)->name, (*(struct walk_ent *const *)b)->name);
}

/*
 * A regular file named by its directory entry: recorded and visited without a stat (the
 * directory's device and the entry's inode identify it), which halves the path lookups of a
 * walk over many small files.
 */
static bh_err walk_file(struct walk_state *w, const char *path, dev_t dev, ino_t ino)
{
	int k = seen_add(w, dev, ino);

	if (k <= 0)
		return k < 0 ? BH_ERR_NOMEM : BH_OK;
	if (++w->files > BH_LIMIT_WALK_FILES) {
		walk_error(w, path, "too many files in the walk", NULL);
		return BH_ERR_LIMIT;
	}
	return w->fn(path, w->ctx);
}

static bh_err walk_dir(struct walk_state *w, const char *path, unsigned depth)
{
	DIR *d = opendir(path);
	struct dirent *e;
	struct walk_ent **ents = NULL;
	size_t n = 0, cap = 0;
	bh_err err = BH_OK;

	if (!d) {
		walk_error(w, path, "cannot open directory", strerror(errno));
		return BH_OK;
	}
	while ((e = readdir(d))) {
		size_t len;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (!strcmp(e->d_name, ".git") && !(w->opts && w->opts->include_git))
			continue;
		if (n == cap) {
			struct walk_ent **grown;

			cap = cap ? cap * 2 : 32;
			grown = realloc(ents, cap * sizeof(*ents));
			if (!grown) {
				err = BH_ERR_NOMEM;
				goto out;
			}
			ents = grown;
		}
		len = strlen(e->d_name);
		ents[n] = malloc(sizeof(**ents) + len + 1);
		if (!ents[n]) {
			err = BH_ERR_NOMEM;
			goto out;
		}
		ents[n]->ino = e->d_ino;
		ents[n]->type = e->d_type;
		memcpy(ents[n]->name, e->d_name, len + 1);
		n++;
	}
	qsort(ents, n, sizeof(*ents), cmp_ents);
	for (size_t i = 0; i < n && !err; i++) {
		struct bh_buf child;

		bh_buf_init(&child, 0);
		if (strcmp(path, "/") == 0 ? bh_buf_printf(&child, "/%s", ents[i]->name)
					   : bh_buf_printf(&child, "%s/%s", path, ents[i]->name)) {
			err = BH_ERR_NOMEM;
		} else if (excluded(w->opts, child.data)) {
			/* skipped */
		} else if (ents[i]->type == DT_REG && ents[i]->ino) {
			err = walk_file(w, child.data, w->devs[depth - 1], ents[i]->ino);
		} else {
			err = walk_path(w, child.data, depth);
		}
		bh_buf_release(&child);
	}
out:
	for (size_t i = 0; i < n; i++)
		free(ents[i]);
	free(ents);
	closedir(d);
	return err;
}

bh_err bh_fs_walk(const char *path, const struct bh_walk_opts *opts, bh_walk_fn fn, void *ctx,
		  void (*on_error)(const struct bh_diag *diag, void *ctx))
{
	struct walk_state w = { .opts = opts, .fn = fn, .ctx = ctx, .on_error = on_error };
	struct stat st;

	if (stat(path, &st) < 0) {
		struct bh_diag d;

		bh_diag_set(&d, BH_ERR_IO, path, 0, 0, "cannot stat: %s", strerror(errno));
		if (on_error)
			on_error(&d, ctx);
		return BH_ERR_IO;
	}
	if (S_ISDIR(st.st_mode)) {
		bh_err err;

		w.devs[0] = st.st_dev;
		w.inos[0] = st.st_ino;
		if (seen_add(&w, st.st_dev, st.st_ino) < 0)
			return BH_ERR_NOMEM;
		err = walk_dir(&w, path, 1);
		free(w.seen);
		return err;
	}
	return fn(path, ctx);
}
