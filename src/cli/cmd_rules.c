/* bulkhead rules: list the rule catalogue. */
#include "cli.h"

#include <getopt.h>
#include <string.h>

#include "engine/engine.h"

#include "core/banned.h"

static const struct bh_opt_doc rules_options[] = {
	{ "--layer PREFIX", "Only rules of one layer: DF, IM, K8, CI, SE, SC or NP." },
	{ "-h, --help", "Show this help." },
	{ NULL, NULL },
};

static int run(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "layer", required_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *layer = NULL;
	size_t n;
	const struct bh_rule *const *rules;
	int opt;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (opt == 'l') {
			layer = optarg;
		} else if (opt == 'h') {
			cli_help(stdout, &cmd_rules_def);
			return 0;
		} else {
			return cli_bad_option(&cmd_rules_def, argv);
		}
	}
	if (optind < argc)
		return cli_usage(&cmd_rules_def, "unexpected argument '%s'", argv[optind]);
	if (layer) {
		int known = 0;

		for (int l = 0; l < BH_LAYER_COUNT; l++)
			known |= !strcasecmp(layer, bh_layer_prefix((enum bh_layer)l));
		if (!known)
			return cli_usage(&cmd_rules_def,
					 "unknown layer '%s': DF, IM, K8, CI, SE, SC or NP", layer);
	}
	rules = bh_catalogue(&n);
	for (size_t i = 0; i < n; i++) {
		if (layer && strcasecmp(layer, bh_layer_prefix(rules[i]->layer)))
			continue;
		printf("%-8s %-9s %s\n", rules[i]->id, bh_severity_name(rules[i]->severity),
		       rules[i]->title);
	}
	return 0;
}

const struct bh_command cmd_rules_def = {
	.name = "rules",
	.fn = run,
	.summary = "list the rule catalogue",
	.usage = "rules [--layer PREFIX]",
	.description = "List every rule: its id, default severity and title.",
	.options = rules_options,
	.examples = "  $ bulkhead rules --layer K8\n",
};
