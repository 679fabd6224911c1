/* The libcurl API table, filled when the registry client is first used. */
#include "curl_api.h"

#include <pthread.h>

#include "bh_config.h"
#include "core/dynlib.h"

#include "core/banned.h"

struct bh_curl_api bh_curl_api;

static const char *const names[] = {
#define BH_X(f) #f,
	BH_CURL_API_SYMBOLS(BH_X)
#undef BH_X
};

static struct bh_dynlib lib = {
	BH_SONAME_CURL, names, (void **)&bh_curl_api, sizeof(names) / sizeof(names[0]), 0, "",
};

static pthread_once_t global_once = PTHREAD_ONCE_INIT;
static CURLcode global_rc = CURLE_FAILED_INIT;

/* curl_global_init is not thread-safe in the libcurl versions Debian ships, so it runs once. */
static void global_init(void)
{
	global_rc = CURLF(curl_global_init)(CURL_GLOBAL_DEFAULT);
}

bh_err bh_curl_api_load(struct bh_diag *diag)
{
	bh_err err = bh_dynlib_load(&lib, diag);

	if (err)
		return err;
	pthread_once(&global_once, global_init);
	if (global_rc != CURLE_OK)
		return bh_diag_set(diag, BH_ERR_IO, lib.soname, 0, 0, "curl_global_init failed: %s",
				   CURLF(curl_easy_strerror)(global_rc));
	return BH_OK;
}
