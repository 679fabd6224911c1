/*
 * Fuzz target: what bulkhead vuln reads from hostile input. The first byte picks the part: an
 * SBOM (CycloneDX or SPDX JSON) and the purls in it; an OSV ranges array evaluated for a version
 * in each scheme; or two versions compared in each scheme, which must give opposite answers in
 * the two directions (a comparator that does not is not an order, and range evaluation on it
 * would be arbitrary).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vuln/vuln.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *cstr(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (s) {
		memcpy(s, data, size);
		s[size] = 0;
	}
	return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const versions[] = { "1.0.0", "1.2.3-1", "2.0_rc1-r0", "0" };
	struct bh_arena a;
	char *s;

	if (size < 1)
		return 0;
	s = cstr(data + 1, size - 1);
	if (!s)
		return 0;
	bh_arena_init(&a, 0);
	switch (data[0] % 3) {
	case 0: {
		struct bh_vuln_pkgs pkgs = { 0 };
		struct bh_diag d;

		bh_vuln_sbom_read(&a, s, size - 1, "fuzz.json", &pkgs, &d);
		break;
	}
	case 1:
		for (int k = 0; k <= BH_VS_SEMVER; k++)
			for (size_t i = 0; i < sizeof(versions) / sizeof(*versions); i++) {
				const char *fixed;

				bh_vuln_affected(&a, (enum bh_vscheme)k, versions[i], s, "[]",
						 &fixed);
				bh_vuln_affected(&a, (enum bh_vscheme)k, versions[i], "[]", s,
						 &fixed);
			}
		break;
	default: {
		char *nl = strchr(s, '\n');

		if (nl) {
			*nl = 0;
			for (int k = 0; k <= BH_VS_SEMVER; k++) {
				int ab, ba, ra = bh_version_cmp((enum bh_vscheme)k, s, nl + 1, &ab);
				int rb = bh_version_cmp((enum bh_vscheme)k, nl + 1, s, &ba);

				if (ra != rb || (!ra && ab != -ba))
					abort();
			}
		}
		break;
	}
	}
	bh_arena_release(&a);
	free(s);
	return 0;
}
