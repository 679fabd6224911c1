/*
 * libcurl (the registry client's HTTP), loaded on first use (core/dynlib.h): the functions
 * bulkhead calls, typed from the library's own header. Callers load it with bh_curl_api_load()
 * before the first call and call through CURLF(name); curl.h already takes the name CURL for
 * its handle type.
 */
#ifndef BH_CURL_API_H
#define BH_CURL_API_H

#include <curl/curl.h>

#include "core/err.h"

#define BH_CURL_API_SYMBOLS(X) \
	X(curl_easy_cleanup)   \
	X(curl_easy_getinfo)   \
	X(curl_easy_init)      \
	X(curl_easy_perform)   \
	X(curl_easy_reset)     \
	X(curl_easy_setopt)    \
	X(curl_easy_strerror)  \
	X(curl_global_init)    \
	X(curl_slist_append)   \
	X(curl_slist_free_all) \
	X(curl_version)        \
	X(curl_version_info)

struct bh_curl_api {
#define BH_X(f) __typeof__(f) *f;
	BH_CURL_API_SYMBOLS(BH_X)
#undef BH_X
};

extern struct bh_curl_api bh_curl_api;

#define CURLF(f) (bh_curl_api.f)

/* Load the library once and initialise it (thread-safe); BH_OK, or BH_ERR_IO with diag saying
 * why. */
bh_err bh_curl_api_load(struct bh_diag *diag);

#endif
