/*
 * The encodings signatures travel in: base64, "sha256:<hex>" digests, and JSON strings escaped
 * exactly as Go's encoding/json escapes them (cosign's payloads are Go output, and a payload we
 * build must be the bytes cosign would build for the same image).
 */
#include "sign.h"

#include <stdlib.h>
#include <string.h>

#include "core/b64.h"
#include "core/hash.h"

#include "core/banned.h"

static const char b64_alpha[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

bh_err bh_b64_encode(struct bh_buf *out, const void *data, size_t len)
{
	const unsigned char *p = data;
	char q[4];
	bh_err err = bh_buf_grow(out, (len + 2) / 3 * 4);

	for (size_t i = 0; !err && i < len; i += 3) {
		unsigned v = (unsigned)p[i] << 16;

		if (i + 1 < len)
			v |= (unsigned)p[i + 1] << 8;
		if (i + 2 < len)
			v |= p[i + 2];
		q[0] = b64_alpha[v >> 18 & 63];
		q[1] = b64_alpha[v >> 12 & 63];
		q[2] = i + 1 < len ? b64_alpha[v >> 6 & 63] : '=';
		q[3] = i + 2 < len ? b64_alpha[v & 63] : '=';
		err = bh_buf_add(out, q, 4);
	}
	return err;
}

bh_err bh_b64_decode(const char *s, size_t len, unsigned char **out, size_t *outlen,
		     const char *what, struct bh_diag *diag)
{
	unsigned char *buf = malloc(len / 4 * 3 + 4);
	unsigned acc = 0;
	size_t n = 0, digits = 0, pad = 0;

	if (!buf)
		return bh_diag_set(diag, BH_ERR_NOMEM, "", 0, 0, "out of memory");
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		int v;

		if (c == '\n' || c == '\r' || c == ' ' || c == '\t')
			continue;
		if (c == '=') {
			pad++;
			continue;
		}
		v = bh_b64_digit(c);
		if (v < 0 || pad) {
			free(buf);
			return bh_diag_set(diag, BH_ERR_PARSE, "", 0, 0,
					   "%s is not base64 (byte %zu is %s)", what, i + 1,
					   v < 0 ? "not a base64 character" : "after padding");
		}
		acc = acc << 6 | (unsigned)v;
		if (++digits % 4 == 0) {
			buf[n++] = (unsigned char)(acc >> 16);
			buf[n++] = (unsigned char)(acc >> 8);
			buf[n++] = (unsigned char)acc;
			acc = 0;
		}
	}
	/* One leftover digit is half a byte: no encoder writes that. Padding, when present, must
	 * complete the last group. */
	if (digits % 4 == 1 || (pad && (digits + pad) % 4 != 0) || pad > 2) {
		free(buf);
		return bh_diag_set(diag, BH_ERR_PARSE, "", 0, 0,
				   "%s is not base64 (truncated or wrongly padded)", what);
	}
	if (digits % 4 == 2) {
		buf[n++] = (unsigned char)(acc >> 4);
	} else if (digits % 4 == 3) {
		buf[n++] = (unsigned char)(acc >> 10);
		buf[n++] = (unsigned char)(acc >> 2);
	}
	buf[n] = 0;
	*out = buf;
	*outlen = n;
	return BH_OK;
}

void bh_sign_sha256_digest(const void *data, size_t len, char out[72])
{
	memcpy(out, "sha256:", 7);
	bh_sha256_hex(data, len, out + 7);
}

int bh_sign_digest_valid(const char *s)
{
	if (strncmp(s, "sha256:", 7) != 0 || strlen(s) != 71)
		return 0;
	for (const char *p = s + 7; *p; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
			return 0;
	return 1;
}

/* The length of the valid UTF-8 sequence at s (1 to 4), or 0 when it is not valid UTF-8. */
static size_t utf8_len(const unsigned char *s)
{
	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		return (s[1] & 0xc0) == 0x80 ? 2 : 0;
	if (s[0] >= 0xe0 && s[0] <= 0xef) {
		unsigned lo = s[0] == 0xe0 ? 0xa0 : 0x80, hi = s[0] == 0xed ? 0x9f : 0xbf;

		return s[1] >= lo && s[1] <= hi && (s[2] & 0xc0) == 0x80 ? 3 : 0;
	}
	if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		unsigned lo = s[0] == 0xf0 ? 0x90 : 0x80, hi = s[0] == 0xf4 ? 0x8f : 0xbf;

		return s[1] >= lo && s[1] <= hi && (s[2] & 0xc0) == 0x80 && (s[3] & 0xc0) == 0x80
			       ? 4
			       : 0;
	}
	return 0;
}

bh_err bh_sign_json_string(struct bh_buf *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	bh_err err = bh_buf_addc(out, '"');

	while (!err && *p) {
		size_t n;

		switch (*p) {
		case '"':
			err = bh_buf_adds(out, "\\\"");
			break;
		case '\\':
			err = bh_buf_adds(out, "\\\\");
			break;
		case '\n':
			err = bh_buf_adds(out, "\\n");
			break;
		case '\r':
			err = bh_buf_adds(out, "\\r");
			break;
		case '\t':
			err = bh_buf_adds(out, "\\t");
			break;
		case '<':
		case '>':
		case '&':
			/* Go escapes HTML's special characters by default. */
			err = bh_buf_printf(out, "\\u00%02x", *p);
			break;
		default:
			if (*p < 0x20) {
				err = bh_buf_printf(out, "\\u00%02x", *p);
				break;
			}
			n = utf8_len(p);
			if (n == 0) {
				/* Go replaces invalid UTF-8 with U+FFFD. */
				err = bh_buf_adds(out, "\\ufffd");
				break;
			}
			if (n == 3 && p[0] == 0xe2 && p[1] == 0x80 &&
			    (p[2] == 0xa8 || p[2] == 0xa9))
				err = bh_buf_printf(out, "\\u202%c", p[2] == 0xa8 ? '8' : '9');
			else
				err = bh_buf_add(out, p, n);
			p += n;
			continue;
		}
		p++;
	}
	if (!err)
		err = bh_buf_addc(out, '"');
	return err;
}
