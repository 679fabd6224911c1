/* The CI/CD layer: the GitHub Actions workflow model and the CI rules. */
#ifndef BH_PIPELINE_H
#define BH_PIPELINE_H

#include <stddef.h>

#include "core/layer.h"
#include "core/rule.h"

extern const struct bh_layer_ops bh_pipeline_layer;
extern const struct bh_rule bh_ci_rules[];
extern const size_t bh_ci_nrules;

#endif
