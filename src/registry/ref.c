/*
 * Image references: [host[:port]/]path[:tag][@sha256:<hex>], checked against the distribution
 * reference grammar and normalised the way container tools do (a host-less name belongs to the
 * default registry, a one-word name there lives under library/).
 *
 * The parser works on spans of the input and allocates only the four result strings, so a
 * failed parse leaves nothing behind. Only sha256 digests are accepted: they are what registries
 * and signatures use, and a digest we cannot compute is one we cannot verify.
 */
#include "registry.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/hash.h"
#include "core/limits.h"

#include "core/banned.h"

#define TAG_MAX 128

static bool is_lower_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static bool is_alnum(char c)
{
	return is_lower_alnum(c) || (c >= 'A' && c <= 'Z');
}

static bool is_hex_lower(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

bool bh_digest_valid(const char *s)
{
	if (!s || strncmp(s, "sha256:", 7) != 0)
		return false;
	for (size_t i = 0; i < 64; i++)
		if (!is_hex_lower(s[7 + i]))
			return false;
	return s[71] == '\0';
}

void bh_digest_of(const void *data, size_t len, char out[BH_DIGEST_BUF])
{
	memcpy(out, "sha256:", 7);
	bh_sha256_hex(data, len, out + 7);
}

/* A parse failure: the message names the reference (shortened) and the column it points at. */
static bh_err fail(struct bh_diag *diag, const char *s, size_t at, const char *why)
{
	return bh_diag_set(diag, BH_ERR_PARSE, "reference", 1, (unsigned)at + 1,
			   "invalid image reference \"%.200s\": %s", s, why);
}

/* Why the digest at d (up to the end of the string) is not sha256:<64 lower-case hex>, or NULL. */
static const char *digest_error(const char *d)
{
	const char *colon = strchr(d, ':');
	size_t n;

	if (!colon || colon == d)
		return "a digest is algorithm:hex";
	if ((size_t)(colon - d) != 6 || strncmp(d, "sha256", 6) != 0)
		return "only sha256 digests are supported";
	n = strlen(colon + 1);
	for (size_t i = 0; i < n; i++) {
		char c = colon[1 + i];

		if (c >= 'A' && c <= 'F')
			return "the digest's hex must be lower case";
		if (!is_hex_lower(c))
			return "the digest holds a character that is not hex";
	}
	if (n != 64)
		return "a sha256 digest has exactly 64 hex digits";
	return NULL;
}

static const char *tag_error(const char *t, size_t n)
{
	if (n == 0)
		return "the tag is empty";
	if (n > TAG_MAX)
		return "the tag is longer than 128 characters";
	if (!is_alnum(t[0]) && t[0] != '_')
		return "a tag starts with a letter, digit or '_'";
	for (size_t i = 1; i < n; i++)
		if (!is_alnum(t[i]) && t[i] != '_' && t[i] != '.' && t[i] != '-')
			return "a tag holds only letters, digits, '_', '.' and '-'";
	return NULL;
}

/* One path component: [a-z0-9]+ joined by '.', '_', '__' or runs of '-'. */
static const char *component_error(const char *p, size_t n)
{
	size_t i = 0;

	if (n == 0)
		return "the repository path has an empty component";
	for (size_t k = 0; k < n; k++)
		if (p[k] >= 'A' && p[k] <= 'Z')
			return "the repository path must be lower case";
	while (i < n) {
		if (!is_lower_alnum(p[i]))
			return "a path component starts and ends with a letter or digit, and holds "
			       "only a-z, 0-9, '.', '_', '__' and '-' between them";
		while (i < n && is_lower_alnum(p[i]))
			i++;
		if (i == n)
			break;
		if (p[i] == '.')
			i++;
		else if (p[i] == '_')
			i += (i + 1 < n && p[i + 1] == '_') ? 2 : 1;
		else if (p[i] == '-')
			while (i < n && p[i] == '-')
				i++;
		else
			return "a path component holds only a-z, 0-9, '.', '_', '__' and '-'";
		if (i == n)
			return "a path component ends with a separator";
	}
	return NULL;
}

/* host[:port]: dot-separated labels of letters, digits and '-' (not at either end of a label),
 * or a bracketed IPv6 address; the port is 1 to 5 digits. */
static const char *host_error(const char *h, size_t n)
{
	size_t i = 0, port;

	if (n > 0 && h[0] == '[') {
		i = 1;
		while (i < n && (is_hex_lower(h[i]) || (h[i] >= 'A' && h[i] <= 'F') || h[i] == ':'))
			i++;
		if (i == 1 || i >= n || h[i] != ']')
			return "a bracketed host is an IPv6 address";
		i++;
	} else {
		size_t label = 0;

		while (i < n && h[i] != ':') {
			if (h[i] == '.') {
				if (label == 0 || h[i - 1] == '-')
					return "a host name label is empty or ends with '-'";
				label = 0;
			} else if (is_alnum(h[i]) || (h[i] == '-' && label > 0)) {
				label++;
			} else {
				return "the host holds a character other than letters, digits, '.' "
				       "and '-'";
			}
			i++;
		}
		if (label == 0 || h[i - 1] == '-')
			return "a host name label is empty or ends with '-'";
	}
	if (i == n)
		return NULL;
	if (h[i] != ':')
		return "a bracketed IPv6 host is followed only by :port";
	port = n - i - 1;
	if (port == 0 || port > 5)
		return "the port is 1 to 5 digits";
	for (size_t k = i + 1; k < n; k++)
		if (h[k] < '0' || h[k] > '9')
			return "the port is 1 to 5 digits";
	if (strtol(h + i + 1, NULL, 10) > 65535)
		return "the port is above 65535";
	return NULL;
}

static char *dup_span(const char *p, size_t n)
{
	char *s = malloc(n + 1);

	if (s) {
		memcpy(s, p, n);
		s[n] = '\0';
	}
	return s;
}

bh_err bh_ref_parse(const char *s, struct bh_ref *out, struct bh_diag *diag)
{
	struct bh_ref r = { 0 };
	size_t len, name_len, host_len = 0, path_at = 0;
	const char *at, *slash, *colon, *why, *first_slash;
	bool has_host = false, prefix = false;

	if (!s || !*s)
		return fail(diag, "", 0, "the reference is empty");
	len = strlen(s);
	if (len > BH_LIMIT_REF_BYTES)
		return fail(diag, s, BH_LIMIT_REF_BYTES, "the reference is too long");

	at = strchr(s, '@');
	if (at && (why = digest_error(at + 1)))
		return fail(diag, s, (size_t)(at + 1 - s), why);
	name_len = at ? (size_t)(at - s) : len;

	/* A ':' after the last '/' starts the tag; one before it is a port. */
	slash = NULL;
	for (size_t i = 0; i < name_len; i++)
		if (s[i] == '/')
			slash = s + i;
	colon = memchr(slash ? slash : s, ':', name_len - (size_t)((slash ? slash : s) - s));
	if (colon) {
		size_t tn = name_len - (size_t)(colon + 1 - s);

		if ((why = tag_error(colon + 1, tn)))
			return fail(diag, s, (size_t)(colon + 1 - s), why);
		name_len = (size_t)(colon - s);
	}
	if (name_len == 0)
		return fail(diag, s, 0, "the repository name is empty");

	first_slash = memchr(s, '/', name_len);
	if (first_slash) {
		size_t n = (size_t)(first_slash - s);

		has_host = memchr(s, '.', n) || memchr(s, ':', n) ||
			   (n == 9 && memcmp(s, "localhost", 9) == 0);
		if (has_host) {
			if ((why = host_error(s, n)))
				return fail(diag, s, 0, why);
			host_len = n;
			path_at = n + 1;
		}
	}
	for (size_t i = path_at; i <= name_len;) {
		const char *end = memchr(s + i, '/', name_len - i);
		size_t n = end ? (size_t)(end - (s + i)) : name_len - i;

		if ((why = component_error(s + i, n)))
			return fail(diag, s, i, why);
		i += n + 1;
	}
	prefix = !has_host && !first_slash;
	/* The cap applies to the name as normalised, so that formatting a parsed reference always
	 * gives one that parses again. */
	if (name_len + (has_host ? 0
				 : strlen(BH_REF_DEFAULT_REGISTRY) + 1 +
					   (prefix ? strlen(BH_REF_DEFAULT_PREFIX) : 0)) >
	    BH_LIMIT_REF_NAME_BYTES)
		return fail(diag, s, 0, "the repository name is longer than 255 characters");

	r.registry = has_host ? dup_span(s, host_len)
			      : dup_span(BH_REF_DEFAULT_REGISTRY, strlen(BH_REF_DEFAULT_REGISTRY));
	if (prefix) {
		size_t pl = strlen(BH_REF_DEFAULT_PREFIX);

		r.repository = malloc(pl + name_len + 1);
		if (r.repository) {
			memcpy(r.repository, BH_REF_DEFAULT_PREFIX, pl);
			memcpy(r.repository + pl, s, name_len);
			r.repository[pl + name_len] = '\0';
		}
	} else {
		r.repository = dup_span(s + path_at, name_len - path_at);
	}
	if (colon)
		r.tag = dup_span(colon + 1, (size_t)((at ? at : s + len) - (colon + 1)));
	if (at)
		r.digest = strdup(at + 1);
	if (!r.registry || !r.repository || (colon && !r.tag) || (at && !r.digest)) {
		bh_ref_free(&r);
		return bh_diag_set(diag, BH_ERR_NOMEM, "reference", 0, 0, "out of memory");
	}
	*out = r;
	return BH_OK;
}

void bh_ref_free(struct bh_ref *r)
{
	if (!r)
		return;
	free(r->registry);
	free(r->repository);
	free(r->tag);
	free(r->digest);
	memset(r, 0, sizeof(*r));
}

char *bh_ref_format(const struct bh_ref *r)
{
	size_t n = strlen(r->registry) + strlen(r->repository) + 2 +
		   (r->tag ? strlen(r->tag) + 1 : 0) + (r->digest ? strlen(r->digest) + 1 : 0);
	char *s = malloc(n);

	if (!s)
		return NULL;
	snprintf(s, n, "%s/%s%s%s%s%s", r->registry, r->repository, r->tag ? ":" : "",
		 r->tag ? r->tag : "", r->digest ? "@" : "", r->digest ? r->digest : "");
	return s;
}
