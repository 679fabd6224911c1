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

/* Simple commands in one run: script; CI scripts hold tens, thousands mean generated junk. */
#define BH_LIMIT_CI_SHELL_COMMANDS 20000

/* Words of one shell command; long argument lists are file lists, not options we judge. */
#define BH_LIMIT_CI_SHELL_WORDS 4096

/* Jobs of one workflow; GitHub caps a workflow run at 256 jobs (matrix included). */
#define BH_LIMIT_CI_JOBS 1024

/* needs: entries of one workflow; real ones have tens, and each costs a job lookup. */
#define BH_LIMIT_CI_NEEDS 65536

/* Steps of one job; GitHub's own limit is far below this, more is hostile input. */
#define BH_LIMIT_CI_STEPS 4096
/* Network layer. Reachability is quadratic in workloads (every ordered pair is evaluated), so
 * the model is capped where a list still takes seconds; real clusters analysed at once hold a
 * few thousand workloads. */
#define BH_LIMIT_NP_WORKLOADS 20000

/* NetworkPolicies in one model; each adds per-workload selector work, and large clusters hold
 * a few thousand. */
#define BH_LIMIT_NP_POLICIES 20000

/* Pod peers (podSelector/namespaceSelector) over all policies; each holds a bitset over the
 * workloads, so this and BH_LIMIT_NP_WORKLOADS bound that memory to about 125 MiB. */
#define BH_LIMIT_NP_PEERS 50000

/* except entries of one ipBlock; each costs a pass over the peer's IP set, and real policies
 * carve out a handful of ranges. */
#define BH_LIMIT_NP_EXCEPTS 1024

#endif
