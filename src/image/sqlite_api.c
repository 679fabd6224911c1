/* The sqlite API table, filled when the library is first needed. */
#include "sqlite_api.h"

#include "bh_config.h"
#include "core/dynlib.h"

#include "core/banned.h"

struct bh_sqlite_api bh_sqlite_api;

static const char *const names[] = {
#define BH_X(f) #f,
	BH_SQLITE_API_SYMBOLS(BH_X)
#undef BH_X
};

static struct bh_dynlib lib = {
	BH_SONAME_SQLITE, names, (void **)&bh_sqlite_api, sizeof(names) / sizeof(names[0]), 0, "",
};

bh_err bh_sqlite_api_load(struct bh_diag *diag)
{
	return bh_dynlib_load(&lib, diag);
}
