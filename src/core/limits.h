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

/* Secret scanning. A window is the unit the detector scans at once: large files stream through
 * it, so memory per thread is one window whatever the input size. */
#define BH_LIMIT_SECRETS_WINDOW (8u * 1024 * 1024)

/* Overlap of consecutive windows: longer than any credential with its context (a 4096-bit RSA
 * key in PEM is about 3.3 KiB, a Kubernetes Secret document rarely passes 32 KiB). */
#define BH_LIMIT_SECRETS_OVERLAP (64u * 1024)

/* Bytes either side of a hit that its confirmation reads on the hit's line; minified files
 * have megabyte lines, and a credential with its key name fits well inside this. */
#define BH_LIMIT_SECRETS_LINE_CTX 4096u

/* Confirmed candidates kept per window before reporting; a hostile file full of fake tokens
 * stops here instead of growing memory. */
#define BH_LIMIT_SECRETS_CANDIDATES 100000u

/* The largest git blob scanned; libgit2 inflates a blob whole, so this bounds memory per thread
 * in a history scan. Larger blobs are recorded as skipped inputs. */
#define BH_LIMIT_SECRETS_BLOB_BYTES (256u * 1024 * 1024)

/* User rules in the config's secrets: section; each adds a pattern to the shared database. */
#define BH_LIMIT_SECRETS_USER_RULES 512u

/* Worker threads of a tree or history scan; more than the cores only adds contention. */
#define BH_LIMIT_SECRETS_JOBS 256u

#endif
