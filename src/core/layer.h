/*
 * The interface between the scan driver (src/engine) and a layer. A layer claims inputs by
 * content: whole text files it parses itself (Dockerfiles), or YAML/JSON documents that the
 * driver has already parsed into the document model (Kubernetes objects, workflows). finish()
 * runs after every input has been seen, for checks that need the whole set (namespace labels,
 * NetworkPolicy coverage, service-account tokens). Layers run in table order, so a layer may
 * read the state of an earlier one in finish().
 */
#ifndef BH_LAYER_H
#define BH_LAYER_H

#include <stddef.h>

#include "doc.h"
#include "err.h"
#include "rule.h"
#include "scan.h"

struct bh_input {
	const char *path;
	const char *data;
	size_t len;
	struct bh_source *src;
	const struct bh_docs *docs; /* NULL for text inputs */
};

struct bh_layer_ops {
	const char *name;
	enum bh_layer layer;
	/* Text files: 1 when the layer parses this file itself. */
	int (*claims_text)(const char *path, const char *data, size_t len);
	bh_err (*scan_text)(struct bh_scan *s, const struct bh_input *in, struct bh_diag *diag);
	/* Parsed documents: 1 when the document belongs to this layer. */
	int (*claims_doc)(const char *path, const struct bh_doc *doc);
	bh_err (*scan_doc)(struct bh_scan *s, const struct bh_input *in, const struct bh_doc *doc,
			   struct bh_diag *diag);
	bh_err (*finish)(struct bh_scan *s, struct bh_diag *diag);
	/* Free layer_state[layer] (arena memory needs nothing). */
	void (*release)(struct bh_scan *s);
};

#endif
