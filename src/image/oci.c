/*
 * The image reader: finds an image's config and layer blobs in a docker-archive (docker save
 * before v25: manifest.json + <diffid>.tar), a Docker 25+ archive (OCI layout + manifest.json),
 * an OCI image layout directory, or a tar of one, and hands each layer to layerfs.c with the
 * digests it must have.
 *
 * manifest.json wins when present; otherwise index.json is walked (nested indexes, platform
 * selection, BuildKit attestation manifests skipped). Every blob named by a digest is verified:
 * manifests and configs here, layers (blob sha256 and diff_id) while they stream. A tar input
 * is read in two passes: the first keeps the small members (JSON, small blobs) in memory and
 * notes the others; the second streams the large layer blobs, in whatever order the tar holds
 * them. Blob paths in a layout directory are built only from validated hex digests, so a
 * hostile index.json cannot name a file outside the layout.
 */
#include "oci.h"

#include <fcntl.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "archive_api.h"
#include "core/fs.h"
#include "core/hash.h"
#include "core/limits.h"
#include "layerfs.h"

#include "core/banned.h"

enum { M_REG, M_SYMLINK, M_HARDLINK, M_OTHER };

struct member {
	char *name;
	char *link;
	int type;
	uint64_t size;
	char *data; /* kept when small */
	size_t len;
	int kept;
};

struct source {
	const char *path; /* the tar file or the layout directory */
	int is_dir;
	struct member *m;
	size_t n, cap;
	uint64_t kept;
};

struct layer_ref {
	const char *member; /* member name (tar) or relative path (dir) */
	char blob_hex[65];
	char diff_hex[65];
	int has_blob, has_diff;
	int done;
};

struct plan {
	char *config;
	size_t config_len;
	const char *name, *tag, *digest;
	struct layer_ref *layers;
	size_t nlayers;
};

static int is_hex64(const char *s, size_t n)
{
	if (n != 64)
		return 0;
	for (size_t i = 0; i < 64; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

/* "sha256:<64 hex>" -> hex, or NULL. */
static const char *digest_hex(const char *d)
{
	if (!d || strncmp(d, "sha256:", 7) || !is_hex64(d + 7, strlen(d + 7)))
		return NULL;
	return d + 7;
}

/* ---- tar sources ---- */

#define SMALL_MEMBER (4u * 1024 * 1024)
#define SMALL_TOTAL  (256u * 1024 * 1024)

/*
 * Open an image tar (possibly gzip'd or zstd'd). On failure why gets libarchive's reason, such
 * as "Unrecognized archive format" for a file that is not a tar at all, so that the error says
 * more than "cannot open".
 */
static struct archive *open_outer(const char *path, char *why, size_t whylen)
{
	struct archive *a = AR(archive_read_new)();

	snprintf(why, whylen, "out of memory");
	if (!a)
		return NULL;
	AR(archive_read_support_filter_gzip)(a);
	AR(archive_read_support_filter_zstd)(a);
	AR(archive_read_support_format_tar)(a);
	if (AR(archive_read_open_filename)(a, path, 1 << 16) != ARCHIVE_OK) {
		const char *e = AR(archive_error_string)(a);

		snprintf(why, whylen, "%s", e ? e : "unreadable");
		AR(archive_read_free)(a);
		return NULL;
	}
	return a;
}

static bh_err read_member_data(struct archive *a, uint64_t size, char **out, size_t *len)
{
	char *d = malloc((size_t)size + 1);
	size_t got = 0;
	la_ssize_t n;

	if (!d)
		return BH_ERR_NOMEM;
	while (got < size && (n = AR(archive_read_data)(a, d + got, (size_t)size - got)) > 0)
		got += (size_t)n;
	if (got != size) {
		free(d);
		return BH_ERR_PARSE;
	}
	d[got] = '\0';
	*out = d;
	*len = got;
	return BH_OK;
}

static bh_err tar_pass1(struct source *src, struct bh_diag *diag)
{
	char why[256];
	struct archive *a = open_outer(src->path, why, sizeof(why));
	struct archive_entry *ae;
	bh_err err = BH_OK;
	int r;

	if (!a)
		return bh_diag_set(diag, BH_ERR_PARSE, src->path, 0, 0,
				   "not a docker-archive or OCI image tar: %s", why);
	while ((r = AR(archive_read_next_header)(a, &ae)) == ARCHIVE_OK || r == ARCHIVE_WARN) {
		const char *name = AR(archive_entry_pathname)(ae);
		struct member *m;
		char *clean;
		int abs;

		if (!name || strlen(name) > BH_LIMIT_IMAGE_PATH_BYTES)
			continue;
		clean = strdup(name);
		if (!clean) {
			err = BH_ERR_NOMEM;
			goto out;
		}
		if (bh_image_path_clean(clean, &abs) || !*clean) {
			free(clean); /* never follow ".." out of the archive */
			continue;
		}
		if (src->n >= BH_LIMIT_IMAGE_MEMBERS) {
			free(clean);
			err = bh_diag_set(diag, BH_ERR_LIMIT, src->path, 0, 0,
					  "more than %u members in the archive",
					  BH_LIMIT_IMAGE_MEMBERS);
			goto out;
		}
		if (src->n == src->cap) {
			size_t cap = src->cap ? src->cap * 2 : 32;
			void *p = realloc(src->m, cap * sizeof(*src->m));

			if (!p) {
				free(clean);
				err = BH_ERR_NOMEM;
				goto out;
			}
			src->m = p;
			src->cap = cap;
		}
		m = &src->m[src->n++];
		memset(m, 0, sizeof(*m));
		m->name = clean;
		m->size = (uint64_t)AR(archive_entry_size)(ae);
		if (AR(archive_entry_hardlink)(ae)) {
			m->type = M_HARDLINK;
			m->link = strdup(AR(archive_entry_hardlink)(ae));
		} else if (AR(archive_entry_filetype)(ae) == AE_IFLNK) {
			m->type = M_SYMLINK;
			m->link = strdup(
				AR(archive_entry_symlink)(ae) ? AR(archive_entry_symlink)(ae) : "");
		} else if (AR(archive_entry_filetype)(ae) == AE_IFREG) {
			m->type = M_REG;
		} else {
			m->type = M_OTHER;
		}
		if ((m->type == M_SYMLINK || m->type == M_HARDLINK) && !m->link) {
			err = BH_ERR_NOMEM;
			goto out;
		}
		if (m->type == M_REG && m->size <= SMALL_MEMBER &&
		    src->kept + m->size <= SMALL_TOTAL) {
			err = read_member_data(a, m->size, &m->data, &m->len);
			if (err) {
				err = bh_diag_set(diag, err, src->path, 0, 0,
						  "member %s: truncated or unreadable: %s", clean,
						  AR(archive_error_string)(a)
							  ? AR(archive_error_string)(a)
							  : "short read");
				goto out;
			}
			m->kept = 1;
			src->kept += m->size;
		}
	}
	if (r != ARCHIVE_EOF)
		err = bh_diag_set(diag, BH_ERR_PARSE, src->path, 0, 0, "not a readable tar: %s",
				  AR(archive_error_string)(a) ? AR(archive_error_string)(a)
							      : "unknown error");
out:
	AR(archive_read_free)(a);
	return err;
}

/* Resolve a name relative to dir of from (symlink targets). Result malloc'd. */
static char *join_rel(const char *from, const char *target)
{
	const char *slash = strrchr(from, '/');
	size_t dl = slash && *target != '/' ? (size_t)(slash - from) + 1 : 0;
	char *p = malloc(dl + strlen(target) + 1);
	int abs;

	if (!p)
		return NULL;
	memcpy(p, from, dl);
	memcpy(p + dl, target, strlen(target) + 1);
	/* Resolve ".." lexically against the prefix before cleaning. */
	{
		char *out = malloc(strlen(p) + 1), *w = out;
		const char *r = p;

		if (!out) {
			free(p);
			return NULL;
		}
		while (*r) {
			const char *e = strchr(r, '/');
			size_t l = e ? (size_t)(e - r) : strlen(r);

			if (l == 2 && r[0] == '.' && r[1] == '.') {
				char *s;

				if (w == out) {
					free(out);
					free(p);
					return NULL;
				}
				*w = '\0';
				s = strrchr(out, '/');
				w = s ? s : out;
			} else if (l && !(l == 1 && r[0] == '.')) {
				if (w != out)
					*w++ = '/';
				memcpy(w, r, l);
				w += l;
			}
			r += l;
			while (*r == '/')
				r++;
		}
		*w = '\0';
		free(p);
		p = out;
	}
	if (bh_image_path_clean(p, &abs)) {
		free(p);
		return NULL;
	}
	return p;
}

static struct member *find_member(struct source *src, const char *name)
{
	for (int hops = 0; hops < 8; hops++) {
		struct member *m = NULL;

		for (size_t i = 0; i < src->n; i++)
			if (!strcmp(src->m[i].name, name))
				m = &src->m[i]; /* the last one wins, as tar extraction would */
		if (!m)
			return NULL;
		if (m->type == M_REG)
			return m;
		if (m->type != M_SYMLINK && m->type != M_HARDLINK)
			return NULL;
		{
			/* The next hop's name: a static buffer, rewritten on each hop. */
			static char buf[BH_LIMIT_IMAGE_PATH_BYTES * 2 + 2];
			char *t = m->type == M_HARDLINK ? strdup(m->link)
							: join_rel(m->name, m->link);
			int abs;

			if (!t || strlen(t) >= sizeof(buf) || bh_image_path_clean(t, &abs)) {
				free(t);
				return NULL;
			}
			memcpy(buf, t, strlen(t) + 1);
			free(t);
			name = buf;
		}
	}
	return NULL;
}

static void source_release(struct source *src)
{
	for (size_t i = 0; i < src->n; i++) {
		free(src->m[i].name);
		free(src->m[i].link);
		free(src->m[i].data);
	}
	free(src->m);
	memset(src, 0, sizeof(*src));
}

/* A small file of the image (JSON, blob), copied into out (malloc'd, NUL-terminated). */
/* A name taken from the image's JSON is safe to join to a layout directory: relative, no "..". */
static int safe_name(const char *name)
{
	char *c = strdup(name);
	int abs = 0, ok = c && *name != '/' && !bh_image_path_clean(c, &abs) && *c;

	free(c);
	return ok;
}

static bh_err source_get(struct source *src, const char *name, char **out, size_t *len,
			 struct bh_diag *diag)
{
	if (src->is_dir && !safe_name(name))
		return bh_diag_set(diag, BH_ERR_PARSE, src->path, 0, 0,
				   "the image names a file outside its directory: %s", name);
	if (src->is_dir) {
		char *p = malloc(strlen(src->path) + strlen(name) + 2);
		struct stat st;
		bh_err err;

		if (!p)
			return BH_ERR_NOMEM;
		memcpy(p, src->path, strlen(src->path));
		p[strlen(src->path)] = '/';
		memcpy(p + strlen(src->path) + 1, name, strlen(name) + 1);
		/* Blobs are plain files: a symlink or a FIFO in a layout is not followed. */
		if (lstat(p, &st) || !S_ISREG(st.st_mode)) {
			err = bh_diag_set(diag, BH_ERR_PARSE, src->path, 0, 0,
					  "%s is missing or not a regular file", name);
			free(p);
			return err;
		}
		err = bh_fs_read(p, BH_LIMIT_IMAGE_JSON_BYTES, out, len, diag);
		free(p);
		return err;
	} else {
		struct member *m = find_member(src, name);

		if (!m)
			return bh_diag_set(diag, BH_ERR_PARSE, src->path, 0, 0, "no member %s",
					   name);
		if (!m->kept || m->len > BH_LIMIT_IMAGE_JSON_BYTES)
			return bh_diag_set(diag, BH_ERR_LIMIT, src->path, 0, 0,
					   "member %s is larger than %u bytes", name,
					   BH_LIMIT_IMAGE_JSON_BYTES);
		*out = malloc(m->len + 1);
		if (!*out)
			return BH_ERR_NOMEM;
		memcpy(*out, m->data, m->len + 1);
		*len = m->len;
		return BH_OK;
	}
}

static int source_has(struct source *src, const char *name)
{
	if (src->is_dir) {
		struct stat st;
		char *p = malloc(strlen(src->path) + strlen(name) + 2);
		int ok;

		if (!p)
			return 0;
		memcpy(p, src->path, strlen(src->path));
		p[strlen(src->path)] = '/';
		memcpy(p + strlen(src->path) + 1, name, strlen(name) + 1);
		ok = stat(p, &st) == 0 && S_ISREG(st.st_mode);
		free(p);
		return ok;
	}
	return find_member(src, name) != NULL;
}

/* ---- plan: which config and layers ---- */

static bh_err load_json(struct source *src, const char *name, const char *want_hex, char **raw,
			size_t *rawlen, json_t **out, struct bh_diag *diag)
{
	char *d = NULL;
	size_t len = 0;
	json_error_t je;
	bh_err err = source_get(src, name, &d, &len, diag);

	if (err)
		return err;
	if (want_hex) {
		char got[65];

		bh_sha256_hex(d, len, got);
		if (strcmp(got, want_hex)) {
			free(d);
			return bh_diag_set(diag, BH_ERR_VERIFY, src->path, 0, 0,
					   "%s: digest mismatch: expected sha256:%s, got sha256:%s",
					   name, want_hex, got);
		}
	}
	*out = json_loadb(d, len, JSON_REJECT_DUPLICATES, &je);
	if (!*out) {
		free(d);
		return bh_diag_set(diag, BH_ERR_PARSE, src->path, (unsigned)je.line,
				   (unsigned)je.column, "%s: %s", name, je.text);
	}
	if (raw) {
		*raw = d;
		*rawlen = len;
	} else {
		free(d);
	}
	return BH_OK;
}

static const char *jstr(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

static char *blob_path(struct bh_arena *a, const char *hex)
{
	return bh_arena_printf(a, "blobs/sha256/%s", hex);
}

/* Split "repo/name:tag" into name and tag (a ':' after the last '/'). */
static void split_ref(struct bh_arena *a, const char *ref, const char **name, const char **tag)
{
	const char *slash = strrchr(ref, '/'), *colon = strrchr(ref, ':');

	if (colon && (!slash || colon > slash)) {
		*name = bh_arena_strndup(a, ref, (size_t)(colon - ref));
		*tag = bh_arena_strdup(a, colon + 1);
	} else {
		*name = bh_arena_strdup(a, ref);
		*tag = "";
	}
}

static bh_err plan_layers(struct bh_image *img, struct plan *p, size_t n, struct bh_diag *diag)
{
	if (n > BH_LIMIT_IMAGE_LAYERS)
		return bh_diag_set(diag, BH_ERR_LIMIT, img->label, 0, 0,
				   "%zu layers; the limit is %u", n, BH_LIMIT_IMAGE_LAYERS);
	p->nlayers = n;
	p->layers = bh_arena_alloc(&img->arena, (n ? n : 1) * sizeof(*p->layers));
	return p->layers ? BH_OK : BH_ERR_NOMEM;
}

static bh_err from_docker_manifest(struct bh_image *img, struct source *src, const char *tag,
				   struct plan *p, struct bh_diag *diag)
{
	json_t *root = NULL, *entry = NULL, *layers, *cfgj = NULL;
	const char *cfg, *base;
	bh_err err;
	size_t i;

	err = load_json(src, "manifest.json", NULL, NULL, NULL, &root, diag);
	if (err)
		return err;
	if (!json_is_array(root) || !json_array_size(root)) {
		err = bh_diag_set(diag, BH_ERR_PARSE, src->path, 0, 0,
				  "manifest.json: expected a non-empty array");
		goto out;
	}
	for (i = 0; i < json_array_size(root) && !entry; i++) {
		json_t *e = json_array_get(root, i), *tags = json_object_get(e, "RepoTags");
		size_t j;

		if (!tag) {
			entry = e;
			break;
		}
		for (j = 0; j < json_array_size(tags); j++) {
			const char *t = json_string_value(json_array_get(tags, j));
			size_t tl = t ? strlen(t) : 0, l = strlen(tag);

			if (t && (!strcmp(t, tag) ||
				  (tl > l && t[tl - l - 1] == ':' && !strcmp(t + tl - l, tag))))
				entry = e;
		}
	}
	if (!entry) {
		err = bh_diag_set(diag, BH_ERR_USAGE, src->path, 0, 0,
				  "no image tagged '%s' in manifest.json", tag);
		goto out;
	}
	cfg = jstr(entry, "Config");
	layers = json_object_get(entry, "Layers");
	if (!cfg || !json_is_array(layers)) {
		err = bh_diag_set(diag, BH_ERR_PARSE, src->path, 0, 0,
				  "manifest.json: an entry without Config or Layers");
		goto out;
	}
	{
		json_t *tags = json_object_get(entry, "RepoTags");
		const char *t = json_string_value(json_array_get(tags, 0));

		if (t)
			split_ref(&img->arena, t, &p->name, &p->tag);
	}
	/* The config is named by its digest: "<hex>.json" or "blobs/sha256/<hex>". */
	base = strrchr(cfg, '/') ? strrchr(cfg, '/') + 1 : cfg;
	{
		char hex[65] = "";

		if (is_hex64(base, strlen(base) > 64 ? 64 : strlen(base)) &&
		    (strlen(base) == 64 || !strcmp(base + 64, ".json"))) {
			memcpy(hex, base, 64);
			hex[64] = '\0';
		}
		err = load_json(src, cfg, *hex ? hex : NULL, &p->config, &p->config_len, &cfgj,
				diag);
		if (err)
			goto out;
		if (*hex)
			p->digest = bh_arena_printf(&img->arena, "sha256:%s", hex);
	}
	err = plan_layers(img, p, json_array_size(layers), diag);
	if (err)
		goto out;
	for (i = 0; i < p->nlayers; i++) {
		const char *l = json_string_value(json_array_get(layers, i));
		const char *b;
		size_t bl;

		if (!l) {
			err = bh_diag_set(diag, BH_ERR_PARSE, src->path, 0, 0,
					  "manifest.json: Layers[%zu] is not a string", i);
			goto out;
		}
		p->layers[i].member = bh_arena_strdup(&img->arena, l);
		b = strrchr(l, '/') ? strrchr(l, '/') + 1 : l;
		bl = strlen(b);
		/* "<hex>.tar" (classic) and "blobs/sha256/<hex>" (25+) name the blob by digest. */
		if ((bl == 68 && !strcmp(b + 64, ".tar") && is_hex64(b, 64)) ||
		    (bl == 64 && is_hex64(b, 64))) {
			memcpy(p->layers[i].blob_hex, b, 64);
			p->layers[i].has_blob = 1;
		}
	}
out:
	json_decref(root);
	json_decref(cfgj);
	return err;
}

static int platform_match(json_t *plat, const char *want)
{
	const char *os = jstr(plat, "os"), *arch = jstr(plat, "architecture");
	const char *var = jstr(plat, "variant");
	char buf[128];

	if (!os || !arch)
		return 0;
	snprintf(buf, sizeof(buf), "%s/%s", os, arch);
	if (!strcmp(buf, want))
		return 1;
	if (var) {
		snprintf(buf, sizeof(buf), "%s/%s/%s", os, arch, var);
		return !strcmp(buf, want);
	}
	return 0;
}

static int is_attestation(json_t *desc)
{
	json_t *ann = json_object_get(desc, "annotations"),
	       *plat = json_object_get(desc, "platform");
	const char *t = jstr(ann, "vnd.docker.reference.type");

	if (t && !strcmp(t, "attestation-manifest"))
		return 1;
	return plat && jstr(plat, "os") && !strcmp(jstr(plat, "os"), "unknown");
}

static int is_index_type(const char *mt)
{
	return mt && (!strcmp(mt, "application/vnd.oci.image.index.v1+json") ||
		      !strcmp(mt, "application/vnd.docker.distribution.manifest.list.v2+json"));
}

static bh_err from_manifest(struct bh_image *img, struct source *src, json_t *desc, struct plan *p,
			    struct bh_diag *diag)
{
	const char *hex = digest_hex(jstr(desc, "digest")), *chex;
	json_t *man = NULL, *cfgd, *layers, *cfgj = NULL;
	bh_err err;

	if (!hex)
		return bh_diag_set(diag, BH_ERR_PARSE, src->path, 0, 0,
				   "a manifest descriptor without a sha256 digest");
	err = load_json(src, blob_path(&img->arena, hex), hex, NULL, NULL, &man, diag);
	if (err)
		return err;
	p->digest = bh_arena_printf(&img->arena, "sha256:%s", hex);
	cfgd = json_object_get(man, "config");
	layers = json_object_get(man, "layers");
	chex = digest_hex(jstr(cfgd, "digest"));
	if (!chex || !json_is_array(layers)) {
		err = bh_diag_set(diag, BH_ERR_PARSE, src->path, 0, 0,
				  "manifest sha256:%s: no config digest or layers", hex);
		goto out;
	}
	err = load_json(src, blob_path(&img->arena, chex), chex, &p->config, &p->config_len, &cfgj,
			diag);
	if (err)
		goto out;
	err = plan_layers(img, p, json_array_size(layers), diag);
	if (err)
		goto out;
	for (size_t i = 0; i < p->nlayers; i++) {
		const char *lh = digest_hex(jstr(json_array_get(layers, i), "digest"));

		if (!lh) {
			err = bh_diag_set(diag, BH_ERR_PARSE, src->path, 0, 0,
					  "manifest sha256:%s: layer %zu has no sha256 digest", hex,
					  i + 1);
			goto out;
		}
		p->layers[i].member = blob_path(&img->arena, lh);
		memcpy(p->layers[i].blob_hex, lh, 65);
		p->layers[i].has_blob = 1;
	}
out:
	json_decref(man);
	json_decref(cfgj);
	return err;
}

static bh_err from_index(struct bh_image *img, struct source *src, json_t *index, const char *tag,
			 const char *platform, int depth, struct plan *p, struct bh_diag *diag)
{
	json_t *mans = json_object_get(index, "manifests"), *pick = NULL, *first = NULL;
	size_t n = json_array_size(mans);

	if (depth > BH_LIMIT_IMAGE_INDEX_DEPTH)
		return bh_diag_set(diag, BH_ERR_LIMIT, src->path, 0, 0,
				   "image indexes nested deeper than %u",
				   BH_LIMIT_IMAGE_INDEX_DEPTH);
	if (n > BH_LIMIT_IMAGE_MEMBERS)
		return bh_diag_set(diag, BH_ERR_LIMIT, src->path, 0, 0, "too many manifests");
	for (size_t i = 0; i < n; i++) {
		json_t *d = json_array_get(mans, i), *plat = json_object_get(d, "platform");
		json_t *ann = json_object_get(d, "annotations");

		if (is_attestation(d))
			continue;
		if (tag && depth == 0) {
			const char *rn = jstr(ann, "org.opencontainers.image.ref.name");
			const char *cn = jstr(ann, "io.containerd.image.name");
			size_t tl = strlen(tag), cl = cn ? strlen(cn) : 0;

			if (!(rn && !strcmp(rn, tag)) &&
			    !(cn && (!strcmp(cn, tag) || (cl > tl && cn[cl - tl - 1] == ':' &&
							  !strcmp(cn + cl - tl, tag)))))
				continue;
		}
		if (plat && platform && !platform_match(plat, platform))
			continue;
		if (!first)
			first = d;
		if (plat && !platform && !platform_match(plat, "linux/amd64"))
			continue;
		pick = d;
		break;
	}
	if (!pick)
		pick = platform ? NULL : first;
	if (!pick) {
		if (tag && depth == 0)
			return bh_diag_set(diag, BH_ERR_USAGE, src->path, 0, 0,
					   "no manifest tagged '%s' in index.json", tag);
		return bh_diag_set(diag, BH_ERR_USAGE, src->path, 0, 0,
				   "no manifest for platform %s",
				   platform ? platform : "linux/amd64");
	}
	{
		json_t *ann = json_object_get(pick, "annotations");
		const char *rn = jstr(ann, "org.opencontainers.image.ref.name");
		const char *cn = jstr(ann, "io.containerd.image.name");

		if (cn)
			split_ref(&img->arena, cn, &p->name, &p->tag);
		else if (rn && !p->tag)
			p->tag = bh_arena_strdup(&img->arena, rn);
	}
	if (is_index_type(jstr(pick, "mediaType"))) {
		const char *hex = digest_hex(jstr(pick, "digest"));
		json_t *sub = NULL;
		bh_err err;

		if (!hex)
			return bh_diag_set(diag, BH_ERR_PARSE, src->path, 0, 0,
					   "an index descriptor without a sha256 digest");
		err = load_json(src, blob_path(&img->arena, hex), hex, NULL, NULL, &sub, diag);
		if (err)
			return err;
		err = from_index(img, src, sub, NULL, platform, depth + 1, p, diag);
		json_decref(sub);
		return err;
	}
	return from_manifest(img, src, pick, p, diag);
}

/* ---- reading the layers ---- */

struct mem_reader {
	const char *data;
	size_t len;
	int done;
};

static ssize_t mem_read(void *ctx, const void **buf)
{
	struct mem_reader *m = ctx;

	if (m->done)
		return 0;
	m->done = 1;
	*buf = m->data;
	return (ssize_t)m->len;
}

struct fd_reader {
	int fd;
	char buf[1 << 16];
};

static ssize_t fd_read(void *ctx, const void **buf)
{
	struct fd_reader *f = ctx;
	ssize_t n = read(f->fd, f->buf, sizeof(f->buf));

	*buf = f->buf;
	return n;
}

struct ar_reader {
	struct archive *a;
	char buf[1 << 16];
};

static ssize_t ar_read(void *ctx, const void **buf)
{
	struct ar_reader *r = ctx;
	la_ssize_t n = AR(archive_read_data)(r->a, r->buf, sizeof(r->buf));

	*buf = r->buf;
	return n < 0 ? -1 : (ssize_t)n;
}

static const char *layer_what(struct bh_image *img, const struct layer_ref *l)
{
	return bh_arena_printf(&img->arena, "%s:%s", img->label, l->member);
}

static bh_err read_layers_dir(struct bh_image *img, struct source *src, struct plan *p,
			      struct bh_diag *diag)
{
	for (size_t i = 0; i < p->nlayers; i++) {
		struct layer_ref *l = &p->layers[i];
		char *path = bh_arena_printf(&img->arena, "%s/%s", src->path, l->member);
		struct fd_reader *f;
		struct stat st;
		bh_err err;

		if (!path)
			return BH_ERR_NOMEM;
		/* Only digest-named blobs inside the directory. */
		if (!l->has_blob || !safe_name(l->member))
			return bh_diag_set(diag, BH_ERR_PARSE, src->path, 0, 0,
					   "layer %zu is not named by a digest", i + 1);
		f = malloc(sizeof(*f));
		if (!f)
			return BH_ERR_NOMEM;
		f->fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
		if (f->fd >= 0 && (fstat(f->fd, &st) || !S_ISREG(st.st_mode))) {
			close(f->fd);
			f->fd = -1;
		}
		if (f->fd < 0) {
			free(f);
			return bh_diag_set(diag, BH_ERR_IO, path, 0, 0,
					   "cannot open layer %zu as a regular file", i + 1);
		}
		err = bh_layerfs_read(img, i, fd_read, f, l->blob_hex,
				      l->has_diff ? l->diff_hex : NULL, layer_what(img, l), diag);
		close(f->fd);
		free(f);
		if (err)
			return err;
	}
	return BH_OK;
}

static bh_err read_layers_tar(struct bh_image *img, struct source *src, struct plan *p,
			      struct bh_diag *diag)
{
	size_t left = p->nlayers;
	const char **canon = bh_arena_alloc(&img->arena, (p->nlayers + 1) * sizeof(*canon));

	if (!canon)
		return BH_ERR_NOMEM;
	/* Small blobs were kept by the first pass; the rest stream in a second pass. */
	for (size_t i = 0; i < p->nlayers; i++) {
		struct layer_ref *l = &p->layers[i];
		struct member *m = find_member(src, l->member);

		if (!m)
			return bh_diag_set(diag, BH_ERR_PARSE, src->path, 0, 0,
					   "layer %zu: no member %s in the archive", i + 1,
					   l->member);
		canon[i] = bh_arena_strdup(&img->arena, m->name);
		if (m->kept) {
			struct mem_reader r = { m->data, m->len, 0 };
			bh_err err = bh_layerfs_read(
				img, i, mem_read, &r, l->has_blob ? l->blob_hex : NULL,
				l->has_diff ? l->diff_hex : NULL, layer_what(img, l), diag);

			if (err)
				return err;
			l->done = 1;
			left--;
		}
	}
	/* One layer per member per pass: a blob used twice needs another pass. */
	for (size_t pass = 0; left && pass < p->nlayers; pass++) {
		char why[256];
		struct archive *a = open_outer(src->path, why, sizeof(why));
		struct archive_entry *ae;
		struct ar_reader *rd = malloc(sizeof(*rd));
		bh_err err = BH_OK;

		if (!a || !rd) {
			if (a)
				AR(archive_read_free)(a);
			free(rd);
			return bh_diag_set(diag, BH_ERR_IO, src->path, 0, 0, "cannot reopen: %s",
					   a ? "out of memory" : why);
		}
		rd->a = a;
		while (!err && left && AR(archive_read_next_header)(a, &ae) == ARCHIVE_OK) {
			const char *name = AR(archive_entry_pathname)(ae);
			char *clean;
			int abs;

			if (!name || AR(archive_entry_filetype)(ae) != AE_IFREG ||
			    AR(archive_entry_hardlink)(ae))
				continue;
			clean = strdup(name);
			if (!clean) {
				err = BH_ERR_NOMEM;
				break;
			}
			if (!bh_image_path_clean(clean, &abs)) {
				for (size_t i = 0; i < p->nlayers; i++) {
					struct layer_ref *l = &p->layers[i];

					if (l->done || strcmp(canon[i], clean))
						continue;
					err = bh_layerfs_read(img, i, ar_read, rd,
							      l->has_blob ? l->blob_hex : NULL,
							      l->has_diff ? l->diff_hex : NULL,
							      layer_what(img, l), diag);
					l->done = 1;
					left--;
					break;
				}
			}
			free(clean);
		}
		AR(archive_read_free)(a);
		free(rd);
		if (err)
			return err;
	}
	for (size_t i = 0; i < p->nlayers; i++)
		if (!p->layers[i].done)
			return bh_diag_set(diag, BH_ERR_PARSE, src->path, 0, 0,
					   "layer %zu (%s) could not be read", i + 1,
					   p->layers[i].member);
	return BH_OK;
}

/* ---- the config ---- */

static bh_err take_config(struct bh_image *img, struct plan *p, struct bh_diag *diag)
{
	json_error_t je;
	json_t *cfg, *diffs;

	img->config_json = bh_arena_strndup(&img->arena, p->config, p->config_len);
	img->config_len = p->config_len;
	cfg = json_loadb(p->config, p->config_len, 0, &je);
	if (!cfg || !json_is_object(cfg)) {
		json_decref(cfg);
		return bh_diag_set(diag, BH_ERR_PARSE, img->label, 0, 0,
				   "image config: not a JSON object");
	}
	img->config = cfg;
	img->created =
		jstr(cfg, "created") ? bh_arena_strdup(&img->arena, jstr(cfg, "created")) : NULL;
	img->os = bh_arena_strdup(&img->arena, jstr(cfg, "os") ? jstr(cfg, "os") : "");
	img->arch = bh_arena_strdup(&img->arena,
				    jstr(cfg, "architecture") ? jstr(cfg, "architecture") : "");
	diffs = json_object_get(json_object_get(cfg, "rootfs"), "diff_ids");
	if (diffs) {
		if (!json_is_array(diffs) || json_array_size(diffs) != p->nlayers)
			return bh_diag_set(
				diag, BH_ERR_PARSE, img->label, 0, 0,
				"image config: rootfs.diff_ids lists %zu layers, the manifest %zu",
				json_array_size(diffs), p->nlayers);
		for (size_t i = 0; i < p->nlayers; i++) {
			const char *h = digest_hex(json_string_value(json_array_get(diffs, i)));

			if (!h)
				return bh_diag_set(
					diag, BH_ERR_PARSE, img->label, 0, 0,
					"image config: diff_ids[%zu] is not a sha256 digest", i);
			memcpy(p->layers[i].diff_hex, h, 65);
			p->layers[i].has_diff = 1;
		}
	}
	return BH_OK;
}

void bh_image_release(struct bh_image *img)
{
	json_decref(img->config);
	free(img->table);
	bh_arena_release(&img->arena);
	memset(img, 0, sizeof(*img));
}

bh_err bh_image_open(struct bh_image *img, const char *spec, const char *platform,
		     struct bh_diag *diag)
{
	return bh_image_open_flags(img, spec, platform, 0, diag);
}

bh_err bh_image_open_flags(struct bh_image *img, const char *spec, const char *platform,
			   unsigned flags, struct bh_diag *diag)
{
	struct source src = { 0 };
	struct plan p = { 0 };
	struct stat st;
	const char *tag = NULL;
	char *path;
	bh_err err;

	memset(img, 0, sizeof(*img));
	bh_arena_init(&img->arena, 0);
	if (bh_archive_api_load(diag))
		return BH_ERR_IO;
	img->flags = flags;
	img->label = bh_arena_strdup(&img->arena, spec);
	path = bh_arena_strdup(&img->arena, spec);
	if (!img->label || !path) {
		err = BH_ERR_NOMEM;
		goto out;
	}
	if (stat(path, &st)) {
		char *colon = strrchr(path, ':');

		if (colon && colon != path) {
			*colon = '\0';
			tag = colon + 1;
		}
		if (!colon || !*tag || stat(path, &st)) {
			err = bh_diag_set(diag, BH_ERR_IO, spec, 0, 0, "no such file or directory");
			goto out;
		}
	}
	src.path = path;
	src.is_dir = S_ISDIR(st.st_mode);
	if (!src.is_dir) {
		err = tar_pass1(&src, diag);
		if (err)
			goto out;
	}
	if (source_has(&src, "manifest.json")) {
		err = from_docker_manifest(img, &src, tag, &p, diag);
	} else if (source_has(&src, "index.json")) {
		json_t *index = NULL;

		err = load_json(&src, "index.json", NULL, NULL, NULL, &index, diag);
		if (!err)
			err = from_index(img, &src, index, tag, platform, 0, &p, diag);
		json_decref(index);
	} else {
		err = bh_diag_set(diag, BH_ERR_PARSE, spec, 0, 0,
				  "not an image: no manifest.json or index.json (expected a "
				  "docker-archive or an OCI layout)");
	}
	if (err)
		goto out;
	img->name = p.name ? p.name : "";
	img->tag = p.tag ? p.tag : "";
	img->digest = p.digest ? p.digest : "";
	err = take_config(img, &p, diag);
	if (err)
		goto out;
	err = bh_layerfs_init(img, p.nlayers, diag);
	if (err)
		goto out;
	err = src.is_dir ? read_layers_dir(img, &src, &p, diag)
			 : read_layers_tar(img, &src, &p, diag);
	if (err)
		goto out;
	err = bh_layerfs_finish(img, diag);
out:
	if (err == BH_ERR_NOMEM && diag && !diag->msg[0])
		bh_diag_set(diag, err, spec, 0, 0, "out of memory");
	free(p.config);
	source_release(&src);
	if (err)
		bh_image_release(img);
	return err;
}

bh_err bh_image_from_layers(struct bh_image *img, const char *label, const void *const *data,
			    const size_t *len, size_t n, struct bh_diag *diag)
{
	bh_err err;

	memset(img, 0, sizeof(*img));
	bh_arena_init(&img->arena, 0);
	img->label = label;
	img->name = img->tag = img->digest = "";
	img->os = img->arch = "";
	err = bh_layerfs_init(img, n, diag);
	for (size_t i = 0; !err && i < n; i++) {
		struct mem_reader r = { data[i], len[i], 0 };

		err = bh_layerfs_read(img, i, mem_read, &r, NULL, NULL, label, diag);
	}
	if (!err)
		err = bh_layerfs_finish(img, diag);
	if (err)
		bh_image_release(img);
	return err;
}
