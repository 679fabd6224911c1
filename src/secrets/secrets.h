/* The secrets layer: the SE rule table, the Vectorscan engine and the git history walk. */
#ifndef BH_SECRETS_H
#define BH_SECRETS_H

#include <stddef.h>

#include "core/rule.h"

extern const struct bh_rule bh_se_rules[];
extern const size_t bh_se_nrules;

#endif
