/*
 * Confirmation of a Vectorscan hit, format by format: the shared token checks (placeholders
 * and documentation examples, Shannon entropy, character classes, GitHub's CRC32), JWT headers
 * and claims, PEM bodies, Kubernetes Secrets in YAML and JSON, kubeconfig users, connection
 * URLs, docker config auths and generic assignments. Every reader here is bounded by the
 * window it is given and never reads past it: the input is hostile.
 */
#define _GNU_SOURCE /* memmem, memrchr */
#include "scanner.h"

#include <ctype.h>
#include <math.h>
#include <pthread.h>
#include <string.h>

#include "core/b64.h"
#include "core/limits.h"

#include "core/banned.h"

double bh_secrets_entropy(const char *s, size_t len)
{
	unsigned counts[256] = { 0 };
	double h = 0;

	if (!len)
		return 0;
	for (size_t i = 0; i < len; i++)
		counts[(unsigned char)s[i]]++;
	for (size_t i = 0; i < 256; i++) {
		if (counts[i]) {
			double p = (double)counts[i] / (double)len;

			h -= p * log2(p);
		}
	}
	return h;
}

/* The IEEE 802.3 polynomial, reflected, as zlib and GitHub use it. */
static uint32_t crc_table[256];
static pthread_once_t crc_once = PTHREAD_ONCE_INIT;

static void crc_init(void)
{
	for (uint32_t n = 0; n < 256; n++) {
		uint32_t c = n;

		for (int k = 0; k < 8; k++)
			c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
		crc_table[n] = c;
	}
}

uint32_t bh_secrets_crc32(const char *s, size_t len)
{
	uint32_t c = 0xffffffffu;

	pthread_once(&crc_once, crc_init);
	for (size_t i = 0; i < len; i++)
		c = crc_table[(c ^ (unsigned char)s[i]) & 0xff] ^ (c >> 8);
	return c ^ 0xffffffffu;
}

static const char base62[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

int bh_secrets_github_checksum_ok(const char *tok, size_t len)
{
	const char *us = memchr(tok, '_', len < 8 ? len : 8);
	const char *body;
	size_t blen;
	uint32_t crc;
	char want[6];

	if (!us)
		return 0;
	body = us + 1;
	blen = len - (size_t)(body - tok);
	if (blen < 7)
		return 0;
	crc = bh_secrets_crc32(body, blen - 6);
	for (int i = 5; i >= 0; i--) {
		want[i] = base62[crc % 62];
		crc /= 62;
	}
	return memcmp(want, body + blen - 6, 6) == 0;
}

static int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

static int contains_ci(const char *s, size_t len, const char *word)
{
	size_t wl = strlen(word);

	for (size_t i = 0; i + wl <= len; i++) {
		size_t j = 0;

		while (j < wl && lower((unsigned char)s[i + j]) == word[j])
			j++;
		if (j == wl)
			return 1;
	}
	return 0;
}

int bh_secrets_is_placeholder(const char *s, size_t len)
{
	static const char *const words[] = {
		"example",    "xxxx",	  "sample",    "dummy",	    "placeholder", "changeme",
		"change_me",  "redacted", "your_",     "your-",	    "yourkey",	   "yourtoken",
		"yoursecret", "insert",	  "replace",   "fake",	    "notreal",	   "not_real",
		"not-a-",     "_here",	  "-here",     "<",	    ">",	   "${",
		"{{",	      "$(",	  "%(",	       "****",	    "...",	   "\xe2\x80\xa6",
		"lorem",      "foobar",	  "secret123", "password1", "todo",	   "fixme",
	};
	/* Keys published in providers' documentation, pasted into countless READMEs. */
	static const char *const doc_examples[] = {
		"4eC39HqLyjWDarjtT1zdp7dc",		   /* Stripe's test key in its API docs */
		"BQokikJOvBiI2HlWgH4olfQ2",		   /* Stripe's older docs key */
		"AIzaSyDaGmWKa4JsXZ-HjGw7ISLn_3namBGewQe", /* Google's API key example */
		"16C7e42F292c6912E7710c838347Ae178B4a",	   /* GitHub's docs token example */
		"SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c", /* the jwt.io example signature */
		"2YotnFZFEjr1zCsicMWpAA",		       /* RFC 6749's access token */
		"tGzv3JOkF0XG5Qx2TlKWIA",		       /* RFC 6749's refresh token */
		"SplxlOBeZQQYbYS6WxSbIA",		       /* RFC 6749's authorization code */
		/* RFC 5849's (OAuth 1.0) client, temporary and token credentials. */
		"dpf43f3p2l4k3l03", "kd94hf93k423kf44", "hh5s93j4hdidpola", "hdhd0244k9j7ao03",
		"nnch734d00sl2jdk", "pfkkdhi9sl3r4s00", "9djdj82h48djs9d2", "kkk9d7dh3k39sjv7",
		"0685bd9184jfhq22", "ad180jjd733klru7",
		"QWxhZGRpbjpvcGVuIHNlc2FtZQ",	  /* RFC 7617's "Aladdin:open sesame" */
		"czZCaGRSa3F0MzpnWDFmQmF0M2JW",	  /* RFC 6749's client "s6BhdRkqt3:gX1fBat3bV" */
		"gX1fBat3bV", "kq4gihvszzgn1p0r", /* the Kubernetes docs' bootstrap token secret */
		"f395accd246ae52d",		  /* kubeadm's documented token */
	};
	unsigned char seen[256] = { 0 };
	size_t distinct = 0, run = 1, up = 1, down = 1;

	if (!len)
		return 1;
	if (s[0] == '$' || s[0] == '%')
		return 1;
	for (size_t i = 0; i < sizeof(words) / sizeof(*words); i++)
		if (contains_ci(s, len, words[i]))
			return 1;
	for (size_t i = 0; i < sizeof(doc_examples) / sizeof(*doc_examples); i++)
		if (len >= strlen(doc_examples[i]) &&
		    memmem(s, len, doc_examples[i], strlen(doc_examples[i])))
			return 1;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (!seen[c]++)
			distinct++;
		if (i) {
			unsigned char p = (unsigned char)s[i - 1];

			run = c == p ? run + 1 : 1;
			/* Only letters and digits make a run: "/01234" is a path and an id that
			 * happens to start 0-4, not "123456". */
			up = c == p + 1 && isalnum(p) ? up + 1 : 1;
			down = c + 1 == p && isalnum(p) ? down + 1 : 1;
			if (run >= 6 || ((up >= 6 || down >= 6) && isalnum(c)))
				return 1;
		}
	}
	return len >= 16 && distinct < 6;
}

static int has_classes(const char *s, size_t len)
{
	int up = 0, lo = 0, dg = 0;

	for (size_t i = 0; i < len; i++) {
		up |= s[i] >= 'A' && s[i] <= 'Z';
		lo |= s[i] >= 'a' && s[i] <= 'z';
		dg |= s[i] >= '0' && s[i] <= '9';
	}
	return up + lo + dg >= 2;
}

/* Decode base64 or base64url into out (at most cap bytes); returns the decoded length. */
static size_t b64_decode(const char *s, size_t len, char *out, size_t cap)
{
	unsigned acc = 0;
	int bits = 0;
	size_t n = 0;

	for (size_t i = 0; i < len && n < cap; i++) {
		int v = bh_b64_digit((unsigned char)s[i]);

		if (v < 0)
			break;
		acc = (acc << 6) | (unsigned)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[n++] = (char)((acc >> bits) & 0xff);
		}
	}
	return n;
}

static int jwt_ok(const char *s, size_t len)
{
	char hdr[256];
	const char *dot = memchr(s, '.', len);
	size_t n;

	/* The example token of RFC 7519's tooling pages, pasted into countless docs. */
	if (contains_ci(s, len, "sflkxwrjsmekkf2qt4fwpmejf36pok6yjv_adqssw5c"))
		return 0;
	if (!dot)
		return 0;
	n = b64_decode(s, (size_t)(dot - s), hdr, sizeof(hdr) - 1);
	hdr[n] = '\0';
	if (n <= 8 || hdr[0] != '{' || !strstr(hdr, "\"alg\""))
		return 0;
	/* The payload of documentation examples. */
	{
		char pl[512];
		const char *p = dot + 1, *dot2 = memchr(p, '.', len - (size_t)(p - s));
		size_t m = dot2 ? b64_decode(p, (size_t)(dot2 - p), pl, sizeof(pl) - 1) : 0;

		pl[m] = '\0';
		if (m && (strstr(pl, "John Doe") || strstr(pl, "\"1234567890\"")))
			return 0;
		/* Issued tokens carry registered claims; {"some": "payload"} is a library's
		 * documentation. A payload too long for pl is kept. */
		if (m && m < sizeof(pl) - 1 && !strstr(pl, "\"iss\"") && !strstr(pl, "\"sub\"") &&
		    !strstr(pl, "\"exp\"") && !strstr(pl, "\"iat\"") && !strstr(pl, "\"aud\"") &&
		    !strstr(pl, "\"nbf\"") && !strstr(pl, "\"jti\""))
			return 0;
	}
	return 1;
}

static size_t count_char(const char *s, size_t len, char c)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++)
		n += s[i] == c;
	return n;
}

static int all_digits(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/* A short all-lowercase word ("test", "admin", "guest"): a sample password, not a leak. */
static int weak_word(const char *s, size_t len)
{
	if (len > 8)
		return 0;
	for (size_t i = 0; i < len; i++)
		if (s[i] < 'a' || s[i] > 'z')
			return 0;
	return 1;
}

static int value_placeholder(const char *v, size_t len);

/* Whether a password of a connection URL or string is a sample, a reference or too weak to be
 * anyone's real one. */
static int password_weak(const char *v, size_t n)
{
	return value_placeholder(v, n) || contains_ci(v, n, "password") ||
	       contains_ci(v, n, "passwd") || contains_ci(v, n, "secret") ||
	       (n <= 5 && contains_ci(v, n, "pass")) || v[0] == '$' || v[0] == '{' || v[0] == '%' ||
	       v[0] == '*' || v[0] == '[' || weak_word(v, n) || n - 2 * count_char(v, n, '%') < 6 ||
	       all_digits(v, n) || memchr(v, ',', n);
}

/* Whether the key of a generic assignment names a secret rather than something about one. */
static int generic_key_ok(const char *k, size_t klen)
{
	static const char *const not_secret[] = {
		"name",	       "path",	"file",	       "ref",	  "url",      "uri",	 "env",
		"type",	       "len",	"size",	       "field",	  "header",   "prefix",	 "format",
		"mode",	       "kind",	"count",       "hash",	  "version",  "dir",	 "mount",
		"public",      "_id",	"-id",	       "policy",  "regex",    "pattern", "label",
		"length",      "expir", "rotation",    "store",	  "provider", "manager", "template",
		"placeholder", "param", "description", "help",	  "hint",     "prompt",	 "message",
		"title",       "ttl",	"timeout",     "enabled", "required",
	};

	for (size_t i = 0; i < sizeof(not_secret) / sizeof(*not_secret); i++)
		if (contains_ci(k, klen, not_secret[i]))
			return 0;
	return 1;
}

/* "CryptDllImportPrivateKeyInfoEx": capitalised words run together, an identifier. */
static int camel_words(const char *v, size_t len)
{
	size_t i = 0;

	while (i < len) {
		size_t lo = 0;

		if (v[i] < 'A' || v[i] > 'Z')
			return 0;
		for (i++; i < len && v[i] >= 'a' && v[i] <= 'z'; i++)
			lo++;
		if (!lo)
			return 0;
	}
	return 1;
}

/* The key of a generic match starting at ms: past the indentation, "export ", a Dockerfile's
 * "ENV " or "ARG ", a list dash and
 * the "name:" of a Kubernetes env entry, so that the key checks see the name itself. */
static size_t generic_key_start(const char *d, size_t ms, size_t ss)
{
	size_t k = ms;

	while (k < ss && (d[k] == ' ' || d[k] == '\t' || d[k] == '-'))
		k++;
	if (ss - k > 7 && !memcmp(d + k, "export", 6) && (d[k + 6] == ' ' || d[k + 6] == '\t'))
		k += 7;
	else if (ss - k > 4 && (!memcmp(d + k, "ENV", 3) || !memcmp(d + k, "ARG", 3)) &&
		 (d[k + 3] == ' ' || d[k + 3] == '\t'))
		k += 4;
	else if (ss - k > 5 && !memcmp(d + k, "name:", 5))
		k += 5;
	while (k < ss && (d[k] == ' ' || d[k] == '\t' || d[k] == '"' || d[k] == '\''))
		k++;
	return k;
}

/* For an SP_LINE match at ms: whether only indentation, "export ", "ENV ", "ARG ", "- " and
 * key characters come before ms on its line (for SP_ENVNAME, env: indentation, "- ", "name:"
 * and key characters); *out is then the line's start. */
static int line_key_start(const char *d, size_t ms, int env, size_t *out)
{
	size_t ls = ms, k;

	while (ls > 0 && ms - ls < 64 && d[ls - 1] != '\n')
		ls--;
	*out = ls;
	if (ls > 0 && d[ls - 1] != '\n')
		return 0;
	k = ls;
	while (k < ms && (d[k] == ' ' || d[k] == '\t'))
		k++;
	if (ms - k >= 7 && !memcmp(d + k, "export", 6) && (d[k + 6] == ' ' || d[k + 6] == '\t'))
		k += 7;
	else if (ms - k >= 4 && (!memcmp(d + k, "ENV", 3) || !memcmp(d + k, "ARG", 3)) &&
		 (d[k + 3] == ' ' || d[k + 3] == '\t'))
		k += 4;
	else if (ms - k >= 2 && d[k] == '-' && (d[k + 1] == ' ' || d[k + 1] == '\t'))
		k += 2;
	while (k < ms && (d[k] == ' ' || d[k] == '\t'))
		k++;
	if (env) {
		if (ms - k < 5 || memcmp(d + k, "name:", 5))
			return 0;
		k += 5;
		while (k < ms && (d[k] == ' ' || d[k] == '\t' || d[k] == '"' || d[k] == '\''))
			k++;
	}
	for (; k < ms; k++)
		if (!isalnum((unsigned char)d[k]) && !strchr("_.-", d[k]))
			return 0;
	return 1;
}

/* "prod-db-credentials-v2": short lower-case words joined by '-', '_' or '.', a resource name
 * (or a UUID), not a generated secret. */
static int dashed_name(const char *v, size_t len)
{
	size_t seps = 0, seg = 0;

	for (size_t i = 0; i < len; i++) {
		if (v[i] >= 'A' && v[i] <= 'Z')
			return 0;
		if (v[i] == '-' || v[i] == '_' || v[i] == '.') {
			seps++;
			seg = 0;
		} else if (++seg > 12) {
			return 0;
		}
	}
	return seps >= 2;
}

static int k8s_value_ok(const char *v, size_t n);

/* Whether a '/'-separated segment of v is long and has upper case, lower case and digits. */
static int random_segment(const char *v, size_t len)
{
	int up = 0, lo = 0, dg = 0;
	size_t seg = 0;

	for (size_t i = 0; i <= len; i++, seg++) {
		if (i == len || v[i] == '/') {
			if (up && lo && dg && seg >= 12)
				return 1;
			up = lo = dg = 0;
			seg = (size_t)-1;
			continue;
		}
		up |= v[i] >= 'A' && v[i] <= 'Z';
		lo |= v[i] >= 'a' && v[i] <= 'z';
		dg |= v[i] >= '0' && v[i] <= '9';
	}
	return 0;
}

static int printable(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e)
			return 0;
	return 1;
}

static const char *const provider_prefix[] = {
	"sk-",	 "sk_",	    "rk_",    "xai-",	"ghp_",	   "gho_",     "ghu_",	"ghs_",
	"ghr_",	 "github_", "glpat-", "AKIA",	"ASIA",	   "AIza",     "hf_",	"gsk_",
	"r8_",	 "pplx-",   "xox",    "npm_",	"dckr_",   "dapi",     "hvs.",	"hvb.",
	"SG.",	 "pcsk_",   "lsv2_",  "fw_",	"tgp_",	   "pypi-",    "sbp_",	"ntn_",
	"lin_",	 "dop_",    "doo_",   "dp.",	"GOCSPX-", "ya29.",    "tvly-", "e2b_",
	"NRAK-", "PMAK-",   "pul-",   "shpat_", "sntry",   "AGE-SECR", "tskey", "LTAI",
	"HRKU-", "fo1_",    "sgp_",   "key-",	"whsec_",  "ATATT",    "eyJ",
};

static int b64_only(const char *v, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (bh_b64_digit((unsigned char)v[i]) < 0)
			return 0;
	return 1;
}

static int generic_value_ok(const char *v, size_t len)
{
	int hex = 1, digit = 0, alpha = 0;
	size_t vowels = 0;

	for (size_t i = 0; i < len; i++) {
		char c = v[i];

		digit |= c >= '0' && c <= '9';
		vowels += strchr("aeiouAEIOU", c) != NULL;
		alpha |= (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))
			hex = 0;
	}
	/* Hex strings are digests and ids far more often than secrets in config. */
	if (hex || !alpha || dashed_name(v, len))
		return 0;
	/* A provider's prefix: its own rule knows the format, and a value it rejects (truncated,
	 * wrong length, bad checksum) is not a credential of that provider either. */
	for (size_t i = 0; i < sizeof(provider_prefix) / sizeof(*provider_prefix); i++)
		if (len > strlen(provider_prefix[i]) &&
		    !memcmp(v, provider_prefix[i], strlen(provider_prefix[i])))
			return 0;
	/* Without a digit, only a long value with few vowels: random letters are about 16%
	 * vowels, words ("ApplicationDefaultCredentials") near 40%. */
	if (!digit && (len < 20 || vowels * 3 > len || camel_words(v, len)))
		return 0;
	/* The same in base64 ("bm90IG15IHJlYWwgcGFzc3dvcmQ=" is "not my real password"), padded
	 * or a multiple of four characters long ("MWYyZDFlMmU2N2Rm", the Kubernetes docs'). */
	if (v[len - 1] == '=' || (len % 4 == 0 && b64_only(v, len))) {
		char dec[128];
		size_t n = b64_decode(v, len, dec, sizeof(dec));

		/* Only base64 of text is judged by its text (a Secret's data, "sCaleio123", as
		 * SE-043 does): random bytes say nothing. */
		if (n && printable(dec, n) &&
		    (contains_ci(dec, n, "password") || contains_ci(dec, n, "secret") ||
		     contains_ci(dec, n, "example") || !k8s_value_ok(dec, n)))
			return 0;
	}
	/* A value that names what it is ("MyTestDatabaseSecret1", "generatedpassword2") is an
	 * example written by a person, not a generated secret. */
	if (contains_ci(v, len, "password") || contains_ci(v, len, "passwd") ||
	    contains_ci(v, len, "secret") || contains_ci(v, len, "token") ||
	    contains_ci(v, len, "test") || contains_ci(v, len, "apikey") ||
	    contains_ci(v, len, "api_key"))
		return 0;
	/* Paths, dotted names and versions; base64 without padding holds '/' too, but then
	 * some segment mixes upper case, lower case and digits. */
	if (memchr(v, '/', len) && !memchr(v, '+', len) && !memchr(v, '=', len) &&
	    !random_segment(v, len))
		return 0;
	return has_classes(v, len);
}

int se_allowlisted(const struct bh_secrets_scanner *sc, const char *s, size_t len)
{
	for (size_t i = 0; i < sc->e->nallow; i++)
		if (pcre2_match(sc->e->allow[i], (PCRE2_SPTR)s, len, 0, 0, sc->md, NULL) >= 0)
			return 1;
	return 0;
}

/* The shared checks of a token: placeholder words, entropy, character classes, checksums. */
static int token_ok(const struct bh_secrets_scanner *sc, const struct pat *p, const char *s,
		    size_t len)
{
	const char *body = s + (p->p.skip < len ? p->p.skip : 0);
	size_t blen = len - (size_t)(body - s);

	if (bh_secrets_is_placeholder(body, blen) || bh_secrets_is_placeholder(s, len))
		return 0;
	if (p->p.entropy > 0 && bh_secrets_entropy(body, blen) < p->p.entropy)
		return 0;
	switch (p->p.check) {
	case SC_GITHUB:
		return bh_secrets_github_checksum_ok(s, len);
	case SC_MIXED:
		return has_classes(body, blen);
	case SC_JWT:
		return jwt_ok(s, len);
	default:
		return 1;
	}
	(void)sc;
}

/* -----BEGIN ... PRIVATE KEY----- at [hs, he): a body of base64 and the END line follow. */
static void confirm_pem(struct bh_secrets_scanner *sc, const struct pat *p, size_t hs, size_t he)
{
	const char *d = sc->data;
	size_t i = he, limit = he + BH_LIMIT_SECRETS_OVERLAP / 2, b64 = 0;
	const char *hdr = d + hs;
	size_t hlen = he - hs;
	const struct bh_rule *r = p->rule;

	if (limit > sc->len)
		limit = sc->len;
	/* Armour headers (Proc-Type, DEK-Info, Version, Comment) come before the body. */
	while (i < limit) {
		char c = d[i];

		if (c == '-')
			break;
		if (c == '\\' && i + 1 < limit && (d[i + 1] == 'n' || d[i + 1] == 'r')) {
			i += 2;
			continue;
		}
		if (bh_b64_digit((unsigned char)c) >= 0 || c == '=') {
			b64++;
			i++;
			continue;
		}
		if (c == '\n' || c == '\r' || c == ' ' || c == '\t' || c == '"' || c == '\'') {
			i++;
			continue;
		}
		if (c == ':' && b64 < 64) {
			/* A header line: skip it whole. */
			i = se_line_end(d, limit, i);
			continue;
		}
		return;
	}
	if (b64 < 64 || i + 8 > limit || memcmp(d + i, "-----END", 8) != 0)
		return;
	{
		size_t e = i + 8;
		const char *close = NULL;

		while (e + 5 <= limit && e < i + 64) {
			if (!memcmp(d + e, "-----", 5)) {
				close = d + e + 5;
				break;
			}
			e++;
		}
		if (!close)
			return;
		if (memmem(hdr, hlen, "OPENSSH", 7))
			r = se_builtin_rule("SE-039");
		else if (memmem(hdr, hlen, "PGP", 3))
			r = se_builtin_rule("SE-040");
		if (se_allowlisted(sc, d + hs, (size_t)(close - d) - hs))
			return;
		se_add_cand(sc, p, r, "private key", hs, (size_t)(close - d));
	}
}

/* Whether lit starts at d[pos], reading nothing past len. */
static int at(const char *d, size_t len, size_t pos, const char *lit)
{
	size_t n = strlen(lit);

	return pos <= len && len - pos >= n && !memcmp(d + pos, lit, n);
}

/* Whether the document around pos is a kubeconfig's users: list. */
static int under_users(const char *d, size_t pos)
{
	size_t floor = pos > BH_LIMIT_SECRETS_OVERLAP ? pos - BH_LIMIT_SECRETS_OVERLAP : 0;
	size_t ls = se_line_start(d, pos, floor);

	/* Walk up to the enclosing top-level key, a bounded distance back. */
	while (ls > floor) {
		size_t end = ls, prev = se_line_start(d, ls - 1, floor);
		char c = d[prev];

		ls = prev;
		if (c == ' ' || c == '\t' || c == '-' || c == '#' || c == '\n' || c == '\r')
			continue;
		return at(d, end, prev, "users:");
	}
	return 0;
}

static int value_placeholder(const char *v, size_t len)
{
	if (!len || (len == 2 && (v[0] == '"' || v[0] == '\'')))
		return 1;
	if ((len == 4 && !memcmp(v, "null", 4)) || (len == 1 && v[0] == '~'))
		return 1;
	/* SOPS ciphertext ("ENC[AES256_GCM,data:...,type:str]"): encrypted, as SE-043 asks. */
	if (len > 4 && !memcmp(v, "ENC[", 4))
		return 1;
	return bh_secrets_is_placeholder(v, len);
}

/* Base64 "user:password" with a real password (or a registry token): a docker auth. */
static int docker_auth_ok(const char *b, size_t blen)
{
	char dec[512];
	size_t n = b64_decode(b, blen, dec, sizeof(dec) - 1);
	const char *colon = n ? memchr(dec, ':', n) : NULL;
	size_t plen = colon ? n - (size_t)(colon + 1 - dec) : 0;

	return colon && colon != dec && plen >= 6 && !bh_secrets_is_placeholder(b, blen) &&
	       !value_placeholder(colon + 1, plen) && !weak_word(colon + 1, plen) &&
	       !contains_ci(colon + 1, plen, "password");
}

/* A docker config.json (a .dockerconfigjson value): whether any "auth" in it is real. Its
 * other fields (registry names) are not secrets. */
static int dockerconfig_ok(const char *v, size_t n)
{
	const char *p = v, *end = v + n;
	int any = 0;

	while ((p = memmem(p, (size_t)(end - p), "\"auth\"", 6))) {
		const char *q = p + 6, *e;

		while (q < end && (*q == ' ' || *q == ':' || *q == '\t'))
			q++;
		if (q >= end || *q != '"')
			break;
		e = memchr(q + 1, '"', (size_t)(end - q - 1));
		if (!e)
			break;
		any = 1;
		if (docker_auth_ok(q + 1, (size_t)(e - q - 1)))
			return 1;
		p = e;
	}
	/* No auth at all: judge the whole, as before (identitytoken, credsStore are fine). */
	return !any && !memmem(v, n, "\"auths\"", 7);
}

/* Whether a Secret's decoded value looks like a credential rather than a sample. */
static int k8s_value_ok(const char *v, size_t n)
{
	static const char *const public_material[] = {
		"ssh-rsa ",	     "ssh-ed25519 ", "ecdsa-sha2-", "-----BEGIN CERTIFICATE",
		"-----BEGIN PUBLIC", "http://",	     "https://",    "tcp://"
	};

	for (size_t i = 0; i < sizeof(public_material) / sizeof(*public_material); i++)
		if (n >= strlen(public_material[i]) &&
		    !memcmp(v, public_material[i], strlen(public_material[i])))
			return 0;
	if (n >= 11 && !memcmp(v, "-----BEGIN ", 11))
		return memmem(v, n, "PRIVATE KEY", 11) != NULL;
	if (n && v[0] == '{' && memmem(v, n, "\"auths\"", 7))
		return dockerconfig_ok(v, n);
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)v[i] < 0x20 && v[i] != '\n' && v[i] != '\r' && v[i] != '\t')
			return 0; /* binary: not base64 of text, or not base64 at all */
	return n >= 12 && has_classes(v, n) && bh_secrets_entropy(v, n) >= 3.0 &&
	       !bh_secrets_is_placeholder(v, n);
}

/* One "key: value" line of data: or stringData:, key starting at k. */
static void secret_entry(struct bh_secrets_scanner *sc, const struct pat *p, int is_data, size_t k,
			 size_t e2)
{
	const char *d = sc->data;
	size_t vs, ve;
	char dec[512];
	size_t n;

	while (k < e2 && d[k] != ':')
		k++;
	if (k >= e2)
		return;
	vs = k + 1;
	while (vs < e2 && (d[vs] == ' ' || d[vs] == '\t'))
		vs++;
	ve = e2;
	while (ve > vs && (d[ve - 1] == ' ' || d[ve - 1] == '\r' || d[ve - 1] == '\t'))
		ve--;
	/* A trailing comment. */
	for (size_t i = vs; i + 1 < ve; i++)
		if (d[i] == ' ' && d[i + 1] == '#') {
			ve = i;
			break;
		}
	if (ve > vs + 1 && (d[vs] == '"' || d[vs] == '\'') && d[ve - 1] == d[vs]) {
		vs++;
		ve--;
	}
	if (ve <= vs || d[vs] == '|' || d[vs] == '>' || value_placeholder(d + vs, ve - vs))
		return;
	if (is_data) {
		n = b64_decode(d + vs, ve - vs, dec, sizeof(dec));
		if (!k8s_value_ok(dec, n))
			return;
	} else if (!k8s_value_ok(d + vs, ve - vs)) {
		return;
	}
	if (!se_allowlisted(sc, d + vs, ve - vs))
		se_add_cand(sc, p, p->rule,
			    is_data ? "Secret data value" : "Secret stringData value", vs, ve);
}

/* kind: Secret: report the values under data: and stringData: of the document. */
void se_confirm_k8s_secret(struct bh_secrets_scanner *sc, const struct pat *p, size_t hit)
{
	const char *d = sc->data;
	size_t ds = se_line_start(d, hit, 0), de;

	/* The document: from the previous "---" line (or the start) to the next one, at most
	 * BH_LIMIT_SECRETS_OVERLAP either side of the hit. */
	{
		size_t floor = hit > BH_LIMIT_SECRETS_OVERLAP ? hit - BH_LIMIT_SECRETS_OVERLAP : 0;

		while (ds > floor) {
			size_t prev = se_line_start(d, ds - 1, floor);

			if (at(d, sc->len, prev, "---"))
				break;
			ds = prev;
		}
	}
	de = se_line_end(d, sc->len, hit);
	while (de < sc->len) {
		size_t next = de + 1;

		if (next >= sc->len || at(d, sc->len, next, "---") ||
		    next - hit > BH_LIMIT_SECRETS_OVERLAP)
			break;
		de = se_line_end(d, sc->len, next);
	}
	sc->done[p - sc->e->pats] = de;
	for (size_t ls = ds; ls < de;) {
		size_t le = se_line_end(d, de, ls);
		int is_data = at(d, de, ls, "data:"), is_string = at(d, de, ls, "stringData:");

		ls = le + 1;
		if (!is_data && !is_string)
			continue;
		/* Indented "key: value" entries follow, all at the first entry's indentation;
		 * deeper lines belong to a block scalar and are not entries. */
		{
			size_t indent = 0;

			while (ls < de && (d[ls] == ' ' || d[ls] == '\t' || d[ls] == '#' ||
					   d[ls] == '\n' || d[ls] == '\r')) {
				size_t e2 = se_line_end(d, de, ls), k = ls;

				while (k < e2 && (d[k] == ' ' || d[k] == '\t'))
					k++;
				if (k == e2 || d[k] == '#' || d[k] == '\r') {
					ls = e2 + 1;
					continue;
				}
				if (!indent)
					indent = k - ls;
				if (k - ls == indent)
					secret_entry(sc, p, is_data, k, e2);
				ls = e2 + 1;
			}
		}
	}
}

/* The JSON string starting at d[i] == '"': its end (the closing quote), or 0. */
static size_t json_string_end(const char *d, size_t len, size_t i)
{
	for (size_t k = i + 1; k < len && k < i + 8192; k++) {
		if (d[k] == '\\')
			k++;
		else if (d[k] == '"')
			return k;
		else if (d[k] == '\n')
			return 0;
	}
	return 0;
}

static size_t skip_ws(const char *d, size_t len, size_t i)
{
	while (i < len && (d[i] == ' ' || d[i] == '\t' || d[i] == '\n' || d[i] == '\r'))
		i++;
	return i;
}

/* "data": {"k": "v", ...} at d[i] (the opening quote of the key): report each value. */
static void json_secret_map(struct bh_secrets_scanner *sc, const struct pat *p, size_t i,
			    int is_data)
{
	const char *d = sc->data;
	size_t len = sc->len, e = json_string_end(d, len, i);

	if (!e)
		return;
	i = skip_ws(d, len, e + 1);
	if (i >= len || d[i] != ':')
		return;
	i = skip_ws(d, len, i + 1);
	if (i >= len || d[i] != '{')
		return;
	for (unsigned n = 0; n < 1000; n++) {
		size_t ke, vs, ve;

		i = skip_ws(d, len, i + 1);
		if (i >= len || d[i] != '"' || !(ke = json_string_end(d, len, i)))
			return;
		i = skip_ws(d, len, ke + 1);
		if (i >= len || d[i] != ':')
			return;
		i = skip_ws(d, len, i + 1);
		if (i >= len || d[i] != '"' || !(ve = json_string_end(d, len, i)))
			return;
		vs = i + 1;
		if (ve > vs) {
			char dec[512];
			size_t m = is_data ? b64_decode(d + vs, ve - vs, dec, sizeof(dec)) : 0;

			if (!value_placeholder(d + vs, ve - vs) &&
			    (is_data ? k8s_value_ok(dec, m) : k8s_value_ok(d + vs, ve - vs)) &&
			    !se_allowlisted(sc, d + vs, ve - vs))
				se_add_cand(sc, p, p->rule,
					    is_data ? "Secret data value"
						    : "Secret stringData value",
					    vs, ve);
		}
		i = skip_ws(d, len, ve + 1);
		if (i >= len || d[i] != ',')
			return;
	}
}

/*
 * "kind": "Secret" in JSON: the object's "data" and "stringData" maps, looked for between the
 * neighbouring "apiVersion"/"kind" keys (kubectl sorts keys, so data comes before kind).
 */
static void confirm_k8s_secret_json(struct bh_secrets_scanner *sc, const struct pat *p, size_t hs,
				    size_t he)
{
	const char *d = sc->data;
	size_t lo = hs > BH_LIMIT_SECRETS_OVERLAP / 2 ? hs - BH_LIMIT_SECRETS_OVERLAP / 2 : 0;
	size_t hi = he + BH_LIMIT_SECRETS_OVERLAP / 2 < sc->len ? he + BH_LIMIT_SECRETS_OVERLAP / 2
								: sc->len;
	size_t from = lo, to = hi;
	const char *q;

	/* The object's own span: after the previous "kind" and before the next one. */
	for (size_t k = hs; k > lo; k--)
		if (d[k - 1] == '"' && at(d, hs, k - 1, "\"kind\"")) {
			from = k;
			break;
		}
	q = memmem(d + he, hi - he, "\"kind\"", 6);
	if (q)
		to = (size_t)(q - d);
	for (size_t k = from; k + 6 < to; k++) {
		if (d[k] != '"')
			continue;
		if (at(d, to, k, "\"data\""))
			json_secret_map(sc, p, k, 1);
		else if (at(d, to, k, "\"stringData\""))
			json_secret_map(sc, p, k, 0);
	}
}

/* Run the pattern's PCRE2 over [ws, we) and confirm each match. */
void se_confirm(struct bh_secrets_scanner *sc, const struct pat *p, size_t ws, size_t we)
{
	const char *d = sc->data;
	size_t off = ws;
	pcre2_code *re = se_pat_re(p);

	while (re && off < we) {
		int rc = pcre2_match(re, (PCRE2_SPTR)d, we, off, 0, sc->md, NULL);
		PCRE2_SIZE *ov;
		size_t ms, me, ss, se;

		if (rc < 0)
			return;
		ov = pcre2_get_ovector_pointer(sc->md);
		ms = ov[0];
		me = ov[1];
		if ((unsigned)rc > p->p.group && ov[2 * p->p.group] != PCRE2_UNSET) {
			ss = ov[2 * p->p.group];
			se = ov[2 * p->p.group + 1];
		} else {
			ss = ms;
			se = me;
		}
		off = me > ms ? me : ms + 1;
		if (se <= ss)
			continue;
		/* The line before the keyword, checked here rather than in the expression. */
		if ((p->p.flags & (SP_LINE | SP_ENVNAME)) &&
		    !line_key_start(d, ms, !!(p->p.flags & SP_ENVNAME), &ms))
			continue;
		switch (p->p.check) {
		case SC_PEM:
			confirm_pem(sc, p, ms, me);
			continue;
		case SC_K8S_SECRET_JSON:
			confirm_k8s_secret_json(sc, p, ms, me);
			continue;
		case SC_GCP_SA: {
			size_t lo = ms > 8192 ? ms - 8192 : 0;
			size_t hi = me + 8192 < sc->len ? me + 8192 : sc->len;

			if (!memmem(d + lo, hi - lo, "service_account", 15) ||
			    !memmem(d + lo, hi - lo, "PRIVATE KEY", 11))
				continue;
			break;
		}
		case SC_KUBECONFIG:
			if (!under_users(d, ms))
				continue;
			if (memmem(d + ms, me - ms, "client-key-data", 15) &&
			    (se - ss < 14 || memcmp(d + ss, "LS0tLS1CRUdJTi", 14) != 0))
				continue;
			if (value_placeholder(d + ss, se - ss) ||
			    bh_secrets_entropy(d + ss, se - ss) < 3.0)
				continue;
			break;
		case SC_DBURL: {
			size_t us = ov[2], ue = ov[3];

			if ((ue - us == se - ss && !memcmp(d + us, d + ss, se - ss)) ||
			    password_weak(d + ss, se - ss))
				continue;
			break;
		}
		case SC_CONNSTR: {
			size_t ls = ss > 512 ? ss - 512 : 0;

			/* A connection string names its server or user before the password. */
			while (ls < ss && memchr(d + ls, '\n', ss - ls))
				ls = (size_t)((const char *)memchr(d + ls, '\n', ss - ls) - d) + 1;
			if (!(contains_ci(d + ls, ss - ls, "server=") ||
			      contains_ci(d + ls, ss - ls, "data source=") ||
			      contains_ci(d + ls, ss - ls, "host=") ||
			      contains_ci(d + ls, ss - ls, "uid=") ||
			      contains_ci(d + ls, ss - ls, "user id=") ||
			      contains_ci(d + ls, ss - ls, "username=")) ||
			    password_weak(d + ss, se - ss))
				continue;
			break;
		}
		case SC_DOCKER_AUTH:
			if (!docker_auth_ok(d + ss, se - ss))
				continue;
			break;
		case SC_GENERIC: {
			size_t ks, ke;

			ks = generic_key_start(d, ms, ss);
			ke = ks;

			while (ke < ss && !strchr("\"' \t:=\r\n", d[ke]))
				ke++;
			if (!generic_key_ok(d + ks, ke - ks) ||
			    !generic_value_ok(d + ss, se - ss) || !token_ok(sc, p, d + ss, se - ss))
				continue;
			break;
		}
		default:
			if (!token_ok(sc, p, d + ss, se - ss))
				continue;
		}
		if (p->p.check == SC_KUBECONFIG || p->p.check == SC_DBURL)
			if (bh_secrets_is_placeholder(d + ss, se - ss) && se - ss < 64)
				continue;
		if (se_allowlisted(sc, d + ss, se - ss))
			continue;
		se_add_cand(sc, p, p->rule, p->p.kind, ss, se);
	}
}
