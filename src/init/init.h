/*
 * The generator behind `bulkhead init`: from a few validated options, the text of a hardened
 * deployment for one agent (Dockerfile, .dockerignore, Kubernetes manifests, NetworkPolicies,
 * optional Istio or Cilium objects, a CI pipeline and .bulkhead.yaml) that `bulkhead scan`
 * reports nothing on. It never invents a pin: every image digest comes from the options, and
 * the CI pipeline uses no third-party action, so no commit SHA is needed. Library code: it
 * fills buffers and diagnostics and writes nothing; the command writes the files.
 */
#ifndef BH_INIT_H
#define BH_INIT_H

#include <stddef.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/limits.h"

enum bh_init_mesh { BH_INIT_MESH_NONE, BH_INIT_MESH_ISTIO, BH_INIT_MESH_CILIUM };
enum bh_init_ci { BH_INIT_CI_NONE, BH_INIT_CI_GITHUB, BH_INIT_CI_GITLAB };

/* One declared egress destination, parsed from HOST:PORT or CIDR[:PORT]. */
struct bh_init_egress {
	char host[254];	 /* a DNS name, or "" for a CIDR */
	char svc_ns[64]; /* for NAME.NS.svc[.cluster.local]: NS; "" for an external host */
	char cidr[64];	 /* a network address in canonical form, or "" for a host */
	int v6;
	unsigned port;	       /* 0: every port (CIDRs only) */
	const char *except[3]; /* the metadata endpoints inside cidr, to exclude */
	size_t nexcept;
};

struct bh_init_label {
	char key[254];
	char value[64];
};

/* The CI tools run as containers, by digest; the index is the tool (see bh_init_tool_names). */
enum {
	BH_INIT_TOOL_TRIVY,
	BH_INIT_TOOL_SYFT,
	BH_INIT_TOOL_COSIGN,
	BH_INIT_TOOL_GITLEAKS,
	BH_INIT_TOOL_DOCKER,
	BH_INIT_NTOOLS
};
extern const char *const bh_init_tool_names[BH_INIT_NTOOLS];

struct bh_init_opts {
	const char *name;	 /* DNS-1123 label */
	const char *ns;		 /* DNS-1123 label */
	const char *image;	 /* REF@sha256:<64 hex>: the agent image the Deployment runs */
	const char *build_image; /* REF@sha256:<64 hex>: the Dockerfile's build stage */
	const char *base_image;	 /* REF@sha256:<64 hex>, or NULL for FROM scratch */
	const char *build_cmd;	 /* leaves a static binary at /out/agent */
	unsigned port;
	unsigned uid;
	struct bh_init_egress egress[BH_LIMIT_INIT_EGRESS];
	size_t negress;
	struct bh_init_label orch[BH_LIMIT_INIT_LABELS];
	size_t norch;
	const char *orch_ns; /* NULL: the agent's namespace */
	enum bh_init_mesh mesh;
	enum bh_init_ci ci;
	const char *tools[BH_INIT_NTOOLS]; /* REF@sha256:..., by tool */
};

/* Validators for single values; each fills diag (message only) and returns BH_ERR_USAGE. */
bh_err bh_init_check_label(const char *what, const char *v, struct bh_diag *diag);
bh_err bh_init_check_digest_ref(const char *what, const char *v, struct bh_diag *diag);
bh_err bh_init_parse_egress(const char *arg, struct bh_init_egress *out, struct bh_diag *diag);
bh_err bh_init_parse_label(const char *arg, struct bh_init_label *out, struct bh_diag *diag);
/* Which tool a digest-pinned image is, by its repository's last component; -1 when unknown. */
int bh_init_tool_of(const char *ref);
/* Whole-option checks that depend on several values (required pins for the chosen CI, ...). */
bh_err bh_init_check(const struct bh_init_opts *o, struct bh_diag *diag);

#define BH_INIT_MAX_FILES 16

/* A generated file: its path relative to the target directory and its text. */
struct bh_init_file {
	const char *path; /* static storage */
	struct bh_buf text;
};

/*
 * Render every file for o (which bh_init_check accepted) into files[0..*n). The caller releases
 * each file's text with bh_buf_release, also on failure. Fails only with BH_ERR_NOMEM.
 */
bh_err bh_init_render(const struct bh_init_opts *o, struct bh_init_file files[BH_INIT_MAX_FILES],
		      size_t *n);

#endif
