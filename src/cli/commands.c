/*
 * The command table, in the order `bulkhead help` lists commands. A command is one file,
 * cmd_<name>.c, defining its struct bh_command; add it here to make it reachable.
 */
#include "cli.h"

#include <string.h>

#include "core/banned.h"

/* clang-format off */
const struct bh_command *const bh_commands[] = {
	&cmd_init_def,
	&cmd_scan_def,
	&cmd_gate_def,
	&cmd_fix_def,
	&cmd_dockerfile_def,
	&cmd_image_def,
	&cmd_vuln_def,
	&cmd_db_def,
	&cmd_secrets_def,
	&cmd_netpol_def,
	&cmd_keygen_def,
	&cmd_sign_def,
	&cmd_verify_def,
	&cmd_attest_def,
	&cmd_verify_attestation_def,
	&cmd_webhook_def,
	&cmd_rules_def,
	&cmd_explain_def,
	&cmd_version_def,
	&cmd_help_def,
	&cmd_gen_docs_def,
};
/* clang-format on */
const size_t bh_ncommands = sizeof(bh_commands) / sizeof(*bh_commands);

const struct bh_command *bh_command_find(const char *name)
{
	for (size_t i = 0; i < bh_ncommands; i++)
		if (strcmp(bh_commands[i]->name, name) == 0)
			return bh_commands[i];
	return NULL;
}
