/*
 * The capped string buffer. Growth doubles the capacity; every size computation is checked for
 * overflow against the cap before memory is touched.
 */
#include "buf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "limits.h"

#include "banned.h"

void bh_buf_init(struct bh_buf *b, size_t max)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->max = max ? max : BH_LIMIT_BUF_BYTES;
}

void bh_buf_release(struct bh_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
}

void bh_buf_reset(struct bh_buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

char *bh_buf_detach(struct bh_buf *b, size_t *len)
{
	char *p = b->data;

	if (!p)
		p = calloc(1, 1);
	if (len)
		*len = b->len;
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	return p;
}

bh_err bh_buf_grow(struct bh_buf *b, size_t extra)
{
	size_t max = b->max ? b->max : BH_LIMIT_BUF_BYTES;
	size_t want, ncap;
	char *p;

	if (extra > max || b->len > max - extra)
		return BH_ERR_LIMIT;
	want = b->len + extra + 1;
	if (want <= b->cap)
		return BH_OK;
	ncap = b->cap ? b->cap : 64;
	while (ncap < want)
		ncap = ncap > SIZE_MAX / 2 ? want : ncap * 2;
	if (ncap > max + 1)
		ncap = max + 1;
	p = realloc(b->data, ncap);
	if (!p)
		return BH_ERR_NOMEM;
	b->data = p;
	b->cap = ncap;
	return BH_OK;
}

bh_err bh_buf_add(struct bh_buf *b, const void *data, size_t len)
{
	bh_err err = bh_buf_grow(b, len);

	if (err)
		return err;
	if (len)
		memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
	return BH_OK;
}

bh_err bh_buf_adds(struct bh_buf *b, const char *s)
{
	return bh_buf_add(b, s, strlen(s));
}

bh_err bh_buf_addc(struct bh_buf *b, char c)
{
	return bh_buf_add(b, &c, 1);
}

bh_err bh_buf_vprintf(struct bh_buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	int n;
	bh_err err;

	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		return BH_ERR_INTERNAL;
	err = bh_buf_grow(b, (size_t)n);
	if (err)
		return err;
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return BH_OK;
}

bh_err bh_buf_printf(struct bh_buf *b, const char *fmt, ...)
{
	va_list ap;
	bh_err err;

	va_start(ap, fmt);
	err = bh_buf_vprintf(b, fmt, ap);
	va_end(ap);
	return err;
}
