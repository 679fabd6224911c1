/*
 * Reading many small files with few system calls. A tree of thousands of small files costs
 * four system calls per file (open, fstat, read, close), and on virtual machines the entry into
 * the kernel costs more than the work it does. io_uring takes a batch of files in one call:
 * each file is opened into a registered slot, read once into its own buffer, and closed.
 *
 * The reader is an optimisation only. A file it cannot give whole (an open or read error, a
 * file that fills its buffer, a kernel without the operations) comes back with whole == 0 and
 * the caller reads it the ordinary way, which also reports any error with its reason.
 */
#ifndef BH_BATCHREAD_H
#define BH_BATCHREAD_H

#include <stddef.h>

/* The most files one call takes. */
#define BH_BATCH_READ_MAX_SLOTS 256u

struct bh_batch_read;

struct bh_batch_file {
	const char *data; /* the file's bytes, valid until the next bh_batch_read_run */
	size_t len;
	int whole; /* 1: data is the whole file; 0: read it another way */
};

/*
 * A reader of up to slots files per call, each up to cap - 1 bytes. NULL when io_uring is not
 * available here (old kernel, a seccomp filter, io_uring_disabled, BULKHEAD_NO_IO_URING set in
 * the environment) or memory is short: the caller reads files itself.
 */
struct bh_batch_read *bh_batch_read_new(unsigned slots, size_t cap);
void bh_batch_read_free(struct bh_batch_read *b);

/* How many files one call takes. */
unsigned bh_batch_read_slots(const struct bh_batch_read *b);

/* Read paths[0..n) (n at most the slots) into out[0..n). */
void bh_batch_read_run(struct bh_batch_read *b, const char *const *paths, size_t n,
		       struct bh_batch_file *out);

#endif
