/*
 * libarchive (image layers and archives), loaded on first use (core/dynlib.h): the functions
 * bulkhead calls, typed from the library's own header. Callers load it with bh_archive_api_load()
 * before the first call and call through AR(name).
 */
#ifndef BH_ARCHIVE_API_H
#define BH_ARCHIVE_API_H

#include <archive.h>
#include <archive_entry.h>

#include "core/err.h"

#define BH_ARCHIVE_API_SYMBOLS(X)           \
	X(archive_entry_filetype)           \
	X(archive_entry_gid)                \
	X(archive_entry_hardlink)           \
	X(archive_entry_mode)               \
	X(archive_entry_pathname)           \
	X(archive_entry_size)               \
	X(archive_entry_symlink)            \
	X(archive_entry_uid)                \
	X(archive_entry_xattr_next)         \
	X(archive_entry_xattr_reset)        \
	X(archive_error_string)             \
	X(archive_filter_code)              \
	X(archive_filter_count)             \
	X(archive_read_data)                \
	X(archive_read_free)                \
	X(archive_read_new)                 \
	X(archive_read_next_header)         \
	X(archive_read_open)                \
	X(archive_read_open_filename)       \
	X(archive_read_support_filter_gzip) \
	X(archive_read_support_filter_zstd) \
	X(archive_read_support_format_raw)  \
	X(archive_read_support_format_tar)  \
	X(archive_read_support_format_zip)  \
	X(archive_set_error)                \
	X(archive_version_string)

struct bh_archive_api {
#define BH_X(f) __typeof__(f) *f;
	BH_ARCHIVE_API_SYMBOLS(BH_X)
#undef BH_X
};

extern struct bh_archive_api bh_archive_api;

#define AR(f) (bh_archive_api.f)

/* Load the library once; BH_OK, or BH_ERR_IO with diag saying why. */
bh_err bh_archive_api_load(struct bh_diag *diag);

#endif
