/*
 * The Dockerfile parser: BuildKit's frontend/dockerfile/parser semantics, reimplemented.
 *
 * bh_dockerfile_parse() turns the bytes of a Dockerfile into a flat list of instructions, each
 * with its raw flags, its arguments exactly as BuildKit's AST holds them (the Next chain of a
 * Node), its heredocs and its line range. Parser directives (# syntax, # escape, # check) are
 * read only in the leading comment block; line continuations use the escape character.
 * bh_dockerfile_dump() prints BuildKit's Node.Dump() format, which the conformance corpus
 * compares byte for byte. bh_dockerfile_stages() groups the instructions into build stages and
 * bh_df_expand() applies BuildKit's variable substitution for the instructions that use it.
 *
 * Everything lives in the caller's arena. Parsing is linear in the input and bounded by the
 * BH_LIMIT_DF_* limits; malformed input yields BH_ERR_PARSE (or BH_ERR_LIMIT) with file:line.
 */
#ifndef BH_DOCKERFILE_H
#define BH_DOCKERFILE_H

#include <stddef.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"

struct bh_df_heredoc {
	const char *name;    /* the terminator word, unquoted */
	const char *content; /* every line up to the terminator, newlines kept */
	int expand;	     /* 0 when the name was quoted: no variable expansion */
	int chomp;	     /* <<- : leading tabs are stripped */
	unsigned fd;	     /* 3<<EOF gives 3; 0 when absent */
	unsigned start_line, end_line;
};

/* Where a stretch of the logical line came from, for mapping offsets back to the file. */
struct bh_df_seg {
	size_t off; /* offset in the logical line */
	unsigned line, col;
};

struct bh_df_instr {
	const char *cmd;      /* the instruction word as written ("run", "COPY") */
	char kw[16];	      /* upper-cased instruction word when short enough, else "" */
	const char *original; /* the logical line, continuations joined */
	const char **flags;   /* raw "--name=value" words, quotes removed as BuildKit does */
	size_t nflags;
	const char **args;	/* BuildKit's Next chain: ENV/LABEL give key, value, sep triples */
	const size_t *arg_lens; /* args[i] may hold a NUL from a JSON \u0000 */
	size_t nargs;
	int json;		 /* exec (JSON) form */
	struct bh_df_instr *sub; /* ONBUILD's instruction */
	struct bh_df_heredoc *heredocs;
	size_t nheredocs;
	unsigned start_line, end_line;
	struct bh_df_seg *segs;
	size_t nsegs;
};

struct bh_dockerfile {
	const char *path;
	struct bh_df_instr *instrs;
	size_t n;
	char escape;	    /* '\\' or '`' */
	const char *syntax; /* # syntax= value, or NULL */
	const char *check;  /* # check= value, or NULL */
	unsigned empty_continuation_lines;
};

/*
 * Parse data (len bytes, need not be NUL-terminated) named path. On success *out is filled
 * with arena memory. Errors: BH_ERR_PARSE for what BuildKit's parser rejects (no instruction,
 * ENV without a value, a JSON array that is not of strings, a bad or repeated directive, an
 * unterminated heredoc), BH_ERR_LIMIT past the BH_LIMIT_DF_* limits, BH_ERR_NOMEM.
 */
bh_err bh_dockerfile_parse(struct bh_arena *a, const char *path, const char *data, size_t len,
			   struct bh_dockerfile *out, struct bh_diag *diag);

/*
 * What `docker build` rejects beyond the parser: unknown instructions, instructions before the
 * first FROM other than ARG, FROM without an image. The dump does not run this.
 */
bh_err bh_dockerfile_validate(const struct bh_dockerfile *df, struct bh_diag *diag);

/* Append BuildKit's AST dump (one "(instr ...)" line per instruction) to out. */
bh_err bh_dockerfile_dump(const struct bh_dockerfile *df, struct bh_buf *out);

/* Map a byte offset in in->original to a 1-based line and column of the file. */
void bh_df_locate(const struct bh_df_instr *in, size_t off, unsigned *line, unsigned *col);

/* Value of flag --name (without the dashes) of in, or NULL; a bare "--name" gives "". */
const char *bh_df_flag(const struct bh_df_instr *in, const char *name);

/* Variables for substitution: a small list of name=value pairs, later entries win. */
struct bh_df_var {
	const char *name;
	const char *value; /* NULL when declared without a value (ARG x) */
};
struct bh_df_vars {
	struct bh_df_var *v;
	size_t n, cap;
};

bh_err bh_df_vars_set(struct bh_arena *a, struct bh_df_vars *vars, const char *name,
		      const char *value);
const struct bh_df_var *bh_df_vars_get(const struct bh_df_vars *vars, const char *name);

/*
 * BuildKit's shell-word processing of word: quotes removed, the escape character honoured,
 * $VAR, ${VAR}, ${VAR:-x}, ${VAR-x}, ${VAR:+x}, ${VAR+x} and ${VAR:?x} substituted from vars
 * (unset variables expand to ""). *unresolved is set when a variable had no value. Returns an
 * arena string, or NULL when out of memory or past the nesting limit.
 */
const char *bh_df_expand(struct bh_arena *a, const char *word, char escape,
			 const struct bh_df_vars *vars, int *unresolved);

/* A build stage: the FROM instruction and the instructions up to the next FROM. */
struct bh_df_stage {
	size_t index;
	size_t from;	    /* index of the FROM instruction in df->instrs */
	size_t first, last; /* instructions of the stage, FROM included, [first, last] */
	size_t body;	    /* the first instruction after FROM (first for an implicit stage) */
	int implicit;	    /* instructions before any FROM, in a snippet */
	const char *image;  /* the FROM image after ARG substitution */
	const char *name;   /* AS name (lower-cased), or NULL */
	const char *parent; /* when image names an earlier stage: that stage's name */
	long parent_index;  /* that stage's index, or -1 */
	int image_resolved; /* 0 when an ARG in the image had no value */
};

/* Group df's instructions into stages; global ARGs before the first FROM feed FROM lines. */
bh_err bh_dockerfile_stages(struct bh_arena *a, const struct bh_dockerfile *df,
			    struct bh_df_stage **out, size_t *n, struct bh_df_vars *globals);

/*
 * What the DF checks receive (struct bh_rule.check's subject): the parsed file, its stages, the
 * global ARGs, and which stages end up in the final image. The final stage is the last one; it
 * inherits the filesystem, USER and ENV of a stage it names in FROM, so in_final marks that
 * whole chain.
 */
struct bh_df_subject {
	const struct bh_dockerfile *df;
	struct bh_df_stage *stages;
	size_t nstages;
	struct bh_df_vars globals;
	unsigned char *in_final; /* per stage */
	int dockerignore;	 /* 1 a .dockerignore is beside the file, 0 none, -1 unknown */
	/* Per instruction: its RUN scripts, lexed on first use and shared by the rules
	 * (df_rules.c). */
	struct bh_df_script_cache *scripts;
};

/* Build the subject for df (arena memory); dockerignore as above. */
bh_err bh_df_subject_init(struct bh_arena *a, const struct bh_dockerfile *df, int dockerignore,
			  struct bh_df_subject *out);

#endif
