/* The network layer: NetworkPolicy model, reachability and the NP rules. */
#ifndef BH_NETWORK_H
#define BH_NETWORK_H

#include <stddef.h>

#include "core/layer.h"
#include "core/rule.h"

extern const struct bh_layer_ops bh_network_layer;
extern const struct bh_rule bh_np_rules[];
extern const size_t bh_np_nrules;

#endif
