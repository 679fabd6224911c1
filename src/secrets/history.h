/*
 * The git history as secret-scanning jobs: every blob reachable from the chosen commits, once,
 * with the commit that introduced it (the first commit, in topological order, whose tree holds
 * it), that commit's author and date, and its path there. Private to src/secrets.
 */
#ifndef BH_SECRETS_HISTORY_H
#define BH_SECRETS_HISTORY_H

#include <stddef.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/finding.h"

struct bh_git_job {
	unsigned char oid[20]; /* the blob (SHA-1 repositories; SHA-256 ones are refused) */
	const char *path;
	const char *object;	     /* "commit <sha>" */
	const char *history;	     /* "(added in commit <sha12> by Name <email> on 2024-01-31)" */
	const struct bh_prop *props; /* commit, author, author_email, date */
	size_t nprops;
};

struct bh_git_jobs {
	struct bh_git_job *jobs;
	size_t n, cap;
	const char *repo_path; /* the repository's .git directory, for the readers */
	size_t commits;
	int inited; /* libgit2 initialised by bh_git_collect */
};

/*
 * Walk the repository at path (found upwards like git does) from range ("A..B", one revision, or
 * NULL for every ref and HEAD) and list the blobs to scan. Strings live in arena a.
 */
bh_err bh_git_collect(const char *path, const char *range, struct bh_arena *a,
		      struct bh_git_jobs *out, struct bh_diag *diag);
void bh_git_jobs_release(struct bh_git_jobs *j);

/* A per-thread handle on the repository. */
struct bh_git_reader;
bh_err bh_git_reader_open(const struct bh_git_jobs *j, struct bh_git_reader **out);
void bh_git_reader_close(struct bh_git_reader *r);
/*
 * The blob's bytes, valid until the next call; *data is NULL for a binary blob. A blob over
 * BH_LIMIT_SECRETS_BLOB_BYTES is an error naming it.
 */
bh_err bh_git_reader_blob(struct bh_git_reader *r, const struct bh_git_job *j, const char **data,
			  size_t *len, struct bh_diag *diag);

#endif
