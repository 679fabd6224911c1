/* The libmicrohttpd API table, filled when the webhook starts. */
#include "mhd_api.h"

#include "bh_config.h"
#include "core/dynlib.h"

#include "core/banned.h"

struct bh_mhd_api bh_mhd_api;

static const char *const names[] = {
#define BH_X(f) #f,
	BH_MHD_API_SYMBOLS(BH_X)
#undef BH_X
};

static struct bh_dynlib lib = {
	BH_SONAME_MHD, names, (void **)&bh_mhd_api, sizeof(names) / sizeof(names[0]), 0, "",
};

bh_err bh_mhd_api_load(struct bh_diag *diag)
{
	return bh_dynlib_load(&lib, diag);
}
