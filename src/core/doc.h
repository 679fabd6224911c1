/*
 * One read-only document model for YAML and JSON: mappings, sequences and scalars, each node
 * with its file, line and column. libyaml parses both (JSON is flow-style YAML), so every layer
 * gets positions for findings whatever the input format.
 *
 * Aliases are resolved by sharing: an alias node is the anchored node itself, so the tree is a
 * DAG and an alias bomb costs no memory. Its cost for walks is bounded instead: the parse fails
 * with BH_ERR_LIMIT when the tree, counted with every alias expanded, exceeds
 * BH_LIMIT_DOC_EXPANDED_NODES. Depth is bounded by BH_LIMIT_DOC_DEPTH, so recursive walks are
 * safe. YAML merge keys (<<) are applied as Kubernetes' YAML decoder applies them.
 *
 * Duplicate keys in a mapping are kept in the tree (lookups return the last one, as the API
 * server's decoder does) and recorded in the document so that a rule can flag them.
 *
 * All memory lives in the arena passed to the parser.
 */
#ifndef BH_DOC_H
#define BH_DOC_H

#include <stddef.h>

#include "arena.h"
#include "err.h"

enum bh_node_kind {
	BH_NODE_SCALAR,
	BH_NODE_SEQ,
	BH_NODE_MAP,
};

enum bh_scalar_style {
	BH_STYLE_PLAIN,
	BH_STYLE_SINGLE,
	BH_STYLE_DOUBLE,
	BH_STYLE_LITERAL,
	BH_STYLE_FOLDED,
};

struct bh_node;

struct bh_pair {
	struct bh_node *key;
	struct bh_node *value;
};

struct bh_node {
	enum bh_node_kind kind;
	unsigned line, col;	    /* 1-based start */
	unsigned end_line, end_col; /* 1-based, just past the end */
	const char *tag;	    /* explicit tag such as "!!str", or NULL */
	union {
		struct {
			const char *str; /* NUL-terminated; may also contain NULs (len) */
			size_t len;
			enum bh_scalar_style style;
		} scalar;
		struct {
			struct bh_node **items;
			size_t n;
		} seq;
		struct {
			struct bh_pair *pairs;
			size_t n;
		} map;
	};
};

struct bh_dupkey {
	const struct bh_node *first;  /* the key seen first */
	const struct bh_node *second; /* the key that overrides it */
	const struct bh_node *map;
};

struct bh_doc {
	const char *file;
	unsigned index; /* 0-based position in the stream */
	struct bh_node *root;
	struct bh_dupkey *dups;
	size_t ndups;
	unsigned start_line, end_line;
};

struct bh_docs {
	struct bh_doc *docs;
	size_t n;
};

/*
 * Parse a YAML or JSON stream. file labels the nodes and errors. Empty documents (a stray ---)
 * are skipped. On a syntax error or a limit, returns BH_ERR_PARSE or BH_ERR_LIMIT with the
 * position in diag and leaves out untouched.
 */
bh_err bh_doc_parse(struct bh_arena *a, const char *file, const char *data, size_t len,
		    struct bh_docs *out, struct bh_diag *diag);

/* Mapping lookup: the value of the last pair whose key is the plain string key, or NULL. */
const struct bh_node *bh_node_get(const struct bh_node *map, const char *key);
/* The key node of that pair, for findings that point at a field name. */
const struct bh_node *bh_node_get_key(const struct bh_node *map, const char *key);
/* Follow a dotted path of mapping keys ("spec.template.spec"); NULL when any step is missing. */
const struct bh_node *bh_node_path(const struct bh_node *node, const char *dotted);

/* The scalar's string, or NULL for a non-scalar or NULL node. */
const char *bh_node_str(const struct bh_node *n);
/* The scalar's string when it equals s. */
int bh_node_is(const struct bh_node *n, const char *s);
/* True for a YAML null: missing node, ~, null, or an empty plain scalar. */
int bh_node_is_null(const struct bh_node *n);
/*
 * Boolean value as Kubernetes' YAML decoder reads it (YAML 1.1: true/yes/on and false/no/off in
 * any of their three casings, plain scalars only). Returns 1 and sets *out when the node is a
 * boolean, 0 otherwise.
 */
int bh_node_bool(const struct bh_node *n, int *out);
/*
 * Integer value of a plain scalar as Kubernetes' YAML decoder reads it: underscores ignored, an
 * optional sign, decimal, 0x hex, 0o or leading-0 octal, 0b binary. 1 when it is one (and fits
 * a long long).
 */
int bh_node_int(const struct bh_node *n, long long *out);

#define bh_node_is_map(n)    ((n) && (n)->kind == BH_NODE_MAP)
#define bh_node_is_seq(n)    ((n) && (n)->kind == BH_NODE_SEQ)
#define bh_node_is_scalar(n) ((n) && (n)->kind == BH_NODE_SCALAR)

#endif
