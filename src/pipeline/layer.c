/* Registration of the CI/CD layer; the workflow model and rules arrive with its issue. */
#include "pipeline.h"

const struct bh_layer_ops bh_pipeline_layer = {
	.name = "pipeline",
	.layer = BH_LAYER_CI,
};
const struct bh_rule bh_ci_rules[1];
const size_t bh_ci_nrules = 0;
