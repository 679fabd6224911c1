/*
 * Version ordering per package ecosystem, as each ecosystem's own tools define it: dpkg (Debian),
 * apk (Alpine), PEP 440 (PyPI) and Semantic Versioning 2.0.0 (npm). OSV ranges are evaluated in
 * the ecosystem's order, so a comparator that is merely close would report fixed packages as
 * vulnerable or miss vulnerable ones.
 */
#ifndef BH_VULN_VERSION_H
#define BH_VULN_VERSION_H

enum bh_vscheme {
	BH_VS_DPKG,
	BH_VS_APK,
	BH_VS_PEP440,
	BH_VS_SEMVER,
};

/*
 * Compare a and b in scheme s: *cmp is negative, zero or positive as a sorts before, equal to or
 * after b. Returns 0, or -1 when either is not a version of the scheme (*cmp is then 0).
 */
int bh_version_cmp(enum bh_vscheme s, const char *a, const char *b, int *cmp);
/* Whether v is a version of scheme s. */
int bh_version_valid(enum bh_vscheme s, const char *v);

#endif
