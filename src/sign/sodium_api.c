/* The libsodium API table, filled and initialised when a key file is first read or written. */
#include "sodium_api.h"

#include <pthread.h>

#include "bh_config.h"
#include "core/dynlib.h"

#include "core/banned.h"

struct bh_sodium_api bh_sodium_api;

static const char *const names[] = {
#define BH_X(f) #f,
	BH_SODIUM_API_SYMBOLS(BH_X)
#undef BH_X
};

static struct bh_dynlib lib = {
	BH_SONAME_SODIUM, names, (void **)&bh_sodium_api, sizeof(names) / sizeof(names[0]), 0, "",
};

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static int init_rc = -1;

/* sodium_init picks the fastest implementations and seeds the random source; it is safe to
 * call more than once, but once is enough. */
static void init(void)
{
	init_rc = SODIUM(sodium_init)();
}

bh_err bh_sodium_api_load(struct bh_diag *diag)
{
	bh_err err = bh_dynlib_load(&lib, diag);

	if (err)
		return err;
	pthread_once(&init_once, init);
	if (init_rc < 0)
		return bh_diag_set(diag, BH_ERR_IO, BH_SONAME_SODIUM, 0, 0,
				   "the library failed to initialise");
	return BH_OK;
}
