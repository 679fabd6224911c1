/*
 * File access with limits: capped reads that never load an oversized file, atomic writes
 * (temporary file and rename, so a reader never sees a partial output), and a directory walk
 * that skips .git, honours exclude patterns and survives symlink loops.
 */
#ifndef BH_FS_H
#define BH_FS_H

#include <stddef.h>

#include "err.h"

/*
 * Read a whole file or "-" (stdin) into a malloc'd, NUL-terminated buffer that the caller frees.
 * Fails with BH_ERR_LIMIT, without reading the file, when it is larger than max bytes.
 */
bh_err bh_fs_read(const char *path, size_t max, char **data, size_t *len, struct bh_diag *diag);

/* Write data to path through a temporary file in the same directory and rename(2). */
bh_err bh_fs_write_atomic(const char *path, const void *data, size_t len, struct bh_diag *diag);

/*
 * The same for a secret (a private key): the file is mode 0600 whatever it replaces, and the
 * temporary file is 0600 from its creation (mkstemp), so no other user can read it at any time.
 */
bh_err bh_fs_write_private(const char *path, const void *data, size_t len, struct bh_diag *diag);

/* True when the first bytes look like binary data (a NUL byte in the first 8 KiB). */
int bh_fs_looks_binary(const char *data, size_t len);

/*
 * Whether a path pattern (fnmatch(3)) selects path, as .gitignore patterns do: a pattern
 * matches the whole path, its basename, or any trailing run of its components (legacy/x-?.yaml
 * selects deploy/legacy/x-1.yaml); '*' does not cross '/' except against the whole path. A
 * leading "./" on either side is ignored.
 */
int bh_fs_path_matches(const char *pattern, const char *path);

/* path without leading "./" components ("./a/b" -> "a/b"); "." stays ".". */
const char *bh_fs_strip_dot(const char *path);

/*
 * Called for every regular file found by a walk. Return BH_OK to go on; any other value stops the
 * walk and is returned by bh_fs_walk.
 */
typedef bh_err (*bh_walk_fn)(const char *path, void *ctx);

struct bh_walk_opts {
	const char *const *excludes; /* fnmatch(3) patterns against the path and its basename */
	size_t nexcludes;
	int include_git; /* descend into .git directories */
};

/*
 * Visit path: a regular file is visited itself; a directory is walked recursively in sorted
 * order (so output is deterministic). Unreadable entries and symlink loops are reported through
 * on_error (which may be NULL) and skipped, so one bad entry does not hide the rest.
 */
bh_err bh_fs_walk(const char *path, const struct bh_walk_opts *opts, bh_walk_fn fn, void *ctx,
		  void (*on_error)(const struct bh_diag *diag, void *ctx));

#endif
