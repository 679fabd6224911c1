/*
 * Error names and the diag helper. Nothing here allocates, so it is safe to call on any path,
 * including out-of-memory ones.
 */
#include "err.h"

#include <stdio.h>
#include <string.h>

#include "banned.h"

bh_err bh_diag_set(struct bh_diag *diag, bh_err err, const char *file, unsigned line, unsigned col,
		   const char *fmt, ...)
{
	va_list ap;

	if (!diag)
		return err;
	snprintf(diag->file, sizeof(diag->file), "%s", file ? file : "");
	diag->line = line;
	diag->col = col;
	va_start(ap, fmt);
	vsnprintf(diag->msg, sizeof(diag->msg), fmt, ap);
	va_end(ap);
	return err;
}

const char *bh_err_name(bh_err err)
{
	switch (err) {
	case BH_OK:
		return "ok";
	case BH_ERR_NOMEM:
		return "out of memory";
	case BH_ERR_IO:
		return "i/o error";
	case BH_ERR_PARSE:
		return "parse error";
	case BH_ERR_LIMIT:
		return "limit exceeded";
	case BH_ERR_USAGE:
		return "usage error";
	case BH_ERR_VERIFY:
		return "verification failed";
	case BH_ERR_NET:
		return "network error";
	case BH_ERR_NOTFOUND:
		return "not found";
	case BH_ERR_INTERNAL:
		break;
	}
	return "internal error";
}

int bh_err_exit_code(bh_err err)
{
	switch (err) {
	case BH_OK:
		return 0;
	case BH_ERR_PARSE:
	case BH_ERR_LIMIT:
	case BH_ERR_USAGE:
	/* A reference that names nothing is a mistake in the input, like a missing file. */
	case BH_ERR_NOTFOUND:
		return 2;
	case BH_ERR_VERIFY:
		return 1;
	default:
		return 3;
	}
}

int bh_diag_cmp(const void *pa, const void *pb)
{
	const struct bh_diag *a = pa, *b = pb;
	int c = strcmp(a->file, b->file);

	if (c)
		return c;
	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	if (a->col != b->col)
		return a->col < b->col ? -1 : 1;
	return strcmp(a->msg, b->msg);
}
