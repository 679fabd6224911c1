/*
 * Fuzz target: the pipeline layer's own parsers on raw bytes (the ${{ }} expression scanner
 * with its reference walker, and the run: script splitter), then the whole scan of the input
 * as a workflow file so that the model and the CI rules see whatever YAML it holds.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"
#include "pipeline/pipeline.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void count_ref(void *arg, const struct bh_ci_ref *r)
{
	size_t *n = arg;

	*n += bh_ci_ctx_tainted(r->path, r->whole) + r->len;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	struct bh_arena a;
	struct bh_ci_cmd *cmds;
	struct bh_ci_expr e;
	struct bh_scan scan;
	size_t n, pos = 0, refs = 0;

	while (bh_ci_expr_next(s, size, &pos, &e))
		bh_ci_expr_refs(s + e.body, e.body_len, count_ref, &refs);
	bh_ci_expr_refs(s, size, count_ref, &refs);
	bh_arena_init(&a, 0);
	if (bh_ci_shell_split(&a, s, size, &cmds, &n) == BH_OK) {
		for (size_t i = 0; i < n; i++)
			for (size_t k = 0; k < cmds[i].argc; k++)
				refs += strlen(cmds[i].argv[k]);
	}
	bh_arena_release(&a);
	bh_scan_init(&scan);
	bh_engine_scan_buffer(&scan, "fuzz.yml", s, size);
	bh_engine_finish(&scan, NULL);
	bh_scan_release(&scan);
	return refs == (size_t)-1;
}
