/*
 * bulkhead image: audit a built image (docker-archive, OCI layout directory or a tar of one) with
 * the IM rules, or write its SBOM (SPDX 2.3 or CycloneDX 1.5 JSON) with --sbom.
 */
#include "cli.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "core/fs.h"
#include "core/suppress.h"
#include "engine/engine.h"
#include "image/oci.h"

#include "core/banned.h"

enum {
	OPT_PLATFORM = CLI_OPT_FIRST_COMMAND_OPTION,
	OPT_SBOM,
};

static const struct bh_opt_doc image_options[] = {
	CLI_REPORT_OPTIONS,
	CLI_REGISTRY_OPTIONS,
	{ "--platform OS/ARCH[/VARIANT]",
	  "Pick this platform's manifest from an image index (default linux/amd64, else the first)." },
	{ "--sbom FORMAT",
	  "Write the image's SBOM instead of the audit: spdx (SPDX 2.3 JSON) or cyclonedx (CycloneDX 1.5 JSON)." },
	{ "-h, --help", "Show this help." },
	{ NULL, NULL },
};

static int write_sbom(struct bh_image *img, enum bh_sbom_format fmt, const char *output)
{
	struct bh_arena a;
	struct bh_pkgs pkgs = { 0 };
	struct bh_buf out;
	struct bh_diag d = { 0 };
	int rc = 0;

	bh_arena_init(&a, 0);
	bh_buf_init(&out, 0);
	if (bh_pkgdb_collect(img, &a, &pkgs, &d) || bh_sbom_write(img, &pkgs, fmt, &out, &d)) {
		cli_diag(&d);
		rc = 2;
		goto out;
	}
	for (size_t i = 0; i < pkgs.nwarnings; i++)
		fprintf(stderr, "bulkhead: warning: %s\n", pkgs.warnings[i]);
	if (output) {
		if (bh_fs_write_atomic(output, bh_buf_str(&out), out.len, &d)) {
			cli_diag(&d);
			rc = 3;
		}
	} else if (fwrite(bh_buf_str(&out), 1, out.len, stdout) != out.len || fflush(stdout)) {
		rc = 3;
	}
out:
	bh_buf_release(&out);
	bh_arena_release(&a);
	return rc;
}

static int run(int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_REPORT_LONGOPTS,
		CLI_REGISTRY_LONGOPTS,
		{ "platform", required_argument, NULL, OPT_PLATFORM },
		{ "sbom", required_argument, NULL, OPT_SBOM },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct cli_report r = { 0 };
	struct bh_registry_opts reg = { 0 };
	const char *platform = NULL;
	int sbom = -1, opt, rc;
	struct bh_image img;
	struct bh_scan s;
	struct bh_diag d = { 0 };
	bh_err err;

	optind = 1;
	while ((opt = getopt_long(argc, argv, CLI_REPORT_SHORTOPTS "h", longopts, NULL)) != -1) {
		int k = cli_report_option(&r, opt, optarg);

		if (k < 0)
			return cli_usage(&cmd_image_def, "invalid value '%s'", optarg);
		if (k || cli_registry_option(&reg, opt, optarg))
			continue;
		switch (opt) {
		case OPT_PLATFORM:
			platform = optarg;
			break;
		case OPT_SBOM:
			if (!strcmp(optarg, "spdx") || !strcmp(optarg, "spdx-json"))
				sbom = BH_SBOM_SPDX;
			else if (!strcmp(optarg, "cyclonedx") || !strcmp(optarg, "cyclonedx-json"))
				sbom = BH_SBOM_CYCLONEDX;
			else
				return cli_usage(&cmd_image_def, "--sbom takes spdx or cyclonedx");
			break;
		case 'h':
			cli_help(stdout, &cmd_image_def);
			return 0;
		default:
			return cli_usage(&cmd_image_def, "unknown option");
		}
	}
	if (optind != argc - 1)
		return cli_usage(&cmd_image_def, "expected one IMAGE");
	/* An SBOM needs the packages, not the secret scan of every file. */
	err = bh_image_open_reg(&img, argv[optind], platform,
				sbom >= 0 ? BH_IMAGE_NO_CONTENT_SCAN : 0, &reg, &d);
	if (err) {
		cli_diag(&d);
		/* A digest mismatch is an input error here, not a failed verification; a registry
		 * that cannot be reached or refuses us is an operational error. */
		return err == BH_ERR_NOMEM || err == BH_ERR_NET ? 3 : 2;
	}
	if (sbom >= 0) {
		rc = write_sbom(&img, (enum bh_sbom_format)sbom, r.output);
		bh_image_release(&img);
		return rc;
	}
	bh_scan_init(&s);
	rc = cli_scan_setup(&r, &s, ".");
	if (rc)
		goto out;
	s.files_scanned = 1;
	s.bytes_scanned = (size_t)img.bytes;
	bh_image_audit(&s, &img);
	bh_suppress_apply(&s, &r.baseline);
	bh_findings_sort(&s.findings);
	rc = cli_scan_finish(&r, &s, "image");
out:
	cli_report_release(&r);
	bh_scan_release(&s);
	bh_image_release(&img);
	return rc;
}

const struct bh_command cmd_image_def = {
	.name = "image",
	.fn = run,
	.summary = "audit a built image or write its SBOM",
	.usage = "image [options] IMAGE",
	.description = CLI_IMAGE_SPEC_HELP
	"Layers (gzip, zstd or plain) are applied in memory with their whiteouts; blob digests\n"
	"and diff_ids are verified. The IM rules check the config user, shells, package\n"
	"managers, SUID/SGID and world-writable files, secrets and private keys in every layer\n"
	"(also in files a later layer deleted), secrets in Env, Labels and history, empty\n"
	"passwords, port 22 and hostile archive entries. With --sbom, the packages of dpkg\n"
	"(status, status.d), apk, rpm (sqlite), Python and npm are written as an SBOM.\n"
	"Exit status: 0 when no finding is at or above --fail-on, 1 when one is, 2 for usage or\n"
	"input errors (unreadable or malformed image, digest mismatch, a limit, no such image\n"
	"in the registry), 3 otherwise (a registry that cannot be reached or refuses the\n"
	"credentials).",
	.options = image_options,
	.examples =
		"  $ bulkhead image agent.tar\n"
		"  $ bulkhead image --format sarif -o image.sarif oci-dir:v1\n"
		"  $ bulkhead image --sbom cyclonedx -o sbom.cdx.json agent.tar\n"
		"  $ bulkhead image docker://registry.example:5000/agents/planner:1.4\n"
		"  $ bulkhead image --allow-http-registry localhost:5000/agent@sha256:<digest>\n",
};
