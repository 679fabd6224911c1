/*
 * Fuzz target: the secrets detector on arbitrary bytes, checking its invariants: every match
 * lies inside the input, matches come in offset order, positions are 1-based.
 */
#include <stdint.h>
#include <stdlib.h>

#include "secrets/secrets.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct state {
	size_t size, last;
};

static void check(const struct bh_secret_match *m, void *ctx)
{
	struct state *st = ctx;

	if (m->offset + m->len > st->size || m->offset < st->last || !m->line || !m->col ||
	    !m->rule || !m->redacted)
		abort();
	st->last = m->offset;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct state st = { size, 0 };

	bh_secrets_scan_buffer("fuzz", (const char *)data, size, check, &st);
	return 0;
}
