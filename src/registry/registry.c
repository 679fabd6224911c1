/*
 * The distribution API v2 over libcurl: manifests and blobs, with the authentication a registry
 * asks for.
 *
 * Every request goes through request(): it sends the cached credential for the operation's
 * scope, and on a 401 reads the challenge, fetches a bearer token from the realm (or switches to
 * Basic) and tries once more. Responses land in buffers with a ceiling enforced in curl's write
 * callback, so a hostile registry costs at most that much memory; the header callback counts
 * and caps headers the same way. Nothing here prints: failures go into the diag, naming the URL
 * (which never carries credentials: those travel in the Authorization header only), the HTTP
 * status and the registry's errors[0].code and message.
 */
#include "registry.h"

#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "bh_config.h"
#include "core/fs.h"
#include "core/hash.h"
#include "core/limits.h"
#include "curl_api.h"

#include "core/banned.h"

struct token {
	char *scope;
	char *value;
	time_t expires;
};

struct bh_registry {
	char *host; /* host[:port] as given */
	char *base; /* scheme://host */
	bool plain_http, insecure;
	char *ca_blob; /* the trusted CAs when a CA file is added: curl's own bundle and the file */
	size_t ca_blob_len;
	char *basic; /* "user:pass" from the docker config, or NULL */
	bool use_basic;
	CURL *curl;
	struct token tokens[BH_LIMIT_REG_TOKENS];
	size_t ntokens;
	char errbuf[CURL_ERROR_SIZE];
};

/* What one HTTP exchange left behind, filled by the curl callbacks. */
struct resp {
	long status;
	unsigned headers;
	bool headers_over;
	char content_type[256];
	char docker_digest[80];
	char location[BH_LIMIT_REG_HEADER_BYTES];
	char challenge[BH_LIMIT_REG_HEADER_BYTES];
	bool challenge_over;
	/* A 2xx body goes to out from out_start on, at most out_max bytes; other bodies go to
	 * errbody, which keeps at most BH_LIMIT_REG_ERROR_BYTES. */
	struct bh_buf *out;
	size_t out_start, out_max;
	bool out_over;
	struct bh_buf errbody;
	/* Or, when to_fd, a 2xx body is written to fd and hashed while it streams, at most out_max
	 * bytes, so that a layer of any size costs only curl's own buffer in memory. */
	bool to_fd;
	int fd;
	uint64_t fd_len;
	EVP_MD_CTX *md;
	int fd_errno; /* the write that failed, or 0 */
};

/* One request: what to send. */
struct req {
	const char *method; /* GET, HEAD, PUT, POST */
	const char *url;
	const char *repo; /* for the token scope; NULL for token requests */
	bool push;	  /* the scope needs push as well as pull */
	const char *accept;
	const char *content_type;
	const void *body;
	size_t len;
	bool follow; /* follow redirects (GET/HEAD of content) */
};

/* ---- small helpers ---- */

/* Copy a peer-supplied string for a message: printable ASCII only, at most n bytes. */
static void clean_copy(char *dst, size_t cap, const char *src, size_t n)
{
	size_t o = 0;

	for (size_t i = 0; i < n && src[i] && o + 1 < cap; i++) {
		unsigned char c = (unsigned char)src[i];

		dst[o++] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
	}
	dst[o] = '\0';
}

/* The URL for a message, without any user:password@ a peer may have put into it. */
static void url_for_msg(char *dst, size_t cap, const char *url)
{
	const char *scheme = strstr(url, "://"), *at, *slash;
	char tmp[1024];

	if (scheme) {
		const char *host = scheme + 3;

		slash = strchr(host, '/');
		at = memchr(host, '@', slash ? (size_t)(slash - host) : strlen(host));
		if (at) {
			snprintf(tmp, sizeof(tmp), "%.*s%s", (int)(host - url), url, at + 1);
			clean_copy(dst, cap, tmp, 400);
			return;
		}
	}
	clean_copy(dst, cap, url, 400);
}

static bool is_loopback_host(const char *hostport)
{
	char h[256];
	size_t n;

	if (hostport[0] == '[')
		return strncmp(hostport, "[::1]", 5) == 0 &&
		       (hostport[5] == '\0' || hostport[5] == ':');
	n = strcspn(hostport, ":/");
	if (n == 0 || n >= sizeof(h))
		return false;
	memcpy(h, hostport, n);
	h[n] = '\0';
	if (strcasecmp(h, "localhost") == 0)
		return true;
	if (strncmp(h, "127.", 4) != 0)
		return false;
	for (size_t i = 4; i < n; i++)
		if (!isdigit((unsigned char)h[i]) && h[i] != '.')
			return false;
	return true;
}

/* Percent-encode s into b (RFC 3986 unreserved characters stay). */
static bh_err add_escaped(struct bh_buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	bh_err err = BH_OK;

	for (; *s && !err; s++) {
		unsigned char c = (unsigned char)*s;

		if (isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~')
			err = bh_buf_addc(b, (char)c);
		else
			err = bh_buf_printf(b, "%%%c%c", hex[c >> 4], hex[c & 15]);
	}
	return err;
}

/* A repository path safe to put into a URL: the reference grammar's characters only. */
static bool repo_ok(const char *repo)
{
	if (!repo || !*repo || strlen(repo) > BH_LIMIT_REF_NAME_BYTES || repo[0] == '/')
		return false;
	for (const char *p = repo; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '.' ||
		      *p == '_' || *p == '-' || (*p == '/' && p[1] != '/' && p[1] != '\0')))
			return false;
	return true;
}

static bool tag_ok(const char *t)
{
	size_t n = t ? strlen(t) : 0;

	if (n == 0 || n > 128 || t[0] == '.' || t[0] == '-')
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)t[i]) && t[i] != '_' && t[i] != '.' && t[i] != '-')
			return false;
	return true;
}

static void wipe_free(char *s)
{
	if (s) {
		OPENSSL_cleanse(s, strlen(s));
		free(s);
	}
}

/* ---- curl callbacks ---- */

static size_t on_header(char *p, size_t size, size_t n, void *ud)
{
	struct resp *rs = ud;
	size_t len = size * n, vlen;
	const char *colon, *v;

	if (len >= 5 && memcmp(p, "HTTP/", 5) == 0) {
		/* A new response (after a redirect or 100 Continue): forget the previous one's. */
		const char *sp = memchr(p, ' ', len);

		rs->status = sp && (size_t)(sp - p) + 4 <= len ? strtol(sp + 1, NULL, 10) : 0;
		rs->headers = 0;
		rs->content_type[0] = rs->docker_digest[0] = rs->location[0] = '\0';
		rs->challenge[0] = '\0';
		return len;
	}
	if (++rs->headers > BH_LIMIT_REG_HEADERS) {
		rs->headers_over = true;
		return 0;
	}
	colon = memchr(p, ':', len);
	if (!colon)
		return len;
	v = colon + 1;
	while (v < p + len && (*v == ' ' || *v == '\t'))
		v++;
	vlen = (size_t)(p + len - v);
	while (vlen && (v[vlen - 1] == '\r' || v[vlen - 1] == '\n' || v[vlen - 1] == ' '))
		vlen--;
#define IS(name) \
	((size_t)(colon - p) == sizeof(name) - 1 && strncasecmp(p, name, sizeof(name) - 1) == 0)
	if (IS("content-length") && rs->status >= 200 && rs->status < 300 &&
	    (rs->out || rs->to_fd)) {
		/* A body declared larger than the cap is refused before any of it is read. */
		char num[32];

		clean_copy(num, sizeof(num), v, vlen);
		if (strtoull(num, NULL, 10) > rs->out_max) {
			rs->out_over = true;
			return 0;
		}
	} else if (IS("content-type"))
		clean_copy(rs->content_type, sizeof(rs->content_type), v, vlen);
	else if (IS("docker-content-digest"))
		clean_copy(rs->docker_digest, sizeof(rs->docker_digest), v, vlen);
	else if (IS("location"))
		clean_copy(rs->location, sizeof(rs->location), v, vlen);
	else if (IS("www-authenticate")) {
		/* Keep the first Bearer challenge, or else the first one. */
		if (vlen >= sizeof(rs->challenge)) {
			rs->challenge_over = true;
			return 0;
		}
		if (!rs->challenge[0] || (strncasecmp(rs->challenge, "Bearer", 6) != 0 &&
					  vlen >= 6 && strncasecmp(v, "Bearer", 6) == 0)) {
			memcpy(rs->challenge, v, vlen);
			rs->challenge[vlen] = '\0';
		}
	}
#undef IS
	return len;
}

static size_t on_body(char *p, size_t size, size_t n, void *ud)
{
	struct resp *rs = ud;
	size_t len = size * n;

	if (rs->status >= 200 && rs->status < 300 && rs->to_fd) {
		if (rs->fd_len + len > rs->out_max) {
			rs->out_over = true;
			return 0;
		}
		for (size_t done = 0; done < len;) {
			ssize_t w = write(rs->fd, p + done, len - done);

			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0) {
				rs->fd_errno = w < 0 ? errno : EIO;
				return 0;
			}
			done += (size_t)w;
		}
		if (!EVP_DigestUpdate(rs->md, p, len)) {
			rs->fd_errno = ENOMEM;
			return 0;
		}
		rs->fd_len += len;
		return len;
	}
	if (rs->status >= 200 && rs->status < 300 && rs->out) {
		if (rs->out->len - rs->out_start + len > rs->out_max) {
			rs->out_over = true;
			return 0;
		}
		if (bh_buf_add(rs->out, p, len)) {
			/* The caller's buffer has a lower ceiling of its own, or memory ran out. */
			rs->out_over = true;
			return 0;
		}
		return len;
	}
	/* An error or redirect body: only its start is of use, for errors[0]. */
	if (rs->errbody.len + len > BH_LIMIT_REG_ERROR_BYTES)
		len = BH_LIMIT_REG_ERROR_BYTES - rs->errbody.len;
	if (len && bh_buf_add(&rs->errbody, p, len))
		return 0;
	return size * n;
}

/* ---- one exchange ---- */

/* The registry's own words from an error body: errors[0].code and .message, cleaned. */
static void registry_error(const struct resp *rs, char *dst, size_t cap)
{
	json_error_t je;
	json_t *root, *e;
	const char *code = NULL, *msg = NULL;
	char c[128], m[256];

	dst[0] = '\0';
	if (!rs->errbody.len)
		return;
	root = json_loadb(rs->errbody.data, rs->errbody.len, 0, &je);
	e = json_array_get(json_object_get(root, "errors"), 0);
	code = json_string_value(json_object_get(e, "code"));
	msg = json_string_value(json_object_get(e, "message"));
	if (code || msg) {
		clean_copy(c, sizeof(c), code ? code : "", 100);
		clean_copy(m, sizeof(m), msg ? msg : "", 200);
		snprintf(dst, cap, ": %s%s%s", c, code && msg ? ": " : "", m);
	}
	json_decref(root);
}

static bh_err status_error(struct bh_registry *r, const struct req *q, const struct resp *rs,
			   struct bh_diag *diag)
{
	char url[512], why[400];

	url_for_msg(url, sizeof(url), q->url);
	registry_error(rs, why, sizeof(why));
	return bh_diag_set(diag, rs->status == 404 ? BH_ERR_NOTFOUND : BH_ERR_NET, r->host, 0, 0,
			   "%s %s: HTTP %ld%s", q->method, url, rs->status, why);
}

static bh_err perform(struct bh_registry *r, const struct req *q, const char *auth, struct resp *rs,
		      struct bh_diag *diag)
{
	CURL *c = r->curl;
	struct curl_slist *h = NULL, *t;
	struct bh_buf line = BH_BUF_INIT;
	const char *protos = r->plain_http ? "http,https" : "https";
	bh_err err = BH_OK;
	CURLcode cc;
	char url[512];

	rs->status = 0;
	rs->headers = 0;
	rs->headers_over = rs->out_over = rs->challenge_over = false;
	rs->content_type[0] = rs->docker_digest[0] = rs->location[0] = rs->challenge[0] = '\0';
	bh_buf_reset(&rs->errbody);
	if (rs->out)
		rs->out_start = rs->out->len;
	if (rs->to_fd) {
		/* A retried request (after a 401) starts the file and the hash over. */
		rs->fd_len = 0;
		rs->fd_errno = 0;
		if (ftruncate(rs->fd, 0) || lseek(rs->fd, 0, SEEK_SET) != 0)
			return bh_diag_set(diag, BH_ERR_IO, r->host, 0, 0,
					   "cannot rewind the blob's file: %s", strerror(errno));
		if (!EVP_DigestInit_ex(rs->md, bh_sha256_md(), NULL))
			return bh_diag_set(diag, BH_ERR_NOMEM, r->host, 0, 0, "out of memory");
	}

	CURLF(curl_easy_reset)(c);
	r->errbuf[0] = '\0';
	CURLF(curl_easy_setopt)(c, CURLOPT_URL, q->url);
	CURLF(curl_easy_setopt)(c, CURLOPT_ERRORBUFFER, r->errbuf);
	CURLF(curl_easy_setopt)(c, CURLOPT_NOSIGNAL, 1L);
	CURLF(curl_easy_setopt)(c, CURLOPT_PROTOCOLS_STR, protos);
	CURLF(curl_easy_setopt)(c, CURLOPT_REDIR_PROTOCOLS_STR, protos);
	CURLF(curl_easy_setopt)(c, CURLOPT_FOLLOWLOCATION, q->follow ? 1L : 0L);
	CURLF(curl_easy_setopt)(c, CURLOPT_MAXREDIRS, (long)BH_LIMIT_REG_REDIRECTS);
	CURLF(curl_easy_setopt)(c, CURLOPT_CONNECTTIMEOUT, (long)BH_LIMIT_REG_CONNECT_SECONDS);
	CURLF(curl_easy_setopt)(c, CURLOPT_TIMEOUT, (long)BH_LIMIT_REG_TOTAL_SECONDS);
	CURLF(curl_easy_setopt)(c, CURLOPT_USERAGENT, "bulkhead/" BH_VERSION);
	CURLF(curl_easy_setopt)(c, CURLOPT_HEADERFUNCTION, on_header);
	CURLF(curl_easy_setopt)(c, CURLOPT_HEADERDATA, rs);
	CURLF(curl_easy_setopt)(c, CURLOPT_WRITEFUNCTION, on_body);
	CURLF(curl_easy_setopt)(c, CURLOPT_WRITEDATA, rs);
	if (r->insecure) {
		CURLF(curl_easy_setopt)(c, CURLOPT_SSL_VERIFYPEER, 0L);
		CURLF(curl_easy_setopt)(c, CURLOPT_SSL_VERIFYHOST, 0L);
	} else if (r->ca_blob) {
		struct curl_blob b = { r->ca_blob, r->ca_blob_len, CURL_BLOB_NOCOPY };

		CURLF(curl_easy_setopt)(c, CURLOPT_CAINFO_BLOB, &b);
	}

	/* Expect: 100-continue only costs a round trip for bodies this size. */
	t = CURLF(curl_slist_append)(h, "Expect:");
	if (t && q->accept) {
		h = t;
		bh_buf_reset(&line);
		if (bh_buf_printf(&line, "Accept: %s", q->accept) == BH_OK)
			t = CURLF(curl_slist_append)(h, line.data);
	}
	if (t && q->content_type) {
		h = t;
		bh_buf_reset(&line);
		if (bh_buf_printf(&line, "Content-Type: %s", q->content_type) == BH_OK)
			t = CURLF(curl_slist_append)(h, line.data);
	}
	if (t && auth) {
		h = t;
		bh_buf_reset(&line);
		if (bh_buf_printf(&line, "Authorization: %s", auth) == BH_OK)
			t = CURLF(curl_slist_append)(h, line.data);
		OPENSSL_cleanse(line.data, line.len);
	}
	bh_buf_release(&line);
	if (!t) {
		CURLF(curl_slist_free_all)(h);
		return bh_diag_set(diag, BH_ERR_NOMEM, r->host, 0, 0, "out of memory");
	}
	h = t;
	CURLF(curl_easy_setopt)(c, CURLOPT_HTTPHEADER, h);

	if (strcmp(q->method, "HEAD") == 0) {
		CURLF(curl_easy_setopt)(c, CURLOPT_NOBODY, 1L);
	} else if (strcmp(q->method, "GET") != 0) {
		CURLF(curl_easy_setopt)(c, CURLOPT_POST, 1L);
		CURLF(curl_easy_setopt)(c, CURLOPT_POSTFIELDS, q->body ? q->body : "");
		CURLF(curl_easy_setopt)(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)q->len);
		CURLF(curl_easy_setopt)(c, CURLOPT_CUSTOMREQUEST, q->method);
	}

	cc = CURLF(curl_easy_perform)(c);
	CURLF(curl_easy_setopt)(c, CURLOPT_HTTPHEADER, NULL);
	CURLF(curl_slist_free_all)(h);
	url_for_msg(url, sizeof(url), q->url);
	if (rs->out_over) {
		err = bh_diag_set(diag, BH_ERR_LIMIT, r->host, 0, 0,
				  "%s %s: the response is larger than %zu bytes", q->method, url,
				  rs->out_max);
	} else if (rs->to_fd && rs->fd_errno) {
		err = bh_diag_set(diag, BH_ERR_IO, r->host, 0, 0, "%s %s: writing the body: %s",
				  q->method, url, strerror(rs->fd_errno));
	} else if (rs->headers_over) {
		err = bh_diag_set(diag, BH_ERR_LIMIT, r->host, 0, 0,
				  "%s %s: the response has more than %u headers", q->method, url,
				  (unsigned)BH_LIMIT_REG_HEADERS);
	} else if (rs->challenge_over) {
		err = bh_diag_set(diag, BH_ERR_LIMIT, r->host, 0, 0,
				  "%s %s: a WWW-Authenticate header is longer than %u bytes",
				  q->method, url, (unsigned)BH_LIMIT_REG_HEADER_BYTES);
	} else if (cc == CURLE_TOO_MANY_REDIRECTS) {
		err = bh_diag_set(diag, BH_ERR_LIMIT, r->host, 0, 0,
				  "%s %s: more than %d redirects", q->method, url,
				  BH_LIMIT_REG_REDIRECTS);
	} else if (cc != CURLE_OK) {
		char e[CURL_ERROR_SIZE];

		clean_copy(e, sizeof(e), r->errbuf[0] ? r->errbuf : CURLF(curl_easy_strerror)(cc),
			   sizeof(e));
		err = bh_diag_set(diag, BH_ERR_NET, r->host, 0, 0, "%s %s: %s", q->method, url, e);
	} else {
		long code = 0;

		CURLF(curl_easy_getinfo)(c, CURLINFO_RESPONSE_CODE, &code);
		rs->status = code;
	}
	if (err && rs->out) {
		/* Leave the caller's buffer as it was before the request. */
		rs->out->len = rs->out_start;
		if (rs->out->data)
			rs->out->data[rs->out_start] = '\0';
	}
	return err;
}

/* ---- authentication ---- */

static struct token *find_token(struct bh_registry *r, const char *scope)
{
	time_t now = time(NULL);

	for (size_t i = 0; i < r->ntokens; i++)
		if (strcmp(r->tokens[i].scope, scope) == 0)
			return r->tokens[i].expires > now ? &r->tokens[i] : NULL;
	return NULL;
}

static bh_err store_token(struct bh_registry *r, const char *scope, const char *value,
			  long expires_in)
{
	struct token *t = NULL;
	char *s = strdup(scope), *v = strdup(value);

	if (!s || !v) {
		free(s);
		wipe_free(v);
		return BH_ERR_NOMEM;
	}
	for (size_t i = 0; i < r->ntokens; i++)
		if (strcmp(r->tokens[i].scope, scope) == 0)
			t = &r->tokens[i];
	if (!t && r->ntokens < BH_LIMIT_REG_TOKENS)
		t = &r->tokens[r->ntokens++];
	if (!t)
		t = &r->tokens[0]; /* full: replace the oldest */
	free(t->scope);
	wipe_free(t->value);
	t->scope = s;
	t->value = v;
	/* Tokens live at least 60 seconds (distribution token spec); keep a margin of 10. */
	t->expires = time(NULL) + (expires_in < 60 ? 60 : expires_in) - 10;
	return BH_OK;
}

/* "Basic <base64 of user:pass>", malloc'd. */
static char *basic_header(const char *userpass)
{
	size_t n = strlen(userpass), cap = 6 + 4 * ((n + 2) / 3) + 1;
	char *h = malloc(cap);

	if (!h)
		return NULL;
	memcpy(h, "Basic ", 6);
	EVP_EncodeBlock((unsigned char *)h + 6, (const unsigned char *)userpass, (int)n);
	return h;
}

static bool token_chars_ok(const char *t)
{
	size_t n = strlen(t);

	if (n == 0 || n > BH_LIMIT_REG_TOKEN_BYTES)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)t[i] <= 0x20 || (unsigned char)t[i] >= 0x7f)
			return false;
	return true;
}

/* GET a token for scope from the challenge's realm and cache it. */
static bh_err fetch_token(struct bh_registry *r, const struct bh_challenge *ch, const char *scope,
			  struct bh_diag *diag)
{
	struct bh_buf url = BH_BUF_INIT, body;
	struct resp rs = { 0 };
	struct req q = { .method = "GET", .follow = false };
	char *auth = NULL, shown[512];
	json_t *root = NULL;
	json_error_t je;
	const char *tok;
	bh_err err;
	char sep;
	const char *host;

	url_for_msg(shown, sizeof(shown), ch->realm);
	if (strncmp(ch->realm, "https://", 8) == 0) {
		host = ch->realm + 8;
	} else if (strncmp(ch->realm, "http://", 7) == 0 && is_loopback_host(ch->realm + 7) &&
		   r->plain_http) {
		/* A token over plain HTTP is only acceptable where the registry itself is. */
		host = ch->realm + 7;
	} else {
		return bh_diag_set(diag, BH_ERR_NET, r->host, 0, 0,
				   "the registry's token realm \"%s\" is not an https URL", shown);
	}
	if (!*host || *host == '/')
		return bh_diag_set(diag, BH_ERR_NET, r->host, 0, 0,
				   "the registry's token realm \"%s\" has no host", shown);
	/* user@host in a realm would hide the real host from the loopback check, and a realm
	 * has no business carrying credentials. */
	if (memchr(host, '@', strcspn(host, "/?#")))
		return bh_diag_set(diag, BH_ERR_NET, r->host, 0, 0,
				   "the registry's token realm \"%s\" holds user information",
				   shown);
	bh_buf_init(&body, BH_LIMIT_REG_TOKEN_BYTES);
	sep = strchr(ch->realm, '?') ? '&' : '?';
	err = bh_buf_adds(&url, ch->realm);
	if (!err && ch->service) {
		err = bh_buf_printf(&url, "%cservice=", sep);
		sep = '&';
		if (!err)
			err = add_escaped(&url, ch->service);
	}
	if (!err) {
		err = bh_buf_printf(&url, "%cscope=", sep);
		if (!err)
			err = add_escaped(&url, scope);
	}
	/* The challenge may name a scope other than the one asked for; ask for both. */
	if (!err && ch->scope && strcmp(ch->scope, scope) != 0) {
		err = bh_buf_adds(&url, "&scope=");
		if (!err)
			err = add_escaped(&url, ch->scope);
	}
	if (!err && r->basic && !(auth = basic_header(r->basic)))
		err = BH_ERR_NOMEM;
	if (err) {
		err = bh_diag_set(diag, err, r->host, 0, 0, "cannot build the token request");
		goto out;
	}
	q.url = url.data;
	rs.out = &body;
	rs.out_max = BH_LIMIT_REG_TOKEN_BYTES;
	err = perform(r, &q, auth, &rs, diag);
	if (err)
		goto out;
	if (rs.status != 200) {
		char why[400];

		registry_error(&rs, why, sizeof(why));
		err = bh_diag_set(
			diag, BH_ERR_NET, r->host, 0, 0,
			"GET %s: the token endpoint answered HTTP %ld%s%s", shown, rs.status, why,
			rs.status == 401 && !r->basic ? " (no credentials are configured)" : "");
		goto out;
	}
	root = json_loadb(body.data ? body.data : "", body.len, 0, &je);
	tok = json_string_value(json_object_get(root, "token"));
	if (!tok || !*tok)
		tok = json_string_value(json_object_get(root, "access_token"));
	if (!tok || !token_chars_ok(tok)) {
		err = bh_diag_set(diag, BH_ERR_PARSE, r->host, 0, 0,
				  "GET %s: the token endpoint's answer holds no usable token%s",
				  shown, root ? "" : " (not JSON)");
		goto out;
	}
	err = store_token(r, scope, tok,
			  (long)json_integer_value(json_object_get(root, "expires_in")));
	if (err)
		bh_diag_set(diag, err, r->host, 0, 0, "out of memory");
out:
	json_decref(root);
	if (body.data)
		OPENSSL_cleanse(body.data, body.len);
	bh_buf_release(&body);
	bh_buf_release(&url);
	wipe_free(auth);
	bh_buf_release(&rs.errbody);
	return err;
}

/*
 * Send q with the credential its scope has, answering one authentication challenge: a Bearer
 * challenge fetches a token, a Basic one switches to the configured user. A second 401 is final.
 */
static bh_err request(struct bh_registry *r, const struct req *q, struct resp *rs,
		      struct bh_diag *diag)
{
	char scope[BH_LIMIT_REF_NAME_BYTES + 40];
	bh_err err = BH_OK;

	snprintf(scope, sizeof(scope), "repository:%s:%s", q->repo, q->push ? "pull,push" : "pull");
	for (int round = 0;; round++) {
		struct token *t = find_token(r, scope);
		char *auth = NULL;
		struct bh_challenge ch;
		char url[512];

		if (t) {
			size_t n = strlen(t->value) + 8;

			auth = malloc(n);
			if (auth)
				snprintf(auth, n, "Bearer %s", t->value);
		} else if (r->use_basic && r->basic) {
			auth = basic_header(r->basic);
		}
		if ((t || (r->use_basic && r->basic)) && !auth)
			return bh_diag_set(diag, BH_ERR_NOMEM, r->host, 0, 0, "out of memory");
		err = perform(r, q, auth, rs, diag);
		wipe_free(auth);
		if (err || rs->status != 401)
			return err;
		url_for_msg(url, sizeof(url), q->url);
		if (round > 0)
			return bh_diag_set(
				diag, BH_ERR_NET, r->host, 0, 0,
				"%s %s: HTTP 401: the registry refused the credentials%s",
				q->method, url,
				r->basic ? "" : " (no credentials are configured for it)");
		if (!rs->challenge[0])
			return bh_diag_set(diag, BH_ERR_NET, r->host, 0, 0,
					   "%s %s: HTTP 401 without a WWW-Authenticate challenge",
					   q->method, url);
		err = bh_challenge_parse(rs->challenge, &ch, diag);
		if (err) {
			char why[BH_DIAG_MSG_MAX];

			snprintf(why, sizeof(why), "%s", diag ? diag->msg : "");
			return bh_diag_set(diag, err, r->host, 0, 0, "%s %s: %s", q->method, url,
					   why);
		}
		if (strcasecmp(ch.scheme, "Bearer") == 0) {
			if (!ch.realm)
				err = bh_diag_set(diag, BH_ERR_NET, r->host, 0, 0,
						  "%s %s: the Bearer challenge has no realm",
						  q->method, url);
			else
				err = fetch_token(r, &ch, scope, diag);
		} else if (strcasecmp(ch.scheme, "Basic") == 0) {
			if (r->basic)
				r->use_basic = true;
			else
				err = bh_diag_set(
					diag, BH_ERR_NET, r->host, 0, 0,
					"%s %s: HTTP 401: the registry asks for a user and "
					"password, and none are configured for %s",
					q->method, url, r->host);
		} else {
			char s[64];

			clean_copy(s, sizeof(s), ch.scheme, 40);
			err = bh_diag_set(diag, BH_ERR_NET, r->host, 0, 0,
					  "%s %s: HTTP 401 asks for the unsupported scheme %s",
					  q->method, url, s);
		}
		bh_challenge_free(&ch);
		if (err)
			return err;
	}
}

/* ---- credentials from the docker config ---- */

/* The host part of an "auths" key: scheme and path stripped ("https://h:5000/v1/" -> h:5000). */
static bool auth_key_matches(const char *key, const char *host)
{
	const char *k = key;
	size_t n;

	if (strncmp(k, "https://", 8) == 0)
		k += 8;
	else if (strncmp(k, "http://", 7) == 0)
		k += 7;
	n = strcspn(k, "/");
	return n == strlen(host) && strncasecmp(k, host, n) == 0;
}

static bh_err decode_auth(const char *b64, char **out)
{
	size_t n = strlen(b64), pad = 0;
	unsigned char *raw;
	int got;

	if (n == 0 || n % 4 || n > 64 * 1024)
		return BH_ERR_PARSE;
	raw = malloc(n / 4 * 3 + 1);
	if (!raw)
		return BH_ERR_NOMEM;
	got = EVP_DecodeBlock(raw, (const unsigned char *)b64, (int)n);
	if (got < 0) {
		free(raw);
		return BH_ERR_PARSE;
	}
	while (pad < 2 && n > pad && b64[n - 1 - pad] == '=')
		pad++;
	got -= (int)pad;
	raw[got] = '\0';
	if ((int)strlen((char *)raw) != got || !strchr((char *)raw, ':')) {
		OPENSSL_cleanse(raw, (size_t)got);
		free(raw);
		return BH_ERR_PARSE;
	}
	*out = (char *)raw;
	return BH_OK;
}

/*
 * An extra CA file is added to the CAs curl trusts by default, not put in their place: the
 * trusted set is handed to curl as one PEM blob, its default bundle followed by the file. (A
 * TLS context callback could add the file to curl's store, but that store belongs to the
 * OpenSSL curl loaded, which is not the one bulkhead is linked with.)
 */
static bh_err load_cas(struct bh_registry *r, const char *ca_file, struct bh_diag *diag)
{
	const curl_version_info_data *v = CURLF(curl_version_info)(CURLVERSION_NOW);
	char *sys = NULL, *extra = NULL;
	size_t nsys = 0, nextra = 0;
	bh_err err = bh_fs_read(ca_file, BH_LIMIT_REG_CA_BYTES, &extra, &nextra, diag);

	if (err)
		return err;
	/* Without a readable default bundle, curl's CA directory (if any) still applies. */
	if (v && v->cainfo) {
		struct bh_diag ignored;

		if (bh_fs_read(v->cainfo, BH_LIMIT_REG_CA_BYTES, &sys, &nsys, &ignored))
			nsys = 0;
	}
	r->ca_blob = malloc(nsys + 1 + nextra);
	if (!r->ca_blob) {
		free(sys);
		free(extra);
		return bh_diag_set(diag, BH_ERR_NOMEM, ca_file, 0, 0, "out of memory");
	}
	if (nsys)
		memcpy(r->ca_blob, sys, nsys);
	r->ca_blob[nsys] = '\n';
	memcpy(r->ca_blob + nsys + 1, extra, nextra);
	r->ca_blob_len = nsys + 1 + nextra;
	free(sys);
	free(extra);
	return BH_OK;
}

static bh_err load_credentials(struct bh_registry *r, const char *auth_file, struct bh_diag *diag)
{
	char path[4096];
	const char *file = auth_file, *key, *dc, *home;
	char *data = NULL;
	size_t len = 0;
	json_t *root = NULL, *auths, *e;
	json_error_t je;
	bh_err err = BH_OK;

	if (!file) {
		if ((dc = getenv("DOCKER_CONFIG")) && *dc)
			snprintf(path, sizeof(path), "%s/config.json", dc);
		else if ((home = getenv("HOME")) && *home)
			snprintf(path, sizeof(path), "%s/.docker/config.json", home);
		else
			return BH_OK;
		if (access(path, F_OK) != 0)
			return BH_OK;
		file = path;
	}
	err = bh_fs_read(file, BH_LIMIT_REG_AUTH_FILE_BYTES, &data, &len, diag);
	if (err)
		return err;
	root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &je);
	if (!root) {
		err = bh_diag_set(diag, BH_ERR_PARSE, file, (unsigned)je.line, (unsigned)je.column,
				  "not a docker config: %s", je.text);
		goto out;
	}
	auths = json_object_get(root, "auths");
	if (auths && !json_is_object(auths)) {
		err = bh_diag_set(diag, BH_ERR_PARSE, file, 0, 0, "\"auths\" is not an object");
		goto out;
	}
	json_object_foreach(auths, key, e)
	{
		const char *a = json_string_value(json_object_get(e, "auth"));
		const char *u = json_string_value(json_object_get(e, "username"));
		const char *p = json_string_value(json_object_get(e, "password"));

		if (!auth_key_matches(key, r->host))
			continue;
		if (a && *a) {
			err = decode_auth(a, &r->basic);
			if (err == BH_ERR_PARSE)
				err = bh_diag_set(diag, err, file, 0, 0,
						  "the \"auth\" of \"auths\" entry %.200s is not "
						  "base64 of user:password",
						  key);
		} else if (u && p) {
			size_t n = strlen(u) + strlen(p) + 2;

			if (strchr(u, ':')) {
				err = bh_diag_set(
					diag, BH_ERR_PARSE, file, 0, 0,
					"the user name of \"auths\" entry %.200s holds ':'", key);
			} else if ((r->basic = malloc(n))) {
				snprintf(r->basic, n, "%s:%s", u, p);
			} else {
				err = BH_ERR_NOMEM;
			}
		}
		break;
	}
out:
	json_decref(root);
	if (data) {
		OPENSSL_cleanse(data, len);
		free(data);
	}
	return err;
}

/* ---- the API ---- */

bh_err bh_registry_open(struct bh_registry **out, const char *registry_host,
			const struct bh_registry_opts *o, struct bh_diag *diag)
{
	struct bh_registry_opts none = { 0 };
	struct bh_registry *r;
	bh_err err;
	size_t n;

	if (!o)
		o = &none;
	if (!registry_host || !*registry_host || strlen(registry_host) > 255 ||
	    strpbrk(registry_host, "/@?# \t\r\n"))
		return bh_diag_set(diag, BH_ERR_USAGE, "registry", 0, 0,
				   "\"%.200s\" is not a registry host[:port]",
				   registry_host ? registry_host : "");
	if (o->plain_http && !o->insecure && !is_loopback_host(registry_host))
		return bh_diag_set(diag, BH_ERR_USAGE, registry_host, 0, 0,
				   "plain HTTP is allowed only to a loopback registry, unless "
				   "insecure is set");
	err = bh_curl_api_load(diag);
	if (err)
		return err;
	r = calloc(1, sizeof(*r));
	if (!r)
		return bh_diag_set(diag, BH_ERR_NOMEM, registry_host, 0, 0, "out of memory");
	r->plain_http = o->plain_http;
	r->insecure = o->insecure;
	r->host = strdup(registry_host);
	n = strlen(registry_host) + 9;
	r->base = malloc(n);
	if (r->base)
		snprintf(r->base, n, "%s://%s", o->plain_http ? "http" : "https", registry_host);
	r->curl = CURLF(curl_easy_init)();
	if (!r->host || !r->base || !r->curl) {
		bh_registry_close(r);
		return bh_diag_set(diag, BH_ERR_NOMEM, registry_host, 0, 0,
				   "out of memory (or curl_easy_init failed)");
	}
	err = o->ca_file && !o->insecure ? load_cas(r, o->ca_file, diag) : BH_OK;
	if (!err)
		err = load_credentials(r, o->auth_file, diag);
	if (err) {
		bh_registry_close(r);
		return err;
	}
	*out = r;
	return BH_OK;
}

void bh_registry_close(struct bh_registry *r)
{
	if (!r)
		return;
	if (r->curl)
		CURLF(curl_easy_cleanup)(r->curl);
	for (size_t i = 0; i < r->ntokens; i++) {
		free(r->tokens[i].scope);
		wipe_free(r->tokens[i].value);
	}
	wipe_free(r->basic);
	free(r->ca_blob);
	free(r->base);
	free(r->host);
	free(r);
}

static bh_err build_url(struct bh_registry *r, struct bh_buf *u, const char *repo, const char *kind,
			const char *ref, struct bh_diag *diag)
{
	if (bh_buf_printf(u, "%s/v2/%s/%s/%s", r->base, repo, kind, ref))
		return bh_diag_set(diag, BH_ERR_NOMEM, r->host, 0, 0, "out of memory");
	return BH_OK;
}

static bh_err check_repo(struct bh_registry *r, const char *repo, struct bh_diag *diag)
{
	if (repo_ok(repo))
		return BH_OK;
	return bh_diag_set(diag, BH_ERR_USAGE, r->host, 0, 0, "\"%.200s\" is not a repository path",
			   repo ? repo : "");
}

/* Compare the digest a registry reported (when it is a sha256 one) with ours. */
static bh_err check_reported(struct bh_registry *r, const char *what, const char *url,
			     const char *reported, const char *ours, struct bh_diag *diag)
{
	char shown[512];

	if (!bh_digest_valid(reported) || strcmp(reported, ours) == 0)
		return BH_OK;
	url_for_msg(shown, sizeof(shown), url);
	return bh_diag_set(diag, BH_ERR_VERIFY, r->host, 0, 0,
			   "%s %s: the registry reports digest %s, the bytes hash to %s", what,
			   shown, reported, ours);
}

/* A repository and a manifest reference (a tag, or a digest when by_digest) fit to be sent. */
static bh_err check_manifest_ref(struct bh_registry *r, const char *repo, const char *ref,
				 bool by_digest, struct bh_diag *diag)
{
	bh_err err = check_repo(r, repo, diag);

	if (err)
		return err;
	if (by_digest ? !bh_digest_valid(ref) : !tag_ok(ref))
		return bh_diag_set(diag, BH_ERR_USAGE, r->host, 0, 0,
				   "\"%.200s\" is neither a tag nor a sha256 digest",
				   ref ? ref : "");
	return BH_OK;
}

bh_err bh_registry_get_manifest(struct bh_registry *r, const char *repo, const char *ref,
				struct bh_buf *body, char **media_type, char digest[BH_DIGEST_BUF],
				struct bh_diag *diag)
{
	struct bh_buf url = BH_BUF_INIT;
	struct resp rs = { 0 };
	struct req q = {
		.method = "GET",
		.repo = repo,
		.follow = true,
		.accept = BH_MT_OCI_MANIFEST ", " BH_MT_OCI_INDEX ", " BH_MT_DOCKER_MANIFEST
					     ", " BH_MT_DOCKER_LIST,
	};
	char got[BH_DIGEST_BUF], shown[512];
	bool by_digest = ref && strncmp(ref, "sha256:", 7) == 0;
	size_t start = body->len;
	char *mt = NULL;
	bh_err err;

	err = check_manifest_ref(r, repo, ref, by_digest, diag);
	if (err)
		return err;
	err = build_url(r, &url, repo, "manifests", ref, diag);
	if (err)
		goto out;
	q.url = url.data;
	rs.out = body;
	rs.out_max = BH_LIMIT_REG_MANIFEST_BYTES;
	err = request(r, &q, &rs, diag);
	if (err)
		goto out;
	url_for_msg(shown, sizeof(shown), url.data);
	if (rs.status != 200) {
		err = status_error(r, &q, &rs, diag);
		goto fail;
	}
	bh_digest_of(body->data ? body->data + start : "", body->len - start, got);
	if (by_digest && strcmp(got, ref) != 0) {
		err = bh_diag_set(
			diag, BH_ERR_VERIFY, r->host, 0, 0,
			"GET %s: the manifest's bytes hash to %s, not to the digest asked "
			"for",
			shown, got);
		goto fail;
	}
	err = check_reported(r, "GET", url.data, rs.docker_digest, got, diag);
	if (err)
		goto fail;
	/* The media type without parameters; a registry that sends none leaves the body's own. */
	rs.content_type[strcspn(rs.content_type, "; ")] = '\0';
	if (rs.content_type[0]) {
		mt = strdup(rs.content_type);
	} else {
		json_error_t je;
		json_t *root = json_loadb(bh_buf_str(body) + start, body->len - start, 0, &je);
		const char *m = json_string_value(json_object_get(root, "mediaType"));
		char clean[256];

		clean_copy(clean, sizeof(clean), m ? m : "", 200);
		mt = strdup(clean);
		json_decref(root);
	}
	if (!mt) {
		err = bh_diag_set(diag, BH_ERR_NOMEM, r->host, 0, 0, "out of memory");
		goto fail;
	}
	*media_type = mt;
	memcpy(digest, got, BH_DIGEST_BUF);
	goto out;
fail:
	body->len = start;
	if (body->data)
		body->data[start] = '\0';
out:
	bh_buf_release(&url);
	bh_buf_release(&rs.errbody);
	return err;
}

bh_err bh_registry_put_manifest(struct bh_registry *r, const char *repo, const char *ref,
				const char *media_type, const void *body, size_t len,
				char digest_out[BH_DIGEST_BUF], struct bh_diag *diag)
{
	struct bh_buf url = BH_BUF_INIT;
	struct resp rs = { 0 };
	struct req q = { .method = "PUT", .repo = repo, .push = true, .body = body, .len = len };
	char got[BH_DIGEST_BUF];
	bool by_digest = ref && strncmp(ref, "sha256:", 7) == 0;
	bh_err err;

	err = check_manifest_ref(r, repo, ref, by_digest, diag);
	if (err)
		return err;
	if (!media_type || !*media_type || strpbrk(media_type, "\r\n"))
		return bh_diag_set(diag, BH_ERR_USAGE, r->host, 0, 0,
				   "a manifest needs a media type");
	if (len > BH_LIMIT_REG_MANIFEST_BYTES)
		return bh_diag_set(diag, BH_ERR_LIMIT, r->host, 0, 0,
				   "the manifest is larger than %u bytes",
				   (unsigned)BH_LIMIT_REG_MANIFEST_BYTES);
	bh_digest_of(body, len, got);
	if (by_digest && strcmp(ref, got) != 0)
		return bh_diag_set(diag, BH_ERR_USAGE, r->host, 0, 0,
				   "the manifest hashes to %s, not to the digest it is pushed as",
				   got);
	err = build_url(r, &url, repo, "manifests", ref, diag);
	if (err)
		goto out;
	q.url = url.data;
	q.content_type = media_type;
	err = request(r, &q, &rs, diag);
	if (err)
		goto out;
	if (rs.status != 201 && rs.status != 200) {
		err = status_error(r, &q, &rs, diag);
		goto out;
	}
	err = check_reported(r, "PUT", url.data, rs.docker_digest, got, diag);
	if (!err)
		memcpy(digest_out, got, BH_DIGEST_BUF);
out:
	bh_buf_release(&url);
	bh_buf_release(&rs.errbody);
	return err;
}

/*
 * GET a blob into the sink the caller set in rs (a buffer from its length start, or a file with
 * a running hash) and check that its bytes hash to digest.
 */
static bh_err get_blob(struct bh_registry *r, const char *repo, const char *digest, struct resp *rs,
		       size_t start, struct bh_diag *diag)
{
	struct bh_buf url = BH_BUF_INIT;
	struct req q = { .method = "GET", .repo = repo, .follow = true };
	char got[BH_DIGEST_BUF], shown[512];
	bh_err err = check_repo(r, repo, diag);

	if (err)
		return err;
	if (!bh_digest_valid(digest))
		return bh_diag_set(diag, BH_ERR_USAGE, r->host, 0, 0,
				   "\"%.200s\" is not a sha256 digest", digest ? digest : "");
	err = build_url(r, &url, repo, "blobs", digest, diag);
	if (!err) {
		q.url = url.data;
		err = request(r, &q, rs, diag);
	}
	if (!err && rs->status != 200)
		err = status_error(r, &q, rs, diag);
	if (!err && rs->to_fd) {
		unsigned char md[EVP_MAX_MD_SIZE];
		unsigned int mdlen = 0;

		if (!EVP_DigestFinal_ex(rs->md, md, &mdlen) || mdlen != 32) {
			err = bh_diag_set(diag, BH_ERR_NOMEM, r->host, 0, 0, "out of memory");
		} else {
			memcpy(got, "sha256:", 7);
			bh_hex(md, 32, got + 7);
		}
	} else if (!err) {
		bh_digest_of(rs->out->data ? rs->out->data + start : "", rs->out->len - start, got);
	}
	if (!err && strcmp(got, digest) != 0) {
		url_for_msg(shown, sizeof(shown), url.data);
		err = bh_diag_set(diag, BH_ERR_VERIFY, r->host, 0, 0,
				  "GET %s: the blob's bytes hash to %s, not to its digest", shown,
				  got);
	}
	bh_buf_release(&url);
	bh_buf_release(&rs->errbody);
	return err;
}

bh_err bh_registry_get_blob(struct bh_registry *r, const char *repo, const char *digest, size_t max,
			    struct bh_buf *out, struct bh_diag *diag)
{
	struct resp rs = { .out = out, .out_max = max };
	size_t start = out->len;
	bh_err err = get_blob(r, repo, digest, &rs, start, diag);

	/* A failed download leaves the caller's buffer as it was. */
	if (err) {
		out->len = start;
		if (out->data)
			out->data[start] = '\0';
	}
	return err;
}

bh_err bh_registry_get_blob_to_fd(struct bh_registry *r, const char *repo, const char *digest,
				  uint64_t max, int fd, uint64_t *written, struct bh_diag *diag)
{
	struct resp rs = { .to_fd = true, .fd = fd };
	bh_err err;

	rs.out_max = max > SIZE_MAX ? SIZE_MAX : (size_t)max;
	rs.md = EVP_MD_CTX_new();
	if (!rs.md)
		return bh_diag_set(diag, BH_ERR_NOMEM, r->host, 0, 0, "out of memory");
	err = get_blob(r, repo, digest, &rs, 0, diag);
	if (!err && written)
		*written = rs.fd_len;
	/* A failed download leaves nothing a caller could mistake for the blob. */
	if (err && ftruncate(fd, 0) == 0)
		(void)lseek(fd, 0, SEEK_SET);
	EVP_MD_CTX_free(rs.md);
	return err;
}

bh_err bh_registry_put_blob(struct bh_registry *r, const char *repo, const void *data, size_t len,
			    char digest_out[BH_DIGEST_BUF], struct bh_diag *diag)
{
	struct bh_buf url = BH_BUF_INIT;
	struct resp rs = { 0 };
	struct req q = { .repo = repo, .push = true };
	char got[BH_DIGEST_BUF], shown[512];
	bh_err err;

	err = check_repo(r, repo, diag);
	if (err)
		return err;
	bh_digest_of(data, len, got);

	/* A registry that has the blob already needs no second copy. */
	err = build_url(r, &url, repo, "blobs", got, diag);
	if (err)
		goto out;
	q.method = "HEAD";
	q.url = url.data;
	q.follow = true;
	err = request(r, &q, &rs, diag);
	if (err)
		goto out;
	if (rs.status == 200)
		goto done;
	if (rs.status != 404) {
		err = status_error(r, &q, &rs, diag);
		goto out;
	}

	bh_buf_reset(&url);
	if (bh_buf_printf(&url, "%s/v2/%s/blobs/uploads/", r->base, repo)) {
		err = bh_diag_set(diag, BH_ERR_NOMEM, r->host, 0, 0, "out of memory");
		goto out;
	}
	q.method = "POST";
	q.url = url.data;
	q.follow = false;
	err = request(r, &q, &rs, diag);
	if (err)
		goto out;
	if (rs.status != 202) {
		err = status_error(r, &q, &rs, diag);
		goto out;
	}
	url_for_msg(shown, sizeof(shown), url.data);
	/* The upload URL is relative to the registry, or absolute on the same registry: the
	 * credentials sent with the PUT must not go anywhere else. */
	if (rs.location[0] == '/') {
		bh_buf_reset(&url);
		err = bh_buf_printf(&url, "%s%s", r->base, rs.location);
	} else if (strncmp(rs.location, r->base, strlen(r->base)) == 0 &&
		   rs.location[strlen(r->base)] == '/') {
		bh_buf_reset(&url);
		err = bh_buf_adds(&url, rs.location);
	} else {
		err = bh_diag_set(diag, BH_ERR_NET, r->host, 0, 0,
				  "POST %s: the upload location \"%.200s\" is not on this registry",
				  shown, rs.location);
		goto out;
	}
	if (!err)
		err = bh_buf_printf(&url, "%cdigest=", strchr(url.data, '?') ? '&' : '?');
	if (!err)
		err = add_escaped(&url, got);
	if (err) {
		err = bh_diag_set(diag, err, r->host, 0, 0, "out of memory");
		goto out;
	}
	q.method = "PUT";
	q.url = url.data;
	q.body = data;
	q.len = len;
	q.content_type = "application/octet-stream";
	err = request(r, &q, &rs, diag);
	if (err)
		goto out;
	if (rs.status != 201) {
		err = status_error(r, &q, &rs, diag);
		goto out;
	}
	err = check_reported(r, "PUT", url.data, rs.docker_digest, got, diag);
	if (err)
		goto out;
done:
	memcpy(digest_out, got, BH_DIGEST_BUF);
out:
	bh_buf_release(&url);
	bh_buf_release(&rs.errbody);
	return err;
}
