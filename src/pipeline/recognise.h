/*
 * Inside the pipeline layer: recognising what a step does from its action or its script.
 * Not part of the layer's public API.
 */
#ifndef BH_PIPELINE_RECOGNISE_H
#define BH_PIPELINE_RECOGNISE_H

#include "pipeline.h"

/* Fill st->does, st->soft_why/soft_msg and st->keys from the step's uses/with or run. */
bh_err bh_ci_recognise_step(struct bh_arena *a, const struct bh_ci_workflow *w,
			    const struct bh_ci_job *j, struct bh_ci_step *st, struct bh_diag *diag);

#endif
