/*
 * The scan driver and the rule catalogue: the only part of the library that knows every layer.
 *
 * bh_engine_scan() walks the given paths (files, directories, "-" for stdin), reads each file
 * under the size limit, detects its type by content (and name where content is ambiguous),
 * hands it to the layers that claim it, then runs their cross-file checks and applies
 * suppression. Input errors are recorded in the scan and the other inputs still scanned.
 */
#ifndef BH_ENGINE_H
#define BH_ENGINE_H

#include <stddef.h>

#include "core/layer.h"
#include "core/rule.h"
#include "core/scan.h"
#include "core/suppress.h"

/* Every rule of every layer, sorted by id. */
const struct bh_rule *const *bh_catalogue(size_t *n);
const struct bh_rule *bh_catalogue_find(const char *id);
/* The layers in the order they run. */
const struct bh_layer_ops *const *bh_layers(size_t *n);

/*
 * Load the configuration for a run: cfg_path when given, else .bulkhead.yaml found from the
 * first path. Returns an error only for a config that exists and is invalid.
 */
bh_err bh_engine_config(struct bh_scan *s, const char *cfg_path, const char *first_path,
			struct bh_diag *diag);

/* Scan paths into s; baseline may be NULL. Returns BH_ERR_NOMEM only; input errors are in s. */
bh_err bh_engine_scan(struct bh_scan *s, const char *const *paths, size_t npaths,
		      const struct bh_baseline *baseline);

/* Scan one in-memory buffer labelled path (the webhook, tests, fuzzers). */
bh_err bh_engine_scan_buffer(struct bh_scan *s, const char *path, const char *data, size_t len);
/*
 * Offer one already parsed document to the layers, labelled path (the webhook's request
 * object). No source text is registered, so inline "# bulkhead:ignore" comments cannot apply:
 * a string inside a one-line JSON body must not suppress the findings on its line. Returns
 * BH_ERR_NOMEM only; input errors are in s.
 */
bh_err bh_engine_scan_doc(struct bh_scan *s, const char *path, const struct bh_doc *doc);
/* Run every layer's finish, apply suppression, sort: call once after the scans. */
void bh_engine_finish(struct bh_scan *s, const struct bh_baseline *baseline);

#endif
