/*
 * The image layer: the Dockerfile parser and DF rules, and (in part 2) the built-image reader,
 * IM rules and SBOM.
 */
#ifndef BH_IMAGE_H
#define BH_IMAGE_H

#include <stddef.h>

#include "core/layer.h"
#include "core/rule.h"

extern const struct bh_layer_ops bh_dockerfile_layer;
extern const struct bh_rule bh_df_rules[];
extern const size_t bh_df_nrules;
extern const struct bh_rule bh_im_rules[];
extern const size_t bh_im_nrules;

#endif
