/*
 * Inline, config and baseline suppression. The baseline is a JSON document:
 *   {"version": 1, "fingerprints": ["<32 hex>", ...]}
 * kept sorted so that it diffs well in review.
 */
#include "suppress.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "fs.h"
#include "limits.h"

#include "banned.h"

static int is_id_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_';
}

int bh_suppress_line_matches(const char *line, size_t len, const char *rule_id)
{
	static const char *const markers[] = { "bulkhead:ignore", "bulkhead:allow" };
	size_t idlen = strlen(rule_id);

	for (size_t m = 0; m < 2; m++) {
		size_t mlen = strlen(markers[m]);

		for (size_t i = 0; i + mlen <= len; i++) {
			const char *p;
			const char *end = line + len;

			if (memcmp(line + i, markers[m], mlen) != 0)
				continue;
			p = line + i + mlen;
			/* The ids follow: "ID", "ID,ID" or "ID ID"; the rest is the reason. */
			for (;;) {
				const char *w;

				while (p < end && (*p == ' ' || *p == '\t' || *p == ','))
					p++;
				w = p;
				while (p < end && is_id_char(*p))
					p++;
				if (p == w)
					break;
				if ((size_t)(p - w) == idlen && strncasecmp(w, rule_id, idlen) == 0)
					return 1;
				/* Only words shaped like rule ids (XX-000) continue the id list. */
				if (!(p - w >= 4 && w[2] == '-'))
					break;
			}
		}
	}
	return 0;
}

static const char *inline_suppression(struct bh_scan *s, const struct bh_finding *f)
{
	struct bh_source *src = (struct bh_source *)bh_scan_find_source(s, f->file);

	if (!src)
		return NULL;
	for (unsigned l = f->line; l + 1 >= f->line && l >= 1; l--) {
		size_t len;
		const char *text = bh_source_line(src, &s->arena, l, &len);

		if (text && bh_suppress_line_matches(text, len, f->rule->id))
			return bh_arena_printf(&s->arena, "inline comment at %s:%u", f->file, l);
		if (l == 1)
			break;
	}
	return NULL;
}

static int fp_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void bh_suppress_apply(struct bh_scan *s, const struct bh_baseline *b)
{
	for (size_t i = 0; i < s->findings.n; i++) {
		struct bh_finding *f = &s->findings.items[i];

		if (f->suppressed_by)
			continue;
		f->suppressed_by = inline_suppression(s, f);
		if (f->suppressed_by)
			continue;
		for (size_t j = 0; j < s->cfg.nignore; j++) {
			const struct bh_config_ignore *ig = &s->cfg.ignore[j];

			if (strcmp(ig->rule, "*") != 0 && strcasecmp(ig->rule, f->rule->id) != 0)
				continue;
			if (ig->path && (!f->file || !bh_fs_path_matches(ig->path, f->file)))
				continue;
			f->suppressed_by = bh_arena_printf(
				&s->arena, "config %s%s%s", s->cfg.path ? s->cfg.path : "",
				ig->reason ? ": " : "", ig->reason ? ig->reason : "");
			break;
		}
		if (f->suppressed_by || !b || !b->n)
			continue;
		{
			const char *key = f->fingerprint;

			if (bsearch(&key, b->fps, b->n, sizeof(*b->fps), fp_cmp))
				f->suppressed_by =
					bh_arena_printf(&s->arena, "baseline %s", b->path);
		}
	}
}

bh_err bh_baseline_parse(const char *label, const char *data, size_t len, struct bh_baseline *out,
			 struct bh_diag *diag)
{
	json_error_t jerr;
	json_t *root, *fps;
	struct bh_baseline b = { 0 };
	size_t n;
	bh_err err = BH_OK;

	root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root)
		return bh_diag_set(diag, BH_ERR_PARSE, label,
				   (unsigned)(jerr.line > 0 ? jerr.line : 0),
				   (unsigned)(jerr.column > 0 ? jerr.column : 0), "%s", jerr.text);
	fps = json_object_get(root, "fingerprints");
	if (!json_is_array(fps)) {
		err = bh_diag_set(diag, BH_ERR_PARSE, label, 1, 1,
				  "a baseline needs a \"fingerprints\" array");
		goto out;
	}
	n = json_array_size(fps);
	if (n > BH_LIMIT_BASELINE_ENTRIES) {
		err = bh_diag_set(diag, BH_ERR_LIMIT, label, 1, 1, "too many baseline entries");
		goto out;
	}
	b.fps = calloc(n + 1, sizeof(*b.fps));
	if (!b.fps) {
		err = BH_ERR_NOMEM;
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		const char *v = json_string_value(json_array_get(fps, i));

		if (!v) {
			err = bh_diag_set(diag, BH_ERR_PARSE, label, 1, 1,
					  "baseline entry %zu is not a string", i);
			goto out;
		}
		b.fps[b.n] = strdup(v);
		if (!b.fps[b.n]) {
			err = BH_ERR_NOMEM;
			goto out;
		}
		b.n++;
	}
	qsort(b.fps, b.n, sizeof(*b.fps), fp_cmp);
	b.path = label;
	*out = b;
	b.fps = NULL;
	b.n = 0;
out:
	bh_baseline_release(&b);
	json_decref(root);
	return err;
}

bh_err bh_baseline_load(const char *path, struct bh_baseline *out, struct bh_diag *diag)
{
	char *data = NULL;
	size_t len = 0;
	bh_err err;

	err = bh_fs_read(path, BH_LIMIT_FILE_BYTES * 4, &data, &len, diag);
	if (err)
		return err;
	err = bh_baseline_parse(path, data, len, out, diag);
	free(data);
	return err;
}

void bh_baseline_release(struct bh_baseline *b)
{
	for (size_t i = 0; i < b->n; i++)
		free(b->fps[i]);
	free(b->fps);
	memset(b, 0, sizeof(*b));
}

bh_err bh_baseline_write(const char *path, const struct bh_findings *list, struct bh_diag *diag)
{
	json_t *root = json_object(), *arr = json_array();
	const char **fps = calloc(list->n + 1, sizeof(*fps));
	size_t n = 0;
	char *text;
	bh_err err;

	if (!root || !arr || !fps) {
		json_decref(root);
		json_decref(arr);
		free(fps);
		return BH_ERR_NOMEM;
	}
	for (size_t i = 0; i < list->n; i++)
		if (!list->items[i].suppressed_by ||
		    strncmp(list->items[i].suppressed_by, "baseline", 8) == 0)
			fps[n++] = list->items[i].fingerprint;
	qsort(fps, n, sizeof(*fps), fp_cmp);
	for (size_t i = 0; i < n; i++)
		if (i == 0 || strcmp(fps[i], fps[i - 1]))
			json_array_append_new(arr, json_string(fps[i]));
	free(fps);
	json_object_set_new(root, "version", json_integer(1));
	json_object_set_new(root, "fingerprints", arr);
	text = json_dumps(root, JSON_INDENT(2));
	json_decref(root);
	if (!text)
		return BH_ERR_NOMEM;
	{
		size_t tl = strlen(text);
		char *t2 = realloc(text, tl + 2);

		if (!t2) {
			free(text);
			return BH_ERR_NOMEM;
		}
		text = t2;
		text[tl] = '\n';
		text[tl + 1] = '\0';
	}
	err = bh_fs_write_atomic(path, text, strlen(text), diag);
	free(text);
	return err;
}
