/* The SE rule table; the detector arrives with the secrets issue. */
#include "secrets.h"

const struct bh_rule bh_se_rules[1];
const size_t bh_se_nrules = 0;
