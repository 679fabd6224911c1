/* bulkhead explain: show one rule in full. */
#include "cli.h"

#include <string.h>

#include "engine/engine.h"

#include "core/banned.h"

static const struct bh_opt_doc explain_options[] = {
	{ "-h, --help", "Show this help." },
	{ NULL, NULL },
};

static int run(int argc, char **argv)
{
	const struct bh_rule *r;

	if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		cli_help(stdout, &cmd_explain_def);
		return 0;
	}
	if (argc != 2)
		return cli_usage(&cmd_explain_def, "expected one rule id");
	r = bh_catalogue_find(argv[1]);
	if (!r) {
		size_t n, best_d = 99;
		const struct bh_rule *const *all = bh_catalogue(&n);
		const char *best = NULL;

		for (size_t i = 0; i < n; i++) {
			size_t d = cli_edit_distance(argv[1], all[i]->id);

			if (d < best_d) {
				best_d = d;
				best = all[i]->id;
			}
		}
		fprintf(stderr, "bulkhead explain: no rule '%s'.", argv[1]);
		if (best && best_d <= 2)
			fprintf(stderr, " Did you mean %s?", best);
		fprintf(stderr, " 'bulkhead rules' lists them.\n");
		return 2;
	}
	printf("%s: %s\n\n", r->id, r->title);
	printf("layer:     %s\nseverity:  %s\n", bh_layer_name(r->layer),
	       bh_severity_name(r->severity));
	printf("attack:    %s\nfix:       %s\n", r->attack, r->fix);
	if (r->refs)
		printf("refs:      %s\n", r->refs);
	printf("\nSuppress one finding with '# bulkhead:ignore %s reason' on its line or the line above.\n",
	       r->id);
	return 0;
}

const struct bh_command cmd_explain_def = {
	.name = "explain",
	.fn = run,
	.summary = "show one rule: the attack it stops and the fix",
	.usage = "explain RULE-ID",
	.description =
		"Show a rule's title, layer, severity, the attack it stops, the fix and references.",
	.options = explain_options,
	.examples = "  $ bulkhead explain K8-001\n",
};
