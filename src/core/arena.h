/*
 * A bump allocator for one unit of work (a scan, an image, a request). Parse trees, strings and
 * findings are allocated here and released together with bh_arena_release(); nothing allocated
 * from an arena is freed on its own. Allocation fails (returns NULL) past the arena's byte cap.
 */
#ifndef BH_ARENA_H
#define BH_ARENA_H

#include <stddef.h>

struct bh_arena_chunk;

struct bh_arena {
	struct bh_arena_chunk *head;
	size_t used;  /* bytes handed out, for the cap */
	size_t limit; /* 0 means the default cap */
};

void bh_arena_init(struct bh_arena *a, size_t limit);
void bh_arena_release(struct bh_arena *a);

/* Zeroed memory aligned for any type, or NULL past the cap or when malloc fails. */
void *bh_arena_alloc(struct bh_arena *a, size_t size);
/* Grow an array allocated here; old contents are copied, the old block stays in the arena. */
void *bh_arena_realloc(struct bh_arena *a, void *old, size_t old_size, size_t new_size);
char *bh_arena_strdup(struct bh_arena *a, const char *s);
char *bh_arena_strndup(struct bh_arena *a, const char *s, size_t n);
char *bh_arena_printf(struct bh_arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
