/*
 * Fuzz target: bulkhead fix's text splice. Any input must give either an error or a text
 * that bh_kube_fix_text itself verified (it re-parses and re-plans its result), and fixing
 * that text again must change nothing; a violation aborts.
 */
#include <stdint.h>
#include <stdlib.h>

#include "kube/kube.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *out = NULL, *again = NULL;
	size_t len = 0, len2 = 0;
	unsigned n = 0, n2 = 0;
	struct bh_diag d;

	if (bh_kube_fix_text("fuzz.yaml", (const char *)data, size, NULL, NULL, &out, &len, &n,
			     &d) ||
	    !out)
		return 0;
	if (bh_kube_fix_text("fuzz.yaml", out, len, NULL, NULL, &again, &len2, &n2, &d) || again ||
	    n2)
		abort();
	free(out);
	return 0;
}
