/*
 * A growable byte string in git's strbuf shape with a hard ceiling (curl's dynbuf): appends past
 * the cap fail with BH_ERR_LIMIT instead of growing without bound. The contents are always
 * NUL-terminated. The buffer owns its memory until bh_buf_detach() hands it to the caller.
 */
#ifndef BH_BUF_H
#define BH_BUF_H

#include <stdarg.h>
#include <stddef.h>

#include "err.h"

struct bh_buf {
	char *data;
	size_t len;
	size_t cap;
	size_t max; /* hard ceiling on len */
};

#define BH_BUF_INIT { NULL, 0, 0, 0 }

/* max 0 means BH_LIMIT_BUF_BYTES. */
void bh_buf_init(struct bh_buf *b, size_t max);
void bh_buf_release(struct bh_buf *b);
/* The caller owns the returned string (never NULL unless out of memory); b is reset. */
char *bh_buf_detach(struct bh_buf *b, size_t *len);
void bh_buf_reset(struct bh_buf *b);

bh_err bh_buf_grow(struct bh_buf *b, size_t extra);
bh_err bh_buf_add(struct bh_buf *b, const void *data, size_t len);
bh_err bh_buf_adds(struct bh_buf *b, const char *s);
bh_err bh_buf_addc(struct bh_buf *b, char c);
bh_err bh_buf_printf(struct bh_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
bh_err bh_buf_vprintf(struct bh_buf *b, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

/* The contents, or "" for an empty buffer that never allocated. */
static inline const char *bh_buf_str(const struct bh_buf *b)
{
	return b->data ? b->data : "";
}

#endif
