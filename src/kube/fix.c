/*
 * bulkhead fix: mechanical fixes for the workloads of a YAML file, applied as a text splice.
 *
 * The document model gives every node its line and column; a fix is a list of edits at byte
 * offsets (replace a scalar's text, or insert new keys after the last line of a block mapping,
 * or before the closing brace of a flow mapping). Everything the fix does not touch keeps its
 * bytes: comments, key order, quoting and indentation. New keys take the indentation of their
 * siblings; nested new mappings indent two more spaces.
 *
 * Safety: files with anchors or aliases are left alone (an edit through an alias would change
 * every place that shares the node); JSON is left alone; the new text must parse into the same
 * number of documents, and planning the fix again on it must find nothing to do, or the file is
 * refused. So a fix never writes a broken file and a second run changes nothing.
 */
#include "kube_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "core/buf.h"
#include "core/limits.h"

#include "core/banned.h"

/* A key to add: a scalar (text) or a mapping of further keys (kids). */
struct pnode {
	const char *key;
	const char *text;    /* the scalar's YAML text, or NULL for a mapping */
	const char *comment; /* a review note for the line, block style only */
	struct pnode *kids, *next;
};

/* Keys to add to one existing mapping of the document. */
struct pending {
	const struct bh_node *map;
	struct pnode *first;
	struct pending *next;
};

struct edit {
	size_t off, del;
	const char *ins;
	unsigned depth; /* indentation of inserted text, to order insertions at one offset */
};

struct fixer {
	struct bh_arena a;
	const char *data;
	size_t len;
	size_t *lines; /* byte offset of each line start */
	size_t nlines;
	const char *nl; /* the file's line break */
	struct pending *pend;
	struct pending *pend_mark; /* the head when the current workload started */
	struct edit *e;
	size_t ne, cap;
	bh_err err;
	bh_kube_fix_filter want; /* NULL: fix everything */
	void *want_arg;
	const char *ref; /* the object being fixed, "Kind/namespace/name" as findings name it */
};

/* Whether the fix for rule may touch this object (and container, NULL for the pod). */
static int allow(const struct fixer *f, const char *rule, const char *container)
{
	return !f->want || f->want(f->want_arg, rule, f->ref, container);
}

static void fail_nomem(struct fixer *f)
{
	if (!f->err)
		f->err = BH_ERR_NOMEM;
}

static bh_err index_lines(struct fixer *f)
{
	size_t n = 1, k = 0;

	for (size_t i = 0; i < f->len; i++)
		n += f->data[i] == '\n';
	f->lines = bh_arena_alloc(&f->a, n * sizeof(*f->lines));
	if (!f->lines)
		return BH_ERR_NOMEM;
	f->lines[k++] = 0;
	for (size_t i = 0; i < f->len; i++)
		if (f->data[i] == '\n')
			f->lines[k++] = i + 1;
	f->nlines = k;
	f->nl = memchr(f->data, '\r', f->len) ? "\r\n" : "\n";
	return BH_OK;
}

/* Byte offset of a 1-based line and character column (libyaml counts characters). */
static size_t offset_of(const struct fixer *f, unsigned line, unsigned col)
{
	size_t off;

	if (line == 0)
		return 0;
	if (line > f->nlines)
		return f->len;
	off = f->lines[line - 1];
	for (unsigned c = 1; c < col && off < f->len && f->data[off] != '\n'; c++) {
		off++;
		while (off < f->len && ((unsigned char)f->data[off] & 0xC0) == 0x80)
			off++;
	}
	return off;
}

/* Offset of the end of a line's content (before its line break). */
static size_t line_end(const struct fixer *f, unsigned line)
{
	size_t off = offset_of(f, line, 1);

	while (off < f->len && f->data[off] != '\n')
		off++;
	if (off > 0 && off <= f->len && off > offset_of(f, line, 1) && f->data[off - 1] == '\r')
		off--;
	return off;
}

static int line_blank(const struct fixer *f, unsigned line)
{
	for (size_t o = offset_of(f, line, 1); o < f->len && f->data[o] != '\n'; o++)
		if (f->data[o] != ' ' && f->data[o] != '\t' && f->data[o] != '\r')
			return 0;
	return 1;
}

static int is_flow(const struct fixer *f, const struct bh_node *n)
{
	size_t o = offset_of(f, n->line, n->col);

	return o < f->len && (f->data[o] == '{' || f->data[o] == '[');
}

/* The last line that holds text of node n. */
static unsigned last_line(const struct fixer *f, const struct bh_node *n)
{
	unsigned last = n->line;

	if (n->kind == BH_NODE_SCALAR) {
		if (n->scalar.style != BH_STYLE_LITERAL && n->scalar.style != BH_STYLE_FOLDED)
			return n->end_line;
		/* A block scalar ends at the start of the next line; skip its trailing breaks. */
		last = n->end_col == 1 && n->end_line > n->line ? n->end_line - 1 : n->end_line;
		while (last > n->line && line_blank(f, last))
			last--;
		return last;
	}
	if (is_flow(f, n))
		return n->end_line;
	if (n->kind == BH_NODE_MAP) {
		for (size_t i = 0; i < n->map.n; i++) {
			unsigned k = last_line(f, n->map.pairs[i].key);
			unsigned v = last_line(f, n->map.pairs[i].value);

			last = k > last ? k : last;
			last = v > last ? v : last;
		}
	} else {
		for (size_t i = 0; i < n->seq.n; i++) {
			unsigned v = last_line(f, n->seq.items[i]);

			last = v > last ? v : last;
		}
	}
	return last;
}

static void add_edit(struct fixer *f, size_t off, size_t del, const char *ins, unsigned depth)
{
	if (f->err)
		return;
	if (f->ne == f->cap) {
		size_t ncap = f->cap ? f->cap * 2 : 16;
		struct edit *p =
			bh_arena_realloc(&f->a, f->e, f->cap * sizeof(*p), ncap * sizeof(*p));

		if (!p) {
			fail_nomem(f);
			return;
		}
		f->e = p;
		f->cap = ncap;
	}
	f->e[f->ne].off = off;
	f->e[f->ne].del = del;
	f->e[f->ne].ins = ins;
	f->e[f->ne].depth = depth;
	f->ne++;
}

/* Replace a scalar's text with text. */
static void replace_scalar(struct fixer *f, const struct bh_node *n, const char *text)
{
	size_t s = offset_of(f, n->line, n->col), e = offset_of(f, n->end_line, n->end_col);

	if (n->kind != BH_NODE_SCALAR || e < s || n->end_line != n->line)
		return;
	add_edit(f, s, e - s, text, 0);
}

static struct pnode *pnode_new(struct fixer *f, const char *key, const char *text,
			       const char *comment)
{
	struct pnode *p = bh_arena_alloc(&f->a, sizeof(*p));

	if (!p) {
		fail_nomem(f);
		return NULL;
	}
	p->key = key;
	p->text = text;
	p->comment = comment;
	return p;
}

static void pnode_append(struct pnode **first, struct pnode *p)
{
	while (*first)
		first = &(*first)->next;
	*first = p;
}

static struct pending *pending_for(struct fixer *f, const struct bh_node *map)
{
	struct pending *p;

	/* Workloads never share mappings: search only this workload's entries (linear overall). */
	for (p = f->pend; p && p != f->pend_mark; p = p->next)
		if (p->map == map)
			return p;
	p = bh_arena_alloc(&f->a, sizeof(*p));
	if (!p) {
		fail_nomem(f);
		return NULL;
	}
	p->map = map;
	p->next = f->pend;
	f->pend = p;
	return p;
}

/*
 * A place keys can be added to: an existing mapping of the document, or a mapping this fix
 * creates (a pnode). Exactly one is set.
 */
struct place {
	const struct bh_node *map;
	struct pnode *p;
};

static struct pnode *place_find(const struct place *pl, const char *key)
{
	for (struct pnode *k = pl->p ? pl->p->kids : NULL; k; k = k->next)
		if (!strcmp(k->key, key))
			return k;
	return NULL;
}

static void place_add(struct fixer *f, const struct place *pl, struct pnode *n)
{
	struct pending *pd;

	if (!n)
		return;
	if (pl->p) {
		pnode_append(&pl->p->kids, n);
		return;
	}
	pd = pending_for(f, pl->map);
	if (pd)
		pnode_append(&pd->first, n);
}

/* The sub-mapping key of place, created when it is missing; NULL when key is not a mapping. */
static int place_map(struct fixer *f, const struct place *pl, const char *key, struct place *out)
{
	memset(out, 0, sizeof(*out));
	if (pl->map) {
		const struct bh_node *v = bh_node_get(pl->map, key);
		struct pending *pd;

		if (bh_node_is_map(v)) {
			out->map = v;
			return 1;
		}
		if (v && !bh_node_is_null(v))
			return 0;
		if (v)
			return 0; /* "key:" with a null value: left to the user */
		pd = pending_for(f, pl->map);
		for (struct pnode *k = pd ? pd->first : NULL; k; k = k->next)
			if (!strcmp(k->key, key)) {
				out->p = k;
				return 1;
			}
	} else if (pl->p) {
		struct pnode *k = place_find(pl, key);

		if (k) {
			out->p = k;
			return 1;
		}
	} else {
		return 0;
	}
	out->p = pnode_new(f, key, NULL, NULL);
	place_add(f, pl, out->p);
	return out->p != NULL;
}

/* The existing value of key in place, or NULL (always NULL for a mapping this fix creates). */
static const struct bh_node *place_get(const struct place *pl, const char *key)
{
	return pl->map ? bh_node_get(pl->map, key) : NULL;
}

/* Set key to text when it is missing; replace its value when bad() says so. */
static void ensure(struct fixer *f, const struct place *pl, const char *key, const char *text,
		   int (*bad)(const struct bh_node *), const char *comment)
{
	const struct bh_node *v = place_get(pl, key);

	if (!v || (bh_node_is_null(v) && v->kind == BH_NODE_SCALAR && v->scalar.len == 0)) {
		if (v)
			return; /* "key:" with an empty value: left to the user */
		if (pl->p && place_find(pl, key))
			return;
		place_add(f, pl, pnode_new(f, key, text, comment));
	} else if (bad && bad(v)) {
		replace_scalar(f, v, text);
	}
}

static int not_false(const struct bh_node *n)
{
	return n->kind == BH_NODE_SCALAR && !kube_false(n);
}

static int not_true(const struct bh_node *n)
{
	return n->kind == BH_NODE_SCALAR && !kube_true(n);
}

static int is_zero(const struct bh_node *n)
{
	long long v;

	return bh_node_int(n, &v) && v == 0;
}

static int bad_seccomp(const struct bh_node *n)
{
	return n->kind == BH_NODE_SCALAR && !bh_node_is(n, "RuntimeDefault") &&
	       !bh_node_is(n, "Localhost");
}

static int not_default(const struct bh_node *n)
{
	return n->kind == BH_NODE_SCALAR && !bh_node_is(n, "Default");
}

/* A mapping this fix created but gave no keys to renders as nothing. */
static int pnode_empty(const struct pnode *p)
{
	if (p->text)
		return 0;
	for (const struct pnode *k = p->kids; k; k = k->next)
		if (!pnode_empty(k))
			return 0;
	return 1;
}

/* Render a pnode list as block lines at indent (each line starts with the line break). */
static bh_err render_block(struct fixer *f, struct bh_buf *b, const struct pnode *p,
			   unsigned indent)
{
	bh_err err = BH_OK;

	for (; p && !err; p = p->next) {
		if (pnode_empty(p))
			continue;
		err = bh_buf_adds(b, f->nl);
		for (unsigned i = 0; i < indent && !err; i++)
			err = bh_buf_addc(b, ' ');
		if (!err && p->text)
			err = bh_buf_printf(b, "%s: %s%s%s", p->key, p->text,
					    p->comment ? "  # " : "", p->comment ? p->comment : "");
		else if (!err) {
			err = bh_buf_printf(b, "%s:", p->key);
			if (!err)
				err = render_block(f, b, p->kids, indent + 2);
		}
	}
	return err;
}

static bh_err render_flow(struct bh_buf *b, const struct pnode *p, int first)
{
	bh_err err = BH_OK;

	for (; p && !err; p = p->next) {
		if (pnode_empty(p))
			continue;
		err = bh_buf_printf(b, "%s%s: ", first ? "" : ", ", p->key);
		first = 0;
		if (!err && p->text)
			err = bh_buf_adds(b, p->text);
		else if (!err) {
			err = bh_buf_addc(b, '{');
			if (!err)
				err = render_flow(b, p->kids, 1);
			if (!err)
				err = bh_buf_addc(b, '}');
		}
	}
	return err;
}

/* The indentation of the key that owns a value starting on line: skip spaces and "- ". */
static unsigned owner_indent(const struct fixer *f, unsigned line)
{
	size_t o = offset_of(f, line, 1), s = o;

	for (;;) {
		while (o < f->len && f->data[o] == ' ')
			o++;
		if (o + 1 < f->len && f->data[o] == '-' && f->data[o + 1] == ' ')
			o += 2;
		else
			break;
	}
	return (unsigned)(o - s);
}

/* Store rendered text as an edit (the buffer is consumed). */
static void emit(struct fixer *f, struct bh_buf *b, size_t off, size_t del, unsigned depth)
{
	size_t tlen;
	char *text = bh_buf_detach(b, &tlen);
	const char *t = text ? bh_arena_strdup(&f->a, text) : NULL;

	free(text);
	if (!t) {
		fail_nomem(f);
		return;
	}
	add_edit(f, off, del, t, depth);
}

/* Turn the pending keys of one mapping into an edit. */
static void flush_pending(struct fixer *f, const struct pending *pd)
{
	const struct bh_node *m = pd->map;
	const struct pnode *p;
	struct bh_buf b;
	bh_err err;

	for (p = pd->first; p && pnode_empty(p); p = p->next)
		;
	if (!p)
		return; /* nothing but empty mappings */
	bh_buf_init(&b, 0);
	if (is_flow(f, m)) {
		size_t open = offset_of(f, m->line, m->col);
		size_t close = offset_of(f, m->end_line, m->end_col);

		if (close == 0 || close > f->len || f->data[close - 1] != '}') {
			bh_buf_release(&b);
			f->err = f->err ? f->err : BH_ERR_PARSE;
			return;
		}
		if (m->map.n == 0 && m->line == m->end_line) {
			/* An empty {} becomes a block mapping under its key (spaces before it go).
			 */
			unsigned indent = owner_indent(f, m->line) + 2;

			while (open > 0 && f->data[open - 1] == ' ')
				open--;
			err = render_block(f, &b, pd->first, indent);
			if (!err)
				emit(f, &b, open, close - open, indent);
		} else if (m->map.n == 0) {
			err = render_flow(&b, pd->first, 1);
			if (!err)
				emit(f, &b, close - 1, 0, 0);
		} else {
			const struct bh_node *lv = m->map.pairs[m->map.n - 1].value;

			err = render_flow(&b, pd->first, 0);
			if (!err)
				emit(f, &b, offset_of(f, lv->end_line, lv->end_col), 0, 0);
		}
	} else {
		unsigned indent =
			m->map.n ? m->map.pairs[0].key->col - 1 : owner_indent(f, m->line) + 2;

		err = render_block(f, &b, pd->first, indent);
		if (!err)
			emit(f, &b, line_end(f, last_line(f, m)), 0, indent);
	}
	if (err) {
		bh_buf_release(&b);
		fail_nomem(f);
	}
}

/* Replace v with text when it is set and bad() says so, if rule's fix is wanted. */
static void replace_if(struct fixer *f, const struct bh_node *v, int (*bad)(const struct bh_node *),
		       const char *text, const char *rule, const char *container)
{
	if (v && bad(v) && allow(f, rule, container))
		replace_scalar(f, v, text);
}

static void fix_drop_all(struct fixer *f, struct place *sc)
{
	struct place caps;
	const struct bh_node *drop;
	int all = 0;

	if (!place_map(f, sc, "capabilities", &caps))
		return;
	drop = place_get(&caps, "drop");
	if (!drop) {
		place_add(f, &caps, pnode_new(f, "drop", "[\"ALL\"]", NULL));
		return;
	}
	if (!bh_node_is_seq(drop))
		return;
	for (size_t j = 0; j < drop->seq.n; j++)
		all |= bh_node_is(drop->seq.items[j], "ALL");
	if (all)
		return;
	if (is_flow(f, drop)) {
		size_t close = offset_of(f, drop->end_line, drop->end_col);

		if (close > 0 && f->data[close - 1] == ']')
			add_edit(f, close - 1, 0, drop->seq.n ? ", ALL" : "ALL", 0);
	} else if (drop->seq.n) {
		char *ins = bh_arena_printf(&f->a, "%s%*s- ALL", f->nl, (int)(drop->col - 1), "");

		if (!ins)
			fail_nomem(f);
		else
			add_edit(f, line_end(f, last_line(f, drop)), 0, ins, drop->col);
	}
}

static void fix_resources(struct fixer *f, struct place *cpl)
{
	static const char *const note = "bulkhead: placeholder, review";
	struct place res, req, lim;
	const struct bh_node *lr, *rq;
	int need_rcpu, need_rmem;

	if (!place_map(f, cpl, "resources", &res))
		return;
	lr = place_get(&res, "limits");
	rq = place_get(&res, "requests");
	/* An unset request defaults to the limit: add one only where both are missing. */
	need_rcpu = !bh_node_get(lr, "cpu") && !bh_node_get(rq, "cpu");
	need_rmem = !bh_node_get(lr, "memory") && !bh_node_get(rq, "memory");
	if ((need_rcpu || need_rmem) && place_map(f, &res, "requests", &req)) {
		if (need_rcpu)
			ensure(f, &req, "cpu", "100m", NULL, note);
		if (need_rmem)
			ensure(f, &req, "memory", "256Mi", NULL, note);
	}
	if (place_map(f, &res, "limits", &lim)) {
		ensure(f, &lim, "cpu", "500m", NULL, note);
		ensure(f, &lim, "memory", "512Mi", NULL, note);
	}
}

static void fix_container(struct fixer *f, const struct bh_kube_target *t,
			  const struct bh_container *c)
{
	struct place cpl = { .map = c->node }, sc;
	const char *n = c->name;

	if (!t->windows && place_map(f, &cpl, "securityContext", &sc)) {
		if (allow(f, "K8-002", n))
			ensure(f, &sc, "allowPrivilegeEscalation", "false", not_false, NULL);
		replace_if(f, place_get(&sc, "privileged"), kube_true, "false", "K8-001", n);
		if (allow(f, "K8-023", n))
			ensure(f, &sc, "readOnlyRootFilesystem", "true", not_true, NULL);
		replace_if(f, place_get(&sc, "runAsNonRoot"), kube_false, "true", "K8-003", n);
		replace_if(f, place_get(&sc, "runAsUser"), is_zero, KUBE_FIX_ID, "K8-017", n);
		replace_if(f, place_get(&sc, "runAsGroup"), is_zero, KUBE_FIX_ID, "K8-022", n);
		replace_if(f, place_get(&sc, "procMount"), not_default, "Default",
			   t->userns ? "K8-020" : "K8-012", n);
		replace_if(f, bh_node_get(place_get(&sc, "seccompProfile"), "type"), bad_seccomp,
			   "RuntimeDefault", "K8-013", n);
		if (allow(f, "K8-019", n))
			fix_drop_all(f, &sc);
	}
	if (strcmp(c->list, "ephemeralContainers") != 0 && allow(f, "K8-026", n))
		fix_resources(f, &cpl);
}

static void fix_workload(struct fixer *f, const struct bh_kube_target *t)
{
	const struct bh_node *spec = t->wl->pod_spec, *v;
	struct place spl = { .map = spec }, psc;
	int all_uid = 1, all_gid = 1;
	const char *need = kube_annotation(t, KUBE_NEEDS_API);

	if (t->windows && place_map(f, &spl, "securityContext", &psc)) {
		/* Windows honours runAsNonRoot (ContainerAdministrator); the rest is Linux-only. */
		if (allow(f, "K8-003", NULL))
			ensure(f, &psc, "runAsNonRoot", "true", not_true, NULL);
	} else if (place_map(f, &spl, "securityContext", &psc)) {
		for (size_t i = 0; i < t->ncs; i++) {
			all_uid &= bh_node_get(kube_sc(t->cs[i].node), "runAsUser") != NULL;
			all_gid &= bh_node_get(kube_sc(t->cs[i].node), "runAsGroup") != NULL;
		}
		if (allow(f, "K8-003", NULL))
			ensure(f, &psc, "runAsNonRoot", "true", not_true, NULL);
		v = place_get(&psc, "runAsUser");
		if (v ? is_zero(v) && allow(f, "K8-017", NULL)
		      : !all_uid && allow(f, "K8-021", NULL))
			ensure(f, &psc, "runAsUser", KUBE_FIX_ID, is_zero, "bulkhead: review UID");
		v = place_get(&psc, "runAsGroup");
		if ((v ? is_zero(v) : !all_gid) && allow(f, "K8-022", NULL))
			ensure(f, &psc, "runAsGroup", KUBE_FIX_ID, is_zero, "bulkhead: review GID");
		replace_if(f, place_get(&psc, "fsGroup"), is_zero, KUBE_FIX_ID, "K8-022", NULL);
		v = place_get(&psc, "seccompProfile");
		if (!v) {
			struct place sp;

			if (allow(f, "K8-018", NULL) && place_map(f, &psc, "seccompProfile", &sp))
				ensure(f, &sp, "type", "RuntimeDefault", NULL, NULL);
		} else if (bh_node_is_map(v)) {
			replace_if(f, bh_node_get(v, "type"), bad_seccomp, "RuntimeDefault",
				   "K8-013", NULL);
		}
	}
	if (!(need && !strcmp(need, "true")) && allow(f, "K8-027", NULL)) {
		const struct bh_node *am = bh_node_get(spec, "automountServiceAccountToken");
		const char *san = bh_node_str(bh_node_get(spec, "serviceAccountName"));
		const struct bh_kobj *sa;

		sa = kube_index_sa(t->index, bh_kobj_namespace(t->obj),
				   san && *san ? san : "default");
		if (!am &&
		    !(sa && kube_false(bh_node_get(sa->root, "automountServiceAccountToken"))))
			ensure(f, &spl, "automountServiceAccountToken", "false", NULL, NULL);
	}
	for (size_t i = 0; i < t->ncs; i++)
		fix_container(f, t, &t->cs[i]);
}

static int edit_cmp(const void *x, const void *y)
{
	const struct edit *a = x, *b = y;

	if (a->off != b->off)
		return a->off < b->off ? -1 : 1;
	/* At one offset: replacements first, then deeper insertions before shallower ones. */
	if ((a->del != 0) != (b->del != 0))
		return a->del ? -1 : 1;
	return a->depth > b->depth ? -1 : a->depth < b->depth;
}

/* Whether the text uses anchors or aliases (or cannot be scanned at all). */
static int has_anchors(const char *data, size_t len)
{
	yaml_parser_t p;
	yaml_token_t tok;
	int found = 0, done = 0;

	if (!yaml_parser_initialize(&p))
		return 1;
	yaml_parser_set_input_string(&p, (const unsigned char *)data, len);
	while (!done && !found) {
		if (!yaml_parser_scan(&p, &tok))
			break; /* the parse that follows reports the error */
		found = tok.type == YAML_ANCHOR_TOKEN || tok.type == YAML_ALIAS_TOKEN;
		done = tok.type == YAML_STREAM_END_TOKEN;
		yaml_token_delete(&tok);
	}
	yaml_parser_delete(&p);
	return found;
}

/* Plan the edits for one text into f (f->data/len set). */
static bh_err plan(struct fixer *f, const char *path, struct bh_docs *docs, struct bh_diag *diag)
{
	struct bh_kube_model m = { 0 };
	struct bh_kube_index ix;
	bh_err err = bh_doc_parse(&f->a, path, f->data, f->len, docs, diag);

	if (err)
		return err;
	err = index_lines(f);
	if (err)
		return err;
	/* Objects of this text, as the layer's model sees them (List items included). */
	for (size_t d = 0; d < docs->n; d++) {
		const struct bh_node *root = docs->docs[d].root;
		const struct bh_node *items = bh_node_get(root, "items");
		size_t nitems = bh_node_is_seq(items) ? items->seq.n : 0;

		if (!bh_node_str(bh_node_get(root, "kind")))
			continue;
		for (size_t i = 0; i <= nitems; i++) {
			const struct bh_node *o = i ? items->seq.items[i - 1] : root;
			struct bh_kobj *ko;

			if (!bh_node_is_map(o) || !bh_node_str(bh_node_get(o, "kind")))
				continue;
			if (m.nobjs == m.objs_cap) {
				size_t ncap = m.objs_cap ? m.objs_cap * 2 : 16;
				struct bh_kobj *p = bh_arena_realloc(
					&f->a, m.objs, m.objs_cap * sizeof(*p), ncap * sizeof(*p));

				if (!p)
					return BH_ERR_NOMEM;
				m.objs = p;
				m.objs_cap = ncap;
			}
			ko = &m.objs[m.nobjs++];
			memset(ko, 0, sizeof(*ko));
			ko->file = path;
			ko->doc = &docs->docs[d];
			ko->root = o;
			ko->kind = bh_node_str(bh_node_get(o, "kind"));
			ko->metadata = bh_node_get(o, "metadata");
			ko->name = bh_node_str(bh_node_get(ko->metadata, "name"));
			ko->name = ko->name ? ko->name : "";
			ko->ns = bh_node_str(bh_node_get(ko->metadata, "namespace"));
			ko->annotations = bh_node_get(ko->metadata, "annotations");
			if (!*ko->name)
				ko->name = bh_node_str(bh_node_get(ko->metadata, "generateName"));
			if (!ko->name || !*ko->name)
				ko->name = "(unnamed)";
			/* The ref the scan's findings carry (model.c), for the filter. */
			ko->ref = bh_arena_printf(&f->a, "%s/%s/%s", ko->kind, ko->ns ? ko->ns : "",
						  ko->name);
			if (!ko->ref)
				return BH_ERR_NOMEM;
			ko->labels = bh_node_get(ko->metadata, "labels");
		}
	}
	err = kube_index_build(&f->a, &m, &ix);
	if (err)
		return err;
	for (size_t i = 0; i < m.nobjs && !f->err; i++) {
		struct bh_workload wl = { .obj = &m.objs[i] };
		struct bh_kube_target t = {
			.model = &m, .obj = &m.objs[i], .wl = &wl, .index = &ix
		};
		struct bh_container *cs = NULL;

		if (!bh_kube_pod_spec(&m.objs[i], &wl.pod_meta, &wl.pod_spec, &wl.spec_path))
			continue;
		if (!bh_node_is_map(wl.pod_spec))
			continue;
		t.ncs = bh_kube_containers(&f->a, wl.pod_spec, &cs);
		t.cs = cs;
		t.psc = kube_sc(wl.pod_spec);
		t.windows = bh_node_is(bh_node_path(wl.pod_spec, "os.name"), "windows");
		t.userns = kube_false(bh_node_get(wl.pod_spec, "hostUsers"));
		/* The scan's findings (the filter) already carry the policy version's verdict. */
		t.pss = KUBE_PSS_NEWEST;
		f->pend_mark = f->pend;
		f->ref = m.objs[i].ref;
		fix_workload(f, &t);
	}
	for (const struct pending *pd = f->pend; pd && !f->err; pd = pd->next)
		flush_pending(f, pd);
	return f->err;
}

/* Apply f's edits to its text into a malloc'd buffer. */
static bh_err apply(struct fixer *f, char **out, size_t *out_len, struct bh_diag *diag,
		    const char *path)
{
	struct bh_buf b;
	size_t at = 0;
	bh_err err = BH_OK;

	qsort(f->e, f->ne, sizeof(*f->e), edit_cmp);
	bh_buf_init(&b, BH_LIMIT_FILE_BYTES);
	for (size_t i = 0; i < f->ne && !err; i++) {
		const struct edit *e = &f->e[i];

		if (e->off < at || e->off + e->del > f->len) {
			bh_buf_release(&b);
			return bh_diag_set(diag, BH_ERR_PARSE, path, 0, 0,
					   "overlapping fixes; file not rewritten");
		}
		err = bh_buf_add(&b, f->data + at, e->off - at);
		if (!err)
			err = bh_buf_adds(&b, e->ins);
		at = e->off + e->del;
	}
	if (!err)
		err = bh_buf_add(&b, f->data + at, f->len - at);
	if (err) {
		bh_buf_release(&b);
		return err;
	}
	*out = bh_buf_detach(&b, out_len);
	return *out ? BH_OK : BH_ERR_NOMEM;
}

static int looks_json(const char *data, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (data[i] == ' ' || data[i] == '\t' || data[i] == '\r' || data[i] == '\n')
			continue;
		return data[i] == '{' || data[i] == '[';
	}
	return 0;
}

bh_err bh_kube_fix_text(const char *path, const char *data, size_t len, bh_kube_fix_filter want,
			void *want_arg, char **out, size_t *out_len, unsigned *nedits,
			struct bh_diag *diag)
{
	struct fixer f = { .data = data, .len = len, .want = want, .want_arg = want_arg };
	struct fixer again = { .want = want, .want_arg = want_arg };
	struct bh_docs docs, docs2;
	char *text = NULL;
	size_t tlen = 0;
	bh_err err;

	*out = NULL;
	*out_len = 0;
	*nedits = 0;
	if (looks_json(data, len) || has_anchors(data, len))
		return BH_OK;
	bh_arena_init(&f.a, 0);
	err = plan(&f, path, &docs, diag);
	if (err || !f.ne)
		goto out;
	err = apply(&f, &text, &tlen, diag, path);
	if (err)
		goto out;
	/* The result must parse into as many documents, and need no further fix. */
	again.data = text;
	again.len = tlen;
	again.ref = NULL;
	bh_arena_init(&again.a, 0);
	err = plan(&again, path, &docs2, NULL);
	if (err || docs2.n != docs.n || again.ne) {
		err = bh_diag_set(diag, BH_ERR_PARSE, path, 0, 0,
				  "the fix would not give a stable, parseable file; not rewritten");
		free(text);
		text = NULL;
		goto out;
	}
	*out = text;
	*out_len = tlen;
	*nedits = (unsigned)f.ne;
out:
	bh_arena_release(&again.a);
	bh_arena_release(&f.a);
	return err;
}
