/*
 * The templates of `bulkhead init`, written as code so that each choice sits next to the reason
 * for it. The output is what the audit asks for and nothing it would flag: the tests scan every
 * combination of options with --fail-on info and expect no finding at all. Values are inserted
 * only after check.c has held them to their grammar, so no quoting is needed beyond what the
 * templates do.
 */
#include "init.h"

#include <stdio.h>
#include <string.h>

#include "core/banned.h"

struct out {
	struct bh_buf *b;
	bh_err err;
};

static void put(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(struct out *o, const char *fmt, ...)
{
	va_list ap;

	if (o->err)
		return;
	va_start(ap, fmt);
	o->err = bh_buf_vprintf(o->b, fmt, ap);
	va_end(ap);
}

/* The image reference without its digest and tag: where the CI pushes. */
static void repo_of(const char *ref, char *out, size_t n)
{
	const char *at = strstr(ref, "@sha256:"), *last = ref;
	size_t len = at ? (size_t)(at - ref) : strlen(ref);

	for (size_t i = 0; i < len; i++)
		if (ref[i] == '/')
			last = ref + i + 1;
	{
		const char *colon = memchr(last, ':', len - (size_t)(last - ref));

		if (colon)
			len = (size_t)(colon - ref);
	}
	snprintf(out, n, "%.*s", (int)len, ref);
}

/* The registry host of a reference, or "" for Docker Hub (no dot, colon or localhost first). */
static void registry_of(const char *ref, char *out, size_t n)
{
	const char *slash = strchr(ref, '/');
	size_t len = slash ? (size_t)(slash - ref) : 0;

	if (slash && (memchr(ref, '.', len) || memchr(ref, ':', len) ||
		      (len == 9 && !strncmp(ref, "localhost", 9))))
		snprintf(out, n, "%.*s", (int)len, ref);
	else
		snprintf(out, n, "%s", "");
}

/* ---- image ---------------------------------------------------------------------------------- */

static void dockerfile(struct out *o, const struct bh_init_opts *p)
{
	put(o,
	    "# The agent image for %s, written by `bulkhead init`.\n"
	    "#\n"
	    "# Two stages: the build stage compiles the agent; the final stage adds only the binary\n"
	    "# to a minimal base, so code execution in the agent finds no shell, no package\n"
	    "# manager and no compiler to work with. Base images are pinned by digest: a tag can be\n"
	    "# moved to other content, a digest cannot.\n"
	    "\n"
	    "FROM %s AS build\n"
	    "WORKDIR /src\n"
	    "# .dockerignore keeps .git, .env files and keys out of the build context.\n"
	    "COPY . .\n"
	    "# The build must leave one static binary at /out/agent.\n"
	    "RUN mkdir -p /out && %s\n"
	    "\n",
	    p->name, p->build_image, p->build_cmd);
	if (p->base_image)
		put(o, "FROM %s\n", p->base_image);
	else
		put(o,
		    "# scratch: nothing in the image but what is copied below.\n"
		    "FROM scratch\n"
		    "COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt\n");
	put(o,
	    "COPY --from=build /out/agent /agent\n"
	    "# A numeric UID and GID: Kubernetes can only verify runAsNonRoot against a number.\n"
	    "USER %u:%u\n"
	    "EXPOSE %u\n"
	    "# Kubernetes runs the probes in k8s/deployment.yaml; the image has no client a Docker\n"
	    "# HEALTHCHECK could run, so it declares none rather than inherit one.\n"
	    "HEALTHCHECK NONE\n"
	    "ENTRYPOINT [\"/agent\"]\n",
	    p->uid, p->uid, p->port);
}

static void dockerignore(struct out *o)
{
	put(o, "# Kept out of the build context, so never copied into an image layer.\n"
	       ".git\n"
	       ".github\n"
	       ".gitlab-ci.yml\n"
	       ".env\n"
	       ".env.*\n"
	       "*.pem\n"
	       "*.key\n"
	       "*.p12\n"
	       "cosign.key\n"
	       ".docker\n"
	       "k8s\n"
	       "Dockerfile\n"
	       ".dockerignore\n"
	       ".bulkhead.yaml\n");
}

/* ---- Kubernetes ----------------------------------------------------------------------------- */

static void namespace(struct out *o, const struct bh_init_opts *p)
{
	put(o,
	    "# The agent namespace enforces the restricted Pod Security Standard: the API server\n"
	    "# itself rejects a pod that asks for root, privileges or host access.\n"
	    "apiVersion: v1\n"
	    "kind: Namespace\n"
	    "metadata:\n"
	    "  name: \"%s\"\n"
	    "  labels:\n"
	    "    pod-security.kubernetes.io/enforce: restricted\n"
	    "    pod-security.kubernetes.io/enforce-version: latest\n"
	    "    pod-security.kubernetes.io/audit: restricted\n"
	    "    pod-security.kubernetes.io/warn: restricted\n",
	    p->ns);
	if (p->mesh == BH_INIT_MESH_ISTIO)
		put(o,
		    "    # Sidecar injection. Under the restricted standard this needs the Istio CNI\n"
		    "    # plugin: without it the injected istio-init container asks for NET_ADMIN.\n"
		    "    istio-injection: enabled\n");
}

static void serviceaccount(struct out *o, const struct bh_init_opts *p)
{
	put(o,
	    "# The agent's own identity, with no API token mounted: code execution in the agent\n"
	    "# gets no credentials for the Kubernetes API.\n"
	    "apiVersion: v1\n"
	    "kind: ServiceAccount\n"
	    "metadata:\n"
	    "  name: \"%s\"\n"
	    "  namespace: \"%s\"\n"
	    "automountServiceAccountToken: false\n",
	    p->name, p->ns);
}

static void deployment(struct out *o, const struct bh_init_opts *p)
{
	put(o,
	    "apiVersion: apps/v1\n"
	    "kind: Deployment\n"
	    "metadata:\n"
	    "  name: \"%s\"\n"
	    "  namespace: \"%s\"\n"
	    "  labels: {app: \"%s\"}\n"
	    "spec:\n"
	    "  replicas: 2\n"
	    "  selector:\n"
	    "    matchLabels: {app: \"%s\"}\n"
	    "  template:\n"
	    "    metadata:\n"
	    "      labels: {app: \"%s\"}\n"
	    "    spec:\n"
	    "      serviceAccountName: \"%s\"\n"
	    "      automountServiceAccountToken: false\n"
	    "      securityContext:\n"
	    "        runAsNonRoot: true\n"
	    "        runAsUser: %u\n"
	    "        runAsGroup: %u\n"
	    "        fsGroup: %u\n"
	    "        seccompProfile:\n"
	    "          type: RuntimeDefault\n"
	    "      containers:\n"
	    "      - name: agent\n"
	    "        image: \"%s\"\n"
	    "        ports:\n"
	    "        - {name: http, containerPort: %u, protocol: TCP}\n"
	    "        # TCP probes: they need nothing from the agent but a listening port.\n"
	    "        readinessProbe:\n"
	    "          tcpSocket: {port: %u}\n"
	    "          periodSeconds: 10\n"
	    "        livenessProbe:\n"
	    "          tcpSocket: {port: %u}\n"
	    "          initialDelaySeconds: 10\n"
	    "          periodSeconds: 20\n"
	    "        securityContext:\n"
	    "          allowPrivilegeEscalation: false\n"
	    "          readOnlyRootFilesystem: true\n"
	    "          capabilities:\n"
	    "            drop: [\"ALL\"]\n"
	    "        # Sizes to start from: measure the agent and adjust.\n"
	    "        resources:\n"
	    "          requests: {cpu: 100m, memory: 256Mi}\n"
	    "          limits: {cpu: \"1\", memory: 512Mi}\n"
	    "        volumeMounts:\n"
	    "        - name: tmp\n"
	    "          mountPath: /tmp\n"
	    "      # The only writable path: memory-backed and capped, gone with the pod.\n"
	    "      volumes:\n"
	    "      - name: tmp\n"
	    "        emptyDir: {medium: Memory, sizeLimit: 64Mi}\n",
	    p->name, p->ns, p->name, p->name, p->name, p->name, p->uid, p->uid, p->uid, p->image,
	    p->port, p->port, p->port);
}

static void service(struct out *o, const struct bh_init_opts *p)
{
	put(o,
	    "apiVersion: v1\n"
	    "kind: Service\n"
	    "metadata:\n"
	    "  name: \"%s\"\n"
	    "  namespace: \"%s\"\n"
	    "spec:\n"
	    "  type: ClusterIP\n"
	    "  selector: {app: \"%s\"}\n"
	    "  ports:\n"
	    "  - {name: http, port: %u, targetPort: http, protocol: TCP}\n",
	    p->name, p->ns, p->name, p->port);
}

static void orch_labels(struct out *o, const struct bh_init_opts *p, const char *prefix)
{
	put(o, "{");
	for (size_t i = 0; i < p->norch; i++)
		put(o, "%s%s%s: \"%s\"", i ? ", " : "", prefix, p->orch[i].key, p->orch[i].value);
	put(o, "}");
}

static void networkpolicy(struct out *o, const struct bh_init_opts *p)
{
	put(o,
	    "# Default deny in both directions for every pod in the namespace; the policy below\n"
	    "# then opens only what the agent needs.\n"
	    "apiVersion: networking.k8s.io/v1\n"
	    "kind: NetworkPolicy\n"
	    "metadata:\n"
	    "  name: default-deny\n"
	    "  namespace: \"%s\"\n"
	    "spec:\n"
	    "  podSelector: {}\n"
	    "  policyTypes: [Ingress, Egress]\n"
	    "---\n"
	    "apiVersion: networking.k8s.io/v1\n"
	    "kind: NetworkPolicy\n"
	    "metadata:\n"
	    "  name: \"%s\"\n"
	    "  namespace: \"%s\"\n"
	    "spec:\n"
	    "  podSelector:\n"
	    "    matchLabels: {app: \"%s\"}\n"
	    "  policyTypes: [Ingress, Egress]\n"
	    "  ingress:\n"
	    "  # Only the orchestrator calls the agent.\n"
	    "  - from:\n"
	    "    - ",
	    p->ns, p->name, p->ns, p->name);
	if (p->orch_ns)
		put(o,
		    "namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: \"%s\"}}\n      ",
		    p->orch_ns);
	put(o, "podSelector: {matchLabels: ");
	orch_labels(o, p, "");
	put(o,
	    "}\n"
	    "    ports: [{port: %u, protocol: TCP}]\n"
	    "  egress:\n"
	    "  # DNS, to the cluster resolver only.\n"
	    "  - to:\n"
	    "    - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}\n"
	    "      podSelector: {matchLabels: {k8s-app: kube-dns}}\n"
	    "    ports: [{port: 53, protocol: UDP}, {port: 53, protocol: TCP}]\n",
	    p->port);
	if (p->mesh == BH_INIT_MESH_ISTIO)
		put(o,
		    "  # The sidecar's configuration and certificates, from istiod.\n"
		    "  - to:\n"
		    "    - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: istio-system}}\n"
		    "      podSelector: {matchLabels: {app: istiod}}\n"
		    "    ports: [{port: 15012, protocol: TCP}]\n");
	for (size_t i = 0; i < p->negress; i++) {
		const struct bh_init_egress *e = &p->egress[i];

		if (e->host[0] && !e->svc_ns[0])
			continue; /* a host outside the cluster: CiliumNetworkPolicy toFQDNs */
		if (e->svc_ns[0])
			put(o,
			    "  # %s (the port is its pods' port, not the Service's)\n"
			    "  - to:\n"
			    "    - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: \"%s\"}}\n",
			    e->host, e->svc_ns);
		else {
			put(o, "  - to:\n    - ipBlock:\n        cidr: \"%s\"\n", e->cidr);
			if (e->nexcept) {
				put(o, "        # Cloud metadata endpoints stay out of reach.\n"
				       "        except: [");
				for (size_t k = 0; k < e->nexcept; k++)
					put(o, "%s%s/%s", k ? ", " : "", e->except[k],
					    strchr(e->except[k], ':') ? "128" : "32");
				put(o, "]\n");
			}
		}
		if (e->port)
			put(o, "    ports: [{port: %u, protocol: TCP}]\n", e->port);
		else if (!e->svc_ns[0])
			/* Every TCP port but DNS: name resolution stays with the cluster resolver.
			 */
			put(o,
			    "    ports: [{port: 1, endPort: 52, protocol: TCP}, {port: 54, endPort: 65535, protocol: TCP}]\n");
	}
}

static void istio(struct out *o, const struct bh_init_opts *p)
{
	put(o,
	    "# Mutual TLS between every workload of the namespace and its peers: plain-text\n"
	    "# connections are refused, so a caller must hold a mesh identity.\n"
	    "apiVersion: security.istio.io/v1\n"
	    "kind: PeerAuthentication\n"
	    "metadata:\n"
	    "  name: default\n"
	    "  namespace: \"%s\"\n"
	    "spec:\n"
	    "  mtls:\n"
	    "    mode: STRICT\n",
	    p->ns);
}

static int has_external_host(const struct bh_init_opts *p)
{
	for (size_t i = 0; i < p->negress; i++)
		if (p->egress[i].host[0] && !p->egress[i].svc_ns[0])
			return 1;
	return 0;
}

static void cilium(struct out *o, const struct bh_init_opts *p)
{
	put(o,
	    "# The orchestrator's calls must be mutually authenticated (Cilium mutual\n"
	    "# authentication, with SPIRE); the NetworkPolicy in networkpolicy.yaml still limits\n"
	    "# who may connect at all.\n"
	    "apiVersion: cilium.io/v2\n"
	    "kind: CiliumNetworkPolicy\n"
	    "metadata:\n"
	    "  name: %s-mtls\n"
	    "  namespace: \"%s\"\n"
	    "spec:\n"
	    "  endpointSelector:\n"
	    "    matchLabels: {app: \"%s\"}\n"
	    "  ingress:\n"
	    "  - fromEndpoints:\n"
	    "    - matchLabels: ",
	    p->name, p->ns, p->name);
	put(o, "{\"k8s:io.kubernetes.pod.namespace\": \"%s\"", p->orch_ns ? p->orch_ns : p->ns);
	for (size_t i = 0; i < p->norch; i++)
		put(o, ", %s: \"%s\"", p->orch[i].key, p->orch[i].value);
	put(o,
	    "}\n"
	    "    toPorts:\n"
	    "    - ports: [{port: \"%u\", protocol: TCP}]\n"
	    "    authentication:\n"
	    "      mode: required\n",
	    p->port);
	if (!has_external_host(p))
		return;
	put(o,
	    "---\n"
	    "# Host names outside the cluster: Cilium learns their addresses from the DNS answers\n"
	    "# its proxy sees, so DNS goes through the proxy (every name may be asked; only the\n"
	    "# toFQDNs names below are reachable).\n"
	    "apiVersion: cilium.io/v2\n"
	    "kind: CiliumNetworkPolicy\n"
	    "metadata:\n"
	    "  name: %s-fqdn\n"
	    "  namespace: \"%s\"\n"
	    "spec:\n"
	    "  endpointSelector:\n"
	    "    matchLabels: {app: \"%s\"}\n"
	    "  egress:\n"
	    "  - toEndpoints:\n"
	    "    - matchLabels: {\"k8s:io.kubernetes.pod.namespace\": kube-system, \"k8s:k8s-app\": kube-dns}\n"
	    "    toPorts:\n"
	    "    - ports: [{port: \"53\", protocol: ANY}]\n"
	    "      rules:\n"
	    "        dns:\n",
	    p->name, p->ns, p->name);
	put(o, "        - matchPattern: \"*\"\n");
	for (size_t i = 0; i < p->negress; i++) {
		const struct bh_init_egress *e = &p->egress[i];

		if (!e->host[0] || e->svc_ns[0])
			continue;
		put(o,
		    "  - toFQDNs:\n"
		    "    - matchName: \"%s\"\n"
		    "    toPorts:\n"
		    "    - ports: [{port: \"%u\", protocol: TCP}]\n",
		    e->host, e->port);
	}
}

/* ---- CI ------------------------------------------------------------------------------------- */

/*
 * The release steps, shared by both CI systems: build, scan the image before anything is pushed
 * (failing on CRITICAL and HIGH), write the SBOM, push, then sign and attest the pushed digest.
 * Each tool runs as a container pinned by digest, so the pipeline needs no third-party action
 * and no install step. GitHub gets one step per command (the digest passes through
 * $GITHUB_ENV); GitLab runs them as the lines of one job's script.
 */
static void step(struct out *o, int gh, const char *name, const char *env, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static void step(struct out *o, int gh, const char *name, const char *env, const char *fmt, ...)
{
	va_list ap;

	if (gh) {
		put(o, "      - name: %s\n", name);
		if (env)
			put(o, "        env:\n%s", env);
		put(o, "        run: ");
	} else {
		put(o, "    # %s\n    - ", name);
	}
	if (o->err)
		return;
	va_start(ap, fmt);
	o->err = bh_buf_vprintf(o->b, fmt, ap);
	va_end(ap);
	put(o, "\n");
}

static void release_steps(struct out *o, const struct bh_init_opts *p, int gh)
{
	const char *sha = gh ? "$GITHUB_SHA" : "$CI_COMMIT_SHA";
	const char *wd = gh ? "$PWD" : "$CI_PROJECT_DIR";
	/*
	 * Under Docker-in-Docker a bind mount is resolved by the dind service, which shares only
	 * the build directory with the job, so GitLab keeps the registry login there.
	 */
	const char *cfg = gh ? "$HOME/.docker" : "$DOCKER_CONFIG";
	const char *cosign = p->tools[BH_INIT_TOOL_COSIGN];
	const char *reg_env = gh ? "          REGISTRY_USERNAME: ${{ secrets.REGISTRY_USERNAME }}\n"
				   "          REGISTRY_PASSWORD: ${{ secrets.REGISTRY_PASSWORD }}\n"
				 : NULL;
	const char *key_env =
		gh ? "          COSIGN_PRIVATE_KEY: ${{ secrets.COSIGN_PRIVATE_KEY }}\n"
		     "          COSIGN_PASSWORD: ${{ secrets.COSIGN_PASSWORD }}\n"
		   : NULL;
	char reg[256];

	registry_of(p->image, reg, sizeof(reg));
	step(o, gh, "Build", NULL,
	     "docker build --tag \"$IMAGE:%s\" . && docker save --output image.tar \"$IMAGE:%s\"",
	     sha, sha);
	step(o, gh, "Scan the image (CRITICAL or HIGH fails the job, before the push)", NULL,
	     "docker run --rm -v \"%s:/work\" %s image --input /work/image.tar --exit-code 1 --severity CRITICAL,HIGH",
	     wd, p->tools[BH_INIT_TOOL_TRIVY]);
	step(o, gh, "SBOM", NULL,
	     "docker run --rm -v \"%s:/work:ro\" %s docker-archive:/work/image.tar --output spdx-json > sbom.spdx.json",
	     wd, p->tools[BH_INIT_TOOL_SYFT]);
	step(o, gh, "Push", reg_env,
	     "printf '%%s' \"$REGISTRY_PASSWORD\" | docker login --username \"$REGISTRY_USERNAME\" --password-stdin %s && docker push \"$IMAGE:%s\"",
	     reg, sha);
	/*
	 * Sign and attest the digest that was pushed, never a tag. cosign runs as the job's user,
	 * which can read the registry login (mode 0600), with a scratch HOME for its TUF cache.
	 */
	if (gh)
		step(o, gh, "Pushed digest", NULL,
		     "echo \"REF=$(docker inspect --format '{{index .RepoDigests 0}}' \"$IMAGE:%s\")\" >> \"$GITHUB_ENV\"",
		     sha);
	else
		step(o, gh, "Pushed digest", NULL,
		     "REF=$(docker inspect --format '{{index .RepoDigests 0}}' \"$IMAGE:%s\")",
		     sha);
	step(o, gh, "Sign the pushed digest", key_env,
	     "docker run --rm --user \"$(id -u):$(id -g)\" --tmpfs /tmp -e HOME=/tmp -e COSIGN_PRIVATE_KEY -e COSIGN_PASSWORD -e DOCKER_CONFIG=/docker -v \"%s:/docker:ro\" %s sign --yes --key env://COSIGN_PRIVATE_KEY \"$REF\"",
	     cfg, cosign);
	step(o, gh, "Attest the SBOM to the pushed digest", key_env,
	     "docker run --rm --user \"$(id -u):$(id -g)\" --tmpfs /tmp -e HOME=/tmp -e COSIGN_PRIVATE_KEY -e COSIGN_PASSWORD -e DOCKER_CONFIG=/docker -v \"%s:/docker:ro\" -v \"%s:/work:ro\" %s attest --yes --key env://COSIGN_PRIVATE_KEY --type spdxjson --predicate /work/sbom.spdx.json \"$REF\"",
	     cfg, wd, cosign);
}

/*
 * A shallow fetch of the commit with git alone, in place of actions/checkout: the token is
 * passed for this one command and never stored in .git/config.
 */
static const char checkout[] =
	"      - name: Check out\n"
	"        env:\n"
	"          TOKEN: ${{ github.token }}\n"
	"        run: |\n"
	"          set -eu\n"
	"          git init --quiet .\n"
	"          auth=$(printf 'x-access-token:%s' \"$TOKEN\" | base64 -w0)\n"
	"          git -c http.extraheader=\"AUTHORIZATION: basic $auth\" fetch --quiet --depth=1 \"$GITHUB_SERVER_URL/$GITHUB_REPOSITORY\" \"$GITHUB_SHA\"\n"
	"          git checkout --quiet FETCH_HEAD\n";

static void github(struct out *o, const struct bh_init_opts *p)
{
	char repo[512];

	repo_of(p->image, repo, sizeof(repo));
	put(o,
	    "# Release of the %s agent image, written by `bulkhead init`.\n"
	    "#\n"
	    "# Secrets to create: REGISTRY_USERNAME and REGISTRY_PASSWORD (push to the registry),\n"
	    "# COSIGN_PRIVATE_KEY and COSIGN_PASSWORD (from `cosign generate-key-pair`). The tools\n"
	    "# run as containers pinned by digest; no third-party action runs with the token.\n"
	    "name: release\n"
	    "on:\n"
	    "  push:\n"
	    "    branches: [main]\n"
	    "permissions: {}\n"
	    "jobs:\n"
	    "  secret-scan:\n"
	    "    runs-on: ubuntu-24.04\n"
	    "    permissions:\n"
	    "      contents: read\n"
	    "    steps:\n"
	    "%s"
	    "      - name: Scan the tree for secrets\n"
	    "        run: docker run --rm -v \"$PWD:/repo:ro\" %s dir /repo --redact --exit-code 1\n"
	    "  release:\n"
	    "    needs: secret-scan\n"
	    "    runs-on: ubuntu-24.04\n"
	    "    permissions:\n"
	    "      contents: read\n"
	    "    env:\n"
	    "      IMAGE: %s\n"
	    "    steps:\n"
	    "%s",
	    p->name, checkout, p->tools[BH_INIT_TOOL_GITLEAKS], repo, checkout);
	release_steps(o, p, 1);
}

static void gitlab(struct out *o, const struct bh_init_opts *p)
{
	char repo[512];

	repo_of(p->image, repo, sizeof(repo));
	put(o,
	    "# Release of the %s agent image, written by `bulkhead init`.\n"
	    "#\n"
	    "# CI/CD variables to create (masked, protected): REGISTRY_USERNAME, REGISTRY_PASSWORD,\n"
	    "# COSIGN_PRIVATE_KEY and COSIGN_PASSWORD (from `cosign generate-key-pair`). The tools\n"
	    "# run as containers pinned by digest on a Docker-in-Docker service (the runner must\n"
	    "# allow privileged services and share /certs/client, as GitLab documents for dind).\n"
	    "stages: [test, release]\n"
	    "variables:\n"
	    "  IMAGE: %s\n"
	    "  DOCKER_HOST: tcp://docker:2376\n"
	    "  DOCKER_TLS_CERTDIR: /certs\n"
	    "  DOCKER_TLS_VERIFY: \"1\"\n"
	    "  DOCKER_CERT_PATH: /certs/client\n"
	    "  DOCKER_CONFIG: $CI_PROJECT_DIR/.docker\n"
	    "default:\n"
	    "  image: %s\n"
	    "  services:\n"
	    "    - name: %s\n"
	    "      alias: docker\n"
	    "secret-scan:\n"
	    "  stage: test\n"
	    "  script:\n"
	    "    - docker run --rm -v \"$CI_PROJECT_DIR:/repo:ro\" %s dir /repo --redact --exit-code 1\n"
	    "release:\n"
	    "  stage: release\n"
	    "  rules:\n"
	    "    - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH\n"
	    "  script:\n",
	    p->name, repo, p->tools[BH_INIT_TOOL_DOCKER], p->tools[BH_INIT_TOOL_DOCKER],
	    p->tools[BH_INIT_TOOL_GITLEAKS]);
	release_steps(o, p, 0);
}

/* ---- .bulkhead.yaml ------------------------------------------------------------------------- */

static void config(struct out *o, const struct bh_init_opts *p)
{
	put(o,
	    "# What bulkhead judges this deployment against: the agent, what it may reach and\n"
	    "# who may call it. Keep it in step with k8s/networkpolicy.yaml.\n"
	    "fail-on: low\n"
	    "agents:\n"
	    "  namespaces: [\"%s\"]\n"
	    "  selectors:\n"
	    "    - {app: \"%s\"}\n",
	    p->ns, p->name);
	if (p->negress) {
		put(o, "  egress:\n");
		for (size_t i = 0; i < p->negress; i++) {
			const struct bh_init_egress *e = &p->egress[i];

			if (e->host[0])
				put(o, "    - {host: \"%s\", port: %u}\n", e->host, e->port);
			else if (e->port)
				put(o, "    - {cidr: \"%s\", port: %u}\n", e->cidr, e->port);
			else
				put(o, "    - {cidr: \"%s\"}\n", e->cidr);
		}
	}
	put(o, "  orchestrator: ");
	orch_labels(o, p, "");
	put(o, "\n");
}

/* ---- all of it ------------------------------------------------------------------------------ */

bh_err bh_init_render(const struct bh_init_opts *p, struct bh_init_file files[BH_INIT_MAX_FILES],
		      size_t *n)
{
	static const struct {
		const char *path;
		int mesh, ci; /* -1: always */
		void (*fn)(struct out *, const struct bh_init_opts *);
	} table[] = {
		{ "Dockerfile", -1, -1, dockerfile },
		{ ".dockerignore", -1, -1, NULL },
		{ "k8s/namespace.yaml", -1, -1, namespace },
		{ "k8s/serviceaccount.yaml", -1, -1, serviceaccount },
		{ "k8s/deployment.yaml", -1, -1, deployment },
		{ "k8s/service.yaml", -1, -1, service },
		{ "k8s/networkpolicy.yaml", -1, -1, networkpolicy },
		{ "k8s/istio.yaml", BH_INIT_MESH_ISTIO, -1, istio },
		{ "k8s/cilium.yaml", BH_INIT_MESH_CILIUM, -1, cilium },
		{ ".github/workflows/release.yml", -1, BH_INIT_CI_GITHUB, github },
		{ ".gitlab-ci.yml", -1, BH_INIT_CI_GITLAB, gitlab },
		{ ".bulkhead.yaml", -1, -1, config },
	};
	size_t k = 0;

	*n = 0;
	for (size_t i = 0; i < sizeof(table) / sizeof(*table); i++) {
		struct out o;

		if ((table[i].mesh >= 0 && table[i].mesh != (int)p->mesh) ||
		    (table[i].ci >= 0 && table[i].ci != (int)p->ci))
			continue;
		files[k].path = table[i].path;
		bh_buf_init(&files[k].text, 0);
		o.b = &files[k].text;
		o.err = BH_OK;
		*n = ++k;
		if (table[i].fn)
			table[i].fn(&o, p);
		else
			dockerignore(&o);
		if (o.err)
			return o.err;
	}
	return BH_OK;
}
