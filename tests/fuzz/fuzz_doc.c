/*
 * Fuzz target: the YAML/JSON document model, the whole scan of the document, and the three
 * renderers over whatever it found (hostile bytes reach the text report's source lines).
 */
#include <stdint.h>
#include <stdlib.h>

#include "engine/engine.h"
#include "report/report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum bh_format formats[] = { BH_FMT_TEXT, BH_FMT_JSON, BH_FMT_SARIF };
	struct bh_scan s;

	bh_scan_init(&s);
	bh_engine_scan_buffer(&s, "fuzz.yaml", (const char *)data, size);
	bh_engine_finish(&s, NULL);
	for (size_t i = 0; i < sizeof(formats) / sizeof(*formats); i++) {
		struct bh_report_opts o = { .format = formats[i],
					    .color = 1,
					    .show_suppressed = 1 };
		struct bh_buf out;

		bh_buf_init(&out, 0);
		bh_report_render(&s, &o, &out);
		bh_buf_release(&out);
	}
	bh_scan_release(&s);
	return 0;
}
