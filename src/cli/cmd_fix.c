/*
 * bulkhead fix: apply the mechanical Kubernetes fixes (securityContext fields, capabilities,
 * seccomp, the service-account token, resource placeholders marked for review) to manifests in
 * place, or with --dry-run print them as a unified diff. Files are rewritten atomically; a file
 * that cannot be fixed safely is reported and left as it was.
 */
#include "cli.h"

#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "core/fs.h"
#include "core/limits.h"
#include "engine/engine.h"
#include "kube/kube.h"

#include "core/banned.h"

/* The LCS table of the diff is bounded; past it the changed region is shown as one hunk. */
#define DIFF_MAX_CELLS (16u * 1024 * 1024)
#define DIFF_CONTEXT   3

struct lines {
	const char **s;
	size_t *n;
	size_t count;
};

static int split_lines(const char *t, size_t len, struct lines *l)
{
	size_t k = 0, cap = 1;

	for (size_t i = 0; i < len; i++)
		cap += t[i] == '\n';
	l->s = malloc(cap * sizeof(*l->s));
	l->n = malloc(cap * sizeof(*l->n));
	if (!l->s || !l->n)
		return -1;
	for (size_t i = 0; i < len;) {
		const char *e = memchr(t + i, '\n', len - i);
		size_t n = e ? (size_t)(e - (t + i)) + 1 : len - i;

		l->s[k] = t + i;
		l->n[k++] = n;
		i += n;
	}
	l->count = k;
	return 0;
}

static int same(const struct lines *a, size_t i, const struct lines *b, size_t j)
{
	return a->n[i] == b->n[j] && memcmp(a->s[i], b->s[j], a->n[i]) == 0;
}

/* One diff operation per line: ' ' kept, '-' removed, '+' added. */
struct op {
	char kind;
	size_t a, b; /* line indexes in old and new */
};

static void print_line(FILE *out, char kind, const char *s, size_t n)
{
	fputc(kind, out);
	fwrite(s, 1, n, out);
	if (!n || s[n - 1] != '\n')
		fputs("\n\\ No newline at end of file\n", out);
}

static int diff(FILE *out, const char *path, const char *a, size_t alen, const char *b, size_t blen)
{
	struct lines la = { 0 }, lb = { 0 };
	struct op *ops = NULL;
	uint32_t *t = NULL;
	size_t pre = 0, suf = 0, na, nb, nops = 0, i, j;
	int rc = -1;

	if (split_lines(a, alen, &la) || split_lines(b, blen, &lb))
		goto out;
	while (pre < la.count && pre < lb.count && same(&la, pre, &lb, pre))
		pre++;
	while (suf < la.count - pre && suf < lb.count - pre &&
	       same(&la, la.count - 1 - suf, &lb, lb.count - 1 - suf))
		suf++;
	na = la.count - pre - suf;
	nb = lb.count - pre - suf;
	ops = malloc((la.count + lb.count + 1) * sizeof(*ops));
	if (!ops)
		goto out;
	for (i = 0; i < pre; i++)
		ops[nops++] = (struct op){ ' ', i, i };
	if ((uint64_t)(na + 1) * (nb + 1) <= DIFF_MAX_CELLS) {
		/* LCS of the middle: t[i][j] is the LCS length of old[i..] and new[j..]. */
		t = calloc((na + 1) * (nb + 1), sizeof(*t));
		if (!t)
			goto out;
		for (i = na; i-- > 0;)
			for (j = nb; j-- > 0;)
				t[i * (nb + 1) + j] =
					same(&la, pre + i, &lb, pre + j)
						? t[(i + 1) * (nb + 1) + j + 1] + 1
						: (t[(i + 1) * (nb + 1) + j] >
								   t[i * (nb + 1) + j + 1]
							   ? t[(i + 1) * (nb + 1) + j]
							   : t[i * (nb + 1) + j + 1]);
		i = j = 0;
		while (i < na || j < nb) {
			if (i < na && j < nb && same(&la, pre + i, &lb, pre + j)) {
				ops[nops++] = (struct op){ ' ', pre + i, pre + j };
				i++;
				j++;
			} else if (i < na && (j == nb || t[(i + 1) * (nb + 1) + j] >=
								 t[i * (nb + 1) + j + 1])) {
				/* Removals before additions, as diff(1) prints them. */
				ops[nops++] = (struct op){ '-', pre + i, pre + j };
				i++;
			} else {
				ops[nops++] = (struct op){ '+', pre + i, pre + j };
				j++;
			}
		}
	} else {
		for (i = 0; i < na; i++)
			ops[nops++] = (struct op){ '-', pre + i, pre };
		for (j = 0; j < nb; j++)
			ops[nops++] = (struct op){ '+', pre + na, pre + j };
	}
	for (i = 0; i < suf; i++)
		ops[nops++] = (struct op){ ' ', pre + na + i, pre + nb + i };

	fprintf(out, "--- %s\n+++ %s\n", path, path);
	for (i = 0; i < nops;) {
		size_t start, end, k, oa = 0, ob = 0, ca = 0, cb = 0;

		if (ops[i].kind == ' ') {
			i++;
			continue;
		}
		/* A hunk: changes closer than 2*context lines share one. */
		start = i > DIFF_CONTEXT ? i - DIFF_CONTEXT : 0;
		end = i;
		for (k = i; k < nops; k++) {
			if (ops[k].kind != ' ')
				end = k;
			else if (k - end > 2 * DIFF_CONTEXT)
				break;
		}
		end = end + DIFF_CONTEXT + 1 < nops ? end + DIFF_CONTEXT + 1 : nops;
		for (k = start; k < end; k++) {
			ca += ops[k].kind != '+';
			cb += ops[k].kind != '-';
		}
		oa = ops[start].a;
		ob = ops[start].b;
		fprintf(out, "@@ -%zu,%zu +%zu,%zu @@\n", ca ? oa + 1 : oa, ca, cb ? ob + 1 : ob,
			cb);
		for (k = start; k < end; k++) {
			if (ops[k].kind == '+')
				print_line(out, '+', lb.s[ops[k].b], lb.n[ops[k].b]);
			else
				print_line(out, ops[k].kind, la.s[ops[k].a], la.n[ops[k].a]);
		}
		i = end;
	}
	rc = 0;
out:
	free(la.s);
	free(la.n);
	free(lb.s);
	free(lb.n);
	free(ops);
	free(t);
	return rc;
}

/*
 * What to fix: the unsuppressed K8 findings of a scan of the file, with its .bulkhead.yaml, so
 * that a suppressed or disabled rule is not "fixed" behind the user's back. Keys are
 * "rule/object/container" and "rule/object/" (any container), sorted for bsearch.
 */
struct wanted {
	char **keys;
	size_t n;
};

static int key_cmp(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

static char *make_key(const char *rule, const char *object, const char *container)
{
	size_t n = strlen(rule) + strlen(object) + (container ? strlen(container) : 0) + 4;
	char *k = malloc(n);

	if (k)
		snprintf(k, n, "%s\x1f%s\x1f%s", rule, object, container ? container : "");
	return k;
}

static int want(void *arg, const char *rule, const char *object, const char *container)
{
	const struct wanted *w = arg;
	char *k = make_key(rule, object ? object : "", container);
	int hit;

	if (!k)
		return 1; /* fail open on memory: the fix is still verified before writing */
	hit = bsearch(&k, w->keys, w->n, sizeof(*w->keys), key_cmp) != NULL;
	free(k);
	return hit;
}

static void wanted_release(struct wanted *w)
{
	for (size_t i = 0; i < w->n; i++)
		free(w->keys[i]);
	free(w->keys);
	memset(w, 0, sizeof(*w));
}

static int wanted_load(const char *path, struct wanted *w, struct bh_diag *d)
{
	struct bh_scan s;
	const char *const paths[] = { path };
	int rc = -1;

	memset(w, 0, sizeof(*w));
	bh_scan_init(&s);
	if (bh_engine_config(&s, NULL, path, d))
		goto out;
	if (bh_engine_scan(&s, paths, 1, NULL))
		goto out;
	if (s.nerrors) {
		*d = s.errors[0];
		goto out;
	}
	w->keys = calloc(2 * s.findings.n + 1, sizeof(*w->keys));
	if (!w->keys)
		goto out;
	for (size_t i = 0; i < s.findings.n; i++) {
		const struct bh_finding *f = &s.findings.items[i];

		if (f->suppressed_by || f->rule->layer != BH_LAYER_K8 || !f->object)
			continue;
		w->keys[w->n] = make_key(f->rule->id, f->object, NULL);
		if (w->keys[w->n])
			w->n++;
		if (!f->container)
			continue;
		w->keys[w->n] = make_key(f->rule->id, f->object, f->container);
		if (w->keys[w->n])
			w->n++;
	}
	qsort(w->keys, w->n, sizeof(*w->keys), key_cmp);
	rc = 0;
out:
	bh_scan_release(&s);
	return rc;
}

struct fix_run {
	int dry_run;
	int explicit;
	size_t files, changed, errors;
};

static int has_suffix(const char *s, const char *suf)
{
	size_t n = strlen(s), m = strlen(suf);

	return n >= m && strcasecmp(s + n - m, suf) == 0;
}

static bh_err fix_file(const char *path, void *arg)
{
	struct fix_run *r = arg;
	struct bh_diag d = { 0 };
	struct wanted w;
	char *data = NULL, *out = NULL;
	size_t len = 0, out_len = 0;
	unsigned n = 0;

	if (!r->explicit && !has_suffix(path, ".yaml") && !has_suffix(path, ".yml"))
		return BH_OK;
	r->files++;
	if (wanted_load(path, &w, &d) || bh_fs_read(path, BH_LIMIT_FILE_BYTES, &data, &len, &d) ||
	    bh_kube_fix_text(path, data, len, want, &w, &out, &out_len, &n, &d)) {
		cli_diag(&d);
		r->errors++;
		free(data);
		wanted_release(&w);
		return BH_OK;
	}
	wanted_release(&w);
	if (out) {
		r->changed++;
		if (r->dry_run) {
			if (diff(stdout, path, data, len, out, out_len))
				r->errors++;
		} else if (bh_fs_write_atomic(path, out, out_len, &d)) {
			cli_diag(&d);
			r->errors++;
		} else {
			fprintf(stderr, "bulkhead: fixed %s (%u edit%s)\n", path, n,
				n == 1 ? "" : "s");
		}
	}
	free(out);
	free(data);
	return BH_OK;
}

static void walk_error(const struct bh_diag *d, void *arg)
{
	struct fix_run *r = arg;

	cli_diag(d);
	r->errors++;
}

static const struct bh_opt_doc fix_options[] = {
	{ "-n, --dry-run",
	  "Print the changes as a unified diff instead of writing them; exit 1 when a file would change." },
	{ "-h, --help", "Show this help." },
	{ NULL, NULL },
};

static int run(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "dry-run", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct fix_run r = { 0 };
	struct bh_walk_opts wo = { 0 };
	struct stat st;
	int opt;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "nh", longopts, NULL)) != -1) {
		switch (opt) {
		case 'n':
			r.dry_run = 1;
			break;
		case 'h':
			cli_help(stdout, &cmd_fix_def);
			return 0;
		default:
			return cli_usage(&cmd_fix_def, "unknown option");
		}
	}
	if (optind >= argc)
		return cli_usage(&cmd_fix_def, "give the files or directories to fix");
	for (int i = optind; i < argc; i++) {
		if (!strcmp(argv[i], "-"))
			return cli_usage(&cmd_fix_def,
					 "fix rewrites files; it does not read stdin");
		/* Files named explicitly are fixed whatever their name; a walk takes YAML only. */
		r.explicit = stat(argv[i], &st) == 0 && !S_ISDIR(st.st_mode);
		bh_fs_walk(argv[i], &wo, fix_file, &r, walk_error);
	}
	fflush(stdout);
	if (r.errors)
		return 2;
	return r.dry_run && r.changed ? 1 : 0;
}

const struct bh_command cmd_fix_def = {
	.name = "fix",
	.fn = run,
	.summary = "apply mechanical fixes to Kubernetes manifests",
	.usage = "fix [--dry-run] PATH...",
	.description =
		"Rewrite the workloads in YAML manifests so that the mechanical K8 rules that report\n"
		"on them pass (suppressed findings and disabled rules are left alone):\n"
		"allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities.drop\n"
		"[ALL], runAsNonRoot with a non-root UID and GID, seccompProfile RuntimeDefault,\n"
		"automountServiceAccountToken: false (unless annotated bulkhead.dev/needs-api), and\n"
		"resource requests and limits as placeholders marked '# bulkhead: placeholder, review'.\n"
		"Only the edited lines change: comments, key order and indentation stay. Files with\n"
		"YAML anchors, and JSON files, are left alone. A second run changes nothing. Exit\n"
		"status: 0 on success, 1 with --dry-run when a file would change, 2 on input errors.",
	.options = fix_options,
	.examples = "  $ bulkhead fix --dry-run deploy/\n"
		    "  $ bulkhead fix deploy/agent.yaml\n",
};
