/*
 * The layer filesystem: streams layer blobs through libarchive (gzip, zstd or plain tar, detected
 * by content), verifies the blob digest and the diff_id on the fly, records each layer's entries,
 * and applies the layers bottom to top into a path tree held in the image's arena, honouring
 * whiteouts (".wh.NAME") and opaque directories (".wh..wh..opq").
 *
 * Two libarchive readers are chained: a "raw" reader with the gzip and zstd filters yields the
 * uncompressed stream (hashed for the diff_id), and a tar reader parses that stream. No program
 * filters are enabled, so hostile input never makes libarchive run an external decompressor.
 * Nothing touches the disk; "..", absolute paths and links that leave the root become events
 * (findings for the IM rules), never file-system operations. Layers are recorded first and applied
 * at the end, because a docker-archive may store its layer blobs in any order.
 */
#define _GNU_SOURCE /* memmem */
#include "layerfs.h"

#include <errno.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#include "archive_api.h"
#include "core/fs.h"
#include "core/hash.h"
#include "core/limits.h"
#include "secrets/secrets.h"

#include "core/banned.h"

enum entry_kind {
	K_REG,
	K_DIR,
	K_SYMLINK,
	K_HARDLINK,
	K_CHR,
	K_BLK,
	K_FIFO,
	K_WHITEOUT,
	K_OPAQUE,
};

struct lentry {
	const char *path;
	const char *link;
	const char *data;
	size_t len;
	uint64_t size;
	unsigned mode, uid, gid;
	unsigned char kind;
	unsigned char caps;
};

struct bh_img_layer {
	struct lentry *e;
	size_t n, cap;
	int read; /* set once the blob was streamed */
};

#define CHUNK (64u * 1024)

static void md_hex(EVP_MD_CTX *md, char out[65])
{
	unsigned char d[32];
	unsigned int n = 0;

	EVP_DigestFinal_ex(md, d, &n);
	bh_hex(d, 32, out);
}

/* ---- the path tree ---- */

static uint64_t path_hash(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

struct bh_img_node *bh_image_lookup(const struct bh_image *img, const char *path)
{
	struct bh_img_node *n;

	if (!img->table)
		return NULL;
	if (!*path)
		return img->root;
	for (n = img->table[path_hash(path) & (img->table_cap - 1)]; n; n = n->hnext)
		if (!strcmp(n->path, path))
			return n;
	return NULL;
}

static bh_err table_insert(struct bh_image *img, struct bh_img_node *n)
{
	size_t b;

	if (img->nnodes + 1 > img->table_cap) {
		size_t cap = img->table_cap ? img->table_cap * 2 : 1024;
		struct bh_img_node **t = calloc(cap, sizeof(*t));

		if (!t)
			return BH_ERR_NOMEM;
		for (size_t i = 0; i < img->table_cap; i++) {
			struct bh_img_node *x = img->table[i], *nx;

			for (; x; x = nx) {
				nx = x->hnext;
				b = path_hash(x->path) & (cap - 1);
				x->hnext = t[b];
				t[b] = x;
			}
		}
		free(img->table);
		img->table = t;
		img->table_cap = cap;
	}
	b = path_hash(n->path) & (img->table_cap - 1);
	n->hnext = img->table[b];
	img->table[b] = n;
	img->nnodes++;
	return BH_OK;
}

static void table_remove(struct bh_image *img, struct bh_img_node *n)
{
	struct bh_img_node **p = &img->table[path_hash(n->path) & (img->table_cap - 1)];

	for (; *p; p = &(*p)->hnext) {
		if (*p == n) {
			*p = n->hnext;
			img->nnodes--;
			return;
		}
	}
}

static void unlink_child(struct bh_img_node *n)
{
	if (n->prev)
		n->prev->next = n->next;
	else if (n->parent)
		n->parent->child = n->next;
	if (n->next)
		n->next->prev = n->prev;
	n->next = n->prev = NULL;
}

/* Recursion depth is bounded by BH_LIMIT_IMAGE_PATH_DEPTH: every path was checked on entry. */
static void remove_children(struct bh_image *img, struct bh_img_node *n)
{
	struct bh_img_node *c, *nc;

	for (c = n->child; c; c = nc) {
		nc = c->next;
		remove_children(img, c);
		table_remove(img, c);
	}
	n->child = NULL;
}

static void remove_subtree(struct bh_image *img, struct bh_img_node *n)
{
	if (n == img->root) {
		remove_children(img, n);
		return;
	}
	remove_children(img, n);
	table_remove(img, n);
	unlink_child(n);
}

static struct bh_img_node *node_new(struct bh_image *img, struct bh_img_node *parent,
				    const char *path)
{
	struct bh_img_node *n = bh_arena_alloc(&img->arena, sizeof(*n));
	const char *slash;

	if (!n)
		return NULL;
	n->path = bh_arena_strdup(&img->arena, path);
	if (!n->path)
		return NULL;
	slash = strrchr(n->path, '/');
	n->name = slash ? slash + 1 : n->path;
	n->parent = parent;
	n->next = parent->child;
	if (parent->child)
		parent->child->prev = n;
	parent->child = n;
	if (table_insert(img, n))
		return NULL;
	return n;
}

/* The directory node at path, creating it (and its parents) or turning a non-directory into one. */
static struct bh_img_node *ensure_dir(struct bh_image *img, const char *path, unsigned layer)
{
	struct bh_img_node *n = bh_image_lookup(img, path), *parent;
	char *pp;
	const char *slash;

	if (n && n->type == BH_IMG_DIR)
		return n;
	if (n) {
		n->type = BH_IMG_DIR;
		n->mode = 0755;
		n->link = NULL;
		n->data = NULL;
		n->len = 0;
		n->size = 0;
		n->layer = layer;
		return n;
	}
	slash = strrchr(path, '/');
	if (slash) {
		pp = bh_arena_strndup(&img->arena, path, (size_t)(slash - path));
		if (!pp)
			return NULL;
		parent = ensure_dir(img, pp, layer);
	} else {
		parent = img->root;
	}
	if (!parent)
		return NULL;
	n = node_new(img, parent, path);
	if (!n)
		return NULL;
	n->type = BH_IMG_DIR;
	n->mode = 0755;
	n->layer = layer;
	return n;
}

static struct bh_img_node *ensure_parent(struct bh_image *img, const char *path, unsigned layer)
{
	const char *slash = strrchr(path, '/');
	char *pp;

	if (!slash)
		return img->root;
	pp = bh_arena_strndup(&img->arena, path, (size_t)(slash - path));
	return pp ? ensure_dir(img, pp, layer) : NULL;
}

/* Hide everything below d that came from a layer under this one (an opaque directory). */
static void prune_lower(struct bh_image *img, struct bh_img_node *d, unsigned layer)
{
	struct bh_img_node *c, *nc;

	for (c = d->child; c; c = nc) {
		nc = c->next;
		if (c->layer < layer)
			remove_subtree(img, c);
		else if (c->type == BH_IMG_DIR)
			prune_lower(img, c, layer);
	}
}

static enum bh_img_type node_type(unsigned char kind)
{
	switch (kind) {
	case K_DIR:
		return BH_IMG_DIR;
	case K_SYMLINK:
		return BH_IMG_SYMLINK;
	case K_CHR:
		return BH_IMG_CHR;
	case K_BLK:
		return BH_IMG_BLK;
	case K_FIFO:
		return BH_IMG_FIFO;
	default:
		return BH_IMG_REG;
	}
}

static bh_err apply_entry(struct bh_image *img, const struct lentry *e, unsigned layer)
{
	struct bh_img_node *n, *parent;

	if (e->kind == K_WHITEOUT) {
		n = bh_image_lookup(img, e->path);
		if (n && n != img->root && n->layer < layer)
			remove_subtree(img, n);
		return BH_OK;
	}
	if (e->kind == K_OPAQUE) {
		n = *e->path ? ensure_dir(img, e->path, layer) : img->root;
		if (!n)
			return BH_ERR_NOMEM;
		prune_lower(img, n, layer);
		return BH_OK;
	}
	if (!*e->path) {
		if (e->kind == K_DIR)
			img->root->mode = e->mode;
		return BH_OK;
	}
	parent = ensure_parent(img, e->path, layer);
	if (!parent)
		return BH_ERR_NOMEM;
	n = bh_image_lookup(img, e->path);
	if (n && n->type == BH_IMG_DIR && e->kind != K_DIR)
		remove_children(img, n);
	if (!n) {
		n = node_new(img, parent, e->path);
		if (!n)
			return BH_ERR_NOMEM;
	}
	n->type = node_type(e->kind);
	n->mode = e->mode;
	n->uid = e->uid;
	n->gid = e->gid;
	n->size = e->size;
	n->link = e->kind == K_SYMLINK ? e->link : NULL;
	n->data = e->data;
	n->len = e->len;
	n->caps = e->caps;
	n->layer = layer;
	if (e->kind == K_HARDLINK) {
		const struct bh_img_node *t = bh_image_lookup(img, e->link);

		/* A hard link shares the target's inode: same contents, same mode. */
		if (t && t->type == BH_IMG_REG && t != n) {
			n->mode = t->mode;
			n->size = t->size;
			n->data = t->data;
			n->len = t->len;
			n->caps = t->caps;
		}
	}
	return BH_OK;
}

void bh_image_walk(const struct bh_image *img, void (*fn)(const struct bh_img_node *n, void *ctx),
		   void *ctx)
{
	/* Iterative preorder walk: the tree can be as deep as BH_LIMIT_IMAGE_PATH_DEPTH. */
	const struct bh_img_node *n = img->root;

	while (n) {
		fn(n, ctx);
		if (n->child) {
			n = n->child;
			continue;
		}
		while (n && !n->next)
			n = n->parent;
		if (n)
			n = n->next;
	}
}

const struct bh_img_node *bh_image_resolve(const struct bh_image *img, const char *path)
{
	const struct bh_img_node *node = img->root;
	char *rest = NULL, *p;
	unsigned hops = 0;
	size_t cap = 2 * BH_LIMIT_IMAGE_PATH_BYTES + 2;
	char *comp = NULL;

	if (!img->root)
		return NULL;
	rest = malloc(cap);
	comp = malloc(cap);
	if (!rest || !comp)
		goto fail;
	if (strlen(path) >= cap)
		goto fail;
	memcpy(rest, path, strlen(path) + 1);
	p = rest;
	for (;;) {
		size_t clen;
		char *end;
		const struct bh_img_node *child;

		while (*p == '/')
			p++;
		if (!*p)
			break;
		end = strchr(p, '/');
		clen = end ? (size_t)(end - p) : strlen(p);
		memcpy(comp, p, clen);
		comp[clen] = '\0';
		p += clen;
		if (!strcmp(comp, "."))
			continue;
		if (!strcmp(comp, "..")) {
			if (node->parent)
				node = node->parent;
			continue;
		}
		if (node->type != BH_IMG_DIR)
			goto fail;
		{
			char *full = malloc(strlen(node->path) + clen + 2);

			if (!full)
				goto fail;
			if (*node->path) {
				memcpy(full, node->path, strlen(node->path));
				full[strlen(node->path)] = '/';
				memcpy(full + strlen(node->path) + 1, comp, clen + 1);
			} else {
				memcpy(full, comp, clen + 1);
			}
			child = bh_image_lookup(img, full);
			free(full);
		}
		if (!child)
			goto fail;
		if (child->type == BH_IMG_SYMLINK && child->link) {
			size_t tl = strlen(child->link), rl = strlen(p);
			char *nr;

			if (++hops > BH_LIMIT_IMAGE_SYMLINKS || tl + rl + 2 > cap)
				goto fail;
			nr = malloc(cap);
			if (!nr)
				goto fail;
			memcpy(nr, child->link, tl);
			memcpy(nr + tl, p, rl + 1);
			free(rest);
			rest = nr;
			p = rest;
			if (*child->link == '/')
				node = img->root;
			continue;
		}
		node = child;
	}
	free(rest);
	free(comp);
	return node;
fail:
	free(rest);
	free(comp);
	return NULL;
}

/* ---- paths ---- */

int bh_image_path_clean(char *path, int *absolute)
{
	char *r = path, *w = path;

	*absolute = *path == '/';
	while (*r) {
		char *end;
		size_t len;

		while (*r == '/')
			r++;
		if (!*r)
			break;
		end = strchr(r, '/');
		len = end ? (size_t)(end - r) : strlen(r);
		if (len == 1 && r[0] == '.') {
			r += len;
			continue;
		}
		if (len == 2 && r[0] == '.' && r[1] == '.')
			return -1;
		if (w != path)
			*w++ = '/';
		memmove(w, r, len);
		w += len;
		r += len;
	}
	*w = '\0';
	return 0;
}

/* Files whose contents the SBOM and the IM rules read. */
int bh_image_keep_path(const char *p)
{
	static const char *const exact[] = {
		"etc/passwd",
		"etc/shadow",
		"etc/group",
		"etc/os-release",
		"usr/lib/os-release",
		"etc/alpine-release",
		"etc/debian_version",
		"etc/redhat-release",
		"var/lib/dpkg/status",
		"lib/apk/db/installed",
		"var/lib/rpm/rpmdb.sqlite",
		"usr/lib/sysimage/rpm/rpmdb.sqlite",
	};
	const char *base = strrchr(p, '/');
	size_t n = strlen(p);

	for (size_t i = 0; i < sizeof(exact) / sizeof(*exact); i++)
		if (!strcmp(p, exact[i]))
			return 1;
	base = base ? base + 1 : p;
	if (!strncmp(p, "var/lib/dpkg/status.d/", 22) && !strchr(p + 22, '/') &&
	    (n < 8 || strcmp(p + n - 8, ".md5sums")))
		return 1;
	if (!strcmp(base, "METADATA") && base - p > 11 && !strncmp(base - 11, ".dist-info/", 11))
		return 1;
	if (!strcmp(base, "PKG-INFO") && base - p > 10 && !strncmp(base - 10, ".egg-info/", 10))
		return 1;
	if (n > 9 && !strcmp(p + n - 9, ".egg-info"))
		return 1;
	if (!strcmp(base, "copyright") && !strncmp(p, "usr/share/doc/", 14) &&
	    strchr(p + 14, '/') == base - 1)
		return 1; /* Debian's per-package licence file (DEP-5) */
	if (!strcmp(base, "package.json") && strstr(p, "node_modules/")) {
		/* Only node_modules/NAME/package.json or node_modules/@scope/NAME/package.json. */
		const char *nm = p, *q;

		while ((q = strstr(nm, "node_modules/")) != NULL)
			nm = q + 13;
		q = strchr(nm, '/');
		if (q && *nm == '@')
			q = strchr(q + 1, '/');
		return q && q == base - 1;
	}
	return 0;
}

/* ---- secrets in layer files ---- */

static int b64char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '+' || c == '/' || c == '=';
}

/*
 * A PEM or OpenSSH private key: the BEGIN line, a body that is mostly base64 (at least 64
 * characters, as no real key is shorter), and the END line. Libraries quote "PRIVATE KEY" in
 * their strings, so a header alone is not enough.
 */
static int find_private_key(const char *d, size_t n, size_t *at)
{
	const char *p = d, *end = d + n;

	while (p < end) {
		const char *b = memmem(p, (size_t)(end - p), "-----BEGIN ", 11);
		const char *eol, *stop, *q;
		size_t good = 0, bad = 0;

		if (!b)
			return 0;
		p = b + 11;
		eol = memchr(p, '\n', (size_t)(end - p) < 64 ? (size_t)(end - p) : 64);
		if (!eol)
			continue;
		q = memmem(p, (size_t)(eol - p), "PRIVATE KEY-----", 16);
		if (!q)
			continue;
		stop = memmem(eol, (size_t)(end - eol) < 65536 ? (size_t)(end - eol) : 65536,
			      "-----END ", 9);
		if (!stop)
			continue;
		for (q = eol; q < stop; q++) {
			if (b64char(*q))
				good++;
			else if (*q != '\n' && *q != '\r' && *q != ' ')
				bad++;
		}
		if (good >= 64 && bad * 10 < good) {
			*at = (size_t)(b - d);
			return 1;
		}
	}
	return 0;
}

static unsigned line_of(const char *d, size_t off)
{
	unsigned line = 1;

	for (size_t i = 0; i < off; i++)
		line += d[i] == '\n';
	return line;
}

static bh_err add_event(struct bh_image *img, enum bh_img_event_kind kind, unsigned layer,
			const char *path, const char *detail, unsigned line)
{
	struct bh_img_event *ev;

	if (img->nevents >= BH_LIMIT_FINDINGS)
		return BH_ERR_LIMIT;
	if (img->nevents == img->events_cap) {
		size_t cap = img->events_cap ? img->events_cap * 2 : 16;
		void *p =
			bh_arena_realloc(&img->arena, img->events,
					 img->events_cap * sizeof(*img->events), cap * sizeof(*ev));

		if (!p)
			return BH_ERR_NOMEM;
		img->events = p;
		img->events_cap = cap;
	}
	ev = &img->events[img->nevents++];
	memset(ev, 0, sizeof(*ev));
	ev->kind = kind;
	ev->layer = layer;
	ev->path = bh_arena_strdup(&img->arena, path);
	ev->detail = detail ? bh_arena_strdup(&img->arena, detail) : NULL;
	ev->line = line;
	return ev->path ? BH_OK : BH_ERR_NOMEM;
}

struct secret_ctx {
	struct bh_image *img;
	unsigned layer;
	const char *path;
	bh_err err;
};

static void on_secret(const struct bh_secret_match *m, void *p)
{
	struct secret_ctx *c = p;
	char detail[256];

	snprintf(detail, sizeof(detail), "%s %s", m->rule && m->rule->id ? m->rule->id : "SE",
		 m->redacted ? m->redacted : "");
	if (!c->err)
		c->err = add_event(c->img, BH_IMG_EV_SECRET, c->layer, c->path, detail, m->line);
}

static bh_err scan_file(struct bh_image *img, unsigned layer, const char *path, const char *data,
			size_t len)
{
	struct secret_ctx c = { img, layer, path, BH_OK };
	size_t at;
	char label[BH_LIMIT_IMAGE_PATH_BYTES + 16];

	if (!len || (img->flags & BH_IMAGE_NO_CONTENT_SCAN) || bh_fs_looks_binary(data, len))
		return BH_OK;
	if (find_private_key(data, len, &at)) {
		bh_err err =
			add_event(img, BH_IMG_EV_PRIVATE_KEY, layer, path, NULL, line_of(data, at));
		if (err)
			return err;
	}
	snprintf(label, sizeof(label), "image:/%s", path);
	bh_secrets_scan_buffer(label, data, len, on_secret, &c);
	return c.err;
}

/* ---- streaming one layer ---- */

struct stream {
	struct bh_image *img;
	bh_blob_read_fn rd;
	void *rctx;
	EVP_MD_CTX *blob_md, *diff_md;
	uint64_t compressed, uncompressed;
	struct archive *raw;
	int src_eof;
	int padded;
	int plain; /* no compression: the diff_id is the blob digest, hash once */
	bh_err err;
	char msg[200];
	char chunk[CHUNK];
};

static la_ssize_t raw_cb(struct archive *a, void *p, const void **buf)
{
	struct stream *s = p;
	ssize_t n;

	if (s->src_eof)
		return 0;
	n = s->rd(s->rctx, buf);
	if (n < 0) {
		s->err = BH_ERR_IO;
		snprintf(s->msg, sizeof(s->msg), "read error");
		AR(archive_set_error)(a, EIO, "read error");
		return -1;
	}
	if (n == 0) {
		s->src_eof = 1;
		return 0;
	}
	EVP_DigestUpdate(s->blob_md, *buf, (size_t)n);
	s->compressed += (uint64_t)n;
	return n;
}

static la_ssize_t tar_cb(struct archive *a, void *p, const void **buf)
{
	struct stream *s = p;
	la_ssize_t n = AR(archive_read_data)(s->raw, s->chunk, sizeof(s->chunk));

	if (n < 0) {
		if (!s->err) {
			s->err = BH_ERR_PARSE;
			snprintf(s->msg, sizeof(s->msg), "%s", AR(archive_error_string)(s->raw));
		}
		AR(archive_set_error)(a, EIO, "%s", s->msg);
		return -1;
	}
	if (n == 0 && !s->padded) {
		/*
		 * umoci insert (0.4.7) writes tars without the last entry's padding and the end
		 * blocks; Go readers accept them, so do we: pad the stream with zeros to the next
		 * block and two end blocks. The padding is not hashed, and a tar cut anywhere else
		 * still fails its diff_id (or gzip's own length check).
		 */
		size_t pad = (512 - (size_t)(s->uncompressed % 512)) % 512 + 1024;

		s->padded = 1;
		memset(s->chunk, 0, pad);
		*buf = s->chunk;
		return (la_ssize_t)pad;
	}
	if (!s->plain)
		EVP_DigestUpdate(s->diff_md, s->chunk, (size_t)n);
	s->uncompressed += (uint64_t)n;
	if (s->img->bytes + s->uncompressed > BH_LIMIT_IMAGE_BYTES) {
		s->err = BH_ERR_LIMIT;
		snprintf(s->msg, sizeof(s->msg), "more than %llu uncompressed bytes in the image",
			 (unsigned long long)BH_LIMIT_IMAGE_BYTES);
		AR(archive_set_error)(a, EIO, "limit");
		return -1;
	}
	if (s->uncompressed > (1u << 20) &&
	    s->uncompressed / BH_LIMIT_IMAGE_RATIO > s->compressed) {
		s->err = BH_ERR_LIMIT;
		snprintf(s->msg, sizeof(s->msg),
			 "compression ratio above %u:1 (a decompression bomb?) after %llu bytes",
			 BH_LIMIT_IMAGE_RATIO, (unsigned long long)s->uncompressed);
		AR(archive_set_error)(a, EIO, "limit");
		return -1;
	}
	*buf = s->chunk;
	return n;
}

static bh_err layer_add(struct bh_image *img, struct bh_img_layer *l, const struct lentry *e)
{
	if (++img->entries > BH_LIMIT_IMAGE_ENTRIES)
		return BH_ERR_LIMIT;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		void *p = bh_arena_realloc(&img->arena, l->e, l->cap * sizeof(*l->e),
					   cap * sizeof(*e));

		if (!p)
			return BH_ERR_NOMEM;
		l->e = p;
		l->cap = cap;
	}
	l->e[l->n++] = *e;
	return BH_OK;
}

static int path_depth(const char *p)
{
	int d = 1;

	for (; *p; p++)
		d += *p == '/';
	return d;
}

/* Whether a relative symlink at path climbs above the root. */
static int link_escapes(const char *path, const char *target)
{
	int depth = path_depth(path) - 1; /* directories above the link */
	const char *p = target;

	if (*target == '/')
		return 0; /* absolute links resolve inside the container's root */
	while (*p) {
		const char *end = strchr(p, '/');
		size_t len = end ? (size_t)(end - p) : strlen(p);

		if (len == 2 && p[0] == '.' && p[1] == '.') {
			if (--depth < 0)
				return 1;
		} else if (len && !(len == 1 && p[0] == '.')) {
			depth++;
		}
		p += len;
		while (*p == '/')
			p++;
	}
	return 0;
}

static bh_err read_entries(struct stream *s, struct archive *tar, size_t idx, struct bh_diag *diag,
			   const char *what)
{
	struct bh_image *img = s->img;
	struct bh_img_layer *l = &img->layers[idx];
	struct archive_entry *ae;
	char *path = malloc(BH_LIMIT_IMAGE_PATH_BYTES + 1);
	char *buf = NULL;
	size_t bufcap = 0;
	bh_err err = BH_OK;
	int r;

	if (!path)
		return BH_ERR_NOMEM;
	while ((r = AR(archive_read_next_header)(tar, &ae)) == ARCHIVE_OK || r == ARCHIVE_WARN) {
		const char *name = AR(archive_entry_pathname)(ae);
		const char *hl = AR(archive_entry_hardlink)(ae);
		const char *base;
		struct lentry e = { 0 };
		int abs = 0;
		mode_t ft = AR(archive_entry_filetype)(ae);

		if (!name)
			continue;
		if (strlen(name) > BH_LIMIT_IMAGE_PATH_BYTES) {
			err = bh_diag_set(diag, BH_ERR_LIMIT, what, 0, 0,
					  "layer %zu: an entry path is longer than %u bytes",
					  idx + 1, BH_LIMIT_IMAGE_PATH_BYTES);
			goto out;
		}
		memcpy(path, name, strlen(name) + 1);
		if (bh_image_path_clean(path, &abs)) {
			err = add_event(img, BH_IMG_EV_DOTDOT, (unsigned)idx, name, NULL, 0);
			if (err)
				goto out;
			continue;
		}
		if (path_depth(path) > BH_LIMIT_IMAGE_PATH_DEPTH) {
			err = bh_diag_set(diag, BH_ERR_LIMIT, what, 0, 0,
					  "layer %zu: an entry path is deeper than %u directories",
					  idx + 1, BH_LIMIT_IMAGE_PATH_DEPTH);
			goto out;
		}
		if (abs && *path) {
			err = add_event(img, BH_IMG_EV_ABSOLUTE, (unsigned)idx, name, NULL, 0);
			if (err)
				goto out;
		}
		e.mode = AR(archive_entry_mode)(ae) & 07777;
		e.uid = (unsigned)AR(archive_entry_uid)(ae);
		e.gid = (unsigned)AR(archive_entry_gid)(ae);
		e.size = (uint64_t)AR(archive_entry_size)(ae);
		base = strrchr(path, '/');
		base = base ? base + 1 : path;
		if (!strncmp(base, ".wh.", 4)) {
			if (!strcmp(base, ".wh..wh..opq")) {
				e.kind = K_OPAQUE;
				e.path = bh_arena_strndup(&img->arena, path,
							  base == path ? 0
								       : (size_t)(base - path - 1));
			} else if (!strncmp(base, ".wh..wh.", 8)) {
				continue; /* AUFS metadata such as .wh..wh.plnk */
			} else {
				char *t = bh_arena_strdup(&img->arena, path);

				if (!t) {
					err = BH_ERR_NOMEM;
					goto out;
				}
				memmove(t + (base - path), t + (base - path) + 4, strlen(base) - 3);
				e.kind = K_WHITEOUT;
				e.path = t;
			}
			if (!e.path) {
				err = BH_ERR_NOMEM;
				goto out;
			}
			err = layer_add(img, l, &e);
			if (err)
				goto limit;
			continue;
		}
		e.path = bh_arena_strdup(&img->arena, path);
		if (!e.path) {
			err = BH_ERR_NOMEM;
			goto out;
		}
		if (hl) {
			char *t = bh_arena_strdup(&img->arena, hl);
			int habs;

			if (!t) {
				err = BH_ERR_NOMEM;
				goto out;
			}
			if (strlen(t) > BH_LIMIT_IMAGE_PATH_BYTES ||
			    bh_image_path_clean(t, &habs)) {
				err = add_event(img, BH_IMG_EV_HLINK_ESCAPE, (unsigned)idx, path,
						hl, 0);
				if (err)
					goto out;
				continue;
			}
			e.kind = K_HARDLINK;
			e.link = t;
		} else if (ft == AE_IFDIR) {
			e.kind = K_DIR;
		} else if (ft == AE_IFLNK) {
			const char *t = AR(archive_entry_symlink)(ae);

			e.kind = K_SYMLINK;
			e.link = bh_arena_strdup(&img->arena, t ? t : "");
			if (!e.link) {
				err = BH_ERR_NOMEM;
				goto out;
			}
			if (link_escapes(path, e.link)) {
				err = add_event(img, BH_IMG_EV_LINK_ESCAPE, (unsigned)idx, path,
						e.link, 0);
				if (err)
					goto out;
			}
		} else if (ft == AE_IFCHR) {
			e.kind = K_CHR;
		} else if (ft == AE_IFBLK) {
			e.kind = K_BLK;
		} else if (ft == AE_IFIFO) {
			e.kind = K_FIFO;
		} else {
			e.kind = K_REG;
		}
		{
			const char *xn;
			const void *xv;
			size_t xs;

			AR(archive_entry_xattr_reset)(ae);
			while (AR(archive_entry_xattr_next)(ae, &xn, &xv, &xs) == ARCHIVE_OK)
				if (xn && !strcmp(xn, "security.capability"))
					e.caps = 1;
		}
		if (e.kind == K_REG && e.size > 0) {
			int keep = bh_image_keep_path(path) && e.size <= BH_LIMIT_IMAGE_KEEP_FILE;

			if (keep || e.size <= BH_LIMIT_IMAGE_SCAN_FILE) {
				size_t len = 0;
				la_ssize_t n;

				if (bufcap < e.size + 1) {
					char *nb = realloc(buf, (size_t)e.size + 1);

					if (!nb) {
						err = BH_ERR_NOMEM;
						goto out;
					}
					buf = nb;
					bufcap = (size_t)e.size + 1;
				}
				while (len < e.size &&
				       (n = AR(archive_read_data)(tar, buf + len,
								  (size_t)e.size - len)) > 0)
					len += (size_t)n;
				if (s->err)
					goto fail;
				buf[len] = '\0';
				if (len <= BH_LIMIT_IMAGE_SCAN_FILE) {
					err = scan_file(img, (unsigned)idx, path, buf, len);
					if (err)
						goto out;
				}
				if (keep) {
					if (img->kept + len > BH_LIMIT_IMAGE_KEEP_TOTAL) {
						err = bh_diag_set(
							diag, BH_ERR_LIMIT, what, 0, 0,
							"package databases larger than %u bytes in total",
							BH_LIMIT_IMAGE_KEEP_TOTAL);
						goto out;
					}
					e.data = bh_arena_strndup(&img->arena, buf, len);
					if (!e.data) {
						err = BH_ERR_NOMEM;
						goto out;
					}
					e.len = len;
					img->kept += len;
				}
			}
		}
		err = layer_add(img, l, &e);
		if (err)
			goto limit;
	}
	if (r != ARCHIVE_EOF || s->err)
		goto fail;
	goto out;
limit:
	if (err == BH_ERR_LIMIT)
		err = bh_diag_set(diag, BH_ERR_LIMIT, what, 0, 0,
				  "more than %u entries in the image's layers",
				  BH_LIMIT_IMAGE_ENTRIES);
	goto out;
fail:
	if (s->err)
		err = bh_diag_set(diag, s->err, what, 0, 0, "layer %zu: %s", idx + 1, s->msg);
	else
		err = bh_diag_set(diag, BH_ERR_PARSE, what, 0, 0, "layer %zu: malformed tar: %s",
				  idx + 1, AR(archive_error_string)(tar));
out:
	free(buf);
	free(path);
	return err;
}

bh_err bh_layerfs_init(struct bh_image *img, size_t nlayers, struct bh_diag *diag)
{
	if (bh_archive_api_load(diag))
		return BH_ERR_IO;
	img->nlayers = nlayers;
	img->layers = bh_arena_alloc(&img->arena, (nlayers ? nlayers : 1) * sizeof(*img->layers));
	img->root = bh_arena_alloc(&img->arena, sizeof(*img->root));
	if (!img->layers || !img->root)
		return bh_diag_set(diag, BH_ERR_NOMEM, img->label, 0, 0, "out of memory");
	img->root->name = img->root->path = "";
	img->root->type = BH_IMG_DIR;
	img->root->mode = 0755;
	return BH_OK;
}

bh_err bh_layerfs_read(struct bh_image *img, size_t idx, bh_blob_read_fn rd, void *ctx,
		       const char *blob_hex, const char *diff_hex, const char *what,
		       struct bh_diag *diag)
{
	struct stream *s = calloc(1, sizeof(*s));
	struct archive *tar = NULL;
	struct archive_entry *ae;
	char got[65];
	bh_err err = BH_OK;
	int r;

	if (!s)
		return bh_diag_set(diag, BH_ERR_NOMEM, what, 0, 0, "out of memory");
	s->img = img;
	s->rd = rd;
	s->rctx = ctx;
	s->blob_md = EVP_MD_CTX_new();
	s->diff_md = EVP_MD_CTX_new();
	s->raw = AR(archive_read_new)();
	tar = AR(archive_read_new)();
	if (!s->blob_md || !s->diff_md || !s->raw || !tar) {
		err = bh_diag_set(diag, BH_ERR_NOMEM, what, 0, 0, "out of memory");
		goto out;
	}
	EVP_DigestInit_ex(s->blob_md, bh_sha256_md(), NULL);
	EVP_DigestInit_ex(s->diff_md, bh_sha256_md(), NULL);
	AR(archive_read_support_filter_gzip)(s->raw);
	AR(archive_read_support_filter_zstd)(s->raw);
	AR(archive_read_support_format_raw)(s->raw);
	AR(archive_read_support_format_tar)(tar);
	if (AR(archive_read_open)(s->raw, s, NULL, raw_cb, NULL) != ARCHIVE_OK) {
		if (s->compressed == 0 && !s->err)
			goto drained; /* an empty blob: an empty layer */
		err = bh_diag_set(diag, s->err ? s->err : BH_ERR_PARSE, what, 0, 0, "layer %zu: %s",
				  idx + 1, s->err ? s->msg : AR(archive_error_string)(s->raw));
		goto out;
	}
	r = AR(archive_read_next_header)(s->raw, &ae);
	if (r == ARCHIVE_EOF)
		goto drained;
	if (r != ARCHIVE_OK) {
		err = bh_diag_set(diag, s->err ? s->err : BH_ERR_PARSE, what, 0, 0, "layer %zu: %s",
				  idx + 1, s->err ? s->msg : AR(archive_error_string)(s->raw));
		goto out;
	}
	s->plain = AR(archive_filter_count)(s->raw) == 1 &&
		   AR(archive_filter_code)(s->raw, 0) == ARCHIVE_FILTER_NONE;
	if (AR(archive_read_open)(tar, s, NULL, tar_cb, NULL) != ARCHIVE_OK) {
		if (s->uncompressed == 0 && !s->err)
			goto drained;
		err = bh_diag_set(diag, s->err ? s->err : BH_ERR_PARSE, what, 0, 0,
				  "layer %zu: not a tar: %s", idx + 1,
				  s->err ? s->msg : AR(archive_error_string)(tar));
		goto out;
	}
	err = read_entries(s, tar, idx, diag, what);
	if (err)
		goto out;
	/* The tar ends before its stream does (padding, end blocks): hash the rest too. */
	for (;;) {
		la_ssize_t n = AR(archive_read_data)(s->raw, s->chunk, sizeof(s->chunk));

		if (n < 0) {
			err = bh_diag_set(diag, s->err ? s->err : BH_ERR_PARSE, what, 0, 0,
					  "layer %zu: %s", idx + 1,
					  s->err ? s->msg : AR(archive_error_string)(s->raw));
			goto out;
		}
		if (n == 0)
			break;
		if (!s->plain)
			EVP_DigestUpdate(s->diff_md, s->chunk, (size_t)n);
		s->uncompressed += (uint64_t)n;
	}
drained:
	while (!s->src_eof) {
		const void *b;
		ssize_t n = rd(ctx, &b);

		if (n < 0) {
			err = bh_diag_set(diag, BH_ERR_IO, what, 0, 0, "layer %zu: read error",
					  idx + 1);
			goto out;
		}
		if (n == 0)
			break;
		EVP_DigestUpdate(s->blob_md, b, (size_t)n);
		s->compressed += (uint64_t)n;
	}
	md_hex(s->blob_md, got);
	if (blob_hex && strcmp(got, blob_hex)) {
		err = bh_diag_set(
			diag, BH_ERR_VERIFY, what, 0, 0,
			"layer %zu: blob digest mismatch: expected sha256:%s, got sha256:%s",
			idx + 1, blob_hex, got);
		goto out;
	}
	if (!s->plain)
		md_hex(s->diff_md, got); /* else got already holds the blob digest */
	if (diff_hex && strcmp(got, diff_hex)) {
		err = bh_diag_set(
			diag, BH_ERR_VERIFY, what, 0, 0,
			"layer %zu: diff_id mismatch: config says sha256:%s, the layer is sha256:%s",
			idx + 1, diff_hex, got);
		goto out;
	}
	img->bytes += s->uncompressed;
	img->compressed += s->compressed;
	img->layers[idx].read = 1;
out:
	if (tar)
		AR(archive_read_free)(tar);
	if (s->raw)
		AR(archive_read_free)(s->raw);
	EVP_MD_CTX_free(s->blob_md);
	EVP_MD_CTX_free(s->diff_md);
	free(s);
	return err;
}

bh_err bh_layerfs_finish(struct bh_image *img, struct bh_diag *diag)
{
	for (size_t i = 0; i < img->nlayers; i++) {
		struct bh_img_layer *l = &img->layers[i];

		for (size_t j = 0; j < l->n; j++)
			if (apply_entry(img, &l->e[j], (unsigned)i))
				return bh_diag_set(diag, BH_ERR_NOMEM, img->label, 0, 0,
						   "out of memory");
	}
	for (size_t i = 0; i < img->nevents; i++) {
		struct bh_img_event *ev = &img->events[i];
		const struct bh_img_node *n;

		if (ev->kind != BH_IMG_EV_SECRET && ev->kind != BH_IMG_EV_PRIVATE_KEY)
			continue;
		n = bh_image_lookup(img, ev->path);
		ev->deleted = !n || n->layer != ev->layer;
	}
	return BH_OK;
}
