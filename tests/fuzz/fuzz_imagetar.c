/*
 * Fuzz target: one layer stream (gzip, zstd or plain tar, found by content) through the layer
 * filesystem: entries, whiteouts, links, the private-key scan, then the IM rules and the
 * package-database collection over the resulting tree.
 */
#include <stdint.h>
#include <stdlib.h>

#include "core/scan.h"
#include "image/oci.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bh_image img;
	const void *d = data;
	struct bh_scan s;
	struct bh_arena a;
	struct bh_pkgs pkgs = { 0 };
	struct bh_buf out;

	if (bh_image_from_layers(&img, "fuzz.tar", &d, &size, 1, NULL))
		return 0;
	bh_scan_init(&s);
	bh_image_audit(&s, &img);
	bh_scan_release(&s);
	bh_arena_init(&a, 0);
	bh_buf_init(&out, 0);
	if (!bh_pkgdb_collect(&img, &a, &pkgs, NULL))
		bh_sbom_write(&img, &pkgs, BH_SBOM_CYCLONEDX, &out, NULL);
	bh_buf_release(&out);
	bh_arena_release(&a);
	bh_image_release(&img);
	return 0;
}
