/*
 * Fuzz target: the NetworkPolicy model and evaluator. The input is scanned as a manifest (the
 * policy parser, selectors, ipBlock/except set arithmetic, ports, named ports), then the
 * connlist is rendered in every format and one explain is run, so every evaluator path sees
 * hostile models. The first line of the input is also parsed as a CIDR on its own.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "engine/engine.h"
#include "network/np.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bh_scan s;
	struct np_model *m;
	char line[128], why[256];
	struct np_iprange r;
	size_t n = 0;

	while (n < size && n + 1 < sizeof(line) && data[n] != '\n') {
		line[n] = (char)data[n];
		n++;
	}
	line[n] = 0;
	np_cidr_parse(line, &r, why, sizeof(why));

	bh_scan_init(&s);
	bh_engine_scan_buffer(&s, "fuzz.yaml", (const char *)data, size);
	bh_engine_finish(&s, NULL);
	m = np_scan_model(&s);
	if (m && !m->nprob) {
		for (int f = NP_FMT_TXT; f <= NP_FMT_MERMAID; f++) {
			struct bh_buf out;

			bh_buf_init(&out, 0);
			np_connlist(m, (enum np_format)f, f == NP_FMT_TXT ? "a" : NULL, &out);
			bh_buf_release(&out);
		}
		if (m->nreal) {
			struct np_ep a = { .is_ip = 0, .wl = 0 }, b = { .is_ip = 1 };
			struct bh_buf out;
			int allowed;

			np_ip_parse("169.254.169.254", &b.ip);
			bh_buf_init(&out, 0);
			np_explain(m, &a, &b, 1, 80, &out, &allowed);
			np_explain(m, &b, &a, -1, 0, &out, &allowed);
			bh_buf_release(&out);
		}
	}
	bh_scan_release(&s);
	return 0;
}
