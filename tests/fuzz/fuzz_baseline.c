/* Fuzz target: the baseline file (JSON through jansson, then our checks), and its use. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/suppress.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct bh_rule r = { .id = "K8-001", .severity = BH_SEV_HIGH };
	struct bh_baseline b;
	struct bh_diag d;

	if (bh_baseline_parse("fuzz.json", (const char *)data, size, &b, &d) == BH_OK) {
		struct bh_scan s;
		struct bh_finding f = { .rule = &r,
					.severity = BH_SEV_HIGH,
					.message = "m",
					.file = "a.yaml",
					.line = 1,
					.col = 1 };

		bh_scan_init(&s);
		bh_findings_add(&s.findings, &s.arena, &f);
		bh_suppress_apply(&s, &b);
		bh_scan_release(&s);
		bh_baseline_release(&b);
	}
	return 0;
}
