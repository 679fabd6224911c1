/*
 * The command line: the command table, each command's documentation (the single source of
 * --help, `bulkhead help` and the generated man page), and helpers shared by commands. Only
 * this folder prints or exits.
 */
#ifndef BH_CLI_H
#define BH_CLI_H

#include <stdio.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/suppress.h"
#include "registry/registry.h"
#include "report/report.h"

struct bh_opt_doc {
	const char *flags; /* "-f, --format FORMAT" */
	const char *help;
};

struct bh_command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary; /* one line, lower case, no full stop */
	const char *usage;   /* the synopsis after "bulkhead " */
	const char *description;
	const struct bh_opt_doc *options; /* terminated by { NULL, NULL } */
	const char *examples;		  /* lines of "$ command" and comments */
	int hidden;
};

/* The table: one definition per command file (cmd_<name>.c), listed in commands.c. */
extern const struct bh_command *const bh_commands[];
extern const size_t bh_ncommands;
const struct bh_command *bh_command_find(const char *name);

/* Print the command's help (the same text as its man page section). */
void cli_help(FILE *f, const struct bh_command *c);
/* Report a usage error for command c; returns 2. */
int cli_usage(const struct bh_command *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/*
 * Report the option getopt_long just rejected (main sets opterr = 0, so getopt prints nothing
 * itself); call it from the '?' / default branch. Returns 2.
 */
int cli_bad_option(const struct bh_command *c, char **argv);
/* Edit distance between two short words, for suggestions (99 when either is long). */
size_t cli_edit_distance(const char *a, const char *b);
/* The command list with summaries, as `bulkhead help` prints it. */
void cli_list_commands(FILE *f);
/* Print an error diagnostic as "bulkhead: file:line:col: message". */
void cli_diag(const struct bh_diag *d);

/*
 * Options shared by every command that reports findings (scan, secrets, image): the report's
 * format and destination, the failure threshold, the config file and the baseline.
 */
struct cli_report {
	struct bh_report_opts opts;
	const char *output;
	const char *fail_on;
	int color_mode;		     /* -1 never, 0 auto, 1 always */
	const char *config;	     /* -c, --config */
	const char *baseline_path;   /* --baseline */
	const char *write_baseline;  /* --write-baseline */
	struct bh_baseline baseline; /* loaded by cli_scan_setup */
};

/* getopt_long codes for the shared long options. */
enum {
	CLI_OPT_FAIL_ON = 1000,
	CLI_OPT_COLOR,
	CLI_OPT_NO_COLOR,
	CLI_OPT_SHOW_SUPPRESSED,
	CLI_OPT_BASELINE,
	CLI_OPT_WRITE_BASELINE,
	CLI_OPT_ALLOW_HTTP_REGISTRY = 1050,
	CLI_OPT_ALLOW_INSECURE_REGISTRY,
	CLI_OPT_REGISTRY_CACERT,
	CLI_OPT_REGISTRY_AUTH,
	CLI_OPT_FIRST_COMMAND_OPTION = 1100,
};

/* clang-format off */
#define CLI_REPORT_OPTIONS \
	{ "-f, --format FORMAT", "text (default), json or sarif." }, \
	{ "-o, --output FILE", "Write the report to FILE atomically instead of standard output." }, \
	{ "--fail-on SEVERITY", "Exit 1 when a finding is at or above SEVERITY: critical, high (default), medium, low, info or none." }, \
	{ "--color, --no-color", "Force or disable colour; by default colour is used on a terminal unless NO_COLOR is set." }, \
	{ "--show-suppressed", "Also list suppressed findings and what suppressed each." }, \
	{ "-c, --config FILE", "Use FILE instead of the .bulkhead.yaml found by walking up from the first path to the repository root." }, \
	{ "--baseline FILE", "Suppress findings whose fingerprints are in FILE." }, \
	{ "--write-baseline FILE", "Write the fingerprints of the current findings to FILE instead of a report; exit 0, or 2 after input errors." }

/* The short options they add to a command's getopt string. */
#define CLI_REPORT_SHORTOPTS "f:o:c:"

#define CLI_REPORT_LONGOPTS \
	{ "format", required_argument, NULL, 'f' }, \
	{ "output", required_argument, NULL, 'o' }, \
	{ "fail-on", required_argument, NULL, CLI_OPT_FAIL_ON }, \
	{ "color", no_argument, NULL, CLI_OPT_COLOR }, \
	{ "no-color", no_argument, NULL, CLI_OPT_NO_COLOR }, \
	{ "show-suppressed", no_argument, NULL, CLI_OPT_SHOW_SUPPRESSED }, \
	{ "config", required_argument, NULL, 'c' }, \
	{ "baseline", required_argument, NULL, CLI_OPT_BASELINE }, \
	{ "write-baseline", required_argument, NULL, CLI_OPT_WRITE_BASELINE }
/* clang-format on */

/*
 * Options shared by every command that reads an image (image, vuln, gate): how to reach the
 * registry an image reference names. The names follow cosign's where it has them.
 */
/* clang-format off */
#define CLI_IMAGE_SPEC_HELP \
	"IMAGE is a docker-archive tar (docker save, skopeo), an OCI image layout directory or a\n" \
	"tar of one, optionally followed by :TAG; or an image in a registry:\n" \
	"docker://HOST[:PORT]/REPO[:TAG|@sha256:DIGEST], or the same without docker:// when it is\n" \
	"not an existing path and its first component is a registry host (has a '.' or ':', or is\n" \
	"localhost). A registry image is pulled over HTTPS (manifest, config and layers, each\n" \
	"verified by digest, at most 4 GiB and 256 layers) into a private temporary OCI layout\n" \
	"under $TMPDIR, read as a layout is, and removed afterwards; findings name the reference.\n" \
	"Credentials come from --registry-auth, else $DOCKER_CONFIG/config.json or\n" \
	"~/.docker/config.json.\n"

#define CLI_REGISTRY_OPTIONS \
	{ "--allow-http-registry", "Talk to the registry over plain HTTP; allowed only for a loopback host unless --allow-insecure-registry is given too." }, \
	{ "--allow-insecure-registry", "Do not verify the registry's TLS certificate." }, \
	{ "--registry-cacert FILE", "Also trust the CA certificates in FILE (PEM) for the registry." }, \
	{ "--registry-auth FILE", "Read registry credentials from FILE, a docker config.json with \"auths\"." }

#define CLI_REGISTRY_LONGOPTS \
	{ "allow-http-registry", no_argument, NULL, CLI_OPT_ALLOW_HTTP_REGISTRY }, \
	{ "allow-insecure-registry", no_argument, NULL, CLI_OPT_ALLOW_INSECURE_REGISTRY }, \
	{ "registry-cacert", required_argument, NULL, CLI_OPT_REGISTRY_CACERT }, \
	{ "registry-auth", required_argument, NULL, CLI_OPT_REGISTRY_AUTH }
/* clang-format on */

/* Handle one of the registry options into o; returns 1 when it was one, 0 when not. */
int cli_registry_option(struct bh_registry_opts *o, int opt, const char *arg);

/* Handle one of the shared options; returns 1 when it was one, 0 when not, -1 on a bad value. */
int cli_report_option(struct cli_report *r, int opt, const char *arg);
/* Render s and write it to stdout or r->output; returns an exit code for output failures. */
int cli_report_emit(struct cli_report *r, struct bh_scan *s);
/*
 * Before a run: load the config (--config, else the .bulkhead.yaml found from first_path),
 * apply --fail-on over the config's level, and load --baseline. Returns 0, or 2 after printing
 * the error.
 */
int cli_scan_setup(struct cli_report *r, struct bh_scan *s, const char *first_path);
/*
 * After a run whose findings are suppressed and sorted: print the input errors, then write the
 * baseline (--write-baseline) or the report. Returns the exit code: 3 when the output cannot be
 * written, 2 after input errors, 1 when a finding is at or above the fail-on level, else 0.
 */
int cli_scan_finish(struct cli_report *r, struct bh_scan *s, const char *tool);
/* The baseline's memory. */
void cli_report_release(struct cli_report *r);

/*
 * Whether arg, the word after --git, is a range ("main..feature", a ref) rather than a path:
 * it is when it has "..", or names nothing on disk.
 */
int cli_looks_like_range(const char *arg);

struct bh_secrets_engine;
/*
 * The secrets engine of a run whose config s has loaded: the built-in rules plus the config's
 * secrets: section in *out, or NULL (the default engine) when the config has none. Returns 0,
 * or an exit code (2 for a bad section, 3 out of memory) after printing the error.
 */
int cli_secrets_engine(struct bh_scan *s, struct bh_secrets_engine **out);

/* Command definitions, one file each. */
extern const struct bh_command cmd_scan_def;
extern const struct bh_command cmd_rules_def;
extern const struct bh_command cmd_explain_def;
extern const struct bh_command cmd_version_def;
extern const struct bh_command cmd_help_def;
extern const struct bh_command cmd_gen_docs_def;
extern const struct bh_command cmd_fix_def;
extern const struct bh_command cmd_netpol_def;
extern const struct bh_command cmd_image_def;
extern const struct bh_command cmd_dockerfile_def;
extern const struct bh_command cmd_secrets_def;
extern const struct bh_command cmd_init_def;
extern const struct bh_command cmd_gate_def;
extern const struct bh_command cmd_vuln_def;
extern const struct bh_command cmd_db_def;
extern const struct bh_command cmd_webhook_def;
extern const struct bh_command cmd_keygen_def;
extern const struct bh_command cmd_sign_def;
extern const struct bh_command cmd_verify_def;
extern const struct bh_command cmd_attest_def;
extern const struct bh_command cmd_verify_attestation_def;

#endif
