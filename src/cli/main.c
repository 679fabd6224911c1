/*
 * bulkhead's entry point: find the command in the table and run it. An unknown command gets
 * the closest known name as a suggestion and exit code 2.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "core/heap.h"

#include "core/banned.h"

int main(int argc, char **argv)
{
	const struct bh_command *c;
	const char *best = NULL;
	size_t best_d = 99;

	bh_heap_setup();
	/* Commands report bad options themselves, naming the command (cli_bad_option). */
	opterr = 0;
	if (argc < 2) {
		cli_list_commands(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
		return bh_command_find("help")->fn(1, argv + 1);
	if (!strcmp(argv[1], "--version"))
		return bh_command_find("version")->fn(1, argv + 1);
	c = bh_command_find(argv[1]);
	/* Every command's --help is its documentation entry, the source of the man page too. */
	if (c && argc >= 3 && (!strcmp(argv[2], "--help") || !strcmp(argv[2], "-h"))) {
		cli_help(stdout, c);
		return 0;
	}
	if (c)
		return c->fn(argc - 1, argv + 1);
	for (size_t i = 0; i < bh_ncommands; i++) {
		size_t d = cli_edit_distance(argv[1], bh_commands[i]->name);

		if (!bh_commands[i]->hidden && d < best_d) {
			best_d = d;
			best = bh_commands[i]->name;
		}
	}
	fprintf(stderr, "bulkhead: '%s' is not a bulkhead command.", argv[1]);
	if (best && best_d <= 3)
		fprintf(stderr, " Did you mean '%s'?", best);
	fprintf(stderr, " See 'bulkhead help'.\n");
	return 2;
}
