/* See heap.h. */
#include "heap.h"

#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "banned.h"

#define HUGE_PAGE     (2u * 1024 * 1024)
#define HEAP_RESERVED (32u * 1024 * 1024)

void bh_heap_setup(void)
{
	char *p;
	uintptr_t start, end;

	/* Larger blocks would still be mapped separately: a 64 MiB input read whole is rare. */
	mallopt(M_MMAP_THRESHOLD, 64 * 1024 * 1024);
	/* Memory freed to the top of the heap stays, already faulted in, for the next request. */
	mallopt(M_TRIM_THRESHOLD, 256 * 1024 * 1024);
	/* Every thread allocates from the main heap: a thread's own arena is a fresh mapping
	 * whose pages each fault on first use (secrets' workers on a tree of small files took
	 * 330 more faults, 4% of the run), and glibc's per-thread caches already keep most
	 * small allocations off the shared lock. */
	mallopt(M_ARENA_MAX, 1);
	/* Grow the heap in large steps, so that the huge-page range below is all heap. */
	mallopt(M_TOP_PAD, 16 * 1024 * 1024);
	/* Extend the heap by the reserved size and give it back to malloc at once: the range stays
	 * in the heap (no trim), untouched until used, and marked for huge pages. */
	p = malloc(HEAP_RESERVED);
	if (!p)
		return;
	start = ((uintptr_t)p + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1);
	end = ((uintptr_t)p + HEAP_RESERVED) & ~(uintptr_t)(HUGE_PAGE - 1);
	if (end > start)
		madvise((void *)start, end - start,
			MADV_HUGEPAGE); /* advice: failure is harmless */
	free(p);
}
