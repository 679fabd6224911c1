/*
 * Chunked bump allocation. Small requests share chunks of ARENA_CHUNK bytes; a request larger
 * than a quarter of a chunk gets a chunk of its own so that big arrays do not waste space.
 */
#include "arena.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "banned.h"

#define ARENA_CHUNK	    (64u * 1024)
#define ARENA_DEFAULT_LIMIT ((size_t)4 << 30)
#define ARENA_ALIGN	    16

struct bh_arena_chunk {
	struct bh_arena_chunk *next;
	size_t size;
	size_t off;
	_Alignas(ARENA_ALIGN) unsigned char data[];
};

void bh_arena_init(struct bh_arena *a, size_t limit)
{
	a->head = NULL;
	a->used = 0;
	a->limit = limit ? limit : ARENA_DEFAULT_LIMIT;
}

void bh_arena_release(struct bh_arena *a)
{
	struct bh_arena_chunk *c = a->head;

	while (c) {
		struct bh_arena_chunk *next = c->next;
		free(c);
		c = next;
	}
	a->head = NULL;
	a->used = 0;
}

/* Uninitialised memory, for callers that overwrite all of it (string copies). */
static void *arena_alloc_raw(struct bh_arena *a, size_t size)
{
	struct bh_arena_chunk *c = a->head;
	size_t need = (size + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
	void *p;

	if (size == 0)
		need = ARENA_ALIGN;
	if (need < size || a->used + need > a->limit || a->used + need < a->used)
		return NULL;
	if (!c || c->size - c->off < need) {
		size_t csize = need > ARENA_CHUNK / 4 ? need : ARENA_CHUNK;
		struct bh_arena_chunk *n = malloc(sizeof(*n) + csize);

		if (!n)
			return NULL;
		n->size = csize;
		n->off = 0;
		if (c && need > ARENA_CHUNK / 4) {
			/* Keep the partly used chunk at the head for later small requests. */
			n->next = c->next;
			c->next = n;
		} else {
			n->next = c;
			a->head = n;
		}
		c = n;
	}
	p = c->data + c->off;
	c->off += need;
	a->used += need;
	return p;
}

void *bh_arena_alloc(struct bh_arena *a, size_t size)
{
	void *p = arena_alloc_raw(a, size);

	if (p)
		memset(p, 0, size);
	return p;
}

void *bh_arena_realloc(struct bh_arena *a, void *old, size_t old_size, size_t new_size)
{
	void *p;

	if (new_size <= old_size)
		return old;
	p = bh_arena_alloc(a, new_size);
	if (p && old)
		memcpy(p, old, old_size);
	return p;
}

char *bh_arena_strndup(struct bh_arena *a, const char *s, size_t n)
{
	char *p = arena_alloc_raw(a, n + 1);

	if (!p)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *bh_arena_strdup(struct bh_arena *a, const char *s)
{
	return bh_arena_strndup(a, s, strlen(s));
}

char *bh_arena_printf(struct bh_arena *a, const char *fmt, ...)
{
	va_list ap;
	int n;
	char *p;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	p = bh_arena_alloc(a, (size_t)n + 1);
	if (!p)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}
