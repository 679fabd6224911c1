/*
 * libmicrohttpd (with GnuTLS for HTTPS), loaded on first use (core/dynlib.h): only `bulkhead
 * webhook` serves HTTP, so no other command pays for mapping the library and GnuTLS's
 * initialisation. The functions bulkhead calls are typed from the library's own header; the
 * server loads the table with bh_mhd_api_load() before the first call and calls through MHD().
 */
#ifndef BH_MHD_API_H
#define BH_MHD_API_H

#include <microhttpd.h>

#include "core/err.h"

#define BH_MHD_API_SYMBOLS(X)              \
	X(MHD_start_daemon)                \
	X(MHD_stop_daemon)                 \
	X(MHD_quiesce_daemon)              \
	X(MHD_get_daemon_info)             \
	X(MHD_create_response_from_buffer) \
	X(MHD_add_response_header)         \
	X(MHD_queue_response)              \
	X(MHD_destroy_response)            \
	X(MHD_lookup_connection_value)     \
	X(MHD_is_feature_supported)        \
	X(MHD_get_version)

struct bh_mhd_api {
#define BH_X(f) __typeof__(f) *f;
	BH_MHD_API_SYMBOLS(BH_X)
#undef BH_X
};

extern struct bh_mhd_api bh_mhd_api;

#define MHD(f) (bh_mhd_api.f)

/* Load the library once; BH_OK, or BH_ERR_IO with diag saying why. */
bh_err bh_mhd_api_load(struct bh_diag *diag);

#endif
