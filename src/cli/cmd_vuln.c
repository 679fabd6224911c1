/*
 * bulkhead vuln: the known vulnerabilities of the packages of an SBOM or an image, from the OSV
 * advisories that bulkhead db import stored. Each (package, advisory) pair is one IM-017 finding
 * with the advisory's severity.
 */
#include "cli.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "core/fs.h"
#include "core/limits.h"
#include "core/suppress.h"
#include "engine/engine.h"
#include "image/oci.h"
#include "vuln/vuln.h"

#include "core/banned.h"

enum {
	OPT_DB = CLI_OPT_FIRST_COMMAND_OPTION,
	OPT_PLATFORM,
};

static const struct bh_opt_doc vuln_options[] = {
	CLI_REPORT_OPTIONS,
	{ "--db FILE",
	  "The database bulkhead db import wrote (default $XDG_CACHE_HOME/bulkhead/vuln.db, else ~/.cache/bulkhead/vuln.db)." },
	{ "--platform OS/ARCH[/VARIANT]", "For an image index: the platform's manifest to read." },
	{ "-h, --help", "Show this help." },
	{ NULL, NULL },
};

struct run_ctx {
	struct bh_scan *s;
	const struct bh_rule *rule;
	const char *file;
	int override; /* the config sets IM-017's severity: it wins over the advisory's */
};

static bh_err on_hit(const struct bh_vuln_hit *h, void *vctx)
{
	struct run_ctx *c = vctx;
	const struct bh_vuln_pkg *p = h->pkg;
	struct bh_finding f = { 0 };
	/* What a pipeline reads without parsing the message (docs/json-report.md). */
	const struct bh_prop props[] = {
		{ "vulnerability", h->id },
		{ "aliases", h->aliases },
		{ "package", p->bin_name },
		{ "installed_version", p->bin_version },
		{ "source_package", p->name },
		{ "source_version", p->version },
		{ "ecosystem", p->ecosystem },
		{ "purl", p->purl },
		{ "severity_source", h->severity_source },
		{ "fixed_version", h->fixed },
	};
	struct bh_buf m;

	bh_buf_init(&m, 0);
	bh_buf_printf(&m, "%s %s", p->bin_name, p->bin_version);
	if (strcmp(p->name, p->bin_name) || strcmp(p->version, p->bin_version))
		bh_buf_printf(&m, " (source package %s %s)", p->name, p->version);
	bh_buf_printf(&m, " is affected by %s", h->id);
	if (*h->aliases)
		bh_buf_printf(&m, " (%s)", h->aliases);
	bh_buf_printf(&m, "; %s", h->fixed ? "fixed in " : "no fixed version");
	if (h->fixed)
		bh_buf_adds(&m, h->fixed);
	bh_buf_printf(&m, "; severity %s",
		      h->severity_known ? bh_severity_name(h->severity) : "not given");
	if (*h->severity_source)
		bh_buf_printf(&m, " from %s", h->severity_source);
	if (*h->summary)
		bh_buf_printf(&m, ": %.200s", h->summary);
	f.rule = c->rule;
	f.severity = c->override || !h->severity_known ? bh_config_severity(&c->s->cfg, c->rule)
						       : h->severity;
	f.message = bh_arena_strdup(&c->s->arena, bh_buf_str(&m));
	f.file = c->file;
	f.line = f.col = f.end_line = f.end_col = 1;
	f.object = bh_arena_strdup(&c->s->arena, p->purl);
	/* Keyed without the version: accepting a vulnerability in a baseline survives rebuilds
	 * that bump the package but do not fix it. */
	f.key = bh_arena_printf(&c->s->arena, "%s/%s %s", p->ecosystem, p->bin_name, h->id);
	f.props = props;
	/* The fixed version comes last, so that an advisory without one leaves it out. */
	f.nprops = sizeof(props) / sizeof(*props) - !h->fixed;
	bh_buf_release(&m);
	if (!f.message || !f.key)
		return BH_ERR_NOMEM;
	return bh_findings_add(&c->s->findings, &c->s->arena, &f);
}

/* The packages of an image: its package databases, as for --sbom. */
static int image_pkgs(const char *spec, const char *platform, struct bh_arena *a,
		      struct bh_vuln_pkgs *out, const char **label)
{
	struct bh_image img;
	struct bh_pkgs pkgs = { 0 };
	struct bh_diag d = { 0 };
	bh_err err;

	err = bh_image_open_flags(&img, spec, platform, BH_IMAGE_NO_CONTENT_SCAN, &d);
	if (err) {
		cli_diag(&d);
		return err == BH_ERR_NOMEM ? 3 : 2;
	}
	*label = bh_arena_strdup(a, img.label);
	err = bh_pkgdb_collect(&img, a, &pkgs, &d);
	for (size_t i = 0; !err && i < pkgs.n; i++) {
		const struct bh_pkg *p = &pkgs.items[i];
		struct bh_vuln_pkg vp;

		if (bh_vuln_pkg_from_purl(a, p->purl, p->source, p->source_version, pkgs.os.id,
					  pkgs.os.version_id, &vp)) {
			out->skipped++;
			continue;
		}
		err = bh_vuln_pkgs_add(a, out, &vp);
		if (err)
			bh_diag_set(&d, err, img.label, 0, 0, "more packages than the limit");
	}
	for (size_t i = 0; i < pkgs.nwarnings; i++)
		fprintf(stderr, "bulkhead: warning: %s\n", pkgs.warnings[i]);
	bh_image_release(&img);
	if (err) {
		cli_diag(&d);
		return bh_err_exit_code(err);
	}
	return 0;
}

/* An SBOM is a JSON file whose first non-blank byte is '{'; anything else is read as an image. */
static int is_sbom(const char *path)
{
	char *data = NULL;
	size_t len = 0;
	int yes = 0;
	struct stat sb;

	if (stat(path, &sb) || !S_ISREG(sb.st_mode))
		return 0;
	if (bh_fs_read(path, BH_LIMIT_FILE_BYTES, &data, &len, NULL))
		return 0;
	for (size_t i = 0; i < len; i++) {
		if (data[i] == ' ' || data[i] == '\n' || data[i] == '\r' || data[i] == '\t')
			continue;
		yes = data[i] == '{';
		break;
	}
	free(data);
	return yes;
}

static int run(int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_REPORT_LONGOPTS,
		{ "db", required_argument, NULL, OPT_DB },
		{ "platform", required_argument, NULL, OPT_PLATFORM },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct cli_report r = { 0 };
	struct bh_vuln_pkgs pkgs = { 0 };
	struct run_ctx c = { 0 };
	struct bh_diag d = { 0 };
	struct bh_arena a;
	struct bh_scan s;
	const char *db = NULL, *platform = NULL, *input;
	int opt, rc;
	bh_err err;

	optind = 1;
	while ((opt = getopt_long(argc, argv, CLI_REPORT_SHORTOPTS "h", longopts, NULL)) != -1) {
		int k = cli_report_option(&r, opt, optarg);

		if (k < 0)
			return cli_usage(&cmd_vuln_def, "invalid value '%s'", optarg);
		if (k)
			continue;
		switch (opt) {
		case OPT_DB:
			db = optarg;
			break;
		case OPT_PLATFORM:
			platform = optarg;
			break;
		case 'h':
			cli_help(stdout, &cmd_vuln_def);
			return 0;
		default:
			return cli_bad_option(&cmd_vuln_def, argv);
		}
	}
	if (optind != argc - 1)
		return cli_usage(&cmd_vuln_def, "expected one SBOM or IMAGE");
	input = argv[optind];
	bh_arena_init(&a, 0);
	bh_scan_init(&s);
	if (!db)
		db = bh_vuln_default_db(&a);
	if (!db) {
		rc = cli_usage(&cmd_vuln_def, "neither XDG_CACHE_HOME nor HOME is set: use --db");
		goto out;
	}
	rc = cli_scan_setup(&r, &s, ".");
	if (rc)
		goto out;
	c.file = input;
	if (is_sbom(input)) {
		char *data = NULL;
		size_t len = 0;

		err = bh_fs_read(input, BH_LIMIT_FILE_BYTES, &data, &len, &d);
		if (!err)
			err = bh_vuln_sbom_read(&a, data, len, input, &pkgs, &d);
		free(data);
		if (err) {
			cli_diag(&d);
			rc = err == BH_ERR_NOMEM ? 3 : 2;
			goto out;
		}
		s.bytes_scanned = len;
	} else {
		rc = image_pkgs(input, platform, &a, &pkgs, &c.file);
		if (rc)
			goto out;
	}
	s.files_scanned = 1;
	c.s = &s;
	c.rule = bh_catalogue_find("IM-017");
	for (size_t i = 0; i < s.cfg.nsev; i++)
		if (!strcasecmp(s.cfg.sev[i].rule, "IM-017"))
			c.override = 1;
	if (bh_scan_rule_enabled(&s, c.rule)) {
		err = bh_vuln_match(db, &pkgs, on_hit, &c, &d);
		if (err) {
			/* A missing or unreadable database is an input like the SBOM. */
			cli_diag(&d);
			rc = err == BH_ERR_NOMEM ? 3 : 2;
			goto out;
		}
	}
	if (pkgs.skipped)
		fprintf(stderr,
			"bulkhead: note: %zu of %zu packages were not matched (no purl, or an ecosystem without OSV data here: rpm, or an unknown distribution release)\n",
			pkgs.skipped, pkgs.skipped + pkgs.n);
	bh_suppress_apply(&s, &r.baseline);
	bh_findings_sort(&s.findings);
	rc = cli_scan_finish(&r, &s, "vuln");
out:
	cli_report_release(&r);
	bh_scan_release(&s);
	bh_arena_release(&a);
	return rc;
}

const struct bh_command cmd_vuln_def = {
	.name = "vuln",
	.fn = run,
	.summary = "match an SBOM's or an image's packages against OSV advisories",
	.usage = "vuln [options] SBOM|IMAGE",
	.description =
		"Read the packages of SBOM (CycloneDX 1.5 or SPDX 2.3 JSON, such as bulkhead image\n"
		"--sbom writes; packages are taken from their purls) or of IMAGE (as bulkhead image\n"
		"reads it), and match each against the advisories of its ecosystem in the database that\n"
		"bulkhead db import wrote: Debian (by source package, release from the purl's distro\n"
		"qualifier or os-release), Alpine, PyPI and npm, each with its own version order (dpkg,\n"
		"apk, PEP 440, SemVer). Each affected package and advisory is one IM-017 finding with\n"
		"the advisory's aliases, the fixed version and the advisory's severity (its CVSS v3\n"
		"vector scored, else the database's own severity; IM-017's severity when it gives none\n"
		"or the config sets one).\n"
		"Exit status: 0 when no finding is at or above --fail-on, 1 when one is, 2 for usage or\n"
		"input errors (a malformed SBOM or image, a missing database), 3 otherwise.",
	.options = vuln_options,
	.examples = "  $ bulkhead image --sbom cyclonedx -o sbom.cdx.json agent.tar\n"
		    "  $ bulkhead vuln sbom.cdx.json\n"
		    "  $ bulkhead vuln --fail-on critical -f sarif -o vuln.sarif agent.tar\n",
};
