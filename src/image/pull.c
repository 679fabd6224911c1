/*
 * Pulling an image from an OCI registry into a private OCI layout, which the layout reader
 * (oci.c) then reads as it reads any other.
 *
 * Going through a layout keeps one reader for every source: the manifests, the config and each
 * layer are verified by the registry client as they arrive (the digest asked for against the
 * bytes received), and verified again, with the diff_ids, when the reader streams them. Blobs
 * are written to files as they stream, so memory stays bounded whatever the layer sizes; the
 * bytes written and the layer count are capped (BH_LIMIT_PULL_*). The layout lives in a fresh
 * mkdtemp directory (mode 0700) under $TMPDIR, holding only the files made here, and is
 * removed when the image is released or the pull fails.
 *
 * From an index only the manifest the reader will choose is fetched: both use
 * bh_image_index_pick, so --platform means the same thing for a pulled image and a layout.
 */
#include "pull.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/limits.h"
#include "index.h"
#include "oci.h"
#include "registry/registry.h"

#include "core/banned.h"

#define DOCKER_PREFIX "docker://"

struct pull {
	const char *spec;
	struct bh_registry *reg;
	struct bh_ref ref;
	char *dir;     /* the layout directory */
	int blobs;     /* fd of dir/blobs/sha256 */
	uint64_t left; /* bytes still allowed on disk */
	int bare;      /* no docker:// prefix: the user may have meant a file */
};

int bh_image_spec_is_remote(const char *spec)
{
	struct bh_ref ref = { 0 };
	struct stat st;
	size_t first;
	int ok;

	if (!strncmp(spec, DOCKER_PREFIX, strlen(DOCKER_PREFIX)))
		return 1;
	/* Anything on disk is a file, as is "PATH:TAG" when PATH exists. */
	if (!stat(spec, &st))
		return 0;
	{
		const char *colon = strrchr(spec, ':');

		if (colon && colon != spec) {
			char *p = strndup(spec, (size_t)(colon - spec));
			int exists = p && !stat(p, &st);

			free(p);
			if (exists)
				return 0;
		}
	}
	/* A bare reference must name its registry host: the first component holds a '.' or a ':',
	 * or is localhost. "./x" and "../x" are paths. */
	first = strcspn(spec, "/");
	if (!spec[first] || !first || (first == 1 && spec[0] == '.') ||
	    (first == 2 && spec[0] == '.' && spec[1] == '.'))
		return 0;
	if (!memchr(spec, '.', first) && !memchr(spec, ':', first) &&
	    !(first == 9 && !strncmp(spec, "localhost", 9)))
		return 0;
	ok = bh_ref_parse(spec, &ref, NULL) == BH_OK;
	bh_ref_free(&ref);
	return ok;
}

/*
 * An interrupted pull must not leave its layout behind (a layer can be gigabytes): while a pulled
 * layout exists, SIGINT, SIGTERM and SIGHUP remove it before the process dies of the signal.
 * The handler uses only async-signal-safe calls, on paths and names recorded beforehand (each
 * blob's name before its file is made). It is installed only over the default disposition, so
 * a command with handlers of its own keeps them; a process holds one pulled layout at a time.
 */
#define REAP_NAMES (BH_LIMIT_PULL_LAYERS + 16)
static const int reap_sigs[] = { SIGINT, SIGTERM, SIGHUP };
static struct {
	char dir[4096], blobs[4096 + 16], blobs_parent[4096 + 8];
	char names[REAP_NAMES][72];
	volatile sig_atomic_t n, active;
	int installed[3];
} reap;

static void reap_files(void)
{
	int dfd = open(reap.blobs, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	for (sig_atomic_t i = 0; dfd >= 0 && i < reap.n; i++)
		unlinkat(dfd, reap.names[i], 0);
	if (dfd >= 0)
		close(dfd);
	rmdir(reap.blobs);
	rmdir(reap.blobs_parent);
	dfd = open(reap.dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (dfd >= 0) {
		unlinkat(dfd, "index.json", 0);
		unlinkat(dfd, "oci-layout", 0);
		close(dfd);
	}
	rmdir(reap.dir);
}

static void reap_on_signal(int sig)
{
	int saved = errno;

	if (reap.active)
		reap_files();
	errno = saved;
	/* SA_RESETHAND restored the default action; the signal, blocked while this runs, is
	 * delivered again on return and ends the process as it would have. */
	raise(sig);
}

static void reap_arm(const char *dir)
{
	size_t n = strlen(dir);

	if (n >= sizeof(reap.dir))
		return;
	reap.active = 0;
	memcpy(reap.dir, dir, n + 1);
	snprintf(reap.blobs_parent, sizeof(reap.blobs_parent), "%s/blobs", dir);
	snprintf(reap.blobs, sizeof(reap.blobs), "%s/blobs/sha256", dir);
	reap.n = 0;
	reap.active = 1;
	for (size_t i = 0; i < sizeof(reap_sigs) / sizeof(*reap_sigs); i++) {
		struct sigaction sa = { 0 }, old;

		if (reap.installed[i] || sigaction(reap_sigs[i], NULL, &old) ||
		    old.sa_handler != SIG_DFL)
			continue;
		sa.sa_handler = reap_on_signal;
		sa.sa_flags = SA_RESETHAND;
		sigemptyset(&sa.sa_mask);
		reap.installed[i] = sigaction(reap_sigs[i], &sa, NULL) == 0;
	}
}

/* Record a blob's name before its file is made. */
static void reap_add(const char *name)
{
	if (reap.active && reap.n < REAP_NAMES && strlen(name) < sizeof(reap.names[0])) {
		memcpy(reap.names[reap.n], name, strlen(name) + 1);
		reap.n = reap.n + 1;
	}
}

static void reap_disarm(void)
{
	reap.active = 0;
	for (size_t i = 0; i < sizeof(reap_sigs) / sizeof(*reap_sigs); i++)
		if (reap.installed[i]) {
			signal(reap_sigs[i], SIG_DFL);
			reap.installed[i] = 0;
		}
}

/* Remove what a pull made: the blobs, index.json, oci-layout and the directories. Nothing else
 * is ever in the directory, which nobody but this process can write to (mode 0700). */
void bh_image_pull_remove(const char *dir)
{
	char *sub;
	DIR *d;

	if (!dir)
		return;
	sub = malloc(strlen(dir) + sizeof("/blobs/sha256"));
	if (sub) {
		memcpy(sub, dir, strlen(dir));
		memcpy(sub + strlen(dir), "/blobs/sha256", sizeof("/blobs/sha256"));
		d = opendir(sub);
		if (d) {
			struct dirent *e;

			while ((e = readdir(d)))
				if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
					unlinkat(dirfd(d), e->d_name, 0);
			closedir(d);
		}
		rmdir(sub);
		sub[strlen(dir) + sizeof("/blobs") - 1] = '\0';
		rmdir(sub);
		free(sub);
	}
	{
		int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);

		if (dfd >= 0) {
			unlinkat(dfd, "index.json", 0);
			unlinkat(dfd, "oci-layout", 0);
			close(dfd);
		}
	}
	rmdir(dir);
	/* Only now: a signal during the removal above still finds its handler. */
	if (!strcmp(dir, reap.dir))
		reap_disarm();
}

/* Restate a failure of the registry client under the image's name, keeping its reason. */
static bh_err restate(struct pull *pl, bh_err err, struct bh_diag *diag)
{
	char msg[BH_DIAG_MSG_MAX];

	if (!diag)
		return err;
	snprintf(msg, sizeof(msg), "%s", diag->msg[0] ? diag->msg : bh_err_name(err));
	/* A bare reference is also a path that does not exist: say both, in case a file was
	 * meant. */
	return bh_diag_set(diag, err, pl->spec, 0, 0, "%spulling from %s: %s",
			   pl->bare ? "no such file; as a registry image, " : "", pl->ref.registry,
			   msg);
}

static bh_err write_at(struct pull *pl, int dfd, const char *name, const void *data, size_t len,
		       struct bh_diag *diag)
{
	int fd;
	size_t done = 0;

	if (dfd == pl->blobs)
		reap_add(name);
	fd = openat(dfd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);

	if (fd < 0 && errno == EEXIST)
		return BH_OK; /* a blob named by a verified digest is already right */
	while (fd >= 0 && done < len) {
		ssize_t w = write(fd, (const char *)data + done, len - done);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		done += (size_t)w;
	}
	if (fd < 0 || done < len || close(fd)) {
		int e = errno;

		if (fd >= 0 && done < len)
			close(fd);
		return bh_diag_set(diag, BH_ERR_IO, pl->spec, 0, 0,
				   "cannot write %s in the temporary layout %s: %s", name, pl->dir,
				   strerror(e ? e : EIO));
	}
	return BH_OK;
}

static bh_err charge(struct pull *pl, uint64_t n, struct bh_diag *diag)
{
	if (n > pl->left)
		return bh_diag_set(diag, BH_ERR_LIMIT, pl->spec, 0, 0,
				   "the image is larger than %llu bytes (BH_LIMIT_PULL_BYTES)",
				   (unsigned long long)BH_LIMIT_PULL_BYTES);
	pl->left -= n;
	return BH_OK;
}

static int is_index_mt(const char *mt)
{
	return !strcmp(mt, BH_MT_OCI_INDEX) || !strcmp(mt, BH_MT_DOCKER_LIST);
}

static int is_manifest_mt(const char *mt)
{
	return !strcmp(mt, BH_MT_OCI_MANIFEST) || !strcmp(mt, BH_MT_DOCKER_MANIFEST);
}

/* GET a manifest or index by tag or digest, store it as a blob and parse it. */
static bh_err get_manifest(struct pull *pl, const char *ref, json_t **root, char **mt,
			   char digest[BH_DIGEST_BUF], size_t *size, struct bh_diag *diag)
{
	struct bh_buf b = BH_BUF_INIT;
	json_error_t je;
	bh_err err;

	*mt = NULL;
	*root = NULL;
	err = bh_registry_get_manifest(pl->reg, pl->ref.repository, ref, &b, mt, digest, diag);
	if (err) {
		err = restate(pl, err, diag);
		goto out;
	}
	err = charge(pl, b.len, diag);
	if (!err)
		err = write_at(pl, pl->blobs, digest + 7, b.data ? b.data : "", b.len, diag);
	if (err)
		goto out;
	*size = b.len;
	*root = json_loadb(b.data ? b.data : "", b.len, JSON_REJECT_DUPLICATES, &je);
	if (!*root || !json_is_object(*root)) {
		json_decref(*root);
		*root = NULL;
		err = bh_diag_set(diag, BH_ERR_PARSE, pl->spec, 0, 0,
				  "manifest %s: not a JSON object: %s", digest,
				  *je.text ? je.text : "wrong type");
	}
out:
	if (err) {
		free(*mt);
		*mt = NULL;
	}
	bh_buf_release(&b);
	return err;
}

/* GET a blob into the layout, streaming, within the bytes left (and max). */
static bh_err get_blob(struct pull *pl, const char *digest, uint64_t max, const char *what,
		       struct bh_diag *diag)
{
	uint64_t got = 0;
	bh_err err;
	int fd;

	if (!bh_digest_valid(digest))
		return bh_diag_set(diag, BH_ERR_PARSE, pl->spec, 0, 0,
				   "the manifest names the %s by something other than a sha256 "
				   "digest",
				   what);
	reap_add(digest + 7);
	fd = openat(pl->blobs, digest + 7, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
		    0600);
	if (fd < 0 && errno == EEXIST)
		return BH_OK; /* the same blob twice: fetched and verified once */
	if (fd < 0)
		return bh_diag_set(diag, BH_ERR_IO, pl->spec, 0, 0,
				   "cannot create a blob in the temporary layout %s: %s", pl->dir,
				   strerror(errno));
	if (max > pl->left)
		max = pl->left;
	err = bh_registry_get_blob_to_fd(pl->reg, pl->ref.repository, digest, max, fd, &got, diag);
	if (close(fd) && !err)
		err = bh_diag_set(diag, BH_ERR_IO, pl->spec, 0, 0,
				  "cannot write a blob in the temporary layout %s: %s", pl->dir,
				  strerror(errno));
	if (err == BH_ERR_LIMIT && max == pl->left)
		err = bh_diag_set(
			diag, BH_ERR_LIMIT, pl->spec, 0, 0,
			"%s %s: the image is larger than %llu bytes (BH_LIMIT_PULL_BYTES)", what,
			digest, (unsigned long long)BH_LIMIT_PULL_BYTES);
	else if (err)
		err = restate(pl, err, diag);
	if (err) {
		unlinkat(pl->blobs, digest + 7, 0);
		return err;
	}
	pl->left -= got;
	return BH_OK;
}

static bh_err make_layout(struct pull *pl, struct bh_diag *diag)
{
	const char *tmp = getenv("TMPDIR");
	size_t n;
	int dfd;

	if (!tmp || !*tmp)
		tmp = "/tmp";
	n = strlen(tmp) + sizeof("/bulkhead-pull-XXXXXX");
	pl->dir = malloc(n);
	if (!pl->dir)
		return BH_ERR_NOMEM;
	snprintf(pl->dir, n, "%s/bulkhead-pull-XXXXXX", tmp);
	/* mkdtemp makes the directory 0700: other users can neither read nor plant blobs. */
	if (!mkdtemp(pl->dir)) {
		int e = errno;

		free(pl->dir);
		pl->dir = NULL;
		return bh_diag_set(diag, BH_ERR_IO, pl->spec, 0, 0,
				   "cannot make a temporary directory under %s: %s", tmp,
				   strerror(e));
	}
	reap_arm(pl->dir);
	dfd = open(pl->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (dfd < 0 || mkdirat(dfd, "blobs", 0700) || mkdirat(dfd, "blobs/sha256", 0700) ||
	    (pl->blobs = openat(dfd, "blobs/sha256",
				O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW)) < 0) {
		int e = errno;

		if (dfd >= 0)
			close(dfd);
		return bh_diag_set(diag, BH_ERR_IO, pl->spec, 0, 0, "cannot set up %s: %s", pl->dir,
				   strerror(e));
	}
	close(dfd);
	return BH_OK;
}

/* index.json naming the top manifest or index as fetched, tagged with the reference's tag;
 * oci-layout last. */
static bh_err write_index(struct pull *pl, const char *mt, const char *digest, size_t size,
			  struct bh_diag *diag)
{
	json_t *root = json_pack("{s:i, s:[{s:s, s:s, s:I}]}", "schemaVersion", 2, "manifests",
				 "mediaType", mt, "digest", digest, "size", (json_int_t)size);
	char *text;
	bh_err err;
	int dfd;

	if (root && pl->ref.tag)
		json_object_set_new(
			json_array_get(json_object_get(root, "manifests"), 0), "annotations",
			json_pack("{s:s}", "org.opencontainers.image.ref.name", pl->ref.tag));
	text = root ? json_dumps(root, JSON_COMPACT) : NULL;
	json_decref(root);
	if (!text)
		return BH_ERR_NOMEM;
	dfd = open(pl->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (dfd < 0) {
		free(text);
		return bh_diag_set(diag, BH_ERR_IO, pl->spec, 0, 0, "cannot open %s: %s", pl->dir,
				   strerror(errno));
	}
	err = write_at(pl, dfd, "index.json", text, strlen(text), diag);
	if (!err)
		err = write_at(pl, dfd, "oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}", 30,
			       diag);
	close(dfd);
	free(text);
	return err;
}

/* The config and layers of one image manifest. */
static bh_err get_image(struct pull *pl, json_t *man, const char *digest, struct bh_diag *diag)
{
	json_t *layers = json_object_get(man, "layers");
	const char *cfg =
		json_string_value(json_object_get(json_object_get(man, "config"), "digest"));
	uint64_t declared = 0;
	size_t n;
	bh_err err;

	if (!cfg || !json_is_array(layers))
		return bh_diag_set(diag, BH_ERR_PARSE, pl->spec, 0, 0,
				   "manifest %s: no config digest or layers", digest);
	n = json_array_size(layers);
	if (n > BH_LIMIT_PULL_LAYERS)
		return bh_diag_set(
			diag, BH_ERR_LIMIT, pl->spec, 0, 0,
			"manifest %s: %zu layers; the limit is %u (BH_LIMIT_PULL_LAYERS)", digest,
			n, BH_LIMIT_PULL_LAYERS);
	/* Refuse up front an image whose declared sizes exceed the limit; the download itself is
	 * capped too, for a manifest that understates them. */
	for (size_t i = 0; i < n; i++) {
		json_t *sz = json_object_get(json_array_get(layers, i), "size");

		if (json_is_integer(sz) && json_integer_value(sz) > 0)
			declared += (uint64_t)json_integer_value(sz);
		if (declared > pl->left)
			return bh_diag_set(diag, BH_ERR_LIMIT, pl->spec, 0, 0,
					   "manifest %s: the layers declare more than %llu bytes "
					   "(BH_LIMIT_PULL_BYTES)",
					   digest, (unsigned long long)BH_LIMIT_PULL_BYTES);
	}
	err = get_blob(pl, cfg, BH_LIMIT_IMAGE_JSON_BYTES, "config", diag);
	for (size_t i = 0; !err && i < n; i++) {
		const char *ld =
			json_string_value(json_object_get(json_array_get(layers, i), "digest"));

		err = get_blob(pl, ld ? ld : "", UINT64_MAX, "layer", diag);
	}
	return err;
}

bh_err bh_image_pull(const char *spec, const struct bh_registry_opts *opts, const char *platform,
		     struct bh_image_pulled *out, struct bh_diag *diag)
{
	static const struct bh_registry_opts defaults = { 0 };
	struct pull pl = { .spec = spec, .blobs = -1, .left = BH_LIMIT_PULL_BYTES };
	const char *refstr = spec;
	char top_digest[BH_DIGEST_BUF], digest[BH_DIGEST_BUF];
	char *top_mt = NULL, *mt = NULL;
	size_t top_size = 0, size = 0;
	json_t *root = NULL;
	bh_err err;

	memset(out, 0, sizeof(*out));
	if (!strncmp(refstr, DOCKER_PREFIX, strlen(DOCKER_PREFIX)))
		refstr += strlen(DOCKER_PREFIX);
	else
		pl.bare = 1;
	err = bh_ref_parse(refstr, &pl.ref, diag);
	if (err) {
		char msg[BH_DIAG_MSG_MAX];

		snprintf(msg, sizeof(msg), "%s", diag ? diag->msg : "");
		return bh_diag_set(diag, err, spec, 0, 0, "not an image reference: %s", msg);
	}
	err = bh_registry_open(&pl.reg, pl.ref.registry, opts ? opts : &defaults, diag);
	if (err) {
		err = restate(&pl, err, diag);
		goto out;
	}
	err = make_layout(&pl, diag);
	if (err)
		goto out;
	err = get_manifest(&pl,
			   pl.ref.digest ? pl.ref.digest
			   : pl.ref.tag	 ? pl.ref.tag
					 : "latest",
			   &root, &top_mt, top_digest, &top_size, diag);
	if (err)
		goto out;
	memcpy(digest, top_digest, sizeof(digest));
	mt = strdup(top_mt);
	if (!mt) {
		err = BH_ERR_NOMEM;
		goto out;
	}
	for (unsigned depth = 0; is_index_mt(mt); depth++) {
		json_t *pick;
		char *want;

		if (depth >= BH_LIMIT_IMAGE_INDEX_DEPTH) {
			err = bh_diag_set(diag, BH_ERR_LIMIT, spec, 0, 0,
					  "image indexes nested deeper than %u",
					  BH_LIMIT_IMAGE_INDEX_DEPTH);
			goto out;
		}
		pick = bh_image_index_pick(root, NULL, platform);
		if (!pick) {
			err = bh_diag_set(diag, BH_ERR_USAGE, spec, 0, 0,
					  "the index %s has no manifest for platform %s", digest,
					  platform ? platform : "linux/amd64");
			goto out;
		}
		if (!bh_digest_valid(json_string_value(json_object_get(pick, "digest")))) {
			err = bh_diag_set(diag, BH_ERR_PARSE, spec, 0, 0,
					  "the index %s names a manifest without a sha256 digest",
					  digest);
			goto out;
		}
		want = strdup(json_string_value(json_object_get(pick, "digest")));
		json_decref(root);
		root = NULL;
		free(mt);
		mt = NULL;
		if (!want) {
			err = BH_ERR_NOMEM;
			goto out;
		}
		err = get_manifest(&pl, want, &root, &mt, digest, &size, diag);
		free(want);
		if (err)
			goto out;
	}
	if (!is_manifest_mt(mt)) {
		char shown[128];
		size_t i;

		/* The media type came from the registry: show it printable and short. */
		for (i = 0; mt[i] && i < sizeof(shown) - 1; i++)
			shown[i] = mt[i] > 32 && mt[i] < 127 ? mt[i] : '?';
		shown[i] = '\0';
		err = bh_diag_set(
			diag, BH_ERR_PARSE, spec, 0, 0,
			"manifest %s has the unsupported media type '%s' (expected an OCI "
			"or Docker v2 image manifest or index)",
			digest, shown);
		goto out;
	}
	err = get_image(&pl, root, digest, diag);
	if (!err)
		err = write_index(&pl, top_mt, top_digest, top_size, diag);
	if (err)
		goto out;
	out->dir = pl.dir;
	pl.dir = NULL;
	out->name =
		bh_ref_format(&(struct bh_ref){ pl.ref.registry, pl.ref.repository, NULL, NULL });
	out->tag = strdup(pl.ref.tag ? pl.ref.tag : "");
	if (!out->name || !out->tag) {
		err = BH_ERR_NOMEM;
		bh_image_pulled_free(out);
	}
out:
	if (err == BH_ERR_NOMEM && diag && !diag->msg[0])
		bh_diag_set(diag, err, spec, 0, 0, "out of memory");
	json_decref(root);
	free(mt);
	free(top_mt);
	if (pl.blobs >= 0)
		close(pl.blobs);
	if (pl.dir) {
		bh_image_pull_remove(pl.dir);
		free(pl.dir);
	}
	bh_registry_close(pl.reg);
	bh_ref_free(&pl.ref);
	return err;
}

void bh_image_pulled_free(struct bh_image_pulled *p)
{
	if (p->dir) {
		bh_image_pull_remove(p->dir);
		free(p->dir);
	}
	free(p->name);
	free(p->tag);
	memset(p, 0, sizeof(*p));
}
