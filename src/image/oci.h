/*
 * Built images: the reader (docker-archive, Docker 25+ OCI-in-tar, OCI layout directory or a tar
 * of one), the in-memory filesystem that applying the layers produces, the package databases
 * found in it and the SBOM written from them.
 *
 * Nothing is ever extracted to disk: each layer is streamed once through libarchive, its blob and
 * diff_id digests are checked, and its entries are applied (whiteouts and opaque directories
 * included) to a tree held in the image's arena. File contents are kept only for the few files
 * that later stages read (package databases, os-release, passwd); every regular file of every
 * layer, including those a later layer deletes, is scanned for secrets while it streams by.
 */
#ifndef BH_IMAGE_OCI_H
#define BH_IMAGE_OCI_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"

enum bh_img_type {
	BH_IMG_REG,
	BH_IMG_DIR,
	BH_IMG_SYMLINK,
	BH_IMG_CHR,
	BH_IMG_BLK,
	BH_IMG_FIFO,
};

/* One path of the final filesystem. Paths have no leading slash; the root's path is "". */
struct bh_img_node {
	const char *name;
	const char *path;
	struct bh_img_node *parent, *child, *next, *prev; /* children, doubly linked */
	struct bh_img_node *hnext;			  /* hash chain */
	enum bh_img_type type;
	unsigned mode; /* permission bits with setuid, setgid, sticky */
	unsigned uid, gid;
	uint64_t size;
	const char *link; /* symlink target */
	const char *data; /* contents when the file is one we keep, else NULL */
	size_t len;
	unsigned layer; /* the layer that last wrote this path */
	int caps;	/* carries security.capability (file capabilities) */
};

/* Something notable about the archive itself, found while reading the layers. */
enum bh_img_event_kind {
	BH_IMG_EV_DOTDOT,	/* an entry with a ".." component: skipped */
	BH_IMG_EV_ABSOLUTE,	/* an entry with an absolute path: read relative to the root */
	BH_IMG_EV_LINK_ESCAPE,	/* a relative symlink that climbs above the root */
	BH_IMG_EV_HLINK_ESCAPE, /* a hard link to a path outside the root: skipped */
	BH_IMG_EV_SECRET,	/* bh_secrets_scan_buffer() matched in a layer file */
	BH_IMG_EV_PRIVATE_KEY,	/* a PEM or OpenSSH private key in a layer file */
};

struct bh_img_layer;

struct bh_img_event {
	enum bh_img_event_kind kind;
	unsigned layer; /* 0-based */
	const char *path;
	const char *detail; /* the link target, the secret rule and its redacted form */
	unsigned line;
	int deleted; /* secrets: the file is absent from the final filesystem */
};

struct bh_image {
	struct bh_arena arena;
	const char *label;	 /* the IMAGE argument, for messages and findings */
	const char *name;	 /* repository name or "" */
	const char *tag;	 /* tag or "" */
	const char *digest;	 /* "sha256:..." of the manifest (OCI) or the config (classic) */
	const char *config_json; /* the config blob, NUL-terminated */
	size_t config_len;
	void *config;	       /* json_t * of the config */
	const char *created;   /* config "created", or NULL */
	const char *os, *arch; /* config os and architecture */
	size_t nlayers;
	uint64_t bytes; /* uncompressed bytes of all layers */
	uint64_t compressed;
	struct bh_img_node *root;
	struct bh_img_node **table; /* path hash */
	size_t table_cap, nnodes, entries;
	struct bh_img_event *events;
	size_t nevents, events_cap;
	uint64_t kept;		     /* bytes of kept file contents */
	struct bh_img_layer *layers; /* parsed entries per layer, applied in order by finish */
	unsigned flags;		     /* BH_IMAGE_* given to bh_image_open_flags */
	char *pulled_dir; /* the private layout a registry image was pulled into, removed on release
			   */
};

/* Skip the secret and private-key scan of layer files (an SBOM does not need it). */
#define BH_IMAGE_NO_CONTENT_SCAN 0x1u

/*
 * Read the image named by spec: a tar file (docker-archive, OCI-in-tar, a tar of an OCI layout,
 * optionally gzip'd), an OCI layout directory, or either followed by ":TAG". platform
 * ("os/arch[/variant]") picks a manifest from an index; NULL takes the host's linux/amd64, then
 * the first. Errors: BH_ERR_IO (cannot read), BH_ERR_PARSE (malformed, truncated), BH_ERR_LIMIT
 * (limits.h), BH_ERR_VERIFY (a digest mismatch), BH_ERR_USAGE (no such tag or platform).
 * On failure img is released. The caller releases img with bh_image_release().
 */
bh_err bh_image_open(struct bh_image *img, const char *spec, const char *platform,
		     struct bh_diag *diag);
/* The same with BH_IMAGE_* flags. */
bh_err bh_image_open_flags(struct bh_image *img, const char *spec, const char *platform,
			   unsigned flags, struct bh_diag *diag);

struct bh_registry_opts;
/*
 * The same, where spec may also name an image in a registry (bh_image_spec_is_remote): it is
 * pulled with reg (NULL: HTTPS with the default credentials) into a private temporary OCI
 * layout that bh_image_release() removes, and read from there; img->label stays spec.
 * Registry failures add BH_ERR_NET (unreachable, refused credentials) and BH_ERR_NOTFOUND.
 */
bh_err bh_image_open_reg(struct bh_image *img, const char *spec, const char *platform,
			 unsigned flags, const struct bh_registry_opts *reg, struct bh_diag *diag);
/*
 * Whether spec names a registry image rather than a file: "docker://HOST[:PORT]/REPO[:TAG|
 * @DIGEST]", or the same without the prefix when it is not an existing path (nor PATH:TAG of
 * one) and its first component is a registry host (holds a '.' or ':', or is localhost).
 */
int bh_image_spec_is_remote(const char *spec);
void bh_image_release(struct bh_image *img);

/* The node at path (no leading slash), without following symlinks; NULL when absent. */
struct bh_img_node *bh_image_lookup(const struct bh_image *img, const char *path);
/* The node path names after following symlinks in every component; NULL when dangling. */
const struct bh_img_node *bh_image_resolve(const struct bh_image *img, const char *path);
/* Visit every node of the final filesystem in depth-first, name-sorted-by-insertion order. */
void bh_image_walk(const struct bh_image *img, void (*fn)(const struct bh_img_node *n, void *ctx),
		   void *ctx);

/*
 * Lower-level pieces, exposed for the tests and fuzzers. Whether a layer path is one whose
 * contents are kept (package databases, os-release, passwd).
 */
int bh_image_keep_path(const char *path);
/* Normalise a tar member name in place: strip "./" and "/", collapse "//" and "/./". Returns 0,
 * or -1 when a ".." component makes it unsafe; *absolute is set for a leading "/". */
int bh_image_path_clean(char *path, int *absolute);
/*
 * Build an image from layer streams held in memory (gzip, zstd or plain tars), without a config:
 * for the fuzzers and unit tests. The digests are not checked.
 */
bh_err bh_image_from_layers(struct bh_image *img, const char *label, const void *const *data,
			    const size_t *len, size_t n, struct bh_diag *diag);

/* ---- IM rules (im_rules.c) ---- */

struct bh_scan;
/* Run the IM rules on img; findings go to s (file = img->label). */
bh_err bh_image_audit(struct bh_scan *s, const struct bh_image *img);
/* Whether an env or build-arg name says it holds a credential (PASSWORD, API_KEY, ...). */
int bh_im_secret_name(const char *key, size_t len);
/* Whether a value is empty, a reference ($X, <x>, a path) or a placeholder (xxx, none). */
int bh_im_placeholder(const char *v, size_t len);

/* ---- packages (pkgdb.c) ---- */

enum bh_pkg_type {
	BH_PKG_DEB,
	BH_PKG_APK,
	BH_PKG_RPM,
	BH_PKG_PYPI,
	BH_PKG_NPM,
};

struct bh_pkg {
	enum bh_pkg_type type;
	const char *name;
	const char *version; /* as the ecosystem writes it; rpm: version-release */
	const char *epoch;   /* rpm only, or NULL */
	const char *source;  /* source package, or NULL */
	const char *source_version;
	const char *arch;
	const char *license;  /* as declared; deb: the DEP-5 licences joined with ", " */
	const char *supplier; /* maintainer or vendor, or NULL */
	const char *location; /* the database file it came from */
	const char *purl;
};

struct bh_os_info {
	const char *id;		/* "debian", "alpine", "rhel"... or NULL */
	const char *version_id; /* "12", "3.18.4" */
	const char *pretty_name;
};

struct bh_pkgs {
	struct bh_pkg *items;
	size_t n, cap;
	struct bh_os_info os;
	char **warnings; /* arena strings: databases that could not be read */
	size_t nwarnings, warnings_cap;
};

/* Every package of the image's final filesystem, sorted by type, name, version and location. */
bh_err bh_pkgdb_collect(const struct bh_image *img, struct bh_arena *a, struct bh_pkgs *out,
			struct bh_diag *diag);

/* The parsers, one per database format; each appends to out (arena strings). */
bh_err bh_pkgdb_dpkg(struct bh_arena *a, const char *data, size_t len, const char *location,
		     struct bh_pkgs *out, struct bh_diag *diag);
bh_err bh_pkgdb_apk(struct bh_arena *a, const char *data, size_t len, const char *location,
		    struct bh_pkgs *out, struct bh_diag *diag);
bh_err bh_pkgdb_python(struct bh_arena *a, const char *data, size_t len, const char *location,
		       struct bh_pkgs *out, struct bh_diag *diag);
bh_err bh_pkgdb_npm(struct bh_arena *a, const char *data, size_t len, const char *location,
		    struct bh_pkgs *out, struct bh_diag *diag);
bh_err bh_pkgdb_rpm_header(struct bh_arena *a, const unsigned char *blob, size_t len,
			   const char *location, struct bh_pkgs *out, struct bh_diag *diag);
bh_err bh_pkgdb_rpmdb(struct bh_arena *a, const char *data, size_t len, const char *location,
		      struct bh_pkgs *out, struct bh_diag *diag);
/* The licence names of a machine-readable (DEP-5) Debian copyright file, joined with ", ", or
 * NULL for a free-form file. */
const char *bh_pkgdb_deb_copyright(struct bh_arena *a, const char *data, size_t len);
void bh_pkgdb_os_release(struct bh_arena *a, const char *data, size_t len, struct bh_os_info *os);
/* Fill every package's purl from its fields and out->os. */
bh_err bh_pkgs_purls(struct bh_arena *a, struct bh_pkgs *pkgs);

/* ---- purl (purl.c) ---- */

struct bh_purl_qualifier {
	const char *key, *value;
};

/* The canonical purl of the components (namespace, version, subpath may be NULL); qualifiers
 * with empty values are dropped and the rest sorted by key. */
bh_err bh_purl_build(struct bh_buf *out, const char *type, const char *ns, const char *name,
		     const char *version, const struct bh_purl_qualifier *q, size_t nq,
		     const char *subpath);

/* ---- SBOM (sbom.c) ---- */

enum bh_sbom_format {
	BH_SBOM_SPDX,
	BH_SBOM_CYCLONEDX,
};

/* The SBOM document for img and its packages, deterministic: the same image gives the same bytes.
 */
bh_err bh_sbom_write(const struct bh_image *img, const struct bh_pkgs *pkgs,
		     enum bh_sbom_format fmt, struct bh_buf *out, struct bh_diag *diag);

#endif
