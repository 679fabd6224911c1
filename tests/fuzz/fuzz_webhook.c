/*
 * Fuzz target: one admission request body through the webhook's decision (the document model,
 * the AdmissionReview checks, the K8 rules on request.object, the response), with a namespace
 * cache so that Namespace requests and the labels they leave are exercised too. The result
 * must be a 200 with JSON or a 400, never a crash.
 */
#include <stdint.h>
#include <stdlib.h>

#include "webhook/webhook.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct bh_webhook_ns_cache *ns;
	struct bh_config cfg;
	struct bh_webhook_policy p = { .cfg = &cfg, .fail_on = BH_SEV_HIGH };
	struct bh_webhook_verdict v;
	struct bh_buf out;

	if (!ns)
		ns = bh_webhook_ns_cache_new();
	p.ns = ns;
	bh_config_defaults(&cfg);
	bh_buf_init(&out, 0);
	if (bh_webhook_review(&p, (const char *)data, size, &out, &v) == BH_OK && v.status != 200 &&
	    v.status != 400)
		abort();
	bh_buf_release(&out);
	return 0;
}
