/*
 * The HTTPS server: libmicrohttpd with its GnuTLS support, a thread pool, and the limits of
 * core/limits.h (connections in total and per address, idle time, time per request, memory per
 * connection, the body cap). libmicrohttpd was chosen over libevent with OpenSSL because it
 * parses HTTP, speaks TLS and enforces those limits itself, leaving this file to routing and
 * the body; libevent's evhttp would leave TLS wiring and most of the limits to us.
 *
 * Routes: POST /validate (or any path under /validate/, so that one Service can host a
 * ValidatingWebhookConfiguration entry per resource) decides an AdmissionReview; GET /healthz
 * answers "ok". A body whose Content-Length exceeds the cap gets 413 before any of it is read;
 * a chunked body that grows past the cap, or a request that takes too long, loses its
 * connection (there is no way to answer mid-upload).
 */
#include "webhook.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/limits.h"
#include "mhd_api.h"

#include "core/banned.h"

struct bh_webhook_server {
	struct MHD_Daemon *d;
	struct bh_webhook_server_opts o;
};

/* What one request accumulates between calls of the handler. */
struct request {
	struct bh_buf body;
	time_t started;
	int over; /* the body passed the cap */
};

static void log_line(const struct bh_webhook_server *srv, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void log_line(const struct bh_webhook_server *srv, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	if (!srv->o.log)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	srv->o.log(srv->o.log_arg, line);
}

static enum MHD_Result reply(struct MHD_Connection *c, unsigned status, const char *type,
			     const char *body, size_t len)
{
	struct MHD_Response *r =
		MHD(MHD_create_response_from_buffer)(len, (void *)body, MHD_RESPMEM_MUST_COPY);
	enum MHD_Result ret;

	if (!r)
		return MHD_NO;
	MHD(MHD_add_response_header)(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	ret = MHD(MHD_queue_response)(c, status, r);
	MHD(MHD_destroy_response)(r);
	return ret;
}

static enum MHD_Result text(struct MHD_Connection *c, unsigned status, const char *msg)
{
	return reply(c, status, "text/plain; charset=utf-8", msg, strlen(msg));
}

static int validate_path(const char *url)
{
	return !strcmp(url, "/validate") || !strncmp(url, "/validate/", 10);
}

static enum MHD_Result decide(struct bh_webhook_server *srv, struct MHD_Connection *c,
			      struct request *rq)
{
	struct bh_webhook_verdict v;
	struct bh_buf out;
	enum MHD_Result ret;
	bh_err err;

	bh_buf_init(&out, 0);
	err = bh_webhook_review(srv->o.policy, bh_buf_str(&rq->body), rq->body.len, &out, &v);
	if (err) {
		log_line(srv, "500 %s", bh_err_name(err));
		ret = text(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "internal error\n");
	} else {
		log_line(srv, "%s", v.summary);
		ret = reply(c, (unsigned)v.status,
			    v.status == 200 ? "application/json" : "text/plain; charset=utf-8",
			    bh_buf_str(&out), out.len);
	}
	bh_buf_release(&out);
	return ret;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
			      const char *method, const char *version, const char *upload,
			      size_t *upload_size, void **state)
{
	struct bh_webhook_server *srv = cls;
	struct request *rq = *state;

	if (!rq) {
		const char *cl;

		if (!strcmp(url, "/healthz") || !strcmp(url, "/readyz")) {
			if (strcmp(method, MHD_HTTP_METHOD_GET) &&
			    strcmp(method, MHD_HTTP_METHOD_HEAD))
				return text(c, MHD_HTTP_METHOD_NOT_ALLOWED, "use GET\n");
			return text(c, MHD_HTTP_OK, "ok\n");
		}
		if (!validate_path(url))
			return text(c, MHD_HTTP_NOT_FOUND, "not found\n");
		if (strcmp(method, MHD_HTTP_METHOD_POST) != 0)
			return text(c, MHD_HTTP_METHOD_NOT_ALLOWED, "use POST\n");
		/* The cap from the header alone: nothing of an oversized body is read. */
		cl = MHD(MHD_lookup_connection_value)(c, MHD_HEADER_KIND,
						      MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (cl) {
			char *end;
			unsigned long long n = strtoull(cl, &end, 10);

			if (*end || n > BH_LIMIT_WEBHOOK_BODY_BYTES) {
				log_line(srv, "413 Content-Length %s", cl);
				return text(c, MHD_HTTP_CONTENT_TOO_LARGE,
					    "request body over the 3 MiB limit\n");
			}
		}
		rq = calloc(1, sizeof(*rq));
		if (!rq)
			return MHD_NO;
		bh_buf_init(&rq->body, BH_LIMIT_WEBHOOK_BODY_BYTES);
		rq->started = time(NULL);
		*state = rq;
		return MHD_YES;
	}
	if (*upload_size) {
		/* A chunked body past the cap, or one trickled in too slowly: drop the connection.
		 */
		if (time(NULL) - rq->started > (time_t)BH_LIMIT_WEBHOOK_REQUEST_SECONDS) {
			log_line(srv, "dropped: request took over %u s",
				 BH_LIMIT_WEBHOOK_REQUEST_SECONDS);
			return MHD_NO;
		}
		if (bh_buf_add(&rq->body, upload, *upload_size)) {
			log_line(srv, "dropped: body over %u bytes", BH_LIMIT_WEBHOOK_BODY_BYTES);
			return MHD_NO;
		}
		*upload_size = 0;
		return MHD_YES;
	}
	return decide(srv, c, rq);
}

static void completed(void *cls, struct MHD_Connection *c, void **state,
		      enum MHD_RequestTerminationCode why)
{
	struct request *rq = *state;

	if (!rq)
		return;
	bh_buf_release(&rq->body);
	free(rq);
	*state = NULL;
}

const char *bh_webhook_library_version(void)
{
	return bh_mhd_api_load(NULL) ? "not loadable" : MHD(MHD_get_version)();
}

/* A daemon on o's address, or on listen_fd when it is not -1 (a reload takes the socket over). */
static struct MHD_Daemon *start_daemon(struct bh_webhook_server *srv, const char *cert_pem,
				       const char *key_pem, int listen_fd)
{
	const struct bh_webhook_server_opts *o = &srv->o;
	unsigned threads = o->threads ? o->threads : 1;

	if (threads > BH_LIMIT_WEBHOOK_THREADS)
		threads = BH_LIMIT_WEBHOOK_THREADS;
	/*
	 * TLS 1.2 and 1.3 only, GnuTLS's secure defaults otherwise (the API server speaks 1.2+).
	 * The socket address decides the family; the thread pool shares the listening socket.
	 * MHD_USE_ITC is what lets a reload quiesce the daemon and hand its socket over.
	 */
	return MHD(MHD_start_daemon)(
		MHD_USE_TLS | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO | MHD_USE_ITC |
			(o->addr->sa_family == AF_INET6 ? MHD_USE_IPv6 : 0),
		0, NULL, NULL, handle, srv, MHD_OPTION_SOCK_ADDR, o->addr, MHD_OPTION_LISTEN_SOCKET,
		listen_fd < 0 ? MHD_INVALID_SOCKET : listen_fd, MHD_OPTION_HTTPS_MEM_CERT, cert_pem,
		MHD_OPTION_HTTPS_MEM_KEY, key_pem, MHD_OPTION_HTTPS_PRIORITIES,
		"SECURE256:+SECURE128:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2",
		MHD_OPTION_THREAD_POOL_SIZE, threads, MHD_OPTION_CONNECTION_LIMIT,
		BH_LIMIT_WEBHOOK_CONNECTIONS, MHD_OPTION_PER_IP_CONNECTION_LIMIT,
		BH_LIMIT_WEBHOOK_CONNECTIONS_PER_IP, MHD_OPTION_CONNECTION_TIMEOUT,
		BH_LIMIT_WEBHOOK_IDLE_SECONDS, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
		(size_t)BH_LIMIT_WEBHOOK_CONN_MEMORY, MHD_OPTION_NOTIFY_COMPLETED, completed, srv,
		MHD_OPTION_END);
}

bh_err bh_webhook_start(const struct bh_webhook_server_opts *o, struct bh_webhook_server **out,
			unsigned *port, struct bh_diag *diag)
{
	struct bh_webhook_server *srv;
	const union MHD_DaemonInfo *info;
	bh_err err = bh_mhd_api_load(diag);

	if (err)
		return err;
	if (MHD(MHD_is_feature_supported)(MHD_FEATURE_TLS) != MHD_YES)
		return bh_diag_set(diag, BH_ERR_IO, "libmicrohttpd", 0, 0,
				   "the library was built without TLS support");
	srv = calloc(1, sizeof(*srv));
	if (!srv)
		return BH_ERR_NOMEM;
	srv->o = *o;
	srv->d = start_daemon(srv, o->cert_pem, o->key_pem, -1);
	if (!srv->d) {
		free(srv);
		return bh_diag_set(
			diag, BH_ERR_IO, "webhook", 0, 0,
			"cannot start the HTTPS server: the address is in use or not local, or the certificate or key is not valid PEM");
	}
	info = MHD(MHD_get_daemon_info)(srv->d, MHD_DAEMON_INFO_BIND_PORT);
	*port = info ? info->port : 0;
	*out = srv;
	return BH_OK;
}

/* Whether the PEM texts are a certificate and the private key of its public key. */
static bh_err check_pair(const char *cert_pem, const char *key_pem, const char *label,
			 struct bh_diag *diag)
{
	BIO *cb = BIO_new_mem_buf(cert_pem, -1), *kb = BIO_new_mem_buf(key_pem, -1);
	X509 *cert = cb ? PEM_read_bio_X509(cb, NULL, NULL, NULL) : NULL;
	EVP_PKEY *key = kb ? PEM_read_bio_PrivateKey(kb, NULL, NULL, NULL) : NULL;
	bh_err err = BH_OK;

	if (!cert)
		err = bh_diag_set(diag, BH_ERR_PARSE, label, 0, 0,
				  "the certificate is not a PEM X.509 certificate");
	else if (!key)
		err = bh_diag_set(diag, BH_ERR_PARSE, label, 0, 0,
				  "the key is not an unencrypted PEM private key");
	else if (X509_check_private_key(cert, key) != 1)
		err = bh_diag_set(diag, BH_ERR_PARSE, label, 0, 0,
				  "the key is not the certificate's private key");
	ERR_clear_error();
	X509_free(cert);
	EVP_PKEY_free(key);
	BIO_free(cb);
	BIO_free(kb);
	return err;
}

bh_err bh_webhook_reload(struct bh_webhook_server *srv, const char *cert_pem, const char *key_pem,
			 const char *label, struct bh_diag *diag)
{
	struct MHD_Daemon *old = srv->d, *d;
	bh_err err = check_pair(cert_pem, key_pem, label, diag);
	MHD_socket fd;

	if (err)
		return err;
	/* The old daemon stops accepting and hands its socket to the new one: no connection is
	 * refused while the certificate changes. */
	fd = MHD(MHD_quiesce_daemon)(old);
	if (fd == MHD_INVALID_SOCKET)
		return bh_diag_set(diag, BH_ERR_INTERNAL, label, 0, 0,
				   "the server cannot hand its socket over");
	d = start_daemon(srv, cert_pem, key_pem, fd);
	if (!d) {
		/* GnuTLS refused what OpenSSL accepted: go on with the certificate in use. */
		d = start_daemon(srv, srv->o.cert_pem, srv->o.key_pem, fd);
		if (!d)
			return bh_diag_set(diag, BH_ERR_IO, label, 0, 0,
					   "the server could not start again on its socket");
		srv->d = d;
		MHD(MHD_stop_daemon)(old);
		return bh_diag_set(diag, BH_ERR_PARSE, label, 0, 0,
				   "the TLS library refused the new certificate and key");
	}
	srv->d = d;
	srv->o.cert_pem = cert_pem;
	srv->o.key_pem = key_pem;
	/* Requests in flight on the old daemon finish first (they take milliseconds). */
	for (int i = 0; i < 100; i++) {
		const union MHD_DaemonInfo *info =
			MHD(MHD_get_daemon_info)(old, MHD_DAEMON_INFO_CURRENT_CONNECTIONS);

		if (!info || !info->num_connections)
			break;
		nanosleep(&(struct timespec){ 0, 50 * 1000 * 1000 }, NULL);
	}
	MHD(MHD_stop_daemon)(old);
	return BH_OK;
}

void bh_webhook_stop(struct bh_webhook_server *srv)
{
	if (!srv)
		return;
	MHD(MHD_stop_daemon)(srv->d);
	free(srv);
}
