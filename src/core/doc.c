/*
 * YAML/JSON to the node tree, driven by libyaml's event parser. The builder is iterative (an
 * explicit stack bounded by BH_LIMIT_DOC_DEPTH), so hostile nesting cannot exhaust the C stack.
 * Children are gathered in malloc'd scratch arrays while a collection is open and copied into
 * the arena when it closes; a failed parse frees the scratch and leaves only arena memory.
 */
#include "doc.h"

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "limits.h"

#include "banned.h"

struct frame {
	struct bh_node *node;
	struct bh_node **items; /* for maps: key, value, key, value ... */
	size_t n, cap;
	uint64_t size; /* expanded node count of the finished children */
	const char *anchor;
};

struct anchor {
	const char *name;
	struct bh_node *node;
	uint64_t size;
};

struct builder {
	struct bh_arena *a;
	const char *file;
	struct frame stack[BH_LIMIT_DOC_DEPTH + 1];
	size_t depth;
	struct anchor *anchors;
	size_t nanchors, anchors_cap;
	size_t aliases;
	/* per document */
	struct bh_dupkey *dups;
	size_t ndups, dups_cap;
	uint64_t doc_size;
	uint64_t alias_nodes; /* nodes that aliases added, over the whole stream */
};

static bh_err fail(struct builder *b, struct bh_diag *diag, bh_err err, const yaml_mark_t *m,
		   const char *msg)
{
	return bh_diag_set(diag, err, b->file, m ? (unsigned)m->line + 1 : 0,
			   m ? (unsigned)m->column + 1 : 0, "%s", msg);
}

static uint64_t sat_add(uint64_t x, uint64_t y)
{
	return x + y < x ? UINT64_MAX : x + y;
}

static bh_err push_child(struct frame *f, struct bh_node *child, uint64_t size)
{
	if (f->n == f->cap) {
		size_t ncap = f->cap ? f->cap * 2 : 8;
		struct bh_node **p = realloc(f->items, ncap * sizeof(*p));

		if (!p)
			return BH_ERR_NOMEM;
		f->items = p;
		f->cap = ncap;
	}
	f->items[f->n++] = child;
	f->size = sat_add(f->size, size);
	return BH_OK;
}

static bh_err remember_anchor(struct builder *b, const char *name, struct bh_node *node,
			      uint64_t size)
{
	/* A redefined anchor replaces the earlier one for later aliases, as YAML specifies. */
	if (b->nanchors == b->anchors_cap) {
		size_t ncap = b->anchors_cap ? b->anchors_cap * 2 : 16;
		struct anchor *p = realloc(b->anchors, ncap * sizeof(*p));

		if (!p)
			return BH_ERR_NOMEM;
		b->anchors = p;
		b->anchors_cap = ncap;
	}
	b->anchors[b->nanchors].name = name;
	b->anchors[b->nanchors].node = node;
	b->anchors[b->nanchors].size = size;
	b->nanchors++;
	return BH_OK;
}

static const struct anchor *find_anchor(const struct builder *b, const char *name)
{
	/* Search backwards so the latest definition wins; aliases are capped, so this is bounded.
	 */
	for (size_t i = b->nanchors; i > 0; i--) {
		if (strcmp(b->anchors[i - 1].name, name) == 0)
			return &b->anchors[i - 1];
	}
	return NULL;
}

static int is_merge_key(const struct bh_node *k)
{
	return k->kind == BH_NODE_SCALAR && k->scalar.style == BH_STYLE_PLAIN &&
	       strcmp(k->scalar.str, "<<") == 0 &&
	       (!k->tag || strcmp(k->tag, "tag:yaml.org,2002:merge") == 0);
}

struct keyref {
	const struct bh_node *key;
	size_t idx;
};

static int keyref_cmp(const void *x, const void *y)
{
	const struct keyref *a = x, *b = y;
	size_t la = a->key->scalar.len, lb = b->key->scalar.len;
	int c = memcmp(a->key->scalar.str, b->key->scalar.str, la < lb ? la : lb);

	if (c)
		return c;
	if (la != lb)
		return la < lb ? -1 : 1;
	return a->idx < b->idx ? -1 : a->idx > b->idx;
}

static bh_err add_dup(struct builder *b, const struct bh_node *first, const struct bh_node *second,
		      const struct bh_node *map)
{
	if (b->ndups == b->dups_cap) {
		size_t ncap = b->dups_cap ? b->dups_cap * 2 : 4;
		struct bh_dupkey *d = realloc(b->dups, ncap * sizeof(*d));

		if (!d)
			return BH_ERR_NOMEM;
		b->dups = d;
		b->dups_cap = ncap;
	}
	b->dups[b->ndups].first = first;
	b->dups[b->ndups].second = second;
	b->dups[b->ndups].map = map;
	b->ndups++;
	return BH_OK;
}

/*
 * Record duplicate scalar keys among map's pairs from index start on (the explicit ones). A
 * key repeated three times is recorded against the one before it each time.
 */
static bh_err record_dups(struct builder *b, struct bh_node *map, size_t start)
{
	size_t n = map->map.n - start, m = 0;
	struct keyref *refs;
	bh_err err = BH_OK;

	if (n < 2)
		return BH_OK;
	if (n <= 8) {
		/* Most mappings are small: compare pairwise, without sorting or allocating. */
		for (size_t i = 1; i < n && !err; i++) {
			const struct bh_node *q = map->map.pairs[start + i].key;

			if (q->kind != BH_NODE_SCALAR || is_merge_key(q))
				continue;
			for (size_t j = i; j-- > 0;) {
				const struct bh_node *p = map->map.pairs[start + j].key;

				if (p->kind == BH_NODE_SCALAR && p->scalar.len == q->scalar.len &&
				    !memcmp(p->scalar.str, q->scalar.str, q->scalar.len) &&
				    !is_merge_key(p)) {
					err = add_dup(b, p, q, map);
					break;
				}
			}
		}
		return err;
	}
	refs = malloc(n * sizeof(*refs));
	if (!refs)
		return BH_ERR_NOMEM;
	for (size_t i = 0; i < n; i++) {
		const struct bh_node *k = map->map.pairs[start + i].key;

		if (k->kind == BH_NODE_SCALAR && !is_merge_key(k)) {
			refs[m].key = k;
			refs[m].idx = i;
			m++;
		}
	}
	qsort(refs, m, sizeof(*refs), keyref_cmp);
	for (size_t i = 1; i < m && !err; i++) {
		const struct bh_node *p = refs[i - 1].key, *q = refs[i].key;

		if (p->scalar.len != q->scalar.len ||
		    memcmp(p->scalar.str, q->scalar.str, p->scalar.len))
			continue;
		err = add_dup(b, p, q, map);
	}
	free(refs);
	return err;
}

/*
 * Turn the scratch key/value list of a closed mapping into pairs, applying merge keys. A merge
 * value that is not a mapping or a sequence of mappings is an error, as in the YAML decoder the
 * API server uses ("map merge requires map or sequence of maps"): accepting it would let a scan
 * judge a manifest that the cluster rejects, or read it differently.
 */
static bh_err finish_map(struct builder *b, struct frame *f, struct bh_diag *diag)
{
	struct bh_node *map = f->node;
	size_t npairs = f->n / 2, nmerged = 0, total;
	struct bh_pair *pairs;
	size_t k = 0, kmerged;

	for (size_t i = 0; i < npairs; i++) {
		struct bh_node *key = f->items[2 * i], *val = f->items[2 * i + 1];

		if (!is_merge_key(key))
			continue;
		if (val->kind == BH_NODE_MAP) {
			nmerged += val->map.n;
		} else if (val->kind == BH_NODE_SEQ) {
			for (size_t j = 0; j < val->seq.n; j++) {
				const struct bh_node *src = val->seq.items[j];

				if (src->kind != BH_NODE_MAP)
					return bh_diag_set(diag, BH_ERR_PARSE, b->file, src->line,
							   src->col,
							   "a merge key (<<) takes a mapping or a "
							   "sequence of mappings");
				nmerged += src->map.n;
			}
		} else {
			return bh_diag_set(
				diag, BH_ERR_PARSE, b->file, val->line, val->col,
				"a merge key (<<) takes a mapping or a sequence of mappings");
		}
	}
	total = npairs + nmerged;
	pairs = bh_arena_alloc(b->a, total * sizeof(*pairs));
	if (!pairs && total)
		return BH_ERR_NOMEM;
	/*
	 * Merged pairs go first and explicit ones after, so that lookups (which take the last
	 * match) let explicit keys override merged ones. Within a sequence of merge sources the
	 * earlier source wins, so sources are added last to first.
	 */
	for (size_t i = 0; i < npairs; i++) {
		struct bh_node *key = f->items[2 * i], *val = f->items[2 * i + 1];

		if (!is_merge_key(key))
			continue;
		if (val->kind == BH_NODE_MAP) {
			for (size_t j = 0; j < val->map.n; j++)
				pairs[k++] = val->map.pairs[j];
		} else if (val->kind == BH_NODE_SEQ) {
			for (size_t j = val->seq.n; j > 0; j--) {
				const struct bh_node *src = val->seq.items[j - 1];

				for (size_t m = 0; m < src->map.n; m++)
					pairs[k++] = src->map.pairs[m];
			}
		}
	}
	kmerged = k;
	for (size_t i = 0; i < npairs; i++) {
		if (is_merge_key(f->items[2 * i]))
			continue;
		pairs[k].key = f->items[2 * i];
		pairs[k].value = f->items[2 * i + 1];
		k++;
	}
	map->map.pairs = pairs;
	map->map.n = k;
	/* Duplicates are judged among the explicit keys only: overriding a merged key is the
	 * purpose of a merge. */
	return record_dups(b, map, kmerged);
}

static const char *copy_tag(struct builder *b, const yaml_char_t *tag, int implicit)
{
	if (!tag || implicit)
		return NULL;
	return bh_arena_strdup(b->a, (const char *)tag);
}

static struct bh_node *new_node(struct builder *b, enum bh_node_kind kind, const yaml_event_t *e)
{
	struct bh_node *n = bh_arena_alloc(b->a, sizeof(*n));

	if (!n)
		return NULL;
	n->kind = kind;
	n->line = (unsigned)e->start_mark.line + 1;
	n->col = (unsigned)e->start_mark.column + 1;
	n->end_line = (unsigned)e->end_mark.line + 1;
	n->end_col = (unsigned)e->end_mark.column + 1;
	return n;
}

/* Attach a finished node to the open collection (or make it the document root). */
static bh_err attach(struct builder *b, struct bh_node *node, uint64_t size, const char *anchor,
		     struct bh_node **root, struct bh_diag *diag, const yaml_mark_t *m)
{
	bh_err err;

	if (anchor) {
		err = remember_anchor(b, anchor, node, size);
		if (err)
			return err;
	}
	if (b->depth == 0) {
		*root = node;
		b->doc_size = size;
	} else {
		err = push_child(&b->stack[b->depth - 1], node, size);
		if (err)
			return err;
		if (b->stack[b->depth - 1].size > BH_LIMIT_DOC_EXPANDED_NODES)
			return fail(b, diag, BH_ERR_LIMIT, m,
				    "document expands to too many nodes (alias bomb?)");
	}
	return BH_OK;
}

static void free_stack(struct builder *b)
{
	/* Scratch arrays are kept per depth across collections, so free every level used. */
	for (size_t i = 0; i <= BH_LIMIT_DOC_DEPTH; i++) {
		free(b->stack[i].items);
		b->stack[i].items = NULL;
		b->stack[i].cap = 0;
	}
	b->depth = 0;
}

bh_err bh_doc_parse(struct bh_arena *a, const char *file, const char *data, size_t len,
		    struct bh_docs *out, struct bh_diag *diag)
{
	yaml_parser_t parser;
	yaml_event_t ev;
	struct builder b = { .a = a, .file = file };
	struct bh_doc *docs = NULL;
	size_t ndocs = 0, docs_cap = 0;
	struct bh_node *root = NULL;
	unsigned doc_start = 0;
	bh_err err = BH_OK;
	int done = 0;

	if (!yaml_parser_initialize(&parser))
		return BH_ERR_NOMEM;
	yaml_parser_set_input_string(&parser, (const unsigned char *)data, len);
	while (!done) {
		if (!yaml_parser_parse(&parser, &ev)) {
			const yaml_mark_t *m = &parser.problem_mark;

			if (parser.error == YAML_MEMORY_ERROR) {
				err = BH_ERR_NOMEM;
			} else if (parser.error == YAML_READER_ERROR) {
				/*
				 * Encoding errors come from libyaml's reader, which decodes ahead
				 * of the scanner and reports a byte offset, not a mark: turn the
				 * offset into the line and column the user needs.
				 */
				unsigned line = 1, col = 1;
				size_t off =
					parser.problem_offset < len ? parser.problem_offset : len;

				for (size_t i = 0; i < off; i++) {
					if (data[i] == '\n') {
						line++;
						col = 1;
					} else if (((unsigned char)data[i] & 0xc0) != 0x80) {
						col++;
					}
				}
				err = bh_diag_set(diag, BH_ERR_PARSE, file, line, col, "%s",
						  parser.problem ? parser.problem
								 : "invalid encoding");
			} else
				err = bh_diag_set(diag, BH_ERR_PARSE, file, (unsigned)m->line + 1,
						  (unsigned)m->column + 1, "%s%s%s",
						  parser.problem ? parser.problem : "syntax error",
						  parser.context ? " " : "",
						  parser.context ? parser.context : "");
			goto out;
		}
		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
			done = 1;
			break;
		case YAML_DOCUMENT_START_EVENT:
			root = NULL;
			b.ndups = 0;
			b.dups = NULL;
			b.dups_cap = 0;
			b.nanchors = 0; /* anchors do not cross documents */
			doc_start = (unsigned)ev.start_mark.line + 1;
			break;
		case YAML_DOCUMENT_END_EVENT:
			if (root && !(root->kind == BH_NODE_SCALAR && root->scalar.len == 0 &&
				      root->scalar.style == BH_STYLE_PLAIN)) {
				struct bh_doc *d;

				if (ndocs >= BH_LIMIT_DOCS_PER_FILE) {
					err = fail(&b, diag, BH_ERR_LIMIT, &ev.start_mark,
						   "too many documents in one file");
					goto out;
				}
				if (ndocs == docs_cap) {
					size_t ncap = docs_cap ? docs_cap * 2 : 4;
					struct bh_doc *p = bh_arena_realloc(
						a, docs, docs_cap * sizeof(*p), ncap * sizeof(*p));

					if (!p) {
						err = BH_ERR_NOMEM;
						goto out;
					}
					docs = p;
					docs_cap = ncap;
				}
				d = &docs[ndocs++];
				d->file = file;
				d->index = (unsigned)(ndocs - 1);
				d->root = root;
				d->start_line = doc_start;
				d->end_line = (unsigned)ev.end_mark.line + 1;
				d->ndups = b.ndups;
				d->dups = NULL;
				if (b.ndups) {
					d->dups = bh_arena_alloc(a, b.ndups * sizeof(*d->dups));
					if (!d->dups) {
						err = BH_ERR_NOMEM;
						goto out;
					}
					memcpy(d->dups, b.dups, b.ndups * sizeof(*d->dups));
				}
			}
			free(b.dups);
			b.dups = NULL;
			b.ndups = b.dups_cap = 0;
			break;
		case YAML_ALIAS_EVENT: {
			const struct anchor *an;

			if (++b.aliases > BH_LIMIT_DOC_ALIASES) {
				err = fail(&b, diag, BH_ERR_LIMIT, &ev.start_mark,
					   "too many aliases (alias bomb?)");
				goto out;
			}
			an = find_anchor(&b, (const char *)ev.data.alias.anchor);
			if (!an) {
				err = fail(&b, diag, BH_ERR_PARSE, &ev.start_mark,
					   "alias to an unknown anchor");
				goto out;
			}
			/*
			 * The per-document bound alone would let many documents, each a smaller
			 * bomb, multiply the cost of walking the file; so aliases are also
			 * bounded per stream by the nodes they add.
			 */
			b.alias_nodes = sat_add(b.alias_nodes, an->size);
			if (b.alias_nodes > BH_LIMIT_DOC_EXPANDED_NODES) {
				err = fail(&b, diag, BH_ERR_LIMIT, &ev.start_mark,
					   "aliases expand to too many nodes (alias bomb?)");
				goto out;
			}
			err = attach(&b, an->node, an->size, NULL, &root, diag, &ev.start_mark);
			if (err)
				goto out;
			break;
		}
		case YAML_SCALAR_EVENT: {
			struct bh_node *n;
			const char *anchor = NULL;

			if (ev.data.scalar.length > BH_LIMIT_SCALAR_BYTES) {
				err = fail(&b, diag, BH_ERR_LIMIT, &ev.start_mark,
					   "scalar longer than the limit");
				goto out;
			}
			n = new_node(&b, BH_NODE_SCALAR, &ev);
			if (!n) {
				err = BH_ERR_NOMEM;
				goto out;
			}
			n->scalar.str = bh_arena_strndup(a, (const char *)ev.data.scalar.value,
							 ev.data.scalar.length);
			n->scalar.len = ev.data.scalar.length;
			switch (ev.data.scalar.style) {
			case YAML_SINGLE_QUOTED_SCALAR_STYLE:
				n->scalar.style = BH_STYLE_SINGLE;
				break;
			case YAML_DOUBLE_QUOTED_SCALAR_STYLE:
				n->scalar.style = BH_STYLE_DOUBLE;
				break;
			case YAML_LITERAL_SCALAR_STYLE:
				n->scalar.style = BH_STYLE_LITERAL;
				break;
			case YAML_FOLDED_SCALAR_STYLE:
				n->scalar.style = BH_STYLE_FOLDED;
				break;
			default:
				n->scalar.style = BH_STYLE_PLAIN;
				break;
			}
			n->tag = copy_tag(&b, ev.data.scalar.tag,
					  ev.data.scalar.plain_implicit ||
						  ev.data.scalar.quoted_implicit);
			if (!n->scalar.str) {
				err = BH_ERR_NOMEM;
				goto out;
			}
			if (ev.data.scalar.anchor) {
				anchor = bh_arena_strdup(a, (const char *)ev.data.scalar.anchor);
				if (!anchor) {
					err = BH_ERR_NOMEM;
					goto out;
				}
			}
			err = attach(&b, n, 1, anchor, &root, diag, &ev.start_mark);
			if (err)
				goto out;
			break;
		}
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT: {
			int is_map = ev.type == YAML_MAPPING_START_EVENT;
			struct frame *f;
			const yaml_char_t *anchor = is_map ? ev.data.mapping_start.anchor
							   : ev.data.sequence_start.anchor;

			if (b.depth >= BH_LIMIT_DOC_DEPTH) {
				err = fail(&b, diag, BH_ERR_LIMIT, &ev.start_mark,
					   "nesting deeper than the limit");
				goto out;
			}
			f = &b.stack[b.depth];
			/* Reuse this depth's scratch array: one allocation per level, not per
			 * collection. */
			f->n = 0;
			f->size = 0;
			f->anchor = NULL;
			f->node = new_node(&b, is_map ? BH_NODE_MAP : BH_NODE_SEQ, &ev);
			if (!f->node) {
				err = BH_ERR_NOMEM;
				goto out;
			}
			f->node->tag = is_map ? copy_tag(&b, ev.data.mapping_start.tag,
							 ev.data.mapping_start.implicit)
					      : copy_tag(&b, ev.data.sequence_start.tag,
							 ev.data.sequence_start.implicit);
			if (anchor) {
				f->anchor = bh_arena_strdup(a, (const char *)anchor);
				if (!f->anchor) {
					err = BH_ERR_NOMEM;
					goto out;
				}
			}
			b.depth++;
			break;
		}
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT: {
			struct frame *f = &b.stack[b.depth - 1];
			struct bh_node *n = f->node;
			uint64_t size = sat_add(f->size, 1);
			const char *anchor = f->anchor;

			n->end_line = (unsigned)ev.end_mark.line + 1;
			n->end_col = (unsigned)ev.end_mark.column + 1;
			if (n->kind == BH_NODE_MAP) {
				err = finish_map(&b, f, diag);
			} else {
				n->seq.items = bh_arena_alloc(a, (f->n ? f->n : 1) *
									 sizeof(*n->seq.items));
				if (!n->seq.items) {
					err = BH_ERR_NOMEM;
				} else {
					if (f->n)
						memcpy(n->seq.items, f->items,
						       f->n * sizeof(*f->items));
					n->seq.n = f->n;
				}
			}
			b.depth--;
			if (err)
				goto out;
			err = attach(&b, n, size, anchor, &root, diag, &ev.start_mark);
			if (err)
				goto out;
			break;
		}
		default:
			break;
		}
		yaml_event_delete(&ev);
	}
	out->docs = docs;
	out->n = ndocs;
	free_stack(&b);
	yaml_parser_delete(&parser);
	free(b.anchors);
	free(b.dups);
	return BH_OK;
out:
	yaml_event_delete(&ev);
	yaml_parser_delete(&parser);
	free_stack(&b);
	free(b.anchors);
	free(b.dups);
	return err;
}

const struct bh_node *bh_node_get_key(const struct bh_node *map, const char *key)
{
	if (!map || map->kind != BH_NODE_MAP)
		return NULL;
	for (size_t i = map->map.n; i > 0; i--) {
		const struct bh_node *k = map->map.pairs[i - 1].key;

		if (k->kind == BH_NODE_SCALAR && strcmp(k->scalar.str, key) == 0)
			return k;
	}
	return NULL;
}

const struct bh_node *bh_node_get(const struct bh_node *map, const char *key)
{
	if (!map || map->kind != BH_NODE_MAP)
		return NULL;
	for (size_t i = map->map.n; i > 0; i--) {
		const struct bh_node *k = map->map.pairs[i - 1].key;

		if (k->kind == BH_NODE_SCALAR && strcmp(k->scalar.str, key) == 0)
			return map->map.pairs[i - 1].value;
	}
	return NULL;
}

const struct bh_node *bh_node_path(const struct bh_node *node, const char *dotted)
{
	char part[128];

	while (node && *dotted) {
		const char *dot = strchr(dotted, '.');
		size_t n = dot ? (size_t)(dot - dotted) : strlen(dotted);

		if (n >= sizeof(part))
			return NULL;
		memcpy(part, dotted, n);
		part[n] = '\0';
		node = bh_node_get(node, part);
		dotted += n + (dot ? 1 : 0);
	}
	return node;
}

const char *bh_node_str(const struct bh_node *n)
{
	return n && n->kind == BH_NODE_SCALAR ? n->scalar.str : NULL;
}

int bh_node_is(const struct bh_node *n, const char *s)
{
	const char *v = bh_node_str(n);

	return v && strcmp(v, s) == 0;
}

int bh_node_is_null(const struct bh_node *n)
{
	const char *s;

	if (!n)
		return 1;
	if (n->kind != BH_NODE_SCALAR || n->scalar.style != BH_STYLE_PLAIN)
		return 0;
	s = n->scalar.str;
	return !*s || !strcmp(s, "~") || !strcmp(s, "null") || !strcmp(s, "Null") ||
	       !strcmp(s, "NULL");
}

int bh_node_bool(const struct bh_node *n, int *out)
{
	static const char *const yes[] = { "true", "True", "TRUE", "yes", "Yes", "YES",
					   "on",   "On",   "ON",   "y",	  "Y" };
	static const char *const no[] = { "false", "False", "FALSE", "no", "No", "NO",
					  "off",   "Off",   "OFF",   "n",  "N" };

	if (!n || n->kind != BH_NODE_SCALAR || n->scalar.style != BH_STYLE_PLAIN)
		return 0;
	for (size_t i = 0; i < sizeof(yes) / sizeof(*yes); i++) {
		if (!strcmp(n->scalar.str, yes[i])) {
			*out = 1;
			return 1;
		}
		if (!strcmp(n->scalar.str, no[i])) {
			*out = 0;
			return 1;
		}
	}
	return 0;
}

int bh_node_int(const struct bh_node *n, long long *out)
{
	char buf[96];
	const char *s;
	size_t k = 0;
	int neg = 0, base = 10;
	unsigned long long v = 0, limit;

	if (!n || n->kind != BH_NODE_SCALAR || n->scalar.style != BH_STYLE_PLAIN)
		return 0;
	/*
	 * As the API server's YAML decoder (go-yaml v2) resolves a plain integer: underscores
	 * are dropped anywhere, then Go's ParseInt with base 0 reads an optional sign and 0x, 0o,
	 * 0b or a leading 0 (octal). So "0_0", "00" and "0x0" are all the uid 0 to the cluster,
	 * and must be to us.
	 */
	for (s = n->scalar.str; *s && k + 1 < sizeof(buf); s++)
		if (*s != '_')
			buf[k++] = *s;
	if (*s)
		return 0; /* longer than any integer */
	buf[k] = '\0';
	s = buf;
	if (*s == '+' || *s == '-')
		neg = *s++ == '-';
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	} else if (s[0] == '0' && (s[1] == 'o' || s[1] == 'O')) {
		base = 8;
		s += 2;
	} else if (s[0] == '0' && (s[1] == 'b' || s[1] == 'B')) {
		base = 2;
		s += 2;
	} else if (s[0] == '0' && s[1]) {
		base = 8;
		s++;
	}
	if (!*s)
		return 0;
	limit = neg ? (unsigned long long)LLONG_MAX + 1 : (unsigned long long)LLONG_MAX;
	for (; *s; s++) {
		unsigned d;

		if (*s >= '0' && *s <= '9')
			d = (unsigned)(*s - '0');
		else if (*s >= 'a' && *s <= 'f')
			d = (unsigned)(*s - 'a' + 10);
		else if (*s >= 'A' && *s <= 'F')
			d = (unsigned)(*s - 'A' + 10);
		else
			return 0;
		if (d >= (unsigned)base || v > (limit - d) / (unsigned)base)
			return 0;
		v = v * (unsigned)base + d;
	}
	*out = neg ? (long long)(0 - v) : (long long)v;
	return 1;
}
