/*
 * Pulling an image from a registry into a private OCI layout for the reader (pull.c).
 */
#ifndef BH_IMAGE_PULL_H
#define BH_IMAGE_PULL_H

#include "core/err.h"

struct bh_registry_opts;

/* What a pull leaves: the layout directory, and the image's name (registry/repository) and
 * tag ("" when pulled by digest alone), all malloc'd. */
struct bh_image_pulled {
	char *dir;
	char *name;
	char *tag;
};

/*
 * Pull spec ("docker://REF" or a bare REF) into a fresh layout under $TMPDIR: the manifest by
 * tag or digest, from an index the manifest for platform (bh_image_index_pick), its config and
 * layers, each verified by digest and within BH_LIMIT_PULL_*. On failure nothing is left on
 * disk and diag names spec; errors are those of the registry client (BH_ERR_NET,
 * BH_ERR_NOTFOUND, BH_ERR_VERIFY, BH_ERR_LIMIT) and BH_ERR_PARSE for a manifest the reader
 * cannot use, BH_ERR_USAGE for a platform the index lacks, BH_ERR_IO for the local disk.
 */
bh_err bh_image_pull(const char *spec, const struct bh_registry_opts *opts, const char *platform,
		     struct bh_image_pulled *out, struct bh_diag *diag);
/* Remove the layout and free the strings; safe on a zeroed struct. */
void bh_image_pulled_free(struct bh_image_pulled *p);
/* Remove a layout directory a pull made (only the files a pull makes). */
void bh_image_pull_remove(const char *dir);

#endif
