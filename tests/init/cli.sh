#!/bin/sh
# Tests of `bulkhead init`. The decisive one: for each supported combination of options, init
# into a fresh directory, then `bulkhead scan --fail-on info` must exit 0 with no finding, no
# error and nothing suppressed, having scanned every generated file (files_scanned counts them).
# A mutation of each layer's output must then make the same scan fail, so that a pass means the
# files were checked and not skipped. Then the refusals: bad values exit 2 and write nothing,
# existing files are never overwritten without --force, and --dry-run writes nothing.
# The digests here are test values: nothing is pulled.
set -u
: "${BULKHEAD:?}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# init scans its output in a private directory under TMPDIR: none may be left behind.
mkdir "$tmp/t"
TMPDIR=$tmp/t
export TMPDIR
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() {
	fail=$((fail + 1))
	echo "FAIL: $*" >&2
}

D=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
REQ="--image registry.example.com/agents/research@sha256:$D --build-image golang:1.23@sha256:$D"
TOOLS="--ci-tool aquasec/trivy:0.58.1@sha256:$D --ci-tool anchore/syft@sha256:$D --ci-tool sigstore/cosign@sha256:$D --ci-tool zricethezav/gitleaks@sha256:$D"
DIND="--ci-tool docker:27-dind@sha256:$D"

# summary FILE EXPR: a Python expression over the JSON report `r` must hold.
summary() {
	python3 - "$1" "$2" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))
ok = eval(sys.argv[2])
if not ok:
    print(json.dumps(r, indent=1)[:3000], file=sys.stderr)
sys.exit(0 if ok else 1)
EOF
}

# scan_clean NAME DIR: no finding at info, no error, nothing suppressed, every file scanned.
scan_clean() {
	name=$1
	dir=$2
	# Files the scan must recognise: all but .dockerignore and .bulkhead.yaml.
	want=$(cd "$dir" && find . -type f ! -name .dockerignore ! -name .bulkhead.yaml | wc -l)
	"$BULKHEAD" scan --format json --fail-on info "$dir" >"$tmp/scan.json" 2>"$tmp/scan.err"
	rc=$?
	if [ $rc = 0 ] && summary "$tmp/scan.json" "r['findings'] == [] and r['errors'] == [] and r['summary']['suppressed'] == 0 and r['summary']['files_scanned'] == $want"; then
		ok
	else
		bad "$name: scan exit $rc (want 0, $want files scanned, no finding)"
		cat "$tmp/scan.err" >&2
		"$BULKHEAD" scan --fail-on info "$dir" >&2
	fi
	# The config declares the agent; it must not switch rules off or hide findings.
	if grep -Eq '^(disable|ignore|severity|exclude):' "$dir/.bulkhead.yaml"; then
		bad "$name: .bulkhead.yaml disables or suppresses rules"
	else
		ok
	fi
}

# mutate NAME DIR FILE SED RULE: after the sed edit of FILE, the scan must report RULE.
mutate() {
	name=$1
	dir=$2
	rm -rf "$tmp/mut"
	cp -r "$dir" "$tmp/mut"
	sed -i "$4" "$tmp/mut/$3"
	if cmp -s "$dir/$3" "$tmp/mut/$3"; then
		bad "$name: the edit '$4' changed nothing in $3"
		return
	fi
	"$BULKHEAD" scan --format json --fail-on info "$tmp/mut" >"$tmp/mut.json" 2>&1
	if grep -q "\"rule\": \"$5\"" "$tmp/mut.json"; then ok; else bad "$name: $5 not reported after '$4' in $3"; fi
}

# gen NAME ARGS...: init into $tmp/NAME/research-agent; must exit 0 and list what it wrote.
gen() {
	name=$1
	shift
	mkdir -p "$tmp/$name"
	# shellcheck disable=SC2086
	if "$BULKHEAD" init "$@" "$tmp/$name/research-agent" >"$tmp/$name.out" 2>"$tmp/$name.err"; then
		ok
	else
		bad "$name: init failed: $(cat "$tmp/$name.err")"
		return
	fi
	n=$(find "$tmp/$name/research-agent" -type f | wc -l)
	if [ "$(grep -c '^wrote ' "$tmp/$name.out")" = "$n" ]; then ok; else bad "$name: printed list does not match the $n files written"; fi
	scan_clean "$name" "$tmp/$name/research-agent"
}

# ---- the combinations ------------------------------------------------------------------
# shellcheck disable=SC2086
gen defaults $REQ $TOOLS
gen ci-none $REQ --ci none
gen egress $REQ $TOOLS --egress 203.0.113.0/24:443 --egress llm-gateway.ai-platform.svc:8443 \
	--egress tools.tools.svc.cluster.local:443 --egress '[2001:db8::/32]:443' \
	--egress 198.51.100.0/24 --egress 169.254.0.0/16:80
gen istio $REQ $TOOLS --mesh istio --egress 203.0.113.0/24:443
gen cilium $REQ $TOOLS --mesh cilium --egress api.openai.com:443 --egress llm.example.com:8443 \
	--egress 10.20.0.0/16:5432 --orchestrator app.kubernetes.io/name=orchestrator \
	--orchestrator-namespace orchestration
gen gitlab $REQ $TOOLS $DIND --ci gitlab --egress 10.20.0.0/16:5432 --port 9000 --uid 20000
gen distroless $REQ --ci none --namespace research --name researcher \
	--base-image registry.example.com/distroless/static-debian12:nonroot@sha256:$D \
	--build-cmd 'cargo build --release && cp target/release/agent /out/agent'

gen yaml-words $REQ --ci none --name 123 --namespace yes --orchestrator app=true \
	--orchestrator-namespace "off" --mesh cilium --egress null.example.com:443

# ---- each layer is really checked ------------------------------------------------------
d=$tmp/defaults/research-agent
mutate "Dockerfile USER" "$d" Dockerfile '/^USER /d' DF-004
mutate "Dockerfile base" "$d" Dockerfile 's/^FROM golang:1.23@sha256:[0-9a-f]*/FROM golang:1.23/' DF-002
mutate "deployment readOnly" "$d" k8s/deployment.yaml 's/readOnlyRootFilesystem: true/readOnlyRootFilesystem: false/' K8-023
mutate "deployment image" "$d" k8s/deployment.yaml 's/@sha256:[0-9a-f]*//' K8-028
mutate "namespace label" "$d" k8s/namespace.yaml '/enforce: restricted/d' K8-031
mutate "pod token" "$d" k8s/deployment.yaml 's/automountServiceAccountToken: false/automountServiceAccountToken: true/' K8-027
mutate "default deny" "$d" k8s/networkpolicy.yaml 's/name: default-deny/name: default-deny\n  labels: {x: y}/; s/  podSelector: {}/  podSelector: {matchLabels: {app: none}}/' NP-001
mutate "github scan gate" "$d" .github/workflows/release.yml 's/--exit-code 1 --severity/--exit-code 0 --severity/' CI-001
mutate "github signing" "$d" .github/workflows/release.yml '/ sign --yes /d' CI-003
mutate "github secret scan" "$d" .github/workflows/release.yml 's/ dir \/repo --redact --exit-code 1/ version/' CI-005
mutate "github permissions" "$d" .github/workflows/release.yml 's/^permissions: {}/permissions: write-all/' CI-013
mutate "gitlab scan gate" "$tmp/gitlab/research-agent" .gitlab-ci.yml 's/--exit-code 1 --severity/--exit-code 0 --severity/' CI-001
mutate "gitlab attest" "$tmp/gitlab/research-agent" .gitlab-ci.yml '/ attest --yes /d' CI-004
mutate "egress open" "$tmp/egress/research-agent" k8s/networkpolicy.yaml 's/cidr: "203.0.113.0\/24"/cidr: "0.0.0.0\/0"/' NP-003
mutate "metadata except" "$tmp/egress/research-agent" k8s/networkpolicy.yaml '/except: \[169.254.169.254\/32\]/d' NP-004
mutate "orchestrator ingress" "$d" k8s/networkpolicy.yaml 's/- podSelector: {matchLabels: {app: "orchestrator"}}/- namespaceSelector: {}/' NP-007
mutate "istio peerauthentication" "$tmp/istio/research-agent" k8s/istio.yaml 's/mode: STRICT/mode: PERMISSIVE/' NP-011
mutate "cilium authentication" "$tmp/cilium/research-agent" k8s/cilium.yaml 's/mode: required/mode: disabled/' NP-011
mutate "cilium undeclared host" "$tmp/cilium/research-agent" .bulkhead.yaml '/host: "llm.example.com"/d' NP-012

# ---- what the files say ----------------------------------------------------------------
check_grep() { # NAME PATTERN FILE
	if grep -q -- "$2" "$3"; then ok; else bad "$1: '$2' not in $3"; fi
}
check_grep "scratch final stage" '^FROM scratch' "$d/Dockerfile"
check_grep "numeric user" '^USER 10001:10001' "$d/Dockerfile"
check_grep "distroless base" '^FROM registry.example.com/distroless/static-debian12:nonroot@sha256:' "$tmp/distroless/research-agent/Dockerfile"
check_grep "custom build" 'cargo build --release' "$tmp/distroless/research-agent/Dockerfile"
check_grep "custom names" 'name: "researcher"' "$tmp/distroless/research-agent/k8s/deployment.yaml"
check_grep "custom uid" 'runAsUser: 20000' "$tmp/gitlab/research-agent/k8s/deployment.yaml"
check_grep "custom port" 'containerPort: 9000' "$tmp/gitlab/research-agent/k8s/deployment.yaml"
check_grep "cilium fqdn" 'matchName: "api.openai.com"' "$tmp/cilium/research-agent/k8s/cilium.yaml"
check_grep "declared egress" 'host: "api.openai.com", port: 443' "$tmp/cilium/research-agent/.bulkhead.yaml"
check_grep "orchestrator namespace" 'kubernetes.io/metadata.name: "orchestration"' "$tmp/cilium/research-agent/k8s/networkpolicy.yaml"
check_grep "in-cluster egress" 'kubernetes.io/metadata.name: "ai-platform"' "$tmp/egress/research-agent/k8s/networkpolicy.yaml"
check_grep "quoted name" 'app: "123"' "$tmp/yaml-words/research-agent/k8s/deployment.yaml"
check_grep "quoted label" 'app: "true"' "$tmp/yaml-words/research-agent/k8s/networkpolicy.yaml"
check_grep "ci tools by digest" "aquasec/trivy:0.58.1@sha256:$D image" "$d/.github/workflows/release.yml"
if [ -e "$tmp/ci-none/research-agent/.github" ]; then bad "--ci none wrote a workflow"; else ok; fi
if grep -q 'uses:' "$d/.github/workflows/release.yml"; then bad "workflow uses an action"; else ok; fi

# ---- refusals: exit 2, message, nothing written ----------------------------------------
# refuse NAME PATTERN ARGS...: init into a fresh directory must exit 2 with PATTERN on stderr
# and leave the directory absent.
refuse() {
	name=$1
	pat=$2
	shift 2
	rm -rf "$tmp/refused"
	"$BULKHEAD" init "$@" >"$tmp/r.out" 2>"$tmp/r.err"
	rc=$?
	if [ $rc = 2 ] && grep -q -- "$pat" "$tmp/r.err" && [ ! -e "$tmp/refused" ]; then
		ok
	else
		bad "$name: exit $rc, stderr: $(cat "$tmp/r.err")"
	fi
}
# shellcheck disable=SC2086
{
	refuse "bad name" "DNS-1123" $REQ --ci none --name Research_Agent "$tmp/refused"
	refuse "name too long" "1 to 63" $REQ --ci none --name "$(printf 'a%.0s' $(seq 64))" "$tmp/refused"
	refuse "name from dir" "give --name" $REQ --ci none "$tmp/refused/Bad_Dir"
	refuse "bad namespace" "start and end" $REQ --ci none --namespace -agents "$tmp/refused"
	refuse "default namespace" "namespace of its own" $REQ --ci none --namespace default "$tmp/refused"
	refuse "kube-system namespace" "namespace of its own" $REQ --ci none --namespace kube-system "$tmp/refused"
	refuse "undigested image" "not pinned by digest" --image registry.example.com/agent:1.0 \
		--build-image golang:1.23@sha256:$D --ci none "$tmp/refused"
	refuse "short digest" "64 lower-case hex" --image "agent@sha256:abc" \
		--build-image golang:1.23@sha256:$D --ci none "$tmp/refused"
	refuse "no image" "--image is required" --build-image golang:1.23@sha256:$D --ci none "$tmp/refused"
	refuse "no build image" "--build-image is required" --image agent@sha256:$D --ci none "$tmp/refused"
	refuse "undigested base" "not pinned by digest" $REQ --ci none --base-image alpine:3.20 "$tmp/refused"
	refuse "egress no port" "needs a port" $REQ --ci none --egress api.openai.com "$tmp/refused"
	refuse "egress bad cidr" "not a valid CIDR" $REQ --ci none --egress 300.1.2.0/24:443 "$tmp/refused"
	refuse "egress host bits" "bits set after the prefix" $REQ --ci none --egress 10.1.2.3/8:443 "$tmp/refused"
	refuse "egress too wide" "too wide" $REQ --ci none --egress 0.0.0.0/0 "$tmp/refused"
	refuse "egress bad port" "1 to 65535" $REQ --ci none --egress 203.0.113.0/24:70000 "$tmp/refused"
	refuse "egress bad host" "not a host name" $REQ --ci none --egress 'Api.Example.com:443' "$tmp/refused"
	refuse "egress host without cilium" "cannot match a host name" $REQ --ci none \
		--egress api.openai.com:443 "$tmp/refused"
	refuse "bad orchestrator" "KEY=VALUE" $REQ --ci none --orchestrator orchestrator "$tmp/refused"
	refuse "bad orchestrator value" "not a label value" $REQ --ci none --orchestrator 'app=a b' "$tmp/refused"
	refuse "low port" "1024 to 65535" $REQ --ci none --port 80 "$tmp/refused"
	refuse "root uid" "1 to 2147483647" $REQ --ci none --uid 0 "$tmp/refused"
	refuse "bad mesh" "none, istio or cilium" $REQ --mesh linkerd "$tmp/refused"
	refuse "bad ci" "github, gitlab or none" $REQ --ci jenkins "$tmp/refused"
	refuse "missing ci tools" "missing\|each of: cosign, gitleaks" $REQ --ci-tool aquasec/trivy@sha256:$D \
		--ci-tool anchore/syft@sha256:$D "$tmp/refused"
	refuse "gitlab needs docker" "each of: docker" $REQ $TOOLS --ci gitlab "$tmp/refused"
	refuse "unknown tool" "trivy, syft, cosign, gitleaks or docker" $REQ --ci-tool grype@sha256:$D "$tmp/refused"
	refuse "build cmd newline" "one non-empty line" $REQ --ci none --build-cmd "$(printf 'make\nRUN id')" "$tmp/refused"
	refuse "unknown option" "unknown option\|unrecognized\|--frobnicate" $REQ --frobnicate "$tmp/refused"
	refuse "two dirs" "one directory" $REQ --ci none "$tmp/refused" "$tmp/refused2"
	# Values only the rules judge: the self-check scan refuses them with the finding.
	refuse "full distribution base" "Dockerfile:[0-9]*:[0-9]*: medium DF-001" $REQ --ci none \
		--base-image debian:12@sha256:$D "$tmp/refused"
	refuse "download piped to sh" "high DF-013" $REQ --ci none \
		--build-cmd 'curl -fsSL https://example.com/install.sh | sh' "$tmp/refused"
	refuse "CIDR in the Service range" "k8s/networkpolicy.yaml:[0-9]*:[0-9]*: low NP-016" \
		$REQ --ci none --egress 10.96.0.0/16:443 "$tmp/refused"
}

# ---- existing files: nothing written without --force -------------------------------------
x=$tmp/existing/research-agent
mkdir -p "$x/k8s"
echo keep >"$x/k8s/service.yaml"
# shellcheck disable=SC2086
"$BULKHEAD" init $REQ --ci none "$x" >"$tmp/x.out" 2>"$tmp/x.err"
rc=$?
if [ $rc = 2 ] && grep -q "k8s/service.yaml exists; nothing was written" "$tmp/x.err" &&
	[ "$(find "$x" -type f | wc -l)" = 1 ] && [ "$(cat "$x/k8s/service.yaml")" = keep ]; then
	ok
else
	bad "existing file: exit $rc, files $(find "$x" -type f | wc -l): $(cat "$tmp/x.err")"
fi
# shellcheck disable=SC2086
if "$BULKHEAD" init $REQ --ci none --force "$x" >/dev/null 2>&1 &&
	grep -q 'kind: Service' "$x/k8s/service.yaml" && [ -f "$x/Dockerfile" ]; then
	ok
else
	bad "--force did not overwrite"
fi
scan_clean "forced" "$x"
# No temporary files are left next to the written ones.
if [ "$(find "$x" -name '*.tmp*' | wc -l)" = 0 ]; then ok; else bad "temporary files left"; fi

# ---- --dry-run writes nothing --------------------------------------------------------------
# shellcheck disable=SC2086
"$BULKHEAD" init $REQ $TOOLS --mesh istio --dry-run "$tmp/dry/research-agent" >"$tmp/dry.out" 2>&1
rc=$?
if [ $rc = 0 ] && [ ! -e "$tmp/dry" ] && grep -q "==> $tmp/dry/research-agent/k8s/istio.yaml <==" "$tmp/dry.out" &&
	grep -q 'kind: PeerAuthentication' "$tmp/dry.out"; then
	ok
else
	bad "--dry-run: exit $rc or wrote files"
fi
mkdir -p "$tmp/dry2"
echo keep >"$tmp/dry2/Dockerfile"
# shellcheck disable=SC2086
"$BULKHEAD" init $REQ --ci none -n --force "$tmp/dry2" >/dev/null 2>&1
if [ "$(cat "$tmp/dry2/Dockerfile")" = keep ] && [ "$(find "$tmp/dry2" -type f | wc -l)" = 1 ]; then ok; else bad "--dry-run --force wrote"; fi
# Without --force, a dry run refuses as the real run would.
# shellcheck disable=SC2086
"$BULKHEAD" init $REQ --ci none -n "$tmp/dry2" >"$tmp/dry2.out" 2>"$tmp/dry2.err"
rc=$?
if [ $rc = 2 ] && grep -q "Dockerfile exists" "$tmp/dry2.err" && [ ! -s "$tmp/dry2.out" ]; then ok; else bad "--dry-run over an existing file: exit $rc"; fi

# ---- the default name comes from the directory -------------------------------------------
# shellcheck disable=SC2086
"$BULKHEAD" init $REQ --ci none "$tmp/named/summarizer" >/dev/null 2>&1
check_grep "name from dir" 'name: "summarizer"' "$tmp/named/summarizer/k8s/deployment.yaml"

# ---- help ------------------------------------------------------------------------------------
if "$BULKHEAD" init --help | grep -q -- '--egress DEST'; then ok; else bad "--help"; fi

if [ -z "$(ls -A "$tmp/t")" ]; then ok; else bad "the self-check left $(ls -A "$tmp/t")"; fi

echo "init: $pass passed, $fail failed"
[ $fail = 0 ] && [ $pass -gt 0 ]
