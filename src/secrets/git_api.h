/*
 * libgit2 (git history for secrets --git), loaded on first use (core/dynlib.h): the functions
 * bulkhead calls, typed from the library's own header. Callers load it with bh_git_api_load()
 * before the first call and call through GIT(name).
 */
#ifndef BH_GIT_API_H
#define BH_GIT_API_H

#include <git2.h>

#include "core/err.h"

#define BH_GIT_API_SYMBOLS(X)         \
	X(git_blob_free)              \
	X(git_blob_lookup)            \
	X(git_blob_rawcontent)        \
	X(git_blob_rawsize)           \
	X(git_commit_author)          \
	X(git_commit_free)            \
	X(git_commit_id)              \
	X(git_commit_lookup)          \
	X(git_commit_parent_id)       \
	X(git_commit_parentcount)     \
	X(git_commit_tree)            \
	X(git_error_last)             \
	X(git_libgit2_init)           \
	X(git_libgit2_shutdown)       \
	X(git_object_free)            \
	X(git_object_id)              \
	X(git_odb_free)               \
	X(git_odb_read_header)        \
	X(git_oid_fromraw)            \
	X(git_oid_tostr)              \
	X(git_repository_free)        \
	X(git_repository_head_unborn) \
	X(git_repository_odb)         \
	X(git_repository_open)        \
	X(git_repository_open_ext)    \
	X(git_repository_path)        \
	X(git_revparse_single)        \
	X(git_revwalk_free)           \
	X(git_revwalk_new)            \
	X(git_revwalk_next)           \
	X(git_revwalk_push)           \
	X(git_revwalk_push_glob)      \
	X(git_revwalk_push_head)      \
	X(git_revwalk_push_range)     \
	X(git_revwalk_sorting)        \
	X(git_tree_entry_byindex)     \
	X(git_tree_entry_filemode)    \
	X(git_tree_entry_id)          \
	X(git_tree_entry_name)        \
	X(git_tree_entrycount)        \
	X(git_tree_free)              \
	X(git_tree_id)                \
	X(git_tree_lookup)            \
	X(git_libgit2_version)

struct bh_git_api {
#define BH_X(f) __typeof__(f) *f;
	BH_GIT_API_SYMBOLS(BH_X)
#undef BH_X
};

extern struct bh_git_api bh_git_api;

#define GIT(f) (bh_git_api.f)

/* Load the library once; BH_OK, or BH_ERR_IO with diag saying why. */
bh_err bh_git_api_load(struct bh_diag *diag);

#endif
