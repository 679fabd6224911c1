#!/bin/sh
# bulkhead reading images straight from a registry: the test images of tests/image/im (built
# with umoci into a folder of our own, so as not to race that suite) pushed with skopeo to
# Debian's docker-registry on 127.0.0.1, then:
#  - image docker://HOST/REPO:TAG (and the bare reference) gives the findings of the same image
#    read from its local layout, named by the reference instead; --sbom cyclonedx the same
#    packages; by digest the same again;
#  - a multi-platform index (pushed with skopeo copy --all): --platform picks the manifest the
#    local layout's reader picks, the default is linux/amd64, a platform it lacks is exit 2;
#  - failures: a missing tag (404), a layer altered in the registry's storage, a manifest over
#    the layer limit, an unreachable registry, TLS spoken to a plain HTTP registry: exit 2 or 3
#    with a message naming the reference;
#  - vuln and gate --image on a pulled image give what they give on the local layout;
#  - a TLS registry with htpasswd auth: --registry-cacert with --registry-auth, and
#    --allow-insecure-registry, give the layout's findings; no CA or no credentials is exit 3;
#  - after every run bulkhead's private TMPDIR is empty: the temporary layout is always removed.
# Prints "N passed, N failed" and fails when anything failed.
set -u
: "${BULKHEAD:?}" "${SRCDIR:?}" "${BUILDDIR:?}" "${REGTOOL:?}"
T=$(mktemp -d)
PIDS=""
cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	for p in $PIDS; do wait "$p" 2>/dev/null; done
	chmod -R u+w "$T" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() {
	fail=$((fail + 1))
	echo "FAIL: $*"
}
. "$SRCDIR/tests/lib/registry.sh"
# No credentials of the developer's; bulkhead's temporary layouts go to a directory of its own.
export HOME="$T/home" DOCKER_CONFIG="$T/nodocker"
BT=$T/bhtmp
mkdir -p "$HOME" "$BT"
bh() { TMPDIR=$BT "$BULKHEAD" "$@"; }
tmp_empty() { # what
	if [ -z "$(ls -A "$BT")" ]; then ok; else bad "$1: left behind in TMPDIR: $(ls -A "$BT")"; fi
}

OUT=$BUILDDIR/pull-images
if sh "$SRCDIR/tests/image/im/build-images.sh" "$OUT" >"$T/build.log" 2>&1; then ok; else
	bad "building the test images: $(tail -5 "$T/build.log")"
	echo "$pass passed, $fail failed"
	exit 1
fi
L=$OUT/oci

# A multi-platform index over two of the images: good as linux/amd64, bad as linux/arm64.
python3 - "$L" "$T/multi" <<'PY'
import hashlib, json, os, shutil, sys
src, dst = sys.argv[1], sys.argv[2]
idx = json.load(open(os.path.join(src, "index.json")))
by_tag = {m["annotations"]["org.opencontainers.image.ref.name"]: m for m in idx["manifests"]
          if "org.opencontainers.image.ref.name" in m.get("annotations", {})}
shutil.copytree(src, dst)
mans = []
for tag, plat in (("good", {"os": "linux", "architecture": "amd64"}),
                  ("bad", {"os": "linux", "architecture": "arm64", "variant": "v8"})):
    d = {k: by_tag[tag][k] for k in ("mediaType", "digest", "size")}
    d["platform"] = plat
    mans.append(d)
body = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
                   "manifests": mans}).encode()
h = hashlib.sha256(body).hexdigest()
open(os.path.join(dst, "blobs", "sha256", h), "wb").write(body)
json.dump({"schemaVersion": 2, "manifests": [{"mediaType": "application/vnd.oci.image.index.v1+json",
           "digest": "sha256:" + h, "size": len(body),
           "annotations": {"org.opencontainers.image.ref.name": "multi"}}]},
          open(os.path.join(dst, "index.json"), "w"))
PY
[ -f "$T/multi/index.json" ] && ok || bad "cannot make the multi-platform layout"

P=$(free_port)
start_registry plain "$P"
wait_url "http://127.0.0.1:$P/v2/" || bad "registry did not start: $(cat "$T/plain/log")"
R=127.0.0.1:$P
push() { # SRC DEST [skopeo args]
	s=$1 d=$2
	shift 2
	skopeo copy -q "$@" --dest-tls-verify=false "$s" "docker://$R/$d" 2>"$T/sk.err" && ok ||
		bad "skopeo copy $s: $(cat "$T/sk.err")"
}
push "oci:$L:bad" bh/agent:bad
push "oci:$L:good" bh/agent:good
push "oci:$T/multi:multi" bh/multi:v1 --all

# audit NAME IMAGE [args]: JSON report in $T/NAME.json, exit code in $rc, stderr in $T/NAME.err.
audit() {
	n=$1 img=$2
	shift 2
	bh image -f json "$@" "$img" >"$T/$n.json" 2>"$T/$n.err"
	rc=$?
}
# The findings without their file name (and the fingerprint, which hashes it), as sorted JSON.
findings() { jq -S '[.findings[] | del(.file, .fingerprint)] | sort_by(.rule, .message)' "$1"; }
files() { jq -r '[.findings[].file] | unique | join(" ")' "$1"; }
same_findings() { # A B what [min]: equal, and at least min findings (default 1)
	findings "$T/$1.json" >"$T/$1.f"
	findings "$T/$2.json" >"$T/$2.f"
	if [ "$(jq length "$T/$1.f")" -ge "${4:-1}" ] && cmp -s "$T/$1.f" "$T/$2.f"; then ok; else
		bad "$3: findings differ: $(diff "$T/$1.f" "$T/$2.f" | head -20)"
	fi
}
expect_rc() { # want what errfile
	if [ "$rc" = "$1" ]; then ok; else bad "$2: exit $rc, want $1: $(head -c 400 "$3")"; fi
}
err_has() { # pattern what errfile
	if grep -q -- "$1" "$3"; then ok; else bad "$2: stderr lacks '$1': $(cat "$3")"; fi
}

# ---- the same findings from the registry as from the layout ----
audit local.bad "$L:bad"
expect_rc 1 "local bad" "$T/local.bad.err"
audit pull.bad "docker://$R/bh/agent:bad" --allow-http-registry
expect_rc 1 "pulled bad" "$T/pull.bad.err"
same_findings local.bad pull.bad "docker:// bad"
[ "$(files "$T/pull.bad.json")" = "docker://$R/bh/agent:bad" ] && ok ||
	bad "pulled findings are named '$(files "$T/pull.bad.json")', not by the reference"
jq -e '[.findings[] | select(.rule == "IM-009" and (.message | contains("deleted by a later layer")))] | length == 1' \
	"$T/pull.bad.json" >/dev/null && ok || bad "the pulled image lost the deleted private key"
tmp_empty "docker:// bad"
audit bare.bad "$R/bh/agent:bad" --allow-http-registry
expect_rc 1 "bare reference" "$T/bare.bad.err"
same_findings local.bad bare.bad "bare reference"
tmp_empty "bare reference"
audit local.good "$L:good"
audit pull.good "docker://$R/bh/agent:good" --allow-http-registry
[ "$rc" = 0 ] || [ "$rc" = 1 ] && ok || bad "pulled good: exit $rc: $(cat "$T/pull.good.err")"
cmp -s "$(findings "$T/local.good.json" >"$T/lg.f"; echo "$T/lg.f")" \
	"$(findings "$T/pull.good.json" >"$T/pg.f"; echo "$T/pg.f")" && ok ||
	bad "good: findings differ: $(diff "$T/lg.f" "$T/pg.f" | head)"

# By digest: the manifest digest skopeo reports.
DG=$(skopeo inspect --tls-verify=false "docker://$R/bh/agent:bad" 2>/dev/null | jq -r .Digest)
audit dig.bad "docker://$R/bh/agent@$DG" --allow-http-registry
expect_rc 1 "by digest" "$T/dig.bad.err"
same_findings local.bad dig.bad "by digest"
# A path that exists is a path, even when it looks like a reference.
mkdir -p "$T/cwd/$R/bh" && cp -r "$L" "$T/cwd/$R/bh/agent"
(cd "$T/cwd" && TMPDIR=$BT "$BULKHEAD" image -f json "$R/bh/agent:bad" >"$T/path.json" 2>"$T/path.err")
[ "$(files "$T/path.json")" = "$R/bh/agent:bad" ] && findings "$T/path.json" >"$T/path.f" &&
	cmp -s "$T/path.f" "$T/local.bad.f" && ok || bad "an existing path read as a reference: $(cat "$T/path.err")"

# ---- SBOM ----
comps() { jq -S '[.components[] | {name, version, purl}] | sort_by(.purl)' "$1"; }
bh image --sbom cyclonedx -o "$T/local.cdx" "$L:good" 2>"$T/err" || bad "local sbom: $(cat "$T/err")"
bh image --sbom cyclonedx -o "$T/pull.cdx" --allow-http-registry "docker://$R/bh/agent:good" 2>"$T/err" ||
	bad "pulled sbom: $(cat "$T/err")"
comps "$T/local.cdx" >"$T/local.cdx.c"
comps "$T/pull.cdx" >"$T/pull.cdx.c"
[ "$(jq length "$T/local.cdx.c")" -gt 0 ] && cmp -s "$T/local.cdx.c" "$T/pull.cdx.c" && ok ||
	bad "SBOM packages differ: $(diff "$T/local.cdx.c" "$T/pull.cdx.c" | head)"
tmp_empty "sbom"

# ---- an index: --platform (amd64 is the good image, which may have no findings) ----
for plat in linux/amd64 linux/arm64/v8; do
	pn=$(echo "$plat" | tr / _)
	audit "lm.$pn" "$T/multi:multi" --platform "$plat"
	audit "pm.$pn" "docker://$R/bh/multi:v1" --platform "$plat" --allow-http-registry
	same_findings "lm.$pn" "pm.$pn" "index, --platform $plat" 0
done
# arm64 is the bad image, amd64 the good one: the two picks differ.
cmp -s "$T/pm.linux_amd64.f" "$T/pm.linux_arm64_v8.f" && bad "--platform made no difference" || ok
audit pm.default "docker://$R/bh/multi:v1" --allow-http-registry
findings "$T/pm.default.json" >"$T/pm.default.f"
cmp -s "$T/pm.default.f" "$T/pm.linux_amd64.f" && ok || bad "the default platform is not linux/amd64"
audit pm.none "docker://$R/bh/multi:v1" --platform linux/s390x --allow-http-registry
expect_rc 2 "a platform the index lacks" "$T/pm.none.err"
err_has "no manifest for platform linux/s390x" "a platform the index lacks" "$T/pm.none.err"
tmp_empty "index"

# ---- vuln and gate ----
"$BULKHEAD" db import --db "$T/img.db" "$SRCDIR/tests/vuln/osv-image" >/dev/null 2>"$T/err" ||
	bad "db import: $(cat "$T/err")"
vulns() { jq -r '[.findings[] | .message] | sort | join("\n")' "$1"; }
bh vuln -f json --db "$T/img.db" "$L:good" >"$T/lv.json" 2>"$T/lv.err"
lrc=$?
bh vuln -f json --db "$T/img.db" --allow-http-registry "docker://$R/bh/agent:good" >"$T/pv.json" 2>"$T/pv.err"
rc=$?
[ "$lrc" = 1 ] && [ "$rc" = 1 ] && [ -n "$(vulns "$T/lv.json")" ] &&
	[ "$(vulns "$T/lv.json")" = "$(vulns "$T/pv.json")" ] && ok ||
	bad "vuln on the pulled image: exit $rc (local $lrc): $(cat "$T/pv.err")"
grep -q TEST-IMG-1 "$T/pv.json" && ok || bad "vuln on the pulled image misses TEST-IMG-1"
mkdir -p "$T/empty"
bh gate -f json --no-scan --no-secrets --image "docker://$R/bh/agent:bad" --allow-http-registry \
	"$T/empty" >"$T/gate.json" 2>"$T/gate.err"
rc=$?
expect_rc 1 "gate --image docker://" "$T/gate.err"
jq -S '[.findings[] | del(.file, .fingerprint, .layer)] | sort_by(.rule, .message)' "$T/gate.json" >"$T/gate.f"
jq -S '[.findings[] | del(.file, .fingerprint, .layer)] | sort_by(.rule, .message)' "$T/local.bad.json" >"$T/lb.f"
cmp -s "$T/gate.f" "$T/lb.f" && ok || bad "gate findings differ: $(diff "$T/lb.f" "$T/gate.f" | head)"
tmp_empty "vuln and gate"

# ---- TLS and credentials: --registry-cacert, --registry-auth, --allow-insecure-registry ----
P2=$(free_port)
start_tls_registry tls "$P2" || bad "cannot make the test certificates or the password file"
wait_url "https://127.0.0.1:$P2/v2/" --cacert "$T/ca.crt" || bad "TLS registry did not start: $(cat "$T/tls/log")"
R2=127.0.0.1:$P2
skopeo copy -q --dest-tls-verify=false --dest-creds user:secret "oci:$L:bad" "docker://$R2/bh/agent:bad" \
	2>"$T/sk.err" && ok || bad "skopeo copy to the TLS registry: $(cat "$T/sk.err")"
printf '{"auths":{"%s":{"auth":"%s"}}}' "$R2" "$(printf user:secret | base64)" >"$T/auth.json"
audit tls.ca "docker://$R2/bh/agent:bad" --registry-cacert "$T/ca.crt" --registry-auth "$T/auth.json"
expect_rc 1 "TLS with --registry-cacert and --registry-auth" "$T/tls.ca.err"
same_findings local.bad tls.ca "TLS with --registry-cacert and --registry-auth"
audit tls.ins "docker://$R2/bh/agent:bad" --allow-insecure-registry --registry-auth "$T/auth.json"
expect_rc 1 "TLS with --allow-insecure-registry" "$T/tls.ins.err"
same_findings local.bad tls.ins "TLS with --allow-insecure-registry"
audit tls.noca "docker://$R2/bh/agent:bad" --registry-auth "$T/auth.json"
expect_rc 3 "TLS without the CA" "$T/tls.noca.err"
audit tls.noauth "docker://$R2/bh/agent:bad" --registry-cacert "$T/ca.crt"
expect_rc 3 "no credentials" "$T/tls.noauth.err"
err_has "docker://$R2/bh/agent:bad: .*none are configured" "no credentials" "$T/tls.noauth.err"
tmp_empty "TLS and credentials"

# ---- failures ----
audit nf "docker://$R/bh/agent:nope" --allow-http-registry
expect_rc 2 "missing tag" "$T/nf.err"
err_has "docker://$R/bh/agent:nope: .*HTTP 404.*MANIFEST_UNKNOWN" "missing tag" "$T/nf.err"
audit nr "docker://$R/bh/none:v1" --allow-http-registry
expect_rc 2 "missing repository" "$T/nr.err"
tmp_empty "404"
# TLS to a plain HTTP registry (no --allow-http-registry): an operational error, exit 3.
audit tls "docker://$R/bh/agent:bad"
expect_rc 3 "TLS to a plain registry" "$T/tls.err"
err_has "docker://$R/bh/agent:bad: pulling from $R: GET https://" "TLS to a plain registry" "$T/tls.err"
P0=$(free_port)
audit down "docker://127.0.0.1:$P0/bh/agent:bad" --allow-http-registry
expect_rc 3 "nothing listens" "$T/down.err"
err_has "docker://127.0.0.1:$P0/bh/agent:bad: .*network error\|Couldn't connect\|onnect" "nothing listens" "$T/down.err"
tmp_empty "network errors"
# A manifest with more layers than BH_LIMIT_PULL_LAYERS: refused before any layer is fetched.
# (Pushed to the repository that holds the layer: the registry checks that it is there.)
raw=$(skopeo inspect --raw --tls-verify=false "docker://$R/bh/agent:good")
echo "$raw" | jq -c '.layers = [range(257) as $i | .layers[0]]' >"$T/many.json"
mt=$(echo "$raw" | jq -r '.mediaType // "application/vnd.oci.image.manifest.v1+json"')
if $REGTOOL --plain-http put-manifest "$R/bh/agent:many" "$mt" "$T/many.json" >/dev/null 2>"$T/err"; then
	audit many "docker://$R/bh/agent:many" --allow-http-registry
	expect_rc 2 "too many layers" "$T/many.err"
	err_has "257 layers; the limit is 256" "too many layers" "$T/many.err"
else
	bad "cannot push the 257-layer manifest: $(cat "$T/err")"
fi
# docker-registry refuses what bulkhead must refuse too; odd.py serves it.
python3 "$SRCDIR/tests/pull/odd.py" "$T/odd.port" 2>"$T/odd.log" &
PIDS="$PIDS $!"
wait_file "$T/odd.port" || bad "odd.py did not start: $(cat "$T/odd.log")"
OP=127.0.0.1:$(cat "$T/odd.port")
audit odd "docker://$OP/odd:t" --allow-http-registry
expect_rc 2 "unsupported media type" "$T/odd.err"
err_has "docker://$OP/odd:t: .*unsupported media type 'application/vnd.example.thing.v1+json'" \
	"unsupported media type" "$T/odd.err"
audit huge "docker://$OP/huge:t" --allow-http-registry
expect_rc 2 "layers over the byte limit" "$T/huge.err"
err_has "docker://$OP/huge:t: .*declare more than 4294967296 bytes" "layers over the byte limit" "$T/huge.err"
[ "$(curl -s --max-time 2 "http://$OP/count")" = 0 ] && ok ||
	bad "blobs were fetched for a manifest over the byte limit"
tmp_empty "limits"
# A pull ended by SIGTERM while it writes a layer (odd.py sends it slowly) removes its layout.
TMPDIR=$BT "$BULKHEAD" image -f json --allow-http-registry "docker://$OP/slow:t" \
	>"$T/slow.json" 2>"$T/slow.err" &
spid=$!
i=0
while [ $i -lt 100 ] && [ -z "$(find "$BT" -path '*/blobs/sha256/2222*' -size +1k 2>/dev/null)" ]; do
	sleep 0.1
	i=$((i + 1))
done
[ $i -lt 100 ] && ok || bad "the slow layer never started arriving: $(cat "$T/slow.err")"
kill -TERM "$spid"
wait "$spid"
src=$?
[ "$src" = 143 ] && ok || bad "SIGTERM during a pull: exit $src, not 143 (the signal's)"
tmp_empty "SIGTERM during a pull"
# Last, as it spoils the blob for every repository: a layer of good altered in the registry's
# storage. The pull fails verification (exit 2 here, as any digest mismatch in bulkhead image).
LD=$(echo "$raw" | jq -r '.layers[0].digest')
f=$(find "$T/plain/data" -path "*blobs/sha256/*/${LD#sha256:}/data")
if [ -n "$f" ]; then
	printf 'x' >>"$f"
	audit tamper "docker://$R/bh/agent:good" --allow-http-registry
	expect_rc 2 "altered layer" "$T/tamper.err"
	err_has "docker://$R/bh/agent:good: .*hash to" "altered layer" "$T/tamper.err"
	tmp_empty "altered layer"
else
	bad "cannot find layer $LD in the registry's storage"
fi

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
