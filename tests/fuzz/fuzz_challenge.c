/* Fuzz target: WWW-Authenticate challenge parsing, the header a registry answers a 401 with. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "registry/registry.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	struct bh_challenge c;
	struct bh_diag d;

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (bh_challenge_parse(s, &c, &d) == BH_OK) {
		/* Whatever parsed is a scheme token and NUL-terminated strings. */
		if (!c.scheme || !*c.scheme)
			abort();
		(void)strlen(c.realm ? c.realm : "");
		bh_challenge_free(&c);
	}
	free(s);
	return 0;
}
