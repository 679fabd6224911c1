#include "image.h"
const struct bh_rule bh_df_rules[1];
const size_t bh_df_nrules = 0;
