/*
 * Git history through libgit2. Commits are walked in reverse topological order, so a commit
 * comes after its parents, and each commit's tree is walked skipping every tree and blob seen
 * before: a subtree already walked holds only blobs already listed. So each blob becomes one
 * job, attributed to the first commit (in that order) whose tree holds it and to its path
 * there, and the walk costs one visit per distinct tree rather than a diff per commit. For a
 * range (A..B) the trees of the commits just outside it are marked seen first, so that only
 * what the range's commits add is listed.
 */
#include "history.h"

#include "git_api.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/fs.h"
#include "core/limits.h"

#include "core/banned.h"

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

static int oidset_has(const struct oidset *s, const unsigned char *id)
{
	size_t k;

	if (!s->cap)
		return 0;
	k = oid_hash(id) & (s->cap - 1);
	while (s->used[k]) {
		if (!memcmp(s->slots[k], id, 20))
			return 1;
		k = (k + 1) & (s->cap - 1);
	}
	return 0;
}

static bh_err git_fail(struct bh_diag *diag, const char *path, const char *what)
{
	const git_error *e = GIT(git_error_last)();

	return bh_diag_set(diag, BH_ERR_IO, path, 0, 0, "%s: %s", what,
			   e && e->message ? e->message : "libgit2 error");
}

struct collect {
	struct bh_git_jobs *out;
	struct bh_arena *a;
	git_repository *repo;
	struct oidset blobs, trees;
	const char *object, *history;
	struct bh_prop *props;
	char path[4096];
};

static bh_err add_job(struct collect *c, const git_oid *id, size_t plen)
{
	struct bh_git_job *j;

	if (c->out->n == c->out->cap) {
		size_t ncap = c->out->cap ? c->out->cap * 2 : 1024;
		struct bh_git_job *p = realloc(c->out->jobs, ncap * sizeof(*p));

		if (!p)
			return BH_ERR_NOMEM;
		c->out->jobs = p;
		c->out->cap = ncap;
	}
	j = &c->out->jobs[c->out->n++];
	memcpy(j->oid, id->id, 20);
	j->path = bh_arena_strndup(c->a, c->path, plen);
	j->object = c->object;
	j->history = c->history;
	j->props = c->props;
	j->nprops = c->props ? 4 : 0;
	return j->path ? BH_OK : BH_ERR_NOMEM;
}

/*
 * Walk tree (its path prefix in c->path[0, plen)), listing unseen blobs as jobs when emit is
 * set and only marking them seen otherwise. Depth is bounded like a directory walk.
 */
static bh_err walk_tree(struct collect *c, const git_tree *tree, size_t plen, int emit,
			unsigned depth)
{
	size_t n = GIT(git_tree_entrycount)(tree);

	if (depth > BH_LIMIT_WALK_DEPTH)
		return BH_OK;
	for (size_t i = 0; i < n; i++) {
		const git_tree_entry *e = GIT(git_tree_entry_byindex)(tree, i);
		const git_oid *id = GIT(git_tree_entry_id)(e);
		const char *name = GIT(git_tree_entry_name)(e);
		size_t nlen = strlen(name), plen2 = plen + nlen;
		git_filemode_t mode = GIT(git_tree_entry_filemode)(e);
		int k;

		if (mode != GIT_FILEMODE_TREE && mode != GIT_FILEMODE_BLOB &&
		    mode != GIT_FILEMODE_BLOB_EXECUTABLE)
			continue; /* symlinks and submodule commits hold no file content here */
		k = oidset_add(mode == GIT_FILEMODE_TREE ? &c->trees : &c->blobs, id->id);
		if (k < 0)
			return BH_ERR_NOMEM;
		if (!k || plen2 + 2 > sizeof(c->path))
			continue;
		memcpy(c->path + plen, name, nlen);
		if (mode == GIT_FILEMODE_TREE) {
			git_tree *sub = NULL;
			bh_err err;

			if (GIT(git_tree_lookup)(&sub, c->repo, id))
				return git_fail(NULL, c->path, "cannot read a tree");
			c->path[plen2] = '/';
			err = walk_tree(c, sub, plen2 + 1, emit, depth + 1);
			GIT(git_tree_free)(sub);
			if (err)
				return err;
		} else if (emit) {
			bh_err err = add_job(c, id, plen2);

			if (err)
				return err;
		}
	}
	return BH_OK;
}

static bh_err walk_commit_tree(struct collect *c, const git_commit *commit, int emit)
{
	git_tree *tree = NULL;
	bh_err err;

	if (GIT(git_commit_tree)(&tree, commit))
		return BH_ERR_IO;
	if (!oidset_add(&c->trees, GIT(git_tree_id)(tree)->id)) {
		GIT(git_tree_free)(tree);
		return BH_OK;
	}
	err = walk_tree(c, tree, 0, emit, 0);
	GIT(git_tree_free)(tree);
	return err;
}

static bh_err push_range(git_repository *repo, git_revwalk *walk, const char *path,
			 const char *range, struct bh_diag *diag)
{
	git_object *obj = NULL;
	int rc;

	if (!range) {
		if (GIT(git_revwalk_push_glob)(walk, "refs/*"))
			return git_fail(diag, path, "cannot list refs");
		/* An unborn HEAD (a fresh repository, or HEAD naming a branch that has no commit
		 * while others do) is no error; other failures are. */
		if (GIT(git_repository_head_unborn)(repo) == 1)
			return BH_OK;
		rc = GIT(git_revwalk_push_head)(walk);
		if (rc && rc != GIT_ENOTFOUND && rc != GIT_EUNBORNBRANCH)
			return git_fail(diag, path, "cannot read HEAD");
		return BH_OK;
	}
	if (strstr(range, "..")) {
		if (GIT(git_revwalk_push_range)(walk, range))
			return bh_diag_set(
				diag, BH_ERR_USAGE, path, 0, 0, "bad git range '%s': %s", range,
				GIT(git_error_last)() ? GIT(git_error_last)()->message : "?");
		return BH_OK;
	}
	if (GIT(git_revparse_single)(&obj, repo, range))
		return bh_diag_set(diag, BH_ERR_USAGE, path, 0, 0, "unknown revision '%s'", range);
	rc = GIT(git_revwalk_push)(walk, GIT(git_object_id)(obj));
	GIT(git_object_free)(obj);
	if (rc)
		return bh_diag_set(diag, BH_ERR_USAGE, path, 0, 0, "'%s' is not a commit", range);
	return BH_OK;
}

static void describe(struct collect *c, git_commit *commit)
{
	char sha[GIT_OID_HEXSZ + 1], when[32];
	const git_signature *au = GIT(git_commit_author)(commit);
	time_t t = au ? (time_t)au->when.time : 0;
	struct tm tm;

	GIT(git_oid_tostr)(sha, sizeof(sha), GIT(git_commit_id)(commit));
	gmtime_r(&t, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	c->object = bh_arena_printf(c->a, "commit %s", sha);
	c->history = bh_arena_printf(c->a, "(added in commit %.12s by %s <%s> on %s)", sha,
				     au && au->name ? au->name : "?",
				     au && au->email ? au->email : "?", when);
	/* The same, structured, for the JSON and SARIF reports. */
	c->props = bh_arena_alloc(c->a, 4 * sizeof(*c->props));
	if (c->props) {
		c->props[0] = (struct bh_prop){ "commit", bh_arena_strdup(c->a, sha) };
		c->props[1] = (struct bh_prop){ "author", au && au->name ? au->name : "" };
		c->props[2] = (struct bh_prop){ "author_email", au && au->email ? au->email : "" };
		c->props[3] = (struct bh_prop){ "date", bh_arena_strdup(c->a, when) };
		c->props[1].value = bh_arena_strdup(c->a, c->props[1].value);
		c->props[2].value = bh_arena_strdup(c->a, c->props[2].value);
	}
}

bh_err bh_git_collect(const char *path, const char *range, struct bh_arena *a,
		      struct bh_git_jobs *out, struct bh_diag *diag)
{
	git_repository *repo = NULL;
	git_revwalk *walk = NULL;
	struct collect c = { 0 };
	struct oidset inwalk = { 0 };
	git_oid oid, *commits = NULL;
	size_t ncommits = 0, capcommits = 0;
	bh_err err = BH_OK;
	int rc;

	memset(out, 0, sizeof(*out));
	c.out = out;
	c.a = a;
	err = bh_git_api_load(diag);
	if (err)
		return err;
	GIT(git_libgit2_init)();
	out->inited = 1;
	if (GIT(git_repository_open_ext)(&repo, path, 0, NULL)) {
		/* An input error (exit 2), not an operational one. */
		git_fail(diag, path, "not a git repository");
		err = BH_ERR_USAGE;
		goto out;
	}
	c.repo = repo;
	out->repo_path = bh_arena_strdup(a, GIT(git_repository_path)(repo));
	if (GIT(git_revwalk_new)(&walk, repo)) {
		err = git_fail(diag, path, "cannot walk history");
		goto out;
	}
	GIT(git_revwalk_sorting)(walk, GIT_SORT_TOPOLOGICAL | GIT_SORT_REVERSE);
	err = push_range(repo, walk, path, range, diag);
	if (err)
		goto out;
	/* The commits of the walk, in order, and as a set to find the range's boundary. */
	while ((rc = GIT(git_revwalk_next)(&oid, walk)) == 0) {
		if (ncommits == capcommits) {
			size_t ncap = capcommits ? capcommits * 2 : 1024;
			git_oid *p = realloc(commits, ncap * sizeof(*p));

			if (!p) {
				err = BH_ERR_NOMEM;
				goto out;
			}
			commits = p;
			capcommits = ncap;
		}
		commits[ncommits++] = oid;
		if (oidset_add(&inwalk, oid.id) < 0) {
			err = BH_ERR_NOMEM;
			goto out;
		}
	}
	if (rc != GIT_ITEROVER) {
		err = git_fail(diag, path, "cannot walk history");
		goto out;
	}
	for (size_t i = 0; i < ncommits && !err; i++) {
		git_commit *commit = NULL;

		if (GIT(git_commit_lookup)(&commit, repo, &commits[i])) {
			err = git_fail(diag, path, "cannot read a commit");
			break;
		}
		/* Parents outside the walk: their content is not the range's to report. */
		for (unsigned p = 0; p < GIT(git_commit_parentcount)(commit) && !err; p++) {
			const git_oid *pid = GIT(git_commit_parent_id)(commit, p);
			git_commit *parent = NULL;

			if (oidset_has(&inwalk, pid->id))
				continue;
			if (GIT(git_commit_lookup)(&parent, repo, pid))
				err = git_fail(diag, path, "cannot read a commit");
			else
				err = walk_commit_tree(&c, parent, 0);
			GIT(git_commit_free)(parent);
		}
		if (!err) {
			describe(&c, commit);
			out->commits++;
			err = walk_commit_tree(&c, commit, 1);
		}
		GIT(git_commit_free)(commit);
	}
	if (err == BH_ERR_IO)
		git_fail(diag, path, "cannot read a tree");
	rc = GIT_ITEROVER;
	if (rc != GIT_ITEROVER)
		err = git_fail(diag, path, "cannot walk history");
out:
	free(c.blobs.slots);
	free(c.blobs.used);
	free(c.trees.slots);
	free(c.trees.used);
	free(inwalk.slots);
	free(inwalk.used);
	free(commits);
	GIT(git_revwalk_free)(walk);
	GIT(git_repository_free)(repo);
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
		GIT(git_libgit2_shutdown)();
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
	if (bh_git_api_load(NULL) || GIT(git_repository_open)(&r->repo, j->repo_path) ||
	    GIT(git_repository_odb)(&r->odb, r->repo)) {
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
	GIT(git_blob_free)(r->blob);
	GIT(git_odb_free)(r->odb);
	GIT(git_repository_free)(r->repo);
	free(r);
}

bh_err bh_git_reader_blob(struct bh_git_reader *r, const struct bh_git_job *j, const char **data,
			  size_t *len, struct bh_diag *diag)
{
	git_oid oid;
	size_t size = 0;
	git_object_t type;

	GIT(git_blob_free)(r->blob);
	r->blob = NULL;
	*data = NULL;
	*len = 0;
	GIT(git_oid_fromraw)(&oid, j->oid);
	if (GIT(git_odb_read_header)(&size, &type, r->odb, &oid))
		return git_fail(diag, j->path, "cannot read blob");
	if (size > BH_LIMIT_SECRETS_BLOB_BYTES)
		return bh_diag_set(diag, BH_ERR_LIMIT, j->path, 0, 0,
				   "blob of %zu bytes in %s is over the %u-byte limit; not scanned",
				   size, j->object, BH_LIMIT_SECRETS_BLOB_BYTES);
	if (GIT(git_blob_lookup)(&r->blob, r->repo, &oid))
		return git_fail(diag, j->path, "cannot read blob");
	size = (size_t)GIT(git_blob_rawsize)(r->blob);
	if (bh_fs_looks_binary(GIT(git_blob_rawcontent)(r->blob), size))
		return BH_OK;
	*data = GIT(git_blob_rawcontent)(r->blob);
	*len = size;
	return BH_OK;
}
