/* Fuzz target: .bulkhead.yaml parsing (the document model, then the config's own checks). */
#include <stdint.h>
#include <stdlib.h>

#include "core/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bh_arena a;
	struct bh_config cfg;
	struct bh_diag d;
	struct bh_rule r = { .id = "K8-001", .severity = BH_SEV_HIGH };

	bh_arena_init(&a, 0);
	if (bh_config_parse(&a, "fuzz.yaml", (const char *)data, size, &cfg, &d) == BH_OK) {
		/* Use what was parsed, as a scan would. */
		(void)bh_config_disabled(&cfg, "K8-001");
		(void)bh_config_severity(&cfg, &r);
	}
	bh_arena_release(&a);
	return 0;
}
