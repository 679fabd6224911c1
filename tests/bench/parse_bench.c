/*
 * The parse benchmark behind `make bench`: loads the YAML/JSON files under the given paths into
 * memory once, then parses all of them ROUNDS times, either with libyaml's event parser alone
 * ("raw": the floor any YAML tool pays) or with bh_doc_parse ("doc": bulkhead's document model,
 * built from those same events). Reading files is outside the timed loop, so the two figures
 * compare parsers only. Prints "MODE files bytes seconds" (best round) for the bench script.
 * Not installed and not a test: timing belongs in make bench only.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <yaml.h>

#include "core/arena.h"
#include "core/doc.h"
#include "core/fs.h"
#include "core/heap.h"
#include "core/limits.h"

struct input {
	char *data;
	size_t len;
};

static struct input *inputs;
static size_t ninputs, cap;

static int yaml_name(const char *p)
{
	size_t n = strlen(p);

	return (n > 5 && !strcmp(p + n - 5, ".yaml")) || (n > 4 && !strcmp(p + n - 4, ".yml")) ||
	       (n > 5 && !strcmp(p + n - 5, ".json"));
}

static bh_err load(const char *path, void *ctx)
{
	struct input in;

	(void)ctx;
	if (!yaml_name(path))
		return BH_OK;
	if (bh_fs_read(path, BH_LIMIT_FILE_BYTES, &in.data, &in.len, NULL))
		return BH_OK;
	if (ninputs == cap) {
		cap = cap ? cap * 2 : 256;
		inputs = realloc(inputs, cap * sizeof(*inputs));
		if (!inputs)
			return BH_ERR_NOMEM;
	}
	inputs[ninputs++] = in;
	return BH_OK;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* libyaml's events only, discarded as they come: what a parser cannot go below. */
static size_t parse_raw(const struct input *in)
{
	yaml_parser_t p;
	yaml_event_t ev;
	size_t n = 0;
	int done = 0;

	yaml_parser_initialize(&p);
	yaml_parser_set_input_string(&p, (const unsigned char *)in->data, in->len);
	while (!done) {
		if (!yaml_parser_parse(&p, &ev))
			break;
		done = ev.type == YAML_STREAM_END_EVENT;
		n++;
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&p);
	return n;
}

static size_t parse_doc(const struct input *in)
{
	struct bh_arena a;
	struct bh_docs docs;
	size_t n = 0;

	bh_arena_init(&a, 0);
	if (bh_doc_parse(&a, "bench.yaml", in->data, in->len, &docs, NULL) == BH_OK)
		n = docs.n;
	bh_arena_release(&a);
	return n;
}

int main(int argc, char **argv)
{
	int rounds = 5;
	size_t bytes = 0, sink = 0;
	double best = 1e9;
	const char *mode;

	if (argc < 3 || (strcmp(argv[1], "raw") && strcmp(argv[1], "doc"))) {
		fprintf(stderr, "usage: parse_bench raw|doc PATH...\n");
		return 2;
	}
	mode = argv[1];
	/* The heap as bulkhead's main sets it up, so that the model is measured as it runs there.
	 */
	bh_heap_setup();
	if (getenv("ROUNDS"))
		rounds = (int)strtol(getenv("ROUNDS"), NULL, 10);
	for (int i = 2; i < argc; i++)
		bh_fs_walk(argv[i], NULL, load, NULL, NULL);
	for (size_t i = 0; i < ninputs; i++)
		bytes += inputs[i].len;
	for (int r = 0; r < rounds; r++) {
		double t0 = now(), t;

		for (size_t i = 0; i < ninputs; i++)
			sink += mode[0] == 'r' ? parse_raw(&inputs[i]) : parse_doc(&inputs[i]);
		t = now() - t0;
		if (t < best)
			best = t;
	}
	printf("%s %zu %zu %.6f\n", mode, ninputs, bytes, best);
	for (size_t i = 0; i < ninputs; i++)
		free(inputs[i].data);
	free(inputs);
	return sink == 0 && ninputs;
}
