/*
 * UTF-8 repair for JSON output. Valid input (the common case) costs one jansson call; only
 * invalid input is copied, each bad byte replaced by U+FFFD.
 */
#include "jstr.h"

#include <stdlib.h>

#include <string.h>

#include "core/buf.h"

#include "core/banned.h"

/* Length of the valid UTF-8 sequence at p (1..4), or 0 when it is not one. */
static size_t utf8_len(const unsigned char *p)
{
	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		return (p[1] & 0xc0) == 0x80 ? 2 : 0;
	if (p[0] >= 0xe0 && p[0] <= 0xef) {
		if ((p[1] & 0xc0) != 0x80 || (p[2] & 0xc0) != 0x80)
			return 0;
		if ((p[0] == 0xe0 && p[1] < 0xa0) || (p[0] == 0xed && p[1] >= 0xa0))
			return 0; /* overlong, or a surrogate */
		return 3;
	}
	if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		if ((p[1] & 0xc0) != 0x80 || (p[2] & 0xc0) != 0x80 || (p[3] & 0xc0) != 0x80)
			return 0;
		if ((p[0] == 0xf0 && p[1] < 0x90) || (p[0] == 0xf4 && p[1] >= 0x90))
			return 0;
		return 4;
	}
	return 0;
}

json_t *bh_jstr(const char *s)
{
	struct bh_buf b;
	json_t *j;

	if (!s)
		return json_null();
	j = json_string(s);
	if (j)
		return j;
	bh_buf_init(&b, 0);
	for (const unsigned char *p = (const unsigned char *)s; *p;) {
		size_t n = utf8_len(p);

		if (n) {
			bh_buf_add(&b, p, n);
			p += n;
		} else {
			bh_buf_adds(&b, "\xef\xbf\xbd");
			p++;
		}
	}
	j = json_string(bh_buf_str(&b));
	bh_buf_release(&b);
	return j ? j : json_string("");
}

bh_err bh_json_dump(json_t *root, size_t flags, struct bh_buf *out)
{
	char *text = json_dumps(root, JSON_INDENT(2) | JSON_ENSURE_ASCII | flags);
	bh_err err;

	json_decref(root);
	if (!text)
		return BH_ERR_NOMEM;
	err = bh_buf_adds(out, text);
	if (!err)
		err = bh_buf_addc(out, '\n');
	free(text);
	return err;
}

json_t *bh_jprops(const struct bh_finding *f)
{
	json_t *p = json_object();

	for (size_t i = 0; p && i < f->nprops; i++)
		json_object_set_new(p, f->props[i].name, bh_jstr(f->props[i].value));
	return p;
}
