/* The archive API table, filled when the library is first needed. */
#include "archive_api.h"

#include "bh_config.h"
#include "core/dynlib.h"

#include "core/banned.h"

struct bh_archive_api bh_archive_api;

static const char *const names[] = {
#define BH_X(f) #f,
	BH_ARCHIVE_API_SYMBOLS(BH_X)
#undef BH_X
};

static struct bh_dynlib lib = {
	BH_SONAME_ARCHIVE, names, (void **)&bh_archive_api, sizeof(names) / sizeof(names[0]), 0, "",
};

bh_err bh_archive_api_load(struct bh_diag *diag)
{
	return bh_dynlib_load(&lib, diag);
}
