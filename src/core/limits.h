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
/* Built images (src/image/oci.c, layerfs.c, pkgdb.c). Images come from registries we do not
 * control, so every count and byte total of a layer stream is bounded. */
/* Entries across all layers; a full Debian rootfs has ~10k, node_modules-heavy images ~500k. */
#define BH_LIMIT_IMAGE_ENTRIES 2000000
/* Uncompressed bytes across all layers; real images stay well under 20 GiB. */
#define BH_LIMIT_IMAGE_BYTES (32ull * 1024 * 1024 * 1024)
/* Uncompressed/compressed ratio of a layer past 1 MiB; text compresses ~10x, zeros ~1000x (bombs).
 */
#define BH_LIMIT_IMAGE_RATIO 200
/* Layers of one image; Docker caps an image at 127 layers (overlayfs lower dirs). */
#define BH_LIMIT_IMAGE_LAYERS 256
/* Manifests, configs and index files we load into memory; real ones are a few KiB. */
#define BH_LIMIT_IMAGE_JSON_BYTES (4u * 1024 * 1024)
/* Members of an outer archive or index entries; a docker save of many images has hundreds. */
#define BH_LIMIT_IMAGE_MEMBERS 100000
/* Nested image indexes followed; real registries nest one level. */
#define BH_LIMIT_IMAGE_INDEX_DEPTH 4
/* A path inside a layer: PATH_MAX, and the component depth that keeps tree walks bounded. */
#define BH_LIMIT_IMAGE_PATH_BYTES 4096
#define BH_LIMIT_IMAGE_PATH_DEPTH 256
/* Files read whole for secrets; larger files are media or binaries, not credentials. */
#define BH_LIMIT_IMAGE_SCAN_FILE (8u * 1024 * 1024)
/* A package database kept in memory (RHEL rpmdb.sqlite reaches ~80 MiB). */
#define BH_LIMIT_IMAGE_KEEP_FILE (256u * 1024 * 1024)
/* All kept package-database files together. */
#define BH_LIMIT_IMAGE_KEEP_TOTAL (1024u * 1024 * 1024)
/* Symlinks followed while resolving one path, as Linux's MAXSYMLINKS. */
#define BH_LIMIT_IMAGE_SYMLINKS 40
/* Packages in one SBOM and header entries of one RPM header. */
#define BH_LIMIT_IMAGE_PACKAGES	    1000000
#define BH_LIMIT_RPM_HEADER_ENTRIES 65536
/* Pulling an image from a registry (src/image/pull.c) into a private OCI layout: the registry
 * is a remote peer, so the bytes written to disk and the blobs fetched are bounded before the
 * reader's own limits apply. Manifests, the config and compressed layers together; a large
 * CUDA image is about 10 GiB, typical agent images well under 2 GiB. */
#define BH_LIMIT_PULL_BYTES (4ull * 1024 * 1024 * 1024)
/* Layers of one pulled manifest, checked before any layer is fetched; as BH_LIMIT_IMAGE_LAYERS,
 * which the reader enforces again. */
#define BH_LIMIT_PULL_LAYERS 256
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
/* Secret scanning. A window is the unit the detector scans at once: large files stream through
 * it, so memory per thread is one window whatever the input size. 2 MiB stays in the core's
 * caches between read(2) filling it and Vectorscan scanning it; 8 MiB did not, and a one-core
 * scan of a large file was a fifth slower. */
#define BH_LIMIT_SECRETS_WINDOW (2u * 1024 * 1024)

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

/* Declared egress destinations and orchestrator labels of `bulkhead init`: a policy, not a list. */
#define BH_LIMIT_INIT_EGRESS 64
#define BH_LIMIT_INIT_LABELS 16

/* OSV advisories (bulkhead db import). One advisory is a small JSON document; the largest real ones
 * (enumerated versions of long-lived packages) are a few hundred kilobytes. */
#define BH_LIMIT_OSV_ADVISORY_BYTES (16u * 1024 * 1024)

/* Entries of one OSV export zip; the largest ecosystem exports hold a few hundred thousand. */
#define BH_LIMIT_OSV_ZIP_ENTRIES 2000000

/* Uncompressed advisory bytes of one zip; the largest ecosystem export is about a gigabyte, and
 * this bounds the time a zip of highly compressed entries can take. */
#define BH_LIMIT_OSV_ZIP_BYTES (8ull * 1024 * 1024 * 1024)

/* affected[] entries of one advisory, and ranges, events and versions of one entry; real
 * advisories list a few packages and at most some thousands of versions. */
#define BH_LIMIT_OSV_AFFECTED 10000
#define BH_LIMIT_OSV_EVENTS   10000
#define BH_LIMIT_OSV_VERSIONS 200000

/* Packages matched in one bulkhead vuln run; an image with more is hostile or not an image. */
#define BH_LIMIT_VULN_PACKAGES 200000
/* The admission webhook. The body cap is the API server's own request limit (3 MiB): no
 * AdmissionReview it sends is larger, so anything bigger is not from it and gets 413 from its
 * Content-Length alone, before a byte of the body is read. */
#define BH_LIMIT_WEBHOOK_BODY_BYTES (3u * 1024 * 1024)

/* Open connections to one webhook process; the API server reuses a few keep-alive connections
 * per replica, so thousands only come from a flood, which then waits in the kernel's backlog. */
#define BH_LIMIT_WEBHOOK_CONNECTIONS 1024u

/* Open connections from one address; an API server needs tens, one client should not take all. */
#define BH_LIMIT_WEBHOOK_CONNECTIONS_PER_IP 256u

/* Seconds a connection may stay idle; the API server's webhook timeout is at most 30 s, so a
 * peer silent for longer is gone or stalling us on purpose. */
#define BH_LIMIT_WEBHOOK_IDLE_SECONDS 30u

/* Seconds from a request's first body bytes to its last; a client trickling a byte at a time
 * to stay under the idle timeout is cut off here. */
#define BH_LIMIT_WEBHOOK_REQUEST_SECONDS 30u

/* Memory per connection for headers and buffers; headers of an API-server request are a few
 * hundred bytes, and a header flood stops here with 431. */
#define BH_LIMIT_WEBHOOK_CONN_MEMORY (64u * 1024)

/* Findings listed in one denial message and warnings in one response; the API server keeps
 * 4 KiB of warnings, and a list past these helps nobody read the verdict. */
#define BH_LIMIT_WEBHOOK_MESSAGE_FINDINGS 20u
#define BH_LIMIT_WEBHOOK_WARNINGS	  20u

/* Keys of a mapping compared by name when the webhook checks whether an update changed spec;
 * larger mappings are compared in order, keeping a hostile comparison linear. */
#define BH_LIMIT_WEBHOOK_SAME_KEYS 256u

/* Bytes of one finding in a denial message or warning; messages quote names from the request,
 * and Kubernetes shows warnings of about 120 characters anyway. */
#define BH_LIMIT_WEBHOOK_LINE_BYTES 512u

/* Namespaces whose Pod Security labels the webhook remembers from admitted Namespace objects;
 * large clusters have a few thousand. */
#define BH_LIMIT_WEBHOOK_NAMESPACES 20000u

/* Server threads; admission requests are short CPU work, so more than the cores only adds
 * contention. */
#define BH_LIMIT_WEBHOOK_THREADS 64u

/* Length of the certificate or key file read at start; a PEM chain is a few kilobytes. */
#define BH_LIMIT_WEBHOOK_PEM_BYTES (1024u * 1024)

/* OCI registry client (src/registry). Registries are remote peers we do not control: every
 * response is read into a capped buffer, and every wait has a deadline. */
/* A manifest or index; the distribution spec lets registries refuse manifests over 4 MiB. */
#define BH_LIMIT_REG_MANIFEST_BYTES (4u * 1024 * 1024)
/* A token endpoint's answer; real tokens are a few kilobytes of JWT. */
#define BH_LIMIT_REG_TOKEN_BYTES (64u * 1024)
/* An error body kept for its errors[0].code/message; the rest is not read for anything. */
#define BH_LIMIT_REG_ERROR_BYTES (64u * 1024)
/* Response headers of one response; real registries send about twenty. */
#define BH_LIMIT_REG_HEADERS 200
/* One header line we keep (WWW-Authenticate, Location, Content-Type); real ones are short. */
#define BH_LIMIT_REG_HEADER_BYTES 4096
/* Redirects followed; blob downloads are redirected once to storage, more is a loop. */
#define BH_LIMIT_REG_REDIRECTS 5
/* Seconds to establish a connection, and for a whole request including its body. */
#define BH_LIMIT_REG_CONNECT_SECONDS 15
#define BH_LIMIT_REG_TOTAL_SECONDS   300
/* Bearer tokens cached per registry handle, one per scope; a run touches a few repositories. */
#define BH_LIMIT_REG_TOKENS 16
/* The docker config.json read for credentials; real ones are a few kilobytes. */
#define BH_LIMIT_REG_AUTH_FILE_BYTES (1024u * 1024)
/* A CA file added to the trusted set, and the system bundle it is added to. */
#define BH_LIMIT_REG_CA_BYTES (8u * 1024 * 1024)
/* An image reference: the distribution grammar caps the name at 255 bytes, a tag at 128, and
 * a digest is 71; anything longer than this is not a reference. */
#define BH_LIMIT_REF_NAME_BYTES 255
#define BH_LIMIT_REF_BYTES	1024

/* Signing (src/sign). A cosign key file is under 1 KiB; a larger "key" is not one. */
#define BH_LIMIT_SIGN_KEY_BYTES (64u * 1024)

/* scrypt memory (128 * N * r bytes) an encrypted key may ask for; cosign writes N=32768, r=8
 * (32 MiB) and older keys N=65536 (64 MiB), so 256 MiB leaves room without letting a hostile
 * key take the machine's memory. */
#define BH_LIMIT_SIGN_SCRYPT_BYTES (256ull * 1024 * 1024)

/* scrypt parallelism p: the time cost grows with it, and cosign writes p=1. */
#define BH_LIMIT_SIGN_SCRYPT_P 16u

/* A signed payload, envelope, predicate or `.sig`/`.att` manifest; an SBOM of a large image is
 * tens of megabytes, so this bounds memory while leaving room for real attestations. */
#define BH_LIMIT_SIGN_DOC_BYTES (64u * 1024 * 1024)

/* Layers (signatures or attestations) of one `.sig` or `.att` manifest that are checked; an
 * image signed on every pipeline run gathers hundreds, a million is an attack. */
#define BH_LIMIT_SIGN_LAYERS 4096u

/* Signatures of one DSSE envelope; real envelopes carry one. */
#define BH_LIMIT_SIGN_DSSE_SIGS 64u

#endif
