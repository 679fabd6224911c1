/*
 * Run state: sources, errors and the rule filter. Sources are copied into the run's arena
 * because reports and suppressions read them after the layer that parsed them has finished.
 */
#include "scan.h"

#include <stdlib.h>
#include <string.h>

#include "banned.h"

void bh_scan_init(struct bh_scan *s)
{
	memset(s, 0, sizeof(*s));
	bh_arena_init(&s->arena, 0);
	bh_config_defaults(&s->cfg);
}

void bh_scan_release(struct bh_scan *s)
{
	bh_findings_release(&s->findings);
	free(s->sources);
	free(s->source_index);
	free(s->errors);
	bh_arena_release(&s->arena);
	memset(s, 0, sizeof(*s));
}

static size_t path_hash(const char *p)
{
	size_t h = 1469598103934665603u;

	for (; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211u;
	return h;
}

/* Insert sources[i] into the index; the index is kept under half full. */
static void index_put(struct bh_scan *s, size_t i)
{
	size_t mask = s->source_index_cap - 1;
	size_t h = path_hash(s->sources[i]->path) & mask;

	while (s->source_index[h])
		h = (h + 1) & mask;
	s->source_index[h] = i + 1;
}

static int index_grow(struct bh_scan *s)
{
	size_t ncap = s->source_index_cap ? s->source_index_cap * 2 : 64;
	size_t *p = calloc(ncap, sizeof(*p));

	if (!p)
		return -1;
	free(s->source_index);
	s->source_index = p;
	s->source_index_cap = ncap;
	for (size_t i = 0; i < s->nsources; i++)
		index_put(s, i);
	return 0;
}

struct bh_source *bh_scan_add_source(struct bh_scan *s, const char *path, const char *data,
				     size_t len)
{
	struct bh_source *src;

	if (s->nsources == s->sources_cap) {
		size_t ncap = s->sources_cap ? s->sources_cap * 2 : 16;
		struct bh_source **p = realloc(s->sources, ncap * sizeof(*p));

		if (!p)
			return NULL;
		s->sources = p;
		s->sources_cap = ncap;
	}
	src = bh_arena_alloc(&s->arena, sizeof(*src));
	if (!src)
		return NULL;
	src->path = bh_arena_strdup(&s->arena, path);
	src->data = bh_arena_strndup(&s->arena, data, len);
	src->len = len;
	if (!src->path || !src->data)
		return NULL;
	if (2 * (s->nsources + 1) > s->source_index_cap && index_grow(s))
		return NULL;
	s->sources[s->nsources++] = src;
	index_put(s, s->nsources - 1);
	return src;
}

const struct bh_source *bh_scan_find_source(const struct bh_scan *s, const char *path)
{
	size_t mask, h, best = 0;

	if (!path || !s->source_index_cap)
		return NULL;
	mask = s->source_index_cap - 1;
	/* A file named twice keeps both entries; the later one wins, as before. */
	for (h = path_hash(path) & mask; s->source_index[h]; h = (h + 1) & mask) {
		size_t i = s->source_index[h];

		if (i > best && strcmp(s->sources[i - 1]->path, path) == 0)
			best = i;
	}
	return best ? s->sources[best - 1] : NULL;
}

const char *bh_source_line(struct bh_source *src, struct bh_arena *a, unsigned line, size_t *len)
{
	const char *start, *end;

	if (!src->line_starts) {
		size_t n = 1;
		unsigned *starts;

		for (size_t i = 0; i < src->len; i++)
			n += src->data[i] == '\n';
		starts = bh_arena_alloc(a, n * sizeof(*starts));
		if (!starts)
			return NULL;
		n = 0;
		starts[n++] = 0;
		for (size_t i = 0; i < src->len; i++)
			if (src->data[i] == '\n' && i + 1 <= src->len)
				starts[n++] = (unsigned)(i + 1);
		src->line_starts = starts;
		src->nlines = n;
	}
	if (line == 0 || line > src->nlines)
		return NULL;
	start = src->data + src->line_starts[line - 1];
	end = memchr(start, '\n', (size_t)(src->data + src->len - start));
	if (!end)
		end = src->data + src->len;
	if (end > start && end[-1] == '\r')
		end--;
	*len = (size_t)(end - start);
	return start;
}

void bh_scan_error(struct bh_scan *s, const struct bh_diag *diag)
{
	if (s->nerrors == s->errors_cap) {
		size_t ncap = s->errors_cap ? s->errors_cap * 2 : 8;
		struct bh_diag *p = realloc(s->errors, ncap * sizeof(*p));

		if (!p)
			return;
		s->errors = p;
		s->errors_cap = ncap;
	}
	s->errors[s->nerrors++] = *diag;
}

int bh_scan_rule_enabled(const struct bh_scan *s, const struct bh_rule *rule)
{
	if (bh_config_disabled(&s->cfg, rule->id))
		return 0;
	if (s->pss == BH_PSS_BASELINE)
		return (rule->flags & BH_RULE_PSS_BASELINE) != 0;
	if (s->pss == BH_PSS_RESTRICTED)
		return (rule->flags & (BH_RULE_PSS_BASELINE | BH_RULE_PSS_RESTRICTED)) != 0;
	return 1;
}
