/*
 * Fuzz target: the Dockerfile parser and its dump, then the whole scan of the bytes as a
 * Dockerfile (validation, stages, variable substitution, the shell lexer and every DF rule).
 */
#include <stdint.h>
#include <stdlib.h>

#include "core/arena.h"
#include "core/buf.h"
#include "engine/engine.h"
#include "image/dockerfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bh_arena a;
	struct bh_dockerfile df;
	struct bh_diag d;
	struct bh_buf out = BH_BUF_INIT;
	struct bh_scan s;

	bh_arena_init(&a, 0);
	bh_buf_init(&out, 0);
	if (bh_dockerfile_parse(&a, "fuzz", (const char *)data, size, &df, &d) == BH_OK)
		bh_dockerfile_dump(&df, &out);
	bh_buf_release(&out);
	bh_arena_release(&a);

	bh_scan_init(&s);
	bh_engine_scan_buffer(&s, "Dockerfile", (const char *)data, size);
	bh_engine_finish(&s, NULL);
	bh_scan_release(&s);
	return 0;
}
