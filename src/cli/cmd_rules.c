/* bulkhead rules: list the rule catalogue. */
#include "cli.h"

#include <getopt.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"

#include "core/banned.h"

static const struct bh_opt_doc rules_options[] = {
	{ "--layer PREFIX", "Only rules of one layer: DF, IM, K8, CI, SE, SC or NP." },
	{ "-f, --format FORMAT", "text (default) or json: every field of each rule, for tools." },
	{ "-h, --help", "Show this help." },
	{ NULL, NULL },
};

static int run(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "layer", required_argument, NULL, 'l' },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *layer = NULL;
	int json = 0;
	json_t *arr = NULL;
	size_t n;
	const struct bh_rule *const *rules;
	int opt;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "hf:", longopts, NULL)) != -1) {
		if (opt == 'l') {
			layer = optarg;
		} else if (opt == 'f') {
			if (strcmp(optarg, "text") && strcmp(optarg, "json"))
				return cli_usage(&cmd_rules_def, "--format takes text or json");
			json = !strcmp(optarg, "json");
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
	if (json)
		arr = json_array();
	for (size_t i = 0; i < n; i++) {
		const struct bh_rule *r = rules[i];

		if (layer && strcasecmp(layer, bh_layer_prefix(r->layer)))
			continue;
		if (!json) {
			printf("%-8s %-9s %s\n", r->id, bh_severity_name(r->severity), r->title);
		} else {
			json_t *o = json_object();

			json_object_set_new(o, "id", json_string(r->id));
			json_object_set_new(o, "layer", json_string(bh_layer_name(r->layer)));
			json_object_set_new(o, "severity",
					    json_string(bh_severity_name(r->severity)));
			json_object_set_new(o, "title", json_string(r->title));
			json_object_set_new(o, "attack", json_string(r->attack));
			json_object_set_new(o, "fix", json_string(r->fix));
			json_object_set_new(o, "refs",
					    r->refs ? json_string(r->refs) : json_null());
			json_array_append_new(arr, o);
		}
	}
	if (json) {
		char *text = json_dumps(arr, JSON_INDENT(2) | JSON_ENSURE_ASCII);

		json_decref(arr);
		if (!text)
			return 3;
		printf("%s\n", text);
		free(text);
	}
	return fflush(stdout) ? 3 : 0;
}

const struct bh_command cmd_rules_def = {
	.name = "rules",
	.fn = run,
	.summary = "list the rule catalogue",
	.usage = "rules [--layer PREFIX] [--format text|json]",
	.description = "List every rule: its id, default severity and title.",
	.options = rules_options,
	.examples = "  $ bulkhead rules --layer K8\n"
		    "  $ bulkhead rules --format json\n",
};
