/* Fuzz target: image reference parsing, and formatting what parsed back through the parser. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "registry/registry.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	struct bh_ref r, again;
	struct bh_diag d;
	char *f;

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (bh_ref_parse(s, &r, &d) == BH_OK) {
		/* A parsed reference formats to a string that parses to the same parts. */
		f = bh_ref_format(&r);
		if (f && bh_ref_parse(f, &again, &d) == BH_OK) {
			if (strcmp(r.registry, again.registry) ||
			    strcmp(r.repository, again.repository))
				abort();
			bh_ref_free(&again);
		} else if (f) {
			abort();
		}
		free(f);
		bh_ref_free(&r);
	}
	free(s);
	return 0;
}
