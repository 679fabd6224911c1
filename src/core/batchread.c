/*
 * io_uring batches: for each file three linked operations, openat into a fixed-file slot, read
 * into the slot's buffer, close the slot. Hard links keep the chain going after a failed open
 * or a short read (a short read is the normal case here: a small file does not fill the
 * buffer), so the close always runs and the slot is free for the next batch.
 */
#include "batchread.h"

#include <errno.h>
#include <fcntl.h>
#include <liburing.h>
#include <stdlib.h>
#include <string.h>

#include "core/banned.h"

struct bh_batch_read {
	struct io_uring ring;
	unsigned slots;
	size_t cap;
	char *bufs; /* slots * cap bytes; pages are touched only as far as files fill them */
	int broken; /* the ring failed: completions may be pending, so it is not used again */
	int opened[BH_BATCH_READ_MAX_SLOTS];
};

enum { OP_OPEN, OP_READ, OP_CLOSE, OP_COUNT };

static int supported(struct io_uring *ring)
{
	struct io_uring_probe *p = io_uring_get_probe_ring(ring);
	int ok;

	if (!p)
		return 0;
	ok = io_uring_opcode_supported(p, IORING_OP_OPENAT) &&
	     io_uring_opcode_supported(p, IORING_OP_READ) &&
	     io_uring_opcode_supported(p, IORING_OP_CLOSE);
	io_uring_free_probe(p);
	return ok;
}

struct bh_batch_read *bh_batch_read_new(unsigned slots, size_t cap)
{
	struct bh_batch_read *b;
	const char *off = getenv("BULKHEAD_NO_IO_URING");

	if ((off && *off) || slots == 0 || slots > BH_BATCH_READ_MAX_SLOTS || cap < 2)
		return NULL;
	b = calloc(1, sizeof(*b));
	if (!b)
		return NULL;
	b->slots = slots;
	b->cap = cap;
	b->bufs = malloc(slots * cap);
	if (!b->bufs) {
		free(b);
		return NULL;
	}
	if (io_uring_queue_init(slots * OP_COUNT, &b->ring, 0) < 0) {
		free(b->bufs);
		free(b);
		return NULL;
	}
	/* Sparse registration (Linux 5.19) also tells that direct open and close (5.15) exist. */
	if (!supported(&b->ring) || io_uring_register_files_sparse(&b->ring, slots) < 0) {
		io_uring_queue_exit(&b->ring);
		free(b->bufs);
		free(b);
		return NULL;
	}
	return b;
}

void bh_batch_read_free(struct bh_batch_read *b)
{
	if (!b)
		return;
	io_uring_queue_exit(&b->ring);
	free(b->bufs);
	free(b);
}

unsigned bh_batch_read_slots(const struct bh_batch_read *b)
{
	return b->slots;
}

void bh_batch_read_run(struct bh_batch_read *b, const char *const *paths, size_t n,
		       struct bh_batch_file *out)
{
	struct io_uring_cqe *cqe;
	unsigned head, seen = 0, want;

	if (n > b->slots)
		n = b->slots;
	if (b->broken) {
		for (size_t k = 0; k < n; k++)
			out[k].whole = 0;
		return;
	}
	for (size_t k = 0; k < n; k++) {
		struct io_uring_sqe *sqe = io_uring_get_sqe(&b->ring);
		char *buf = b->bufs + k * b->cap;

		out[k].data = buf;
		out[k].len = 0;
		out[k].whole = 0;
		b->opened[k] = 0;
		/* O_NONBLOCK: a path that became a FIFO since the walk must not block the batch. */
		io_uring_prep_openat_direct(sqe, AT_FDCWD, paths[k],
					    O_RDONLY | O_NOCTTY | O_NONBLOCK, 0, (unsigned)k);
		sqe->flags |= IOSQE_IO_HARDLINK;
		sqe->user_data = k * OP_COUNT + OP_OPEN;
		sqe = io_uring_get_sqe(&b->ring);
		io_uring_prep_read(sqe, (int)k, buf, (unsigned)b->cap, 0);
		sqe->flags |= IOSQE_FIXED_FILE | IOSQE_IO_HARDLINK;
		sqe->user_data = k * OP_COUNT + OP_READ;
		sqe = io_uring_get_sqe(&b->ring);
		io_uring_prep_close_direct(sqe, (unsigned)k);
		sqe->user_data = k * OP_COUNT + OP_CLOSE;
	}
	want = (unsigned)n * OP_COUNT;
	while (seen < want) {
		unsigned got = 0;
		int rc = io_uring_submit_and_wait(&b->ring, want - seen);

		if (rc < 0 && rc != -EINTR) {
			/* Nothing more will complete: every file not yet whole is read another way.
			 */
			b->broken = 1;
			for (size_t k = 0; k < n; k++)
				out[k].whole = 0;
			return;
		}
		io_uring_for_each_cqe(&b->ring, head, cqe)
		{
			size_t k = (size_t)(cqe->user_data / OP_COUNT);
			int res = cqe->res;

			switch (cqe->user_data % OP_COUNT) {
			case OP_OPEN:
				b->opened[k] = res >= 0;
				break;
			case OP_READ:
				/* A read that fills the buffer may have left bytes behind. */
				if (res >= 0 && (size_t)res < b->cap) {
					out[k].len = (size_t)res;
					out[k].whole = 1;
				}
				break;
			default:
				break;
			}
			got++;
		}
		io_uring_cq_advance(&b->ring, got);
		seen += got;
	}
	for (size_t k = 0; k < n; k++)
		if (!b->opened[k])
			out[k].whole = 0;
}
