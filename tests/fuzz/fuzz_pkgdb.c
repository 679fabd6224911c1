/*
 * Fuzz target: every package-database parser on the same bytes (dpkg stanzas, apk installed,
 * Python METADATA, npm package.json, an RPM header blob, an rpm sqlite database, os-release),
 * then the purls of whatever parsed.
 */
#include <stdint.h>
#include <stdlib.h>

#include "image/oci.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bh_arena a;
	struct bh_pkgs p = { 0 };
	const char *s = (const char *)data;

	bh_arena_init(&a, 0);
	bh_pkgdb_dpkg(&a, s, size, "status", &p, NULL);
	bh_pkgdb_apk(&a, s, size, "installed", &p, NULL);
	bh_pkgdb_python(&a, s, size, "METADATA", &p, NULL);
	bh_pkgdb_npm(&a, s, size, "package.json", &p, NULL);
	bh_pkgdb_rpm_header(&a, data, size, "header", &p, NULL);
	bh_pkgdb_rpmdb(&a, s, size, "rpmdb.sqlite", &p, NULL);
	bh_pkgdb_os_release(&a, s, size, &p.os);
	bh_pkgs_purls(&a, &p);
	bh_arena_release(&a);
	return 0;
}
