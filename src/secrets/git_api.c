/* The git API table, filled when the library is first needed. */
#include "git_api.h"

#include "bh_config.h"
#include "core/dynlib.h"

#include "core/banned.h"

struct bh_git_api bh_git_api;

static const char *const names[] = {
#define BH_X(f) #f,
	BH_GIT_API_SYMBOLS(BH_X)
#undef BH_X
};

static struct bh_dynlib lib = {
	BH_SONAME_GIT2, names, (void **)&bh_git_api, sizeof(names) / sizeof(names[0]), 0, "",
};

bh_err bh_git_api_load(struct bh_diag *diag)
{
	return bh_dynlib_load(&lib, diag);
}
