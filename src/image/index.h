/*
 * Choosing one manifest from an image index, shared by the layout reader (oci.c) and the
 * registry pull (pull.c) so that a pulled image and the same image in a layout resolve
 * --platform to the same manifest.
 */
#ifndef BH_IMAGE_INDEX_H
#define BH_IMAGE_INDEX_H

#include <jansson.h>

/*
 * The descriptor of index's "manifests" to read: attestation manifests are skipped; with tag,
 * only descriptors annotated with that ref name (OCI or containerd annotation); with platform
 * ("os/arch[/variant]"), the first that matches or one without a platform; without, the first
 * linux/amd64, else the first. NULL when nothing fits. The result is borrowed from index.
 */
json_t *bh_image_index_pick(json_t *index, const char *tag, const char *platform);

#endif
