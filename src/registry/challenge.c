/*
 * WWW-Authenticate challenges (RFC 7235): a scheme, then comma-separated name=value parameters
 * whose values are tokens or quoted strings with backslash escapes. A registry sends one, such
 * as Bearer realm="...",service="...",scope="..."; when a header carries several challenges only
 * the first is read. The value comes from the network, so its length is capped, a parameter the
 * client uses may appear once, and anything that does not follow the grammar is refused rather
 * than guessed at.
 */
#include "registry.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/limits.h"

#include "core/banned.h"

static bool is_tchar(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c && strchr("!#$%&'*+-.^_`|~", c));
}

static const char *skip_ws(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

static bh_err bad(struct bh_diag *diag, const char *why)
{
	return bh_diag_set(diag, BH_ERR_PARSE, "WWW-Authenticate", 0, 0,
			   "malformed WWW-Authenticate challenge: %s", why);
}

void bh_challenge_free(struct bh_challenge *c)
{
	if (!c)
		return;
	free(c->scheme);
	free(c->realm);
	free(c->service);
	free(c->scope);
	memset(c, 0, sizeof(*c));
}

/* A token or quoted-string value at *pp into a new string; *pp moves past it. NULL with *why set
 * when malformed, NULL with *why NULL when out of memory. */
static char *read_value(const char **pp, const char **why)
{
	const char *p = *pp;
	char *v, *o;

	*why = NULL;
	if (*p != '"') {
		const char *s = p;

		while (is_tchar(*p) || *p == '/' || *p == '=' || *p == ':')
			p++;
		if (p == s) {
			*why = "a parameter has no value";
			return NULL;
		}
		v = malloc((size_t)(p - s) + 1);
		if (v) {
			memcpy(v, s, (size_t)(p - s));
			v[p - s] = '\0';
		}
		*pp = p;
		return v;
	}
	p++;
	v = o = malloc(strlen(p) + 1);
	if (!v)
		return NULL;
	for (;;) {
		unsigned char c = (unsigned char)*p;

		if (c == '\0') {
			*why = "a quoted value is not closed";
			free(v);
			return NULL;
		}
		if (c == '"')
			break;
		if (c == '\\') {
			p++;
			c = (unsigned char)*p;
			if (c == '\0')
				continue;
		}
		if (c < 0x20 && c != '\t') {
			*why = "a quoted value holds a control character";
			free(v);
			return NULL;
		}
		*o++ = (char)c;
		p++;
	}
	*o = '\0';
	*pp = p + 1;
	return v;
}

bh_err bh_challenge_parse(const char *value, struct bh_challenge *out, struct bh_diag *diag)
{
	struct bh_challenge c = { 0 };
	const char *p, *s;
	bh_err err = BH_OK;

	if (!value)
		return bad(diag, "the header is missing");
	if (strlen(value) > BH_LIMIT_REG_HEADER_BYTES)
		return bad(diag, "the header is too long");
	p = skip_ws(value);
	s = p;
	while (is_tchar(*p))
		p++;
	if (p == s)
		return bad(diag, "there is no scheme");
	c.scheme = malloc((size_t)(p - s) + 1);
	if (!c.scheme)
		return BH_ERR_NOMEM;
	memcpy(c.scheme, s, (size_t)(p - s));
	c.scheme[p - s] = '\0';
	if (*p && *p != ' ' && *p != '\t') {
		err = bad(diag, "the scheme is not followed by a space");
		goto out;
	}
	p = skip_ws(p);
	while (*p) {
		const char *name = p, *why;
		size_t n;
		char **slot = NULL, *v;

		while (is_tchar(*p))
			p++;
		n = (size_t)(p - name);
		if (n == 0) {
			err = bad(diag, "a parameter has no name");
			goto out;
		}
		p = skip_ws(p);
		if (*p != '=') {
			/* A token without '=' is a token68 credential blob, which no registry
			 * scheme uses: nothing after it is read. */
			break;
		}
		p = skip_ws(p + 1);
		if (n == 5 && strncasecmp(name, "realm", 5) == 0)
			slot = &c.realm;
		else if (n == 7 && strncasecmp(name, "service", 7) == 0)
			slot = &c.service;
		else if (n == 5 && strncasecmp(name, "scope", 5) == 0)
			slot = &c.scope;
		v = read_value(&p, &why);
		if (!v) {
			err = why ? bad(diag, why) : BH_ERR_NOMEM;
			goto out;
		}
		if (slot && *slot) {
			free(v);
			err = bad(diag, "a parameter is given twice");
			goto out;
		}
		if (slot)
			*slot = v;
		else
			free(v);
		p = skip_ws(p);
		if (*p == '\0')
			break;
		if (*p != ',') {
			err = bad(diag, "parameters are not separated by ','");
			goto out;
		}
		p = skip_ws(p + 1);
		/* The next item may be a new challenge: "Bearer ..., Basic realm=...". */
		s = p;
		while (is_tchar(*s))
			s++;
		if (s != p && (*s == ' ' || *s == '\t') && *skip_ws(s) != '=')
			break;
	}
out:
	if (err) {
		bh_challenge_free(&c);
		return err;
	}
	*out = c;
	return BH_OK;
}
