/*
 * The catalogue: every layer's rule table, and the layers in run order. Adding a layer means
 * adding one line to each list below.
 */
#include "engine.h"

#include <stdlib.h>
#include <string.h>

#include "image/image.h"
#include "kube/kube.h"
#include "network/network.h"
#include "pipeline/pipeline.h"
#include "secrets/secrets.h"

#include "core/banned.h"

struct table {
	const struct bh_rule *rules;
	const size_t *n;
};

static const struct table tables[] = {
	{ bh_df_rules, &bh_df_nrules },	    { bh_im_rules, &bh_im_nrules },
	{ bh_kube_rules, &bh_kube_nrules }, { bh_ci_rules, &bh_ci_nrules },
	{ bh_se_rules, &bh_se_nrules },	    { bh_np_rules, &bh_np_nrules },
};

/* Kube before network: the network layer reads the workload model in its finish(). */
static const struct bh_layer_ops *const layers[] = {
	&bh_dockerfile_layer,
	&bh_kube_layer,
	&bh_pipeline_layer,
	&bh_network_layer,
};

static const struct bh_rule **sorted;
static size_t nsorted;

static int rule_cmp(const void *a, const void *b)
{
	return strcmp((*(const struct bh_rule *const *)a)->id,
		      (*(const struct bh_rule *const *)b)->id);
}

const struct bh_rule *const *bh_catalogue(size_t *n)
{
	/* Built once; the tables are static so the pointers never go stale. */
	if (!sorted) {
		size_t total = 0, k = 0;

		for (size_t i = 0; i < sizeof(tables) / sizeof(*tables); i++)
			total += *tables[i].n;
		sorted = malloc((total ? total : 1) * sizeof(*sorted));
		if (!sorted) {
			*n = 0;
			return NULL;
		}
		for (size_t i = 0; i < sizeof(tables) / sizeof(*tables); i++)
			for (size_t j = 0; j < *tables[i].n; j++)
				sorted[k++] = &tables[i].rules[j];
		qsort(sorted, k, sizeof(*sorted), rule_cmp);
		nsorted = k;
	}
	*n = nsorted;
	return sorted;
}

const struct bh_rule *bh_catalogue_find(const char *id)
{
	size_t n;
	const struct bh_rule *const *all = bh_catalogue(&n);

	for (size_t i = 0; i < n; i++)
		if (strcasecmp(all[i]->id, id) == 0)
			return all[i];
	return NULL;
}

const struct bh_layer_ops *const *bh_layers(size_t *n)
{
	*n = sizeof(layers) / sizeof(*layers);
	return layers;
}
