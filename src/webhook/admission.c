/*
 * AdmissionReview handling. The body is parsed into the document model (core/doc.h, whose
 * depth, alias and size limits hold here too) and must be one JSON object of kind
 * AdmissionReview with request.uid. CREATE and UPDATE of an object run the Kubernetes layer on
 * request.object alone, as `bulkhead scan` runs it on a file; DELETE and CONNECT, subresources
 * other than ephemeralcontainers, objects being deleted and updates that leave spec unchanged
 * are allowed without a check, so that a policy change never blocks cleaning up or relabelling
 * what already runs (Pod Security Admission exempts the same updates).
 *
 * Only findings of the K8 layer on the request's object count: a Namespace known from the
 * cache is added to the run so that K8-033 and the policy version see its labels, and its own
 * findings are not the request's. Inline "# bulkhead:ignore" comments do not apply (the body
 * is one JSON line an attacker writes); the config and the bulkhead.dev/ignore annotation do.
 */
#include "webhook.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/doc.h"
#include "core/limits.h"
#include "engine/engine.h"
#include "report/jstr.h"

#include "core/banned.h"

#define REQUEST_LABEL	"request"
#define NAMESPACE_LABEL "namespace"
#define PSA_ENFORCE	"pod-security.kubernetes.io/enforce"
#define PSA_VERSION	"pod-security.kubernetes.io/enforce-version"

/* The namespace cache: sorted by name, under one lock. */
struct ns_entry {
	char *name, *enforce, *version; /* enforce and version may be NULL */
};

struct bh_webhook_ns_cache {
	pthread_mutex_t mu;
	struct ns_entry *v;
	size_t n, cap;
};

struct bh_webhook_ns_cache *bh_webhook_ns_cache_new(void)
{
	struct bh_webhook_ns_cache *c = calloc(1, sizeof(*c));

	if (c)
		pthread_mutex_init(&c->mu, NULL);
	return c;
}

static void entry_free(struct ns_entry *e)
{
	free(e->name);
	free(e->enforce);
	free(e->version);
}

void bh_webhook_ns_cache_free(struct bh_webhook_ns_cache *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n; i++)
		entry_free(&c->v[i]);
	free(c->v);
	pthread_mutex_destroy(&c->mu);
	free(c);
}

/* Index of name, or of where it would go (*found 0). Called with the lock held. */
static size_t ns_find(const struct bh_webhook_ns_cache *c, const char *name, int *found)
{
	size_t lo = 0, hi = c->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int d = strcmp(c->v[mid].name, name);

		if (!d) {
			*found = 1;
			return mid;
		}
		if (d < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = 0;
	return lo;
}

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

/* Remember (or, with remove, forget) a Namespace's labels. Best effort: a full cache or no
 * memory leaves the entry out, and its workloads are judged at the default version. */
static void ns_put(struct bh_webhook_ns_cache *c, const char *name, const char *enforce,
		   const char *version, int remove)
{
	struct ns_entry e = { 0 };
	size_t i;
	int found;

	if (!c || !name)
		return;
	if (!remove) {
		e.name = strdup(name);
		e.enforce = dup_or_null(enforce);
		e.version = dup_or_null(version);
		if (!e.name || (enforce && !e.enforce) || (version && !e.version)) {
			entry_free(&e);
			return;
		}
	}
	pthread_mutex_lock(&c->mu);
	i = ns_find(c, name, &found);
	if (found) {
		entry_free(&c->v[i]);
		if (remove) {
			memmove(&c->v[i], &c->v[i + 1], (c->n - i - 1) * sizeof(*c->v));
			c->n--;
		} else {
			c->v[i] = e;
			e.name = e.enforce = e.version = NULL;
		}
	} else if (!remove && c->n < BH_LIMIT_WEBHOOK_NAMESPACES) {
		if (c->n == c->cap) {
			size_t ncap = c->cap ? 2 * c->cap : 64;
			struct ns_entry *p = realloc(c->v, ncap * sizeof(*p));

			if (!p)
				goto out;
			c->v = p;
			c->cap = ncap;
		}
		memmove(&c->v[i + 1], &c->v[i], (c->n - i) * sizeof(*c->v));
		c->v[i] = e;
		c->n++;
		e.name = e.enforce = e.version = NULL;
	}
out:
	pthread_mutex_unlock(&c->mu);
	entry_free(&e);
}

/* A Namespace document with the cached labels of name, as JSON text into out; 0 when unknown. */
static int ns_doc(struct bh_webhook_ns_cache *c, const char *name, struct bh_buf *out)
{
	json_t *root = NULL, *labels;
	int found = 0, ok = 0;
	size_t i;

	if (!c || !name)
		return 0;
	pthread_mutex_lock(&c->mu);
	i = ns_find(c, name, &found);
	if (found) {
		labels = json_object();
		if (c->v[i].enforce)
			json_object_set_new(labels, PSA_ENFORCE, bh_jstr(c->v[i].enforce));
		if (c->v[i].version)
			json_object_set_new(labels, PSA_VERSION, bh_jstr(c->v[i].version));
		root = json_pack("{s:s, s:s, s:{s:o, s:o}}", "apiVersion", "v1", "kind",
				 "Namespace", "metadata", "name", bh_jstr(name), "labels", labels);
	}
	pthread_mutex_unlock(&c->mu);
	if (root)
		ok = bh_json_dump(root, 0, out) == BH_OK;
	return ok;
}

/* Control characters from the request (a uid or name with a newline) would forge log lines. */
static void log_safe(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = '?';
}

/* A 400: the reason as one plain-text line. */
static bh_err reject(struct bh_buf *out, struct bh_webhook_verdict *v, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static bh_err reject(struct bh_buf *out, struct bh_webhook_verdict *v, const char *fmt, ...)
{
	va_list ap;
	bh_err err;

	v->status = 400;
	v->allowed = 0;
	bh_buf_reset(out);
	va_start(ap, fmt);
	err = bh_buf_vprintf(out, fmt, ap);
	va_end(ap);
	if (!err)
		err = bh_buf_addc(out, '\n');
	snprintf(v->summary, sizeof(v->summary), "400 %s", bh_buf_str(out));
	v->summary[strcspn(v->summary, "\n")] = '\0';
	log_safe(v->summary);
	return err;
}

static int before(unsigned l1, unsigned c1, unsigned l2, unsigned c2)
{
	return l1 < l2 || (l1 == l2 && c1 < c2);
}

static int inside(const struct bh_node *n, unsigned line, unsigned col)
{
	return !before(line, col, n->line, n->col) && before(line, col, n->end_line, n->end_col);
}

/*
 * The field path ("spec.containers[0].securityContext.privileged") of the node that starts at
 * line:col under n, appended to path. Recursion is bounded by the document's depth limit.
 */
static int field_path(const struct bh_node *n, unsigned line, unsigned col, struct bh_buf *path)
{
	size_t mark = path->len;

	if (n->kind == BH_NODE_MAP) {
		for (size_t i = 0; i < n->map.n; i++) {
			const struct bh_node *k = n->map.pairs[i].key, *val = n->map.pairs[i].value;
			const char *ks = bh_node_str(k);

			if (!ks)
				continue;
			if ((k->line == line && k->col == col) || inside(val, line, col)) {
				if ((mark && bh_buf_addc(path, '.')) || bh_buf_adds(path, ks))
					return 0;
				if ((k->line == line && k->col == col) ||
				    (val->line == line && val->col == col) ||
				    field_path(val, line, col, path))
					return 1;
				path->len = mark;
				path->data[mark] = '\0';
			}
		}
	} else if (n->kind == BH_NODE_SEQ) {
		for (size_t i = 0; i < n->seq.n; i++) {
			const struct bh_node *it = n->seq.items[i];

			if (!inside(it, line, col))
				continue;
			if (bh_buf_printf(path, "[%zu]", i))
				return 0;
			if ((it->line == line && it->col == col) || field_path(it, line, col, path))
				return 1;
			path->len = mark;
			path->data[mark] = '\0';
		}
	}
	return 0;
}

/*
 * Deep equality of two subtrees: scalars by value, sequences in order, mappings by key in any
 * order (a client may reorder keys). Mappings past BH_LIMIT_WEBHOOK_SAME_KEYS keys are compared
 * in order, so a hostile pair of huge mappings costs linear time; a false "different" only
 * means the object is checked.
 */
static int same_tree(const struct bh_node *a, const struct bh_node *b)
{
	if (!a || !b)
		return a == b;
	if (a->kind != b->kind)
		return 0;
	switch (a->kind) {
	case BH_NODE_SCALAR:
		return a->scalar.len == b->scalar.len &&
		       !memcmp(a->scalar.str, b->scalar.str, a->scalar.len);
	case BH_NODE_SEQ:
		if (a->seq.n != b->seq.n)
			return 0;
		for (size_t i = 0; i < a->seq.n; i++)
			if (!same_tree(a->seq.items[i], b->seq.items[i]))
				return 0;
		return 1;
	case BH_NODE_MAP:
		if (a->map.n != b->map.n)
			return 0;
		for (size_t i = 0; i < a->map.n; i++) {
			const struct bh_node *k = a->map.pairs[i].key, *bv;

			if (a->map.n > BH_LIMIT_WEBHOOK_SAME_KEYS || !bh_node_str(k)) {
				if (!same_tree(k, b->map.pairs[i].key) ||
				    !same_tree(a->map.pairs[i].value, b->map.pairs[i].value))
					return 0;
				continue;
			}
			bv = bh_node_get(b, bh_node_str(k));
			if (!bv || !same_tree(a->map.pairs[i].value, bv))
				return 0;
		}
		return 1;
	}
	return 0;
}

/* The response AdmissionReview: uid echoed, allowed, and status or warnings. */
static bh_err respond(const char *api_version, const char *uid, int allowed, const char *message,
		      json_t *warnings, struct bh_buf *out)
{
	json_t *resp = json_object(), *root = json_object();

	if (!resp || !root) {
		json_decref(resp);
		json_decref(root);
		json_decref(warnings);
		return BH_ERR_NOMEM;
	}
	json_object_set_new(resp, "uid", bh_jstr(uid));
	json_object_set_new(resp, "allowed", json_boolean(allowed));
	if (!allowed)
		json_object_set_new(resp, "status",
				    json_pack("{s:i, s:s, s:o}", "code", 403, "reason", "Forbidden",
					      "message", bh_jstr(message)));
	if (warnings && json_array_size(warnings))
		json_object_set_new(resp, "warnings", warnings);
	else
		json_decref(warnings);
	json_object_set_new(root, "apiVersion", bh_jstr(api_version));
	json_object_set_new(root, "kind", json_string("AdmissionReview"));
	json_object_set_new(root, "response", resp);
	bh_buf_reset(out);
	return bh_json_dump(root, JSON_SORT_KEYS, out);
}

/* A copy of the body's document rooted at the object, with only the duplicate keys inside it. */
static bh_err object_doc(struct bh_arena *a, const struct bh_doc *body, struct bh_node *obj,
			 struct bh_doc *out)
{
	memset(out, 0, sizeof(*out));
	out->file = REQUEST_LABEL;
	out->root = obj;
	out->start_line = obj->line;
	out->end_line = obj->end_line;
	if (body->ndups) {
		out->dups = bh_arena_alloc(a, body->ndups * sizeof(*out->dups));
		if (!out->dups)
			return BH_ERR_NOMEM;
		for (size_t i = 0; i < body->ndups; i++)
			if (inside(obj, body->dups[i].second->line, body->dups[i].second->col))
				out->dups[out->ndups++] = body->dups[i];
	}
	return BH_OK;
}

/*
 * Cut a line to at most max bytes on a UTF-8 character boundary, marked with "...": a message
 * quotes names from the request, and one 3 MiB name repeated in every finding must not make
 * the response dozens of megabytes.
 */
static void clip(struct bh_buf *b, size_t max)
{
	size_t n;

	if (b->len <= max)
		return;
	n = max - 3;
	while (n && ((unsigned char)b->data[n] & 0xC0) == 0x80)
		n--;
	memcpy(b->data + n, "...", 4);
	b->len = n + 3;
}

struct judged {
	json_t *warnings;
	struct bh_buf message;
	size_t denied;
};

/* Sort the run's findings on the request's object into denials and warnings. */
static bh_err judge(const struct bh_webhook_policy *p, struct bh_scan *s, const struct bh_node *obj,
		    const char *ref, struct judged *j)
{
	struct bh_buf path, line;
	size_t listed = 0;
	bh_err err = BH_OK;

	bh_buf_init(&path, 4096);
	bh_buf_init(&line, 0);
	for (size_t i = 0; i < s->findings.n && !err; i++) {
		const struct bh_finding *f = &s->findings.items[i];
		int deny = f->severity >= p->fail_on;

		if (f->suppressed_by || !f->rule || f->rule->layer != BH_LAYER_K8 || !f->file ||
		    strcmp(f->file, REQUEST_LABEL) != 0)
			continue;
		bh_buf_reset(&path);
		bh_buf_reset(&line);
		field_path(obj, f->line, f->col, &path);
		/* A missing field is reported at its container's name: the container is the path.
		 */
		if (path.len > 5 && !strcmp(path.data + path.len - 5, ".name")) {
			path.len -= 5;
			path.data[path.len] = '\0';
		}
		err = bh_buf_printf(&line, "%s %s: %s", f->rule->id, bh_severity_name(f->severity),
				    f->message);
		if (!err && path.len)
			err = bh_buf_printf(&line, " (%s)", bh_buf_str(&path));
		if (err)
			break;
		clip(&line, BH_LIMIT_WEBHOOK_LINE_BYTES);
		if (deny) {
			j->denied++;
			if (listed++ >= BH_LIMIT_WEBHOOK_MESSAGE_FINDINGS)
				continue;
			err = bh_buf_printf(&j->message, "%s%s", j->denied == 1 ? "" : "; ",
					    bh_buf_str(&line));
		} else if (json_array_size(j->warnings) < BH_LIMIT_WEBHOOK_WARNINGS) {
			json_array_append_new(j->warnings, bh_jstr(bh_buf_str(&line)));
		}
	}
	if (!err && j->denied) {
		struct bh_buf head;

		bh_buf_init(&head, 0);
		err = bh_buf_printf(
			&head, "bulkhead denied %s: %zu finding%s at or above %s: ", ref, j->denied,
			j->denied == 1 ? "" : "s", bh_severity_name(p->fail_on));
		if (!err)
			err = bh_buf_adds(&head, bh_buf_str(&j->message));
		if (!err && listed > BH_LIMIT_WEBHOOK_MESSAGE_FINDINGS)
			err = bh_buf_printf(&head, "; and %zu more",
					    listed - BH_LIMIT_WEBHOOK_MESSAGE_FINDINGS);
		bh_buf_release(&j->message);
		j->message = head;
	}
	bh_buf_release(&path);
	bh_buf_release(&line);
	return err;
}

bh_err bh_webhook_review(const struct bh_webhook_policy *p, const char *body, size_t len,
			 struct bh_buf *out, struct bh_webhook_verdict *v)
{
	struct bh_scan s;
	struct bh_docs docs;
	struct bh_diag d = { 0 };
	struct bh_doc od;
	struct bh_buf nsbuf;
	struct judged j = { 0 };
	const struct bh_node *root, *req, *obj, *old, *meta;
	const char *av, *uid, *op, *sub, *kind, *ns, *name;
	size_t i = 0;
	bh_err err = BH_OK;

	memset(v, 0, sizeof(*v));
	v->status = 200;
	while (i < len && strchr(" \t\r\n", body[i]) && body[i])
		i++;
	/* JSON only: YAML is a superset the API server never sends, and a smaller surface. */
	if (i == len || body[i] != '{')
		return reject(out, v, "the body is not a JSON object");
	bh_scan_init(&s);
	s.cfg = *p->cfg;
	s.pss = p->pss;
	s.no_annotation_ignore = p->no_annotation_ignore;
	bh_buf_init(&nsbuf, 0);
	err = bh_doc_parse(&s.arena, REQUEST_LABEL, body, len, &docs, &d);
	if (err) {
		err = reject(out, v, "%s at %u:%u: %s",
			     err == BH_ERR_LIMIT ? "the body exceeds a limit" : "malformed JSON",
			     d.line, d.col, d.msg);
		goto out;
	}
	root = docs.n == 1 ? docs.docs[0].root : NULL;
	av = bh_node_str(bh_node_get(root, "apiVersion"));
	if (!bh_node_is_map(root) || !bh_node_is(bh_node_get(root, "kind"), "AdmissionReview") ||
	    !av || (strcmp(av, "admission.k8s.io/v1") && strcmp(av, "admission.k8s.io/v1beta1"))) {
		err = reject(out, v, "not an AdmissionReview (admission.k8s.io/v1)");
		goto out;
	}
	req = bh_node_get(root, "request");
	uid = bh_node_str(bh_node_get(req, "uid"));
	if (!bh_node_is_map(req) || !uid || !*uid) {
		err = reject(out, v, "the AdmissionReview has no request.uid");
		goto out;
	}
	op = bh_node_str(bh_node_get(req, "operation"));
	sub = bh_node_str(bh_node_get(req, "subResource"));
	ns = bh_node_str(bh_node_get(req, "namespace"));
	name = bh_node_str(bh_node_get(req, "name"));
	kind = bh_node_str(bh_node_path(req, "kind.kind"));
	/* A create with generateName has no name yet. */
	if (name && !*name)
		name = NULL;
	if (!op) {
		err = reject(out, v, "the AdmissionReview has no request.operation");
		goto out;
	}
	obj = bh_node_get(req, "object");
	old = bh_node_get(req, "oldObject");
	meta = bh_node_get(obj, "metadata");
	v->allowed = 1;
	snprintf(v->summary, sizeof(v->summary), "%s %s %s %s/%s", uid, op, kind ? kind : "?",
		 ns ? ns : "", name ? name : "");
	log_safe(v->summary);
	if (kind && !strcmp(kind, "Namespace") && !strcmp(op, "DELETE"))
		ns_put(p->ns, name, NULL, NULL, 1);
	if (strcmp(op, "CREATE") != 0 && strcmp(op, "UPDATE") != 0) {
		err = respond(av, uid, 1, NULL, NULL, out);
		goto out;
	}
	if (!bh_node_is_map(obj)) {
		err = reject(out, v, "request.object is not an object for %s", op);
		goto out;
	}
	/*
	 * Left alone: subresources other than the pod's ephemeral containers (status, scale,
	 * binding carry no new pod spec), objects already being deleted (their finalizers must be
	 * removable), and updates whose spec is unchanged (labels, annotations), except for a
	 * Namespace, whose labels are what its rules judge.
	 */
	if ((sub && *sub && strcmp(sub, "ephemeralcontainers") != 0) ||
	    !bh_node_is_null(bh_node_get(meta, "deletionTimestamp")) ||
	    (!strcmp(op, "UPDATE") && bh_node_is_map(old) &&
	     !(kind && !strcmp(kind, "Namespace")) &&
	     same_tree(bh_node_get(obj, "spec"), bh_node_get(old, "spec")) &&
	     bh_node_get(obj, "spec"))) {
		err = respond(av, uid, 1, NULL, NULL, out);
		goto out;
	}
	if (ns_doc(p->ns, ns, &nsbuf) &&
	    bh_engine_scan_buffer(&s, NAMESPACE_LABEL, bh_buf_str(&nsbuf), nsbuf.len)) {
		err = BH_ERR_NOMEM;
		goto out;
	}
	err = object_doc(&s.arena, &docs.docs[0], (struct bh_node *)obj, &od);
	if (!err)
		err = bh_engine_scan_doc(&s, REQUEST_LABEL, &od);
	if (err)
		goto out;
	bh_engine_finish(&s, NULL);
	j.warnings = json_array();
	bh_buf_init(&j.message, 0);
	if (!j.warnings) {
		err = BH_ERR_NOMEM;
		goto out;
	}
	{
		const char *ref = bh_arena_printf(&s.arena, "%s %s%s%s", kind ? kind : "object",
						  ns ? ns : "", ns ? "/" : "",
						  name ? name
						  : bh_node_str(bh_node_get(meta, "name"))
							  ? bh_node_str(bh_node_get(meta, "name"))
							  : "(unnamed)");

		err = judge(p, &s, obj, ref ? ref : "the object", &j);
	}
	if (err)
		goto out;
	v->allowed = j.denied == 0;
	snprintf(v->summary + strlen(v->summary), sizeof(v->summary) - strlen(v->summary),
		 " %s (%zu denying, %zu warnings)", v->allowed ? "allowed" : "denied", j.denied,
		 json_array_size(j.warnings));
	/* Remember an admitted Namespace's Pod Security labels for its workloads. */
	if (v->allowed && kind && !strcmp(kind, "Namespace")) {
		const struct bh_node *labels = bh_node_get(meta, "labels");

		ns_put(p->ns, name ? name : bh_node_str(bh_node_get(meta, "name")),
		       bh_node_str(bh_node_get(labels, PSA_ENFORCE)),
		       bh_node_str(bh_node_get(labels, PSA_VERSION)), 0);
	}
	err = respond(av, uid, v->allowed, bh_buf_str(&j.message), j.warnings, out);
	j.warnings = NULL;
out:
	json_decref(j.warnings);
	bh_buf_release(&j.message);
	bh_buf_release(&nsbuf);
	bh_scan_release(&s);
	return err;
}
