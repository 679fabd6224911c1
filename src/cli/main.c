/*
 * bulkhead's entry point: find the command in the table and run it. An unknown command gets
 * the closest known name as a suggestion and exit code 2.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

#include "core/banned.h"

static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), prev[64], cur[64];

	if (la >= 63 || lb >= 63)
		return 99;
	for (size_t j = 0; j <= lb; j++)
		prev[j] = j;
	for (size_t i = 1; i <= la; i++) {
		cur[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
			size_t del = prev[j] + 1, ins = cur[j - 1] + 1;

			cur[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
		}
		memcpy(prev, cur, (lb + 1) * sizeof(*prev));
	}
	return prev[lb];
}

int main(int argc, char **argv)
{
	const struct bh_command *c;
	const char *best = NULL;
	size_t best_d = 99;

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
		size_t d = edit_distance(argv[1], bh_commands[i]->name);

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
