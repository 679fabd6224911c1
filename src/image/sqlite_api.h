/*
 * SQLite (rpm package databases in images, the OSV advisory database), loaded on first use
 * (core/dynlib.h): the functions bulkhead calls, typed from the library's own header. Callers load
 * it with bh_sqlite_api_load() before the first call and call through SQL(name).
 */
#ifndef BH_SQLITE_API_H
#define BH_SQLITE_API_H

#include <sqlite3.h>

#include "core/err.h"

#define BH_SQLITE_API_SYMBOLS(X) \
	X(sqlite3_bind_text)     \
	X(sqlite3_busy_timeout)  \
	X(sqlite3_close)         \
	X(sqlite3_column_blob)   \
	X(sqlite3_column_bytes)  \
	X(sqlite3_column_text)   \
	X(sqlite3_db_config)     \
	X(sqlite3_deserialize)   \
	X(sqlite3_errmsg)        \
	X(sqlite3_exec)          \
	X(sqlite3_finalize)      \
	X(sqlite3_free)          \
	X(sqlite3_malloc64)      \
	X(sqlite3_open_v2)       \
	X(sqlite3_prepare_v2)    \
	X(sqlite3_reset)         \
	X(sqlite3_step)          \
	X(sqlite3_libversion)

struct bh_sqlite_api {
#define BH_X(f) __typeof__(f) *f;
	BH_SQLITE_API_SYMBOLS(BH_X)
#undef BH_X
};

extern struct bh_sqlite_api bh_sqlite_api;

#define SQL(f) (bh_sqlite_api.f)

/* Load the library once; BH_OK, or BH_ERR_IO with diag saying why. */
bh_err bh_sqlite_api_load(struct bh_diag *diag);

#endif
