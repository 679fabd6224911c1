/*
 * Git history through libgit2. Commits are walked in reverse topological order, so a commit
 * comes after its parents; each is diffed against its first parent (the empty tree for a root)
 * and every blob it adds or changes that no earlier commit held becomes a job. A blob is thus
 * scanned once however many commits and branches hold it, and is attributed to the first commit
 * that introduced it. A blob merged in from a side branch was already seen on that branch, so
 * diffing merges against their first parent only loses nothing.
 */
#include "history.h"

#include <git2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/banned.h"
#include "core/fs.h"
#include "core/limits.h"

/* An open-addressing set of blob ids: the first 8 bytes of a SHA-1 are hash enough. */
struct oidset {
	unsigned char (*slots)[20];
	unsigned char *used;
	size_t cap, n;
};

static size_t oid_hash(const unsigned char *id)
{
	size_t h;

	memcpy(&h, id, sizeof(h));
	return h;
}

static int oidset_grow(struct oidset *s)
{
	struct oidset ns = { 0 };

	ns.cap = s->cap ? s->cap * 2 : 4096;
	ns.slots = calloc(ns.cap, sizeof(*ns.slots));
	ns.used = calloc(ns.cap, 1);
	if (!ns.slots || !ns.used) {
		free(ns.slots);
		free(ns.used);
		return -1;
	}
	for (size_t i = 0; i < s->cap; i++) {
		if (s->used[i]) {
			size_t k = oid_hash(s->slots[i]) & (ns.cap - 1);

			while (ns.used[k])
				k = (k + 1) & (ns.cap - 1);
			ns.used[k] = 1;
			memcpy(ns.slots[k], s->slots[i], 20);
			ns.n++;
		}
	}
	free(s->slots);
	free(s->used);
	*s = ns;
	return 0;
}

/* Insert id; 1 when it was new, 0 when present, -1 when out of memory. */
static int oidset_add(struct oidset *s, const unsigned char *id)
{
	size_t k;

	if ((s->n + 1) * 2 > s->cap && oidset_grow(s))
		return -1;
	k = oid_hash(id) & (s->cap - 1);
	while (s->used[k]) {
		if (!memcmp(s->slots[k], id, 20))
			return 0;
		k = (k + 1) & (s->cap - 1);
	}
	s->used[k] = 1;
	memcpy(s->slots[k], id, 20);
	s->n++;
	return 1;
}

static bh_err git_fail(struct bh_diag *diag, const char *path, const char *what)
{
	const git_error *e = git_error_last();

	return bh_diag_set(diag, BH_ERR_IO, path, 0, 0, "%s: %s", what,
			   e && e->message ? e->message : "libgit2 error");
}

struct collect {
	struct bh_git_jobs *out;
	struct bh_arena *a;
	struct oidset seen;
	const char *object, *history;
};

static bh_err add_job(struct collect *c, const git_diff_delta *d)
{
	struct bh_git_job *j;
	int k;

	if (d->status != GIT_DELTA_ADDED && d->status != GIT_DELTA_MODIFIED &&
	    d->status != GIT_DELTA_RENAMED && d->status != GIT_DELTA_COPIED &&
	    d->status != GIT_DELTA_TYPECHANGE)
		return BH_OK;
	/* Blobs only: not submodule commits, not symlink targets. */
	if (d->new_file.mode != GIT_FILEMODE_BLOB &&
	    d->new_file.mode != GIT_FILEMODE_BLOB_EXECUTABLE)
		return BH_OK;
	k = oidset_add(&c->seen, d->new_file.id.id);
	if (k <= 0)
		return k < 0 ? BH_ERR_NOMEM : BH_OK;
	if (c->out->n == c->out->cap) {
		size_t ncap = c->out->cap ? c->out->cap * 2 : 1024;
		struct bh_git_job *p = realloc(c->out->jobs, ncap * sizeof(*p));

		if (!p)
			return BH_ERR_NOMEM;
		c->out->jobs = p;
		c->out->cap = ncap;
	}
	j = &c->out->jobs[c->out->n++];
	memcpy(j->oid, d->new_file.id.id, 20);
	j->path = bh_arena_strdup(c->a, d->new_file.path);
	j->object = c->object;
	j->history = c->history;
	return j->path ? BH_OK : BH_ERR_NOMEM;
}

static bh_err push_range(git_repository *repo, git_revwalk *walk, const char *path,
			 const char *range, struct bh_diag *diag)
{
	git_object *obj = NULL;
	int rc;

	if (!range) {
		if (git_revwalk_push_glob(walk, "refs/*"))
			return git_fail(diag, path, "cannot list refs");
		rc = git_revwalk_push_head(walk);
		/* An unborn HEAD (a fresh repository) is no error; other failures are. */
		if (rc && rc != GIT_ENOTFOUND && rc != GIT_EUNBORNBRANCH)
			return git_fail(diag, path, "cannot read HEAD");
		return BH_OK;
	}
	if (strstr(range, "..")) {
		if (git_revwalk_push_range(walk, range))
			return bh_diag_set(diag, BH_ERR_USAGE, path, 0, 0, "bad git range '%s': %s",
					   range,
					   git_error_last() ? git_error_last()->message : "?");
		return BH_OK;
	}
	if (git_revparse_single(&obj, repo, range))
		return bh_diag_set(diag, BH_ERR_USAGE, path, 0, 0, "unknown revision '%s'", range);
	rc = git_revwalk_push(walk, git_object_id(obj));
	git_object_free(obj);
	if (rc)
		return bh_diag_set(diag, BH_ERR_USAGE, path, 0, 0, "'%s' is not a commit", range);
	return BH_OK;
}

static void describe(struct collect *c, git_commit *commit)
{
	char sha[GIT_OID_HEXSZ + 1], when[32];
	const git_signature *au = git_commit_author(commit);
	time_t t = au ? (time_t)au->when.time : 0;
	struct tm tm;

	git_oid_tostr(sha, sizeof(sha), git_commit_id(commit));
	gmtime_r(&t, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	c->object = bh_arena_printf(c->a, "commit %s", sha);
	c->history = bh_arena_printf(c->a, "(added in commit %.12s by %s <%s> on %s)", sha,
				     au && au->name ? au->name : "?",
				     au && au->email ? au->email : "?", when);
}

bh_err bh_git_collect(const char *path, const char *range, struct bh_arena *a,
		      struct bh_git_jobs *out, struct bh_diag *diag)
{
	git_repository *repo = NULL;
	git_revwalk *walk = NULL;
	struct collect c = { out, a, { 0 }, NULL, NULL };
	git_oid oid;
	git_diff_options dopts;
	bh_err err = BH_OK;
	int rc;

	memset(out, 0, sizeof(*out));
	git_libgit2_init();
	out->inited = 1;
	if (git_repository_open_ext(&repo, path, 0, NULL)) {
		/* An input error (exit 2), not an operational one. */
		git_fail(diag, path, "not a git repository");
		err = BH_ERR_USAGE;
		goto out;
	}
	out->repo_path = bh_arena_strdup(a, git_repository_path(repo));
	if (git_revwalk_new(&walk, repo)) {
		err = git_fail(diag, path, "cannot walk history");
		goto out;
	}
	git_revwalk_sorting(walk, GIT_SORT_TOPOLOGICAL | GIT_SORT_REVERSE);
	err = push_range(repo, walk, path, range, diag);
	if (err)
		goto out;
	git_diff_options_init(&dopts, GIT_DIFF_OPTIONS_VERSION);
	dopts.flags = GIT_DIFF_SKIP_BINARY_CHECK;
	while ((rc = git_revwalk_next(&oid, walk)) == 0) {
		git_commit *commit = NULL, *parent = NULL;
		git_tree *tree = NULL, *ptree = NULL;
		git_diff *diff = NULL;

		if (git_commit_lookup(&commit, repo, &oid) || git_commit_tree(&tree, commit) ||
		    (git_commit_parentcount(commit) > 0 &&
		     (git_commit_parent(&parent, commit, 0) || git_commit_tree(&ptree, parent))) ||
		    git_diff_tree_to_tree(&diff, repo, ptree, tree, &dopts)) {
			err = git_fail(diag, path, "cannot read a commit");
		} else {
			describe(&c, commit);
			out->commits++;
			for (size_t i = 0, nd = git_diff_num_deltas(diff); i < nd && !err; i++)
				err = add_job(&c, git_diff_get_delta(diff, i));
		}
		git_diff_free(diff);
		git_tree_free(ptree);
		git_tree_free(tree);
		git_commit_free(parent);
		git_commit_free(commit);
		if (err)
			goto out;
	}
	if (rc != GIT_ITEROVER)
		err = git_fail(diag, path, "cannot walk history");
out:
	free(c.seen.slots);
	free(c.seen.used);
	git_revwalk_free(walk);
	git_repository_free(repo);
	if (err) {
		free(out->jobs);
		out->jobs = NULL;
		out->n = out->cap = 0;
	}
	return err;
}

void bh_git_jobs_release(struct bh_git_jobs *j)
{
	free(j->jobs);
	j->jobs = NULL;
	j->n = j->cap = 0;
	if (j->inited)
		git_libgit2_shutdown();
	j->inited = 0;
}

struct bh_git_reader {
	git_repository *repo;
	git_odb *odb;
	git_blob *blob;
};

bh_err bh_git_reader_open(const struct bh_git_jobs *j, struct bh_git_reader **out)
{
	struct bh_git_reader *r = calloc(1, sizeof(*r));

	if (!r)
		return BH_ERR_NOMEM;
	if (git_repository_open(&r->repo, j->repo_path) || git_repository_odb(&r->odb, r->repo)) {
		bh_git_reader_close(r);
		return BH_ERR_IO;
	}
	*out = r;
	return BH_OK;
}

void bh_git_reader_close(struct bh_git_reader *r)
{
	if (!r)
		return;
	git_blob_free(r->blob);
	git_odb_free(r->odb);
	git_repository_free(r->repo);
	free(r);
}

bh_err bh_git_reader_blob(struct bh_git_reader *r, const struct bh_git_job *j, const char **data,
			  size_t *len, struct bh_diag *diag)
{
	git_oid oid;
	size_t size = 0;
	git_object_t type;

	git_blob_free(r->blob);
	r->blob = NULL;
	*data = NULL;
	*len = 0;
	git_oid_fromraw(&oid, j->oid);
	if (git_odb_read_header(&size, &type, r->odb, &oid))
		return git_fail(diag, j->path, "cannot read blob");
	if (size > BH_LIMIT_SECRETS_BLOB_BYTES)
		return bh_diag_set(diag, BH_ERR_LIMIT, j->path, 0, 0,
				   "blob of %zu bytes in %s is over the %u-byte limit; not scanned",
				   size, j->object, BH_LIMIT_SECRETS_BLOB_BYTES);
	if (git_blob_lookup(&r->blob, r->repo, &oid))
		return git_fail(diag, j->path, "cannot read blob");
	size = (size_t)git_blob_rawsize(r->blob);
	if (bh_fs_looks_binary(git_blob_rawcontent(r->blob), size))
		return BH_OK;
	*data = git_blob_rawcontent(r->blob);
	*len = size;
	return BH_OK;
}
