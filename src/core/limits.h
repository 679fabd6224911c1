/*
 * Every limit bulkhead applies to its input, in one place, each with the reason for its value.
 * Inputs are attacker-controlled (a pull request, an image from a registry, an admission request),
 * so every loop over input data is bounded by one of these.
 */
#ifndef BH_LIMITS_H
#define BH_LIMITS_H

/* The largest manifest, Dockerfile or workflow we read; real ones are kilobytes, and etcd caps
 * an object at 1.5 MiB, so 16 MiB leaves room for long multi-document bundles. */
#define BH_LIMIT_FILE_BYTES (16u * 1024 * 1024)

/* Nesting depth of a YAML/JSON document; Kubernetes objects nest about 15 deep, and a bounded
 * depth keeps every recursive walk of the tree safe. */
#define BH_LIMIT_DOC_DEPTH 256

/* Alias (*ref) events per file; real manifests use a handful, a billion-laughs file thousands. */
#define BH_LIMIT_DOC_ALIASES 10000

/* Nodes of a document counted with every alias expanded; bounds the cost of any full walk of a
 * tree that shares subtrees through aliases. */
#define BH_LIMIT_DOC_EXPANDED_NODES (4u * 1000 * 1000)

/* Documents in one YAML stream; large generated bundles hold a few thousand objects. */
#define BH_LIMIT_DOCS_PER_FILE 20000

/* Length of one scalar; longer values are configuration blobs, not fields we judge. */
#define BH_LIMIT_SCALAR_BYTES (4u * 1024 * 1024)

/* Files visited by one directory walk; a monorepo has tens of thousands, more is a mistake. */
#define BH_LIMIT_WALK_FILES 1000000

/* Directory depth of a walk; deeper trees are symlink games or generated junk. */
#define BH_LIMIT_WALK_DEPTH 64

/* A string buffer's default ceiling: report lines, messages and rendered output of one file. */
#define BH_LIMIT_BUF_BYTES (256u * 1024 * 1024)

/* Findings in one run; past this the report would be unreadable and the input is hostile. */
#define BH_LIMIT_FINDINGS 1000000

/* Entries of a baseline file; each is one accepted finding fingerprint. */
#define BH_LIMIT_BASELINE_ENTRIES 1000000

/* Dockerfile parser (src/image/dockerfile.c). Real Dockerfiles have tens of instructions; a
 * generated one a few thousand. Past these the file is hostile, and each cap bounds memory. */
#define BH_LIMIT_DF_INSTRUCTIONS 100000
/* Build stages; stage names are matched against earlier ones, so this bounds that work. */
#define BH_LIMIT_DF_STAGES 1000
/* Distinct ARG/ENV names tracked for substitution; lookups are linear in this. */
#define BH_LIMIT_DF_VARS 1024
/* Findings of one rule on one instruction; a generated RUN with thousands of chmod u+s
 * needs one line of report, not thousands. */
#define BH_LIMIT_DF_FINDINGS_PER_INSTR 16
/* Heredocs in one instruction; BuildKit users write one or two. */
#define BH_LIMIT_DF_HEREDOCS 256
/* Nesting of ${a:-${b:-...}} during substitution; keeps the recursive expander shallow. */
#define BH_LIMIT_DF_EXPAND_DEPTH 32
/* Bytes one substituted word may grow to; ENV a=$a$a repeated doubles the value each line. */
#define BH_LIMIT_DF_EXPAND_BYTES (1u * 1024 * 1024)
/* Nesting of a JSON exec-form array; Go's decoder gives up at the same depth. */
#define BH_LIMIT_DF_JSON_DEPTH 10000

#endif
