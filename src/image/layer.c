/*
 * Registration of the Dockerfile part of the image layer with the scan driver. The Dockerfile
 * parser and its rules arrive with the Dockerfile issue; until then the layer claims no input.
 */
#include "image.h"

const struct bh_layer_ops bh_dockerfile_layer = {
	.name = "dockerfile",
	.layer = BH_LAYER_DF,
};
