/* Registration of the network layer; the policy model and rules arrive with its issue. */
#include "network.h"

const struct bh_layer_ops bh_network_layer = {
	.name = "network",
	.layer = BH_LAYER_NP,
};
const struct bh_rule bh_np_rules[1];
const size_t bh_np_nrules = 0;
