#!/bin/sh
# End-to-end tests of `bulkhead gate` on inputs made here: the example deployment with a
# planted secret and a built image (findings of every layer in one report, byte-identical
# across runs and thread counts), a clean hardened set (exit 0), a real git repository with a
# secret in its history, one policy (.bulkhead.yaml) over every layer, a baseline written by
# scan and honoured by gate, fingerprints equal to those of scan, secrets and image, reports
# valid against the JSON and SARIF schemas, and bad inputs (exit 2, named). The image is a
# tiny one built with umoci and skopeo. Tokens are generated here (GitHub ones with valid
# CRC32 checksums); none is a real credential. Prints "N passed, N failed".
set -u
: "${BULKHEAD:?}" "${SRCDIR:?}" "${SHARED:?}"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() {
	fail=$((fail + 1))
	echo "FAIL: $*"
}
# expect_rc WANT GOT WHAT
expect_rc() {
	if [ "$2" = "$1" ]; then ok; else bad "$3: exit $2, expected $1 ($(head -c 400 "$T/err"))"; fi
}
# json_check FILE EXPR WHAT: a Python expression over `d` (the report) and `f` (its findings).
json_check() {
	if python3 - "$1" "$2" <<'EOF'; then ok; else bad "$3"; fi
import json, sys
d = json.load(open(sys.argv[1]))
f = d.get("findings", [])
sys.exit(0 if eval(sys.argv[2]) else 1)
EOF
}
validate_json() { # FILE WHAT
	if python3 - "$SRCDIR/docs/json-report.schema.json" "$1" <<'EOF'; then ok; else bad "$2: not valid against the JSON report schema"; fi
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
jsonschema.Draft7Validator.check_schema(schema)
jsonschema.validate(json.load(open(sys.argv[2])), schema)
EOF
}

# A GitHub-format token with a valid CRC32 (tests/lib/gh-token.py).
gh() { python3 "$SRCDIR/tests/lib/gh-token.py" "$1" "$2"; }
TOK1=$(gh ghp 11)
TOK2=$(gh ghp 12)

# ---- a tiny image: root user, a shell, and a credentials file -----------------------------
have_image=0
if command -v umoci >/dev/null && command -v skopeo >/dev/null; then
	R=$T/rootfs
	mkdir -p "$R/bin" "$R/app"
	printf '#!/bin/true\n' >"$R/bin/sh"
	chmod 755 "$R/bin/sh"
	printf 'GITHUB_TOKEN=%s\n' "$TOK2" >"$R/app/.env"
	(cd "$R" && find . -mindepth 1 -printf '%P\n' | LC_ALL=C sort) >"$T/list"
	tar --numeric-owner --owner=0 --group=0 --mtime=@0 --no-recursion -C "$R" \
		-cf "$T/layer.tar" -T "$T/list"
	H=2024-01-02T03:04:05Z
	if umoci init --layout "$T/oci" &&
		umoci new --image "$T/oci:empty" &&
		umoci raw add-layer --image "$T/oci:empty" --tag l1 --history.created "$H" \
			--history.created_by 'COPY rootfs /' "$T/layer.tar" &&
		umoci config --image "$T/oci:l1" --tag agent --created "$H" --config.user 0 \
			--history.created "$H" --history.created_by 'USER 0' &&
		skopeo copy -q oci:"$T/oci:agent" docker-archive:"$T/agent.tar":example/agent:1; then
		have_image=1
	else
		bad "building the test image with umoci and skopeo"
	fi
else
	echo "umoci or skopeo missing: the image layer is not tested"
fi

# ---- the example deployment with a planted secret, and the image ---------------------------
W=$T/work
mkdir -p "$W"
cp -r "$SRCDIR/examples/agent-deployment" "$W/deploy"
printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: tools\n  namespace: agents\ndata:\n  token: "%s"\n' \
	"$TOK1" >"$W/deploy/k8s/tools-config.yaml"
cd "$W" || exit 1
set -- deploy
[ $have_image = 1 ] && set -- --image "$T/agent.tar" --image "$T/oci:agent" deploy
"$BULKHEAD" gate --no-color "$@" >"$T/text1" 2>"$T/err"
expect_rc 1 $? "gate on the example deployment"
"$BULKHEAD" gate --no-color -j 1 "$@" >"$T/text2" 2>/dev/null
"$BULKHEAD" gate --no-color -j 3 "$@" >"$T/text3" 2>/dev/null
if cmp -s "$T/text1" "$T/text2" && cmp -s "$T/text1" "$T/text3"; then ok; else bad "text report differs across runs or -j"; fi
"$BULKHEAD" gate -f json -j 1 "$@" >"$T/g1.json" 2>/dev/null
"$BULKHEAD" gate -f json -j 4 "$@" >"$T/g2.json" 2>/dev/null
if cmp -s "$T/g1.json" "$T/g2.json"; then ok; else bad "JSON report differs across -j"; fi
validate_json "$T/g1.json" "gate JSON report"
layers="{'DF', 'K8', 'CI', 'NP', 'SE'}"
[ $have_image = 1 ] && layers="{'DF', 'K8', 'CI', 'NP', 'SE', 'IM'}"
json_check "$T/g1.json" "{x['rule'][:2] for x in f} >= $layers" "findings of every layer in one report"
json_check "$T/g1.json" "[l['name'] for l in d['layers']] == ['scan', 'secrets', 'git', 'image'] and not d['layers'][2]['ran']" "layers array"
json_check "$T/g1.json" "sum(sum(l['by_severity'].values()) for l in d['layers']) == d['summary']['total']" "layer counts add up to the total"
json_check "$T/g1.json" "[(x['file'], x['line'], x['column'], x['rule']) for x in f] == sorted((x['file'], x['line'], x['column'], x['rule']) for x in f)" "findings sorted"
json_check "$T/g1.json" "any(x['rule'].startswith('SE') and x['file'] == 'deploy/k8s/tools-config.yaml' for x in f)" "planted secret reported"
# The text report ends with the per-layer table and the verdict; the secret is never printed.
if tail -1 "$T/text1" | grep -q '^verdict: fail, [0-9]* findings at or above high$'; then ok; else bad "verdict line: $(tail -1 "$T/text1")"; fi
for l in scan secrets; do
	if grep -q "^$l  .* files\$" "$T/text1"; then ok; else bad "no summary row for $l"; fi
done
if grep -q '^git .*skipped: no --git$' "$T/text1"; then ok; else bad "git row not marked skipped"; fi
if grep -q -- "$TOK1" "$T/text1" "$T/g1.json"; then bad "the planted secret appears in a report"; else ok; fi

# Fingerprints are those of scan, secrets and image for the same findings.
"$BULKHEAD" scan -f json deploy >"$T/scan.json" 2>/dev/null
"$BULKHEAD" secrets -f json deploy >"$T/secrets.json" 2>/dev/null
fps() { python3 -c 'import json,sys; print("\n".join(sorted(x["fingerprint"] for x in json.load(open(sys.argv[1]))["findings"] if x["rule"][:2] in sys.argv[2].split(","))))' "$@"; }
for pair in "scan.json DF,K8,CI,NP" "secrets.json SE"; do
	set -- $pair
	fps "$T/$1" "$2" >"$T/want"
	fps "$T/g1.json" "$2" >"$T/got"
	if [ -s "$T/want" ] && cmp -s "$T/want" "$T/got"; then ok; else bad "fingerprints of $2 differ from ${1%.json}'s"; fi
done
if [ $have_image = 1 ]; then
	"$BULKHEAD" image -f json "$T/agent.tar" >"$T/im1.json" 2>/dev/null
	"$BULKHEAD" image -f json "$T/oci:agent" >"$T/im2.json" 2>/dev/null
	{ fps "$T/im1.json" IM; fps "$T/im2.json" IM; } | sort >"$T/want"
	fps "$T/g1.json" IM >"$T/got"
	if [ -s "$T/want" ] && cmp -s "$T/want" "$T/got"; then ok; else bad "fingerprints of IM differ from image's"; fi
fi

# An image named twice is audited once.
if [ $have_image = 1 ]; then
	"$BULKHEAD" gate -f json --no-scan --no-secrets --image "$T/agent.tar" --image "$T/agent.tar" deploy >"$T/twice.json" 2>/dev/null
	json_check "$T/twice.json" "len(f) == len(json.load(open('$T/im1.json'))['findings']) and d['layers'][3]['inputs'] == 1" "an image named twice is audited once"
fi

# SARIF over every layer validates against the 2.1.0 schema; --output is the same bytes.
"$BULKHEAD" gate -f sarif -o "$T/g.sarif" deploy 2>/dev/null
expect_rc 1 $? "gate --format sarif"
if python3 "$SRCDIR/tests/golden/sarif_check.py" "$SHARED/corpus/schemas/sarif-schema-2.1.0.json" "$T/g.sarif" >"$T/sarif.out"; then ok; else bad "SARIF: $(head -5 "$T/sarif.out")"; fi
"$BULKHEAD" gate -f sarif deploy >"$T/g2.sarif" 2>/dev/null
if cmp -s "$T/g.sarif" "$T/g2.sarif"; then ok; else bad "--output differs from stdout"; fi

# ---- a baseline written by scan is honoured by gate ----------------------------------------
"$BULKHEAD" scan --write-baseline "$T/scan.baseline" deploy 2>/dev/null
expect_rc 0 $? "scan --write-baseline"
"$BULKHEAD" gate --no-secrets --baseline "$T/scan.baseline" deploy >"$T/out" 2>"$T/err"
expect_rc 0 $? "gate with scan's baseline, secrets off"
"$BULKHEAD" gate --baseline "$T/scan.baseline" -f json --show-suppressed deploy >"$T/b.json" 2>"$T/err"
expect_rc 1 $? "gate with scan's baseline: the secret is new"
json_check "$T/b.json" "all(x.get('suppressed_by', '').startswith('baseline') for x in f if x['rule'][:2] != 'SE') and all('suppressed_by' not in x for x in f if x['rule'][:2] == 'SE')" "baseline suppresses exactly scan's findings"
json_check "$T/b.json" "d['layers'][0]['suppressed'] > 0 and sum(d['layers'][0]['by_severity'].values()) == 0" "suppressed counted per layer"
# And gate's own baseline makes the next run pass.
"$BULKHEAD" gate --write-baseline "$T/gate.baseline" deploy 2>/dev/null
expect_rc 0 $? "gate --write-baseline"
"$BULKHEAD" gate --baseline "$T/gate.baseline" deploy >"$T/out" 2>"$T/err"
expect_rc 0 $? "gate with its own baseline"
if tail -1 "$T/out" | grep -q '^verdict: pass, no finding at or above high$'; then ok; else bad "pass verdict: $(tail -1 "$T/out")"; fi

# ---- a clean hardened set passes -----------------------------------------------------------
C=$T/clean
mkdir -p "$C/k8s" "$C/.github/workflows"
cp "$SRCDIR/tests/kube/hardened.yaml" "$SRCDIR/tests/golden/scan/clean/good.yaml" "$C/k8s/"
cp "$SRCDIR/tests/pipeline/fixtures/CI-001-pass-bulkhead.yml" "$C/.github/workflows/build.yml"
"$BULKHEAD" gate --no-color "$C" >"$T/out" 2>"$T/err"
expect_rc 0 $? "gate on the hardened set"
if grep -q '^No findings in [1-9]' "$T/out" && tail -1 "$T/out" | grep -q '^verdict: pass'; then ok; else bad "clean report: $(cat "$T/out")"; fi
# A secret planted in the clean tree fails it, in a file no other layer reads.
printf 'export GITHUB_TOKEN=%s\n' "$TOK1" >"$C/deploy.sh"
"$BULKHEAD" gate -f json "$C" >"$T/c.json" 2>"$T/err"
expect_rc 1 $? "gate on the hardened set with a planted secret"
json_check "$T/c.json" "[x['rule'][:2] + ':' + x['file'].rsplit('/', 1)[1] for x in f] == ['SE:deploy.sh']" "planted secret is the only finding"
"$BULKHEAD" gate --no-secrets "$C" >/dev/null 2>&1
expect_rc 0 $? "--no-secrets skips it"

# ---- one policy: the config's disable, severity, fail-on and exclude reach every layer ------
rule=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["findings"][0]["rule"])' "$T/c.json")
printf 'disable: [%s]\n' "$rule" >"$C/.bulkhead.yaml"
"$BULKHEAD" gate "$C" >"$T/out" 2>"$T/err"
expect_rc 0 $? "config disables the secret rule"
printf 'severity: {%s: low}\n' "$rule" >"$C/.bulkhead.yaml"
"$BULKHEAD" gate -f json "$C" >"$T/s.json" 2>"$T/err"
expect_rc 0 $? "config lowers the secret's severity below fail-on"
json_check "$T/s.json" "[x['severity'] for x in f] == ['low'] and d['layers'][1]['by_severity']['low'] == 1" "severity override in the layer summary"
printf 'fail-on: low\nseverity: {%s: low}\n' "$rule" >"$C/.bulkhead.yaml"
"$BULKHEAD" gate "$C" >/dev/null 2>&1
expect_rc 1 $? "config fail-on low"
printf 'exclude: ["*.sh"]\n' >"$C/.bulkhead.yaml"
"$BULKHEAD" gate "$C" >/dev/null 2>&1
expect_rc 0 $? "config exclude reaches the secrets layer"
printf 'ignore:\n  - {rule: %s, path: "*deploy.sh", reason: rotated}\n' "$rule" >"$C/.bulkhead.yaml"
"$BULKHEAD" gate "$C" >/dev/null 2>&1
expect_rc 0 $? "config ignore reaches the secrets layer"
rm "$C/.bulkhead.yaml"
"$BULKHEAD" gate --fail-on none "$C" >/dev/null 2>&1
expect_rc 0 $? "--fail-on none"

# ---- --git: a secret in history, deleted from the tree -------------------------------------
G=$T/repo
mkdir -p "$G"
cp "$SRCDIR/tests/kube/hardened.yaml" "$G/"
(
	cd "$G" && git init -q -b main &&
		git config user.email dev@example.com && git config user.name Dev &&
		printf 'token = "%s"\n' "$TOK2" >settings.py && git add . &&
		git commit -q -m 'add settings' &&
		git rm -q settings.py && git commit -q -m 'remove settings' &&
		echo '# notes' >NOTES.md && git add NOTES.md && git commit -q -m notes
) || bad "creating the git repository"
"$BULKHEAD" gate "$G" >/dev/null 2>"$T/err"
expect_rc 0 $? "gate on the repository's tree (the secret is gone)"
"$BULKHEAD" gate --git -f json "$G" >"$T/git.json" 2>"$T/err"
expect_rc 1 $? "gate --git finds the secret in history"
json_check "$T/git.json" "[(x['rule'][:2], x['file'], (x['object'] or '')[:7]) for x in f] == [('SE', 'settings.py', 'commit ')] and d['layers'][2]['ran'] and d['layers'][2]['inputs'] >= 3" "history finding attributed to a commit"
"$BULKHEAD" secrets --git -f json "$G" >"$T/sgit.json" 2>/dev/null
fps "$T/sgit.json" SE >"$T/want"
fps "$T/git.json" SE >"$T/got"
if [ -s "$T/want" ] && cmp -s "$T/want" "$T/got"; then ok; else bad "history fingerprints differ from secrets --git"; fi
"$BULKHEAD" gate --git HEAD~1..HEAD "$G" >/dev/null 2>"$T/err"
expect_rc 0 $? "gate --git RANGE after the removal"
(cd "$G" && "$BULKHEAD" gate --git >/dev/null 2>"$T/err")
expect_rc 1 $? "gate --git in the repository, no PATH"
# The config's secrets allowlist holds for the history too, also with the tree's scan off.
printf "secrets:\n  allow: ['^%s\$']\n" "$TOK2" >"$G/.bulkhead.yaml"
"$BULKHEAD" gate --git --no-secrets "$G" >/dev/null 2>"$T/err"
expect_rc 0 $? "config secrets allowlist with --git --no-secrets"
rm "$G/.bulkhead.yaml"

# ---- bad inputs: exit 2, named -------------------------------------------------------------
"$BULKHEAD" gate -f json -o "$T/missing.json" "$C" "$T/nope" >/dev/null 2>"$T/err"
expect_rc 2 $? "missing path"
if grep -q "$T/nope: no such file or directory" "$T/err"; then ok; else bad "missing path not named: $(cat "$T/err")"; fi
json_check "$T/missing.json" "len(d['errors']) == 1 and d['summary']['files_scanned'] > 0" "missing path: one error, the rest still reported"
printf 'apiVersion: v1\nkind: Pod\nmetadata: {name: x\n' >"$T/broken.yaml"
"$BULKHEAD" gate "$T/broken.yaml" >/dev/null 2>"$T/err"
expect_rc 2 $? "unparseable manifest"
if grep -q "broken.yaml:[0-9]*:[0-9]*: " "$T/err"; then ok; else bad "parse error without file:line: $(cat "$T/err")"; fi
printf 'fail-on: sometimes\n' >"$T/bad-config.yaml"
"$BULKHEAD" gate -c "$T/bad-config.yaml" "$C" >/dev/null 2>"$T/err"
expect_rc 2 $? "invalid config"
if grep -q "bad-config.yaml:1:" "$T/err"; then ok; else bad "config error without file:line: $(cat "$T/err")"; fi
for args in "--fail-on sometimes" "--format xml" "--jobs 0" "--bogus" "-"; do
	# shellcheck disable=SC2086
	"$BULKHEAD" gate $args "$C" >/dev/null 2>"$T/err"
	expect_rc 2 $? "gate $args"
done
"$BULKHEAD" gate --image "$T/no-such-image.tar" "$C" >/dev/null 2>"$T/err"
expect_rc 2 $? "missing image"
if grep -q "no-such-image.tar" "$T/err"; then ok; else bad "missing image not named: $(cat "$T/err")"; fi
"$BULKHEAD" gate --git "$C" >/dev/null 2>"$T/err"
expect_rc 2 $? "--git outside a repository"
# An output that cannot be written: exit 3 and no file at all.
"$BULKHEAD" gate -o "$T/no/such/dir/r.txt" "$C" >/dev/null 2>"$T/err"
expect_rc 3 $? "unwritable output"
if [ -e "$T/no/such/dir/r.txt" ]; then bad "partial output written"; else ok; fi

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
