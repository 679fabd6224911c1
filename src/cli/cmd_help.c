/* bulkhead help: the command list, or one command's help. */
#include "cli.h"

#include <string.h>

#include "core/banned.h"

static int run(int argc, char **argv)
{
	if (argc >= 2) {
		const struct bh_command *c = bh_command_find(argv[1]);

		if (!c) {
			fprintf(stderr, "bulkhead help: no command '%s'\n", argv[1]);
			return 2;
		}
		cli_help(stdout, c);
		return 0;
	}
	cli_list_commands(stdout);
	return 0;
}

void cli_list_commands(FILE *f)
{
	fprintf(f, "usage: bulkhead <command> [options]\n\n"
		   "bulkhead secures AI agent deployments on Kubernetes: the image, the pod, the\n"
		   "pipeline and the network.\n\ncommands:\n");
	int width = 12;

	/* The summaries line up after the longest command name (verify-attestation). */
	for (size_t i = 0; i < bh_ncommands; i++)
		if (!bh_commands[i]->hidden && (int)strlen(bh_commands[i]->name) > width)
			width = (int)strlen(bh_commands[i]->name);
	for (size_t i = 0; i < bh_ncommands; i++)
		if (!bh_commands[i]->hidden)
			fprintf(f, "  %-*s %s\n", width, bh_commands[i]->name,
				bh_commands[i]->summary);
	fprintf(f, "\n'bulkhead <command> --help' shows a command's options.\n");
}

static const struct bh_opt_doc help_options[] = { { NULL, NULL } };

const struct bh_command cmd_help_def = {
	.name = "help",
	.fn = run,
	.summary = "list the commands, or show one command's help",
	.usage = "help [COMMAND]",
	.description = "Without an argument, list the commands; with one, show its help.",
	.options = help_options,
};
