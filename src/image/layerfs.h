/*
 * Internal interface between the image reader (oci.c) and the layer filesystem (layerfs.c).
 * oci.c finds the layer blobs and their expected digests; layerfs.c streams each blob through
 * libarchive, checks the digests, records the entries, and finally applies the layers in order.
 */
#ifndef BH_IMAGE_LAYERFS_H
#define BH_IMAGE_LAYERFS_H

#include <sys/types.h>

#include "oci.h"

/* Pull the next chunk of a blob: returns its length, 0 at the end, -1 on a read error. */
typedef ssize_t (*bh_blob_read_fn)(void *ctx, const void **buf);

/* Allocate the per-layer lists for n layers and the root of the tree. */
bh_err bh_layerfs_init(struct bh_image *img, size_t nlayers, struct bh_diag *diag);

/*
 * Stream layer idx from rd and record its entries. blob_hex and diff_hex (64 lower-case hex
 * digits, or NULL) are the expected sha256 of the blob as stored and of the uncompressed tar;
 * a mismatch is BH_ERR_VERIFY. what names the blob in messages.
 */
bh_err bh_layerfs_read(struct bh_image *img, size_t idx, bh_blob_read_fn rd, void *ctx,
		       const char *blob_hex, const char *diff_hex, const char *what,
		       struct bh_diag *diag);

/* Apply every layer in order, then mark secrets in deleted files. */
bh_err bh_layerfs_finish(struct bh_image *img, struct bh_diag *diag);

#endif
