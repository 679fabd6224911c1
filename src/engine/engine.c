/*
 * The scan driver. Type detection: a layer that parses text itself (the Dockerfile layer)
 * is asked first; otherwise files named *.yaml, *.yml or *.json, and any file given explicitly
 * or on stdin, are parsed as YAML and each document offered to the layers. Files found by a
 * directory walk that match neither are skipped silently (a repository holds many other
 * files); a file named on the command line that is binary or unreadable is an input error.
 */
#define _GNU_SOURCE /* memmem */
#include "engine.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/doc.h"
#include "core/fs.h"
#include "core/limits.h"

#include "core/banned.h"

struct walk_ctx {
	struct bh_scan *s;
	int explicit; /* the path was named on the command line */
};

static int has_suffix(const char *s, const char *suf)
{
	size_t n = strlen(s), m = strlen(suf);

	return n >= m && strcasecmp(s + n - m, suf) == 0;
}

static int yaml_name(const char *path)
{
	return has_suffix(path, ".yaml") || has_suffix(path, ".yml") || has_suffix(path, ".json");
}

/*
 * Content detection for files a walk finds without a YAML/JSON name: an extensionless file
 * (deploy/agent, manifests/pod) whose lines include "apiVersion:" and "kind:" at the start of a
 * line, or their JSON spellings, is a manifest. Files with other extensions (.md with examples,
 * .tpl templates) are left alone: their YAML is not meant to be applied as it is.
 */
static int looks_like_manifest(const char *path, const char *data, size_t len)
{
	const char *base = strrchr(path, '/');

	base = base ? base + 1 : path;
	if (strchr(base, '.'))
		return 0;
	if (memmem(data, len, "\"apiVersion\"", 12) && memmem(data, len, "\"kind\"", 6))
		return 1;
	return (!strncmp(data, "apiVersion:", 11) || memmem(data, len, "\napiVersion:", 12)) &&
	       (!strncmp(data, "kind:", 5) || memmem(data, len, "\nkind:", 6));
}

static void record(struct bh_scan *s, const struct bh_diag *d)
{
	bh_scan_error(s, d);
}

static void scan_docs(struct bh_scan *s, const struct bh_input *in)
{
	size_t nl;
	const struct bh_layer_ops *const *layers = bh_layers(&nl);

	for (size_t d = 0; d < in->docs->n; d++) {
		const struct bh_doc *doc = &in->docs->docs[d];

		for (size_t i = 0; i < nl; i++) {
			struct bh_diag diag = { 0 };

			if (!layers[i]->claims_doc || !layers[i]->claims_doc(in->path, doc))
				continue;
			if (layers[i]->scan_doc(s, in, doc, &diag))
				record(s, &diag);
		}
	}
}

static bh_err scan_data(struct bh_scan *s, const char *path, const char *data, size_t len,
			int explicit)
{
	size_t nl;
	const struct bh_layer_ops *const *layers = bh_layers(&nl);
	struct bh_input in = { .path = path, .data = data, .len = len };
	struct bh_docs docs;
	struct bh_diag diag = { 0 };

	if (bh_fs_looks_binary(data, len)) {
		if (explicit) {
			bh_diag_set(&diag, BH_ERR_PARSE, path, 0, 0,
				    "binary file, not a configuration file");
			record(s, &diag);
		}
		return BH_OK;
	}
	for (size_t i = 0; i < nl; i++) {
		if (!layers[i]->claims_text || !layers[i]->claims_text(path, data, len))
			continue;
		in.src = bh_scan_add_source(s, path, data, len);
		if (!in.src)
			return BH_ERR_NOMEM;
		s->files_scanned++;
		s->bytes_scanned += len;
		if (layers[i]->scan_text(s, &in, &diag))
			record(s, &diag);
		return BH_OK;
	}
	if (!yaml_name(path) && !explicit && !looks_like_manifest(path, data, len))
		return BH_OK;
	in.src = bh_scan_add_source(s, path, data, len);
	if (!in.src)
		return BH_ERR_NOMEM;
	s->files_scanned++;
	s->bytes_scanned += len;
	if (bh_doc_parse(&s->arena, in.src->path, in.src->data, len, &docs, &diag)) {
		/*
		 * Named on the command line, or found as *.yaml, a parse failure is an input
		 * error. Two exceptions for files a walk found: one picked by content sniffing was
		 * not a manifest after all, and a template ("{{" as in Helm charts) is only YAML
		 * once rendered; neither can be applied as it is, so neither hides a deployment.
		 */
		if (explicit || (yaml_name(path) && !memmem(data, len, "{{", 2))) {
			record(s, &diag);
		} else {
			s->files_scanned--;
			s->bytes_scanned -= len;
		}
		return BH_OK;
	}
	in.path = in.src->path;
	in.data = in.src->data;
	in.docs = &docs;
	scan_docs(s, &in);
	return BH_OK;
}

static bh_err visit(const char *path, void *arg)
{
	struct walk_ctx *w = arg;
	char *data = NULL;
	size_t len = 0;
	struct bh_diag diag = { 0 };
	bh_err err;
	const char *base = strrchr(path, '/');

	/* The project's own config is read as config, not audited as an input. */
	if (!w->explicit && !strcmp(base ? base + 1 : path, ".bulkhead.yaml"))
		return BH_OK;

	err = bh_fs_read(path, BH_LIMIT_FILE_BYTES, &data, &len, &diag);
	if (err) {
		/* Oversized or unreadable files are reported; the walk goes on. */
		if (err == BH_ERR_NOMEM)
			return err;
		if (w->explicit || yaml_name(path) || err != BH_ERR_LIMIT)
			record(w->s, &diag);
		return BH_OK;
	}
	err = scan_data(w->s, path, data, len, w->explicit);
	free(data);
	return err;
}

static void walk_error(const struct bh_diag *d, void *arg)
{
	struct walk_ctx *w = arg;

	record(w->s, d);
}

bh_err bh_engine_config(struct bh_scan *s, const char *cfg_path, const char *first_path,
			struct bh_diag *diag)
{
	char *found = NULL;
	bh_err err;

	/* Standard input has no place of its own: its config is found from the current directory.
	 */
	if (!cfg_path && first_path)
		cfg_path = found = bh_config_find(strcmp(first_path, "-") ? first_path : ".");
	if (!cfg_path)
		return BH_OK;
	err = bh_config_load(&s->arena, cfg_path, &s->cfg, diag);
	free(found);
	return err;
}

bh_err bh_engine_scan_buffer(struct bh_scan *s, const char *path, const char *data, size_t len)
{
	return scan_data(s, path, data, len, 1);
}

bh_err bh_engine_scan_doc(struct bh_scan *s, const char *path, const struct bh_doc *doc)
{
	struct bh_docs docs = { .docs = (struct bh_doc *)doc, .n = 1 };
	struct bh_input in = { .path = path, .data = "", .docs = &docs };

	/* An empty source: layers that read in->src find one, and no line of it suppresses. */
	in.src = bh_scan_add_source(s, path, "", 0);
	if (!in.src)
		return BH_ERR_NOMEM;
	in.path = in.src->path;
	s->files_scanned++;
	scan_docs(s, &in);
	return BH_OK;
}

/*
 * The same file named twice (or reached through a symlink and by name) gives the same
 * findings twice; after sorting they are neighbours, and one of each is kept.
 */
static void dedupe(struct bh_findings *l)
{
	size_t k = 0;

	for (size_t i = 0; i < l->n; i++) {
		const struct bh_finding *f = &l->items[i];

		if (k) {
			const struct bh_finding *p = &l->items[k - 1];

			if (p->rule == f->rule && p->line == f->line && p->col == f->col &&
			    !strcmp(p->fingerprint, f->fingerprint) &&
			    !strcmp(p->message, f->message))
				continue;
		}
		l->items[k++] = *f;
	}
	l->n = k;
}

void bh_engine_finish(struct bh_scan *s, const struct bh_baseline *baseline)
{
	size_t nl;
	const struct bh_layer_ops *const *layers = bh_layers(&nl);

	for (size_t i = 0; i < nl; i++) {
		struct bh_diag diag = { 0 };

		if (layers[i]->finish && layers[i]->finish(s, &diag))
			record(s, &diag);
	}
	bh_suppress_apply(s, baseline);
	bh_findings_sort(&s->findings);
	dedupe(&s->findings);
}

bh_err bh_engine_scan(struct bh_scan *s, const char *const *paths, size_t npaths,
		      const struct bh_baseline *baseline)
{
	struct bh_walk_opts opts = { .excludes = s->cfg.exclude, .nexcludes = s->cfg.nexclude };
	bh_err err = BH_OK;

	for (size_t i = 0; i < npaths && !err; i++) {
		struct walk_ctx w = { .s = s };

		if (strcmp(paths[i], "-") == 0) {
			w.explicit = 1;
			err = visit("-", &w);
			continue;
		}
		/* A file named directly is explicit; files found inside a directory are not. */
		{
			struct stat st;

			w.explicit = !(stat(paths[i], &st) == 0 && S_ISDIR(st.st_mode));
		}
		err = bh_fs_walk(paths[i], &opts, visit, &w, walk_error);
		if (err == BH_ERR_IO || err == BH_ERR_LIMIT)
			err = BH_OK; /* already recorded */
	}
	if (err)
		return err;
	bh_engine_finish(s, baseline);
	return BH_OK;
}
