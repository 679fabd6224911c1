/*
 * The network layer: NetworkPolicy model, reachability and the NP rules.
 *
 * The layer keeps every object document it is handed, in input order, and builds its model in
 * finish() (after the Kubernetes layer): namespaces, workloads, NetworkPolicies, and the Istio
 * and Cilium objects the mTLS and FQDN rules look at. `bulkhead netpol` runs a scan and reads
 * the model through np_scan_model() (src/network/np.h).
 */
#ifndef BH_NETWORK_H
#define BH_NETWORK_H

#include <stddef.h>

#include "core/doc.h"
#include "core/layer.h"
#include "core/rule.h"
#include "core/scan.h"

extern const struct bh_layer_ops bh_network_layer;
extern const struct bh_rule bh_np_rules[];
extern const size_t bh_np_nrules;

/* The object documents the layer kept, in input order. */
size_t np_layer_docs(const struct bh_scan *s, const struct bh_doc *const **out);

#endif
