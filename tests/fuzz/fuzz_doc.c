/* Fuzz target: the YAML/JSON document model, then the whole scan of the document. */
#include <stdint.h>
#include <stdlib.h>

#include "engine/engine.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bh_scan s;

	bh_scan_init(&s);
	bh_engine_scan_buffer(&s, "fuzz.yaml", (const char *)data, size);
	bh_engine_finish(&s, NULL);
	bh_scan_release(&s);
	return 0;
}
