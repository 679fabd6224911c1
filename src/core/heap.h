/*
 * The process heap's set-up, once at start. A page fault costs about 10 us on the virtual
 * machines bulkhead runs on in CI (measured: 9.5 us per 4 KiB page, against 0.6 us per page
 * when the kernel fills a range in one call), and a scan touches its memory once: the 287
 * Dockerfiles of the corpus took 3,400 faults, half the run.
 *
 * bh_heap_setup() keeps allocations of up to 64 MiB on the main heap instead of separate
 * mappings, never trims it, and marks its first 32 MiB for transparent huge pages: the kernel
 * then backs it with 2 MiB pages, one fault each, where the system allows it (THP "madvise"
 * or "always"); elsewhere nothing changes.
 */
#ifndef BH_HEAP_H
#define BH_HEAP_H

void bh_heap_setup(void);

#endif
