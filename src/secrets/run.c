/*
 * A `bulkhead secrets` run: the inputs (files, directories, stdin, git history) become a list of
 * jobs, N worker threads scan them with one scanner each, and every confirmed credential
 * becomes a finding of the run's scan.
 *
 * Findings go through bh_report_at() under one mutex (the scan's arena and list are not
 * thread-safe); the final sort makes the report independent of thread timing. A finding's key
 * is the rule and a hash of the secret, never the line, so a baseline entry survives edits
 * that move the secret. Secrets never reach the report unless show_secrets is set: the message
 * carries a redacted form and no source line is kept for the text report to print.
 */
#include "secrets.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/batchread.h"
#include "core/fs.h"
#include "core/hash.h"
#include "core/limits.h"
#include "history.h"

#include "core/banned.h"

/* A history finding already made for one secret at one path, and the job that made it. */
struct first_seen {
	const char *k; /* key "\n" path, arena-owned; NULL for an empty slot */
	size_t job, finding;
};

struct run {
	struct bh_scan *s;
	struct first_seen *seen; /* open addressing, capacity a power of two */
	size_t nseen, capseen;
	const struct bh_secrets_opts *o;
	const struct bh_secrets_engine *e;
	pthread_mutex_t mu;
	/* The walk appends to files under mu while the workers take batches from next_file;
	 * more is signalled on each new file and when the walk is done. */
	pthread_cond_t more;
	const char **files;
	size_t nfiles, capfiles, next_file;
	int walk_done;
	struct bh_git_jobs git;
	atomic_size_t next; /* the next history job */
	bh_err fatal;
};

/*
 * Files a worker takes at once, and the largest file read in one go by the batch reader:
 * most source files are far smaller, and a larger one is streamed as before. 64 x 64 KiB of
 * buffers per worker; only the pages the files fill are touched.
 */
enum { BATCH_FILES = 64, BATCH_FILE_CAP = 64 * 1024 };

struct hit_ctx {
	struct run *r;
	const char *file;
	const char *object;	     /* "commit <sha>" for history findings */
	const char *history;	     /* "added in commit ... by ... on ..." */
	const struct bh_prop *props; /* the commit's, for history findings */
	size_t nprops;
	size_t job; /* the history job's index (its topological rank), or SIZE_MAX */
};

static size_t fnv1a(const char *s)
{
	size_t h = 1469598103934665603ull;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

/*
 * Every later version of a file that holds a secret holds it too, and each version is its own
 * blob: keep one finding per secret and path, the one of the earliest job (jobs are in
 * topological order), so the finding names the commit that introduced the secret. Returns the
 * slot, or NULL when out of memory. Called under r->mu.
 */
static struct first_seen *first_seen_slot(struct run *r, const char *k)
{
	size_t i;

	if ((r->nseen + 1) * 2 > r->capseen) {
		size_t ncap = r->capseen ? r->capseen * 2 : 256;
		struct first_seen *n = calloc(ncap, sizeof(*n));

		if (!n)
			return NULL;
		for (size_t j = 0; j < r->capseen; j++) {
			if (!r->seen[j].k)
				continue;
			i = fnv1a(r->seen[j].k) & (ncap - 1);
			while (n[i].k)
				i = (i + 1) & (ncap - 1);
			n[i] = r->seen[j];
		}
		free(r->seen);
		r->seen = n;
		r->capseen = ncap;
	}
	i = fnv1a(k) & (r->capseen - 1);
	while (r->seen[i].k && strcmp(r->seen[i].k, k))
		i = (i + 1) & (r->capseen - 1);
	return &r->seen[i];
}

static void secret_key(const char *rule, const char *s, size_t len, char *out, size_t cap)
{
	unsigned char md[32];
	char h[33];

	bh_sha256(s, len, md);
	bh_hex(md, 16, h);
	snprintf(out, cap, "%s:sha256:%s", rule, h);
}

static void on_match(const struct bh_secret_match *m, void *arg)
{
	struct hit_ctx *h = arg;
	struct run *r = h->r;
	struct bh_ctx ctx = { 0 };
	char key[128];
	const char *shown;
	struct first_seen *slot = NULL;
	size_t before;
	int replace = 0;

	secret_key(m->rule->id, m->secret, m->len, key, sizeof(key));
	pthread_mutex_lock(&r->mu);
	if (!bh_scan_rule_enabled(r->s, m->rule))
		goto out;
	ctx.scan = r->s;
	ctx.rule = m->rule;
	ctx.file = h->file;
	ctx.object = h->object;
	ctx.props = h->props;
	ctx.nprops = h->nprops;
	if (m->allowed) {
		ctx.ignore = m->rule->id;
		ctx.ignore_src = bh_arena_printf(&r->s->arena, "inline comment at %s:%u", h->file,
						 m->allow_line);
	}
	if (h->job != SIZE_MAX) {
		char *k = bh_arena_printf(&r->s->arena, "%s\n%s", key, h->file);

		slot = k ? first_seen_slot(r, k) : NULL;
		if (!slot) {
			r->fatal = BH_ERR_NOMEM;
			goto out;
		}
		if (slot->k && slot->job <= h->job)
			goto out; /* an earlier commit already introduced this secret here */
		if (!slot->k) {
			slot->k = k;
			r->nseen++;
		} else {
			replace = 1;
		}
		slot->job = h->job;
	}
	shown = r->o->show_secrets ? bh_arena_strndup(&r->s->arena, m->secret, m->len)
				   : m->redacted;
	before = r->s->findings.n;
	bh_report_at(&ctx, m->line, m->col, m->end_line, m->end_col, key, "%s %s%s%s", m->kind,
		     shown ? shown : "", h->history ? " " : "", h->history ? h->history : "");
	if (slot && r->s->findings.n == before) {
		slot->finding = SIZE_MAX; /* not recorded (a limit): nothing to replace later */
	} else if (slot) {
		if (replace && slot->finding != SIZE_MAX) {
			/* Move the earlier commit's finding into the later one's place. */
			r->s->findings.items[slot->finding] = r->s->findings.items[before];
			r->s->findings.n = before;
		} else {
			slot->finding = before;
		}
	}
out:
	pthread_mutex_unlock(&r->mu);
}

static void record_error(struct run *r, const struct bh_diag *d)
{
	pthread_mutex_lock(&r->mu);
	bh_scan_error(r->s, d);
	pthread_mutex_unlock(&r->mu);
}

/* Inputs scanned by one worker, added to the scan once when it ends (no lock per file). */
struct tally {
	size_t files, bytes;
};

static void count_input(struct tally *t, size_t bytes)
{
	t->files++;
	t->bytes += bytes;
}

/*
 * After a file's scan: NOMEM stops the run (true: stop here); another error is recorded against
 * the file, which still counts as scanned as far as it went.
 */
static int scan_failed(struct run *r, const char *path, bh_err err, struct bh_diag *d)
{
	if (err == BH_ERR_NOMEM) {
		r->fatal = err;
		return 1;
	}
	if (!err)
		return 0;
	if (!d->file[0])
		bh_diag_set(
			d, err, path, 0, 0, "%s",
			err == BH_ERR_LIMIT
				? "too many candidate secrets; the rest of the file was not reported"
				: "scan failed");
	else
		snprintf(d->file, sizeof(d->file), "%s", path);
	record_error(r, d);
	return 0;
}

/* Scan one file by streaming it; binary files (by content) are skipped. */
static void scan_file(struct run *r, struct bh_secrets_scanner *sc, const char *path,
		      struct tally *t)
{
	struct hit_ctx h = { .r = r, .file = path, .job = SIZE_MAX };
	struct bh_diag d = { 0 };
	struct stat st = { 0 };
	int fd, binary = 0;
	bh_err err;

	/* O_NONBLOCK: a FIFO named on the command line must not hang the run; it is skipped below
	 * as not a regular file (it has no effect on regular files). */
	fd = !strcmp(path, "-") ? 0 : open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		bh_diag_set(&d, BH_ERR_IO, path, 0, 0, "cannot open: %s", strerror(errno));
		record_error(r, &d);
		return;
	}
	if (fd && (fstat(fd, &st) || !S_ISREG(st.st_mode))) {
		close(fd);
		return;
	}
	err = bh_secrets_scanner_scan_fd(sc, fd, fd ? (size_t)st.st_size : 0, 1, &binary, on_match,
					 &h, &d);
	if (fd)
		close(fd);
	if (scan_failed(r, path, err, &d))
		return;
	if (!binary)
		count_input(t, fd ? (size_t)st.st_size : 0);
}

/* Scan a file the batch reader gave whole, as scan_file would have streamed it. */
static void scan_whole(struct run *r, struct bh_secrets_scanner *sc, const char *path,
		       const char *data, size_t len, struct tally *t)
{
	struct hit_ctx h = { .r = r, .file = path, .job = SIZE_MAX };
	struct bh_diag d = { 0 };

	if (bh_fs_looks_binary(data, len))
		return;
	if (scan_failed(r, path, bh_secrets_scanner_scan(sc, data, len, on_match, &h), &d))
		return;
	count_input(t, len);
}

/* Take up to max files of the walk, waiting while it is still finding them; 0 at the end. */
static size_t take_files(struct run *r, const char **out, size_t max)
{
	size_t k = 0;

	pthread_mutex_lock(&r->mu);
	while (r->next_file >= r->nfiles && !r->walk_done && !r->fatal)
		pthread_cond_wait(&r->more, &r->mu);
	while (k < max && r->next_file < r->nfiles && !r->fatal)
		out[k++] = r->files[r->next_file++];
	pthread_mutex_unlock(&r->mu);
	return k;
}

/*
 * The files of a tree, a batch at a time. With the batch reader a batch costs one system call
 * instead of four per file; a file it does not give whole (stdin, an error, a large file) goes
 * through scan_file.
 */
static void scan_files(struct run *r, struct bh_secrets_scanner *sc, struct tally *t)
{
	struct bh_batch_read *br = bh_batch_read_new(BATCH_FILES, BATCH_FILE_CAP);
	const char *batch[BATCH_FILES], *reads[BATCH_FILES];
	struct bh_batch_file got[BATCH_FILES];
	size_t k;

	while ((k = take_files(r, batch, br ? BATCH_FILES : 1)) > 0) {
		size_t nreads = 0;

		for (size_t i = 0; i < k; i++)
			if (br && strcmp(batch[i], "-"))
				reads[nreads++] = batch[i];
		if (nreads)
			bh_batch_read_run(br, reads, nreads, got);
		for (size_t i = 0, j = 0; i < k && !r->fatal; i++) {
			if (j < nreads && reads[j] == batch[i]) {
				if (got[j].whole)
					scan_whole(r, sc, batch[i], got[j].data, got[j].len, t);
				else
					scan_file(r, sc, batch[i], t);
				j++;
			} else {
				scan_file(r, sc, batch[i], t);
			}
		}
	}
	bh_batch_read_free(br);
}

/* The history jobs, one blob each, taken one at a time. */
static void scan_history(struct run *r, struct bh_secrets_scanner *sc, struct tally *t)
{
	struct bh_git_reader *gr = NULL;

	if (bh_git_reader_open(&r->git, &gr)) {
		struct bh_diag d;

		bh_diag_set(&d, BH_ERR_IO, r->git.repo_path, 0, 0, "cannot open the repository");
		record_error(r, &d);
		return;
	}
	for (;;) {
		size_t i = atomic_fetch_add(&r->next, 1);
		const struct bh_git_job *j;
		struct bh_diag d = { 0 };
		const char *data;
		size_t len;
		bh_err err;

		if (i >= r->git.n || r->fatal)
			break;
		j = &r->git.jobs[i];
		err = bh_git_reader_blob(gr, j, &data, &len, &d);
		if (err) {
			record_error(r, &d);
			continue;
		}
		if (!data) /* binary */
			continue;
		{
			struct hit_ctx h = { .r = r,
					     .file = j->path,
					     .object = j->object,
					     .history = j->history,
					     .props = j->props,
					     .nprops = j->nprops,
					     .job = i };

			err = bh_secrets_scanner_scan(sc, data, len, on_match, &h);
		}
		if (err == BH_ERR_NOMEM)
			r->fatal = err;
		count_input(t, len);
	}
	bh_git_reader_close(gr);
}

static void *worker(void *arg)
{
	struct run *r = arg;
	struct bh_secrets_scanner *sc = NULL;
	struct tally t = { 0, 0 };
	const struct bh_secrets_engine *e;

	/* The default engine is built by the first worker that needs it (once), while the main
	 * thread is already walking. */
	e = r->e ? r->e : bh_secrets_engine_default();
	if (!e || bh_secrets_scanner_new(e, &sc)) {
		pthread_mutex_lock(&r->mu);
		r->fatal = BH_ERR_NOMEM;
		pthread_cond_broadcast(&r->more);
		pthread_mutex_unlock(&r->mu);
		return NULL;
	}
	if (r->git.n)
		scan_history(r, sc, &t);
	else
		scan_files(r, sc, &t);
	pthread_mutex_lock(&r->mu);
	r->s->files_scanned += t.files;
	r->s->bytes_scanned += t.bytes;
	pthread_mutex_unlock(&r->mu);
	bh_secrets_scanner_free(sc);
	return NULL;
}

/* Called by the walk (in the main thread, while the workers scan) for each file it finds. */
static bh_err on_file(const char *path, void *arg)
{
	struct run *r = arg;
	bh_err err = BH_OK;

	pthread_mutex_lock(&r->mu);
	if (r->nfiles == r->capfiles) {
		size_t ncap = r->capfiles ? r->capfiles * 2 : 256;
		const char **p = realloc(r->files, ncap * sizeof(*p));

		if (!p) {
			err = BH_ERR_NOMEM;
			goto out;
		}
		r->files = p;
		r->capfiles = ncap;
	}
	r->files[r->nfiles] = bh_arena_strdup(&r->s->arena, path);
	if (!r->files[r->nfiles]) {
		err = BH_ERR_NOMEM;
		goto out;
	}
	r->nfiles++;
	pthread_cond_signal(&r->more);
out:
	pthread_mutex_unlock(&r->mu);
	return err;
}

static void on_walk_error(const struct bh_diag *d, void *arg)
{
	record_error(arg, d);
}

/* Walk every path given, then tell the workers that no more files will come. */
static bh_err walk_inputs(struct run *r)
{
	const struct bh_secrets_opts *o = r->o;
	struct bh_walk_opts wo = { 0 };
	bh_err err = BH_OK;

	wo.excludes = r->s->cfg.exclude;
	wo.nexcludes = r->s->cfg.nexclude;
	for (size_t i = 0; i < o->npaths && !err && !r->fatal; i++) {
		if (!strcmp(o->paths[i], "-"))
			err = on_file("-", r);
		else
			err = bh_fs_walk(o->paths[i], &wo, on_file, r, on_walk_error);
	}
	pthread_mutex_lock(&r->mu);
	r->walk_done = 1;
	if (err)
		r->fatal = err; /* the workers stop; the error is the run's */
	pthread_cond_broadcast(&r->more);
	pthread_mutex_unlock(&r->mu);
	return err;
}

/* The run's input errors in path order: threads record them in whatever order they finish. */
static void sort_errors(struct bh_scan *s, size_t from)
{
	if (s->nerrors - from > 1)
		qsort(s->errors + from, s->nerrors - from, sizeof(*s->errors), bh_diag_cmp);
}

static unsigned ncpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : (unsigned)n;
}

bh_err bh_secrets_run(struct bh_scan *s, const struct bh_secrets_opts *o, struct bh_diag *diag)
{
	struct run r = { 0 };
	pthread_t tids[BH_LIMIT_SECRETS_JOBS];
	unsigned jobs = o->jobs ? o->jobs : ncpus(), started = 0;
	size_t first_error = s->nerrors;
	bh_err err = BH_OK;

	r.s = s;
	r.o = o;
	r.e = o->engine;
	pthread_mutex_init(&r.mu, NULL);
	pthread_cond_init(&r.more, NULL);
	atomic_init(&r.next, 0);
	if (o->git) {
		err = bh_git_collect(o->npaths ? o->paths[0] : ".", o->git_range, &s->arena, &r.git,
				     diag);
		if (err)
			goto out;
		if (jobs > r.git.n)
			jobs = r.git.n ? (unsigned)r.git.n : 1;
	}
	if (jobs > BH_LIMIT_SECRETS_JOBS)
		jobs = BH_LIMIT_SECRETS_JOBS;
	/* Workers start before the walk, so they scan the first files while it finds the rest. */
	if (jobs > 1)
		for (; started < jobs; started++)
			if (pthread_create(&tids[started], NULL, worker, &r))
				break;
	if (!o->git)
		walk_inputs(&r);
	if (!started)
		worker(&r);
	for (unsigned i = 0; i < started; i++)
		pthread_join(tids[i], NULL);
	sort_errors(s, first_error);
	err = r.fatal;
out:
	bh_git_jobs_release(&r.git);
	free(r.seen);
	free(r.files);
	pthread_cond_destroy(&r.more);
	pthread_mutex_destroy(&r.mu);
	return err;
}
