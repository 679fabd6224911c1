#!/bin/sh
# The registry client (src/registry) against real registries on 127.0.0.1, driven by regtool:
#  1. Debian's docker-registry over plain HTTP: blobs and an OCI image manifest pushed, pulled
#     back by tag and by digest and compared byte for byte, a second push of a present blob, 404
#     on a missing tag, manifest and blob (not found, not a failure), a digest the bytes do not
#     have, cross-checked with curl and with skopeo inspect; plain HTTP refused to a host that is
#     not loopback.
#  2. docker-registry over TLS (a CA and certificate made here with openssl, passed as ca_file)
#     with htpasswd Basic auth: credentials from a docker config (auth field, and username and
#     password), none (refused), wrong ones (refused), no ca_file (TLS refused), insecure.
#  3. docker-registry with token auth: the Bearer flow against token.py, with Basic credentials
#     to the realm, tokens cached per scope (one token request for many pulls).
#  4. hostile.py, a registry that misbehaves: oversized manifests (declared and chunked), wrong
#     bytes, a lying Docker-Content-Digest, malformed, missing, unsupported and oversized
#     challenges, junk and control characters in error bodies, too many headers, a redirect loop,
#     token endpoints answering too much, not JSON or a token with CR/LF, an upload location on
#     another host, a manifest PUT answered with another digest.
#  5. bulkhead itself neither links nor loads libcurl.
# Every server is started on a free port and stopped on exit (trap); waits are bounded loops.
# Prints "N passed, N failed" and fails when anything failed.
set -u
: "${REGTOOL:?}" "${SRCDIR:?}" "${BULKHEAD:?}"
HERE=$SRCDIR/tests/registry
T=$(mktemp -d)
PIDS=""
cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	for p in $PIDS; do wait "$p" 2>/dev/null; done
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
# The client must find no credentials the developer may have: only those the test writes.
export HOME="$T/home" DOCKER_CONFIG="$T/nodocker"
mkdir -p "$HOME"

. "$SRCDIR/tests/lib/registry.sh"

# expect NAME WANT-RC PATTERN CMD...: CMD exits WANT-RC and its stderr matches PATTERN.
expect() {
	name=$1 want=$2 pat=$3
	shift 3
	"$@" >"$T/out" 2>"$T/err"
	rc=$?
	if [ "$rc" != "$want" ]; then
		bad "$name: exit $rc, want $want: $(cat "$T/err")"
	elif ! grep -q -- "$pat" "$T/err"; then
		bad "$name: stderr does not match '$pat': $(cat "$T/err")"
	else
		ok
	fi
}

# An image: a gzipped tar layer, its config and an OCI manifest, made with python3.
python3 - "$T" <<'PY'
import gzip, hashlib, io, json, sys, tarfile
t = sys.argv[1]
tb = io.BytesIO()
with tarfile.open(fileobj=tb, mode="w") as tar:
    data = b"hello from bulkhead\n"
    ti = tarfile.TarInfo("hello.txt"); ti.size = len(data); ti.mtime = 0
    tar.addfile(ti, io.BytesIO(data))
layer_tar = tb.getvalue()
layer = gzip.compress(layer_tar, mtime=0)
sha = lambda b: "sha256:" + hashlib.sha256(b).hexdigest()
config = json.dumps({"architecture": "amd64", "os": "linux", "config": {},
                     "rootfs": {"type": "layers", "diff_ids": [sha(layer_tar)]}}).encode()
manifest = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
    "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": sha(config), "size": len(config)},
    "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": sha(layer), "size": len(layer)}]},
    indent=2).encode()
for name, b in (("layer", layer), ("config", config), ("manifest", manifest)):
    open("%s/%s" % (t, name), "wb").write(b)
    open("%s/%s.digest" % (t, name), "w").write(sha(b))
PY
LAYER_D=$(cat "$T/layer.digest")
CONFIG_D=$(cat "$T/config.digest")
MAN_D=$(cat "$T/manifest.digest")
OCI=application/vnd.oci.image.manifest.v1+json

# ---- 1. plain HTTP registry ----
P1=$(free_port)
start_registry plain "$P1"
wait_url "http://127.0.0.1:$P1/v2/" || bad "plain registry did not start: $(cat "$T/plain/log")"
R1=127.0.0.1:$P1/bh/app
RT="$REGTOOL --plain-http"

d=$($RT put-blob "$R1" "$T/layer") && [ "$d" = "$LAYER_D" ] && ok || bad "put-blob layer: $d"
d=$($RT put-blob "$R1" "$T/config") && [ "$d" = "$CONFIG_D" ] && ok || bad "put-blob config: $d"
# A blob already there is not uploaded again (HEAD answers 200) and gives the same digest.
d=$($RT put-blob "$R1" "$T/layer") && [ "$d" = "$LAYER_D" ] && ok || bad "put-blob again: $d"
curl -sf --max-time 5 "http://127.0.0.1:$P1/v2/bh/app/blobs/$LAYER_D" -o "$T/layer.curl" &&
	cmp -s "$T/layer" "$T/layer.curl" && ok || bad "curl does not read back the pushed layer"
d=$($RT put-manifest "$R1:v1" "$OCI" "$T/manifest") && [ "$d" = "$MAN_D" ] && ok ||
	bad "put-manifest by tag: $d"

# Pull by tag and by digest: same bytes, media type and digest.
out=$($RT get-manifest "$R1:v1" "$T/m.tag") && [ "$out" = "$OCI $MAN_D" ] &&
	cmp -s "$T/manifest" "$T/m.tag" && ok || bad "get-manifest by tag: $out"
out=$($RT get-manifest "$R1@$MAN_D" "$T/m.dig") && [ "$out" = "$OCI $MAN_D" ] &&
	cmp -s "$T/manifest" "$T/m.dig" && ok || bad "get-manifest by digest: $out"
$RT get-blob "$R1" "$CONFIG_D" 1000000 "$T/c.out" && cmp -s "$T/config" "$T/c.out" && ok ||
	bad "get-blob config"
# The streaming variant writes the same bytes to a file and reports their size.
n=$($RT get-blob-fd "$R1" "$LAYER_D" 1000000 "$T/l.fd") && cmp -s "$T/layer" "$T/l.fd" &&
	[ "$n" = "$(wc -c <"$T/layer" | tr -d ' ')" ] && ok || bad "get-blob-fd layer: $n"
expect "streamed blob over max" 2 "limit exceeded" $RT get-blob-fd "$R1" "$LAYER_D" 10 "$T/l.fdsmall"
[ -e "$T/l.fdsmall" ] && [ ! -s "$T/l.fdsmall" ] && ok || bad "a refused streamed blob left bytes"
expect "streamed blob missing" 2 "not found:.*HTTP 404.*BLOB_UNKNOWN" \
	$RT get-blob-fd "$R1" "sha256:$(printf '%064d' 0)" 100 "$T/l.fdnone"
# A blob larger than the caller's limit is refused, and nothing is written.
expect "blob over max" 2 "limit exceeded" $RT get-blob "$R1" "$LAYER_D" 10 "$T/l.small"
[ ! -e "$T/l.small" ] && ok || bad "a refused blob left a file"
# Pushing by digest works when the digest is the manifest's own, and is refused otherwise.
d=$($RT put-manifest "$R1@$MAN_D" "$OCI" "$T/manifest") && [ "$d" = "$MAN_D" ] && ok ||
	bad "put-manifest by digest: $d"
expect "put-manifest wrong digest" 2 "not to the digest it is pushed as" \
	$RT put-manifest "$R1@sha256:$(printf '%064d' 0)" "$OCI" "$T/manifest"

# Cross-checks with skopeo and curl: the digest they see is the one the client computed.
if skopeo inspect --tls-verify=false "docker://127.0.0.1:$P1/bh/app:v1" >"$T/sk.json" 2>"$T/sk.err"; then
	sd=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["Digest"])' "$T/sk.json")
	[ "$sd" = "$MAN_D" ] && ok || bad "skopeo sees digest $sd, the client pushed $MAN_D"
else
	bad "skopeo inspect: $(cat "$T/sk.err")"
fi
skopeo inspect --raw --tls-verify=false "docker://127.0.0.1:$P1/bh/app:v1" >"$T/sk.raw" 2>/dev/null &&
	cmp -s "$T/sk.raw" "$T/manifest" && ok || bad "skopeo --raw differs from the pushed bytes"
cd_=$(curl -sf --max-time 5 -o /dev/null -D - -H "Accept: $OCI" \
	"http://127.0.0.1:$P1/v2/bh/app/manifests/v1" | tr -d '\r' |
	sed -n 's/^[Dd]ocker-[Cc]ontent-[Dd]igest: //p')
[ "$cd_" = "$MAN_D" ] && ok || bad "curl sees Docker-Content-Digest '$cd_'"
# And the other way: a manifest pushed by skopeo (a copy of ours) is read by the client.
skopeo copy -q --src-tls-verify=false --dest-tls-verify=false \
	"docker://127.0.0.1:$P1/bh/app:v1" "docker://127.0.0.1:$P1/bh/copy:c1" 2>"$T/sk.err" &&
	out=$($RT get-manifest "127.0.0.1:$P1/bh/copy:c1" "$T/m.copy") &&
	[ "$(echo "$out" | cut -d' ' -f2)" = "$(sha256sum "$T/m.copy" | sed 's/ .*//;s/^/sha256:/')" ] &&
	ok || bad "the manifest skopeo copied: $out $(cat "$T/sk.err")"

# Missing things are "not found" (exit 2), not network failures.
expect "missing tag" 2 "not found:.*HTTP 404.*MANIFEST_UNKNOWN" $RT get-manifest "$R1:nope" "$T/x"
expect "missing repo" 2 "not found:.*HTTP 404" $RT get-manifest "127.0.0.1:$P1/bh/none:v1" "$T/x"
expect "missing blob" 2 "not found:.*HTTP 404.*BLOB_UNKNOWN" \
	$RT get-blob "$R1" "sha256:$(printf '%064d' 0)" 100 "$T/x"
[ ! -e "$T/x" ] && ok || bad "a failed get wrote its output file"
# The registry's stored manifest altered on disk: the client notices the bytes no longer match.
f=$(find "$T/plain/data" -path "*blobs/sha256/*/${MAN_D#sha256:}/data")
if [ -n "$f" ]; then
	printf ' ' >>"$f"
	expect "stored manifest altered" 1 "hash to" $RT get-manifest "$R1@$MAN_D" "$T/x"
	expect "stored manifest altered, by tag" 1 "verification failed" $RT get-manifest "$R1:v1" "$T/x"
else
	bad "cannot find the stored manifest under $T/plain/data"
fi
# A stored layer altered on disk: the streamed copy fails verification and is left empty.
f=$(find "$T/plain/data" -path "*blobs/sha256/*/${LAYER_D#sha256:}/data")
if [ -n "$f" ]; then
	printf ' ' >>"$f"
	expect "stored layer altered, streamed" 1 "hash to" \
		$RT get-blob-fd "$R1" "$LAYER_D" 1000000 "$T/l.fdbad"
	[ ! -s "$T/l.fdbad" ] && ok || bad "a streamed blob that failed verification left bytes"
else
	bad "cannot find the stored layer under $T/plain/data"
fi
# Plain HTTP is only for loopback hosts.
expect "plain http to a remote host" 2 "loopback" $RT get-manifest "registry.invalid/x:v1" "$T/x"
# Nothing listens: a network error naming the URL.
P0=$(free_port)
expect "connection refused" 3 "network error: GET http://127.0.0.1:$P0/v2/x/manifests/v1" \
	$RT get-manifest "127.0.0.1:$P0/x:v1" "$T/x"

# ---- 2. TLS + htpasswd Basic auth ----
P2=$(free_port)
start_tls_registry tls "$P2" || bad "cannot make the test certificates or the password file"
wait_url "https://127.0.0.1:$P2/v2/" --cacert "$T/ca.crt" || bad "TLS registry did not start: $(cat "$T/tls/log")"
R2=127.0.0.1:$P2/bh/signed
printf '{"auths":{"https://127.0.0.1:%s/v1/":{"auth":"%s"}}}' "$P2" \
	"$(printf user:secret | base64)" >"$T/auth-b64.json"
printf '{"auths":{"127.0.0.1:%s":{"username":"user","password":"secret"}}}' "$P2" >"$T/auth-up.json"
printf '{"auths":{"127.0.0.1:%s":{"auth":"%s"}}}' "$P2" "$(printf user:wrong | base64)" >"$T/auth-bad.json"
TT="$REGTOOL --ca-file $T/ca.crt"

d=$($TT --auth-file "$T/auth-b64.json" put-blob "$R2" "$T/config") && [ "$d" = "$CONFIG_D" ] &&
	ok || bad "TLS+Basic put-blob: $d"
$TT --auth-file "$T/auth-b64.json" put-blob "$R2" "$T/layer" >/dev/null || bad "TLS+Basic put layer"
d=$($TT --auth-file "$T/auth-b64.json" put-manifest "$R2:sig" "$OCI" "$T/manifest") 2>"$T/err" &&
	[ "$d" = "$MAN_D" ] && ok || bad "TLS+Basic put-manifest: $d $(cat "$T/err")"
# username/password entries, and DOCKER_CONFIG as the default place of the config.
mkdir -p "$T/dc" && cp "$T/auth-up.json" "$T/dc/config.json"
out=$(DOCKER_CONFIG="$T/dc" $TT get-manifest "$R2:sig" "$T/m.tls") &&
	cmp -s "$T/manifest" "$T/m.tls" && ok || bad "TLS+Basic get-manifest via DOCKER_CONFIG: $out"
expect "no credentials" 3 "none are configured" $TT get-manifest "$R2:sig" "$T/x"
expect "wrong credentials" 3 "refused the credentials" \
	$TT --auth-file "$T/auth-bad.json" get-manifest "$R2:sig" "$T/x"
# The password never appears in messages.
grep -q wrong "$T/err" && bad "the password appears in an error message" || ok
expect "no CA" 3 "network error: GET https://127.0.0.1:$P2/v2/bh/signed/manifests/sig" \
	$REGTOOL --auth-file "$T/auth-b64.json" get-manifest "$R2:sig" "$T/x"
$REGTOOL --insecure --auth-file "$T/auth-b64.json" get-manifest "$R2:sig" "$T/m.insecure" >/dev/null &&
	ok || bad "insecure does not skip verification"
printf '{"auths":{"127.0.0.1:%s":{"auth":"!!notbase64"}}}' "$P2" >"$T/auth-junk.json"
expect "junk auth field" 2 "not base64" $TT --auth-file "$T/auth-junk.json" get-manifest "$R2:sig" "$T/x"
printf '{"auths":' >"$T/auth-trunc.json"
expect "truncated auth file" 2 "not a docker config" \
	$TT --auth-file "$T/auth-trunc.json" get-manifest "$R2:sig" "$T/x"

# ---- 3. token auth: the Bearer flow with a real registry ----
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T/tok.key" -out "$T/tok.crt" -days 2 \
	-subj /CN=bulkhead-token-issuer >/dev/null 2>&1 || bad "cannot make the token signing key"
python3 "$HERE/token.py" "$T/tok.port" "$T/tok.key" "$T/tok.crt" bulkhead-issuer bulkhead-test \
	2>"$T/tok.log" &
PIDS="$PIDS $!"
wait_file "$T/tok.port" || bad "token server did not start: $(cat "$T/tok.log")"
TP=$(cat "$T/tok.port")
P3=$(free_port)
cat >"$T/tok.yml" <<EOY
auth:
  token:
    realm: http://127.0.0.1:$TP/token
    service: bulkhead-test
    issuer: bulkhead-issuer
    rootcertbundle: $T/tok.crt
EOY
start_registry token "$P3" "$T/tok.yml"
wait_url "http://127.0.0.1:$P3/v2/" || bad "token registry did not start: $(cat "$T/token/log")"
R3=127.0.0.1:$P3/bh/tok
printf '{"auths":{"127.0.0.1:%s":{"username":"user","password":"secret"}}}' "$P3" >"$T/auth-tok.json"
printf '{"auths":{"127.0.0.1:%s":{"username":"user","password":"nope"}}}' "$P3" >"$T/auth-tokbad.json"
TK="$REGTOOL --plain-http --auth-file $T/auth-tok.json"
d=$($TK put-blob "$R3" "$T/config") && [ "$d" = "$CONFIG_D" ] && ok || bad "token put-blob: $d"
$TK put-blob "$R3" "$T/layer" >/dev/null || bad "token put-blob layer"
d=$($TK put-manifest "$R3:v1" "$OCI" "$T/manifest") && [ "$d" = "$MAN_D" ] && ok ||
	bad "token put-manifest: $d"
before=$(curl -s --max-time 2 "http://127.0.0.1:$TP/count")
d=$($TK repeat-get "$R3:v1" 5) && [ "$d" = "$MAN_D" ] && ok || bad "token repeat-get: $d"
after=$(curl -s --max-time 2 "http://127.0.0.1:$TP/count")
[ $((after - before)) = 1 ] && ok || bad "5 pulls fetched $((after - before)) tokens, want 1 (cached)"
expect "token, wrong password" 3 "token endpoint answered HTTP 401.*bad credentials" \
	$REGTOOL --plain-http --auth-file "$T/auth-tokbad.json" get-manifest "$R3:v1" "$T/x"
expect "token, missing tag" 2 "not found.*MANIFEST_UNKNOWN" $TK get-manifest "$R3:nope" "$T/x"

# ---- 4. a hostile registry ----
python3 "$HERE/hostile.py" "$T/h.port" 2>"$T/h.log" &
PIDS="$PIDS $!"
wait_file "$T/h.port" || bad "hostile server did not start: $(cat "$T/h.log")"
HP=127.0.0.1:$(cat "$T/h.port")
HT="$REGTOOL --plain-http"
out=$($HT get-manifest "$HP/good:t" "$T/good") && ok || bad "hostile/good: $out $(cat "$T/err")"
expect "oversized manifest" 2 "larger than 4194304" $HT get-manifest "$HP/big:t" "$T/x"
expect "oversized chunked manifest" 2 "larger than 4194304" $HT get-manifest "$HP/bigchunked:t" "$T/x"
expect "wrong bytes by digest" 1 "hash to" \
	$HT get-manifest "$HP/wrongbytes@$(sed -n 1p "$T/manifest.digest")" "$T/x"
expect "lying Docker-Content-Digest" 1 "reports digest sha256:1111" $HT get-manifest "$HP/lie:t" "$T/x"
expect "malformed challenge" 2 "malformed WWW-Authenticate challenge: a quoted value is not closed" \
	$HT get-manifest "$HP/badchallenge:t" "$T/x"
expect "no challenge" 3 "401 without a WWW-Authenticate" $HT get-manifest "$HP/nochallenge:t" "$T/x"
expect "unsupported scheme" 3 "unsupported scheme Negotiate" $HT get-manifest "$HP/oddscheme:t" "$T/x"
expect "bearer without realm" 3 "has no realm" $HT get-manifest "$HP/norealm:t" "$T/x"
expect "oversized challenge" 2 "longer than 4096" $HT get-manifest "$HP/longchallenge:t" "$T/x"
expect "junk error body" 3 "HTTP 500$" $HT get-manifest "$HP/junk:t" "$T/x"
expect "error JSON with control characters" 3 "HTTP 403: DENIED: go away??\[31mred" \
	$HT get-manifest "$HP/errjson:t" "$T/x"
expect "too many headers" 2 "more than 200 headers" $HT get-manifest "$HP/manyheaders:t" "$T/x"
expect "redirect loop" 2 "more than 5 redirects" $HT get-manifest "$HP/loop:t" "$T/x"
out=$($HT get-manifest "$HP/tok:t" "$T/tok.out") && ok || bad "hostile bearer flow: $out"
expect "oversized token answer" 2 "larger than 65536" $HT get-manifest "$HP/hugetok:t" "$T/x"
expect "token answer not JSON" 2 "no usable token (not JSON)" $HT get-manifest "$HP/badtok:t" "$T/x"
expect "token with CR/LF" 2 "no usable token" $HT get-manifest "$HP/ctltok:t" "$T/x"
expect "realm with user information" 3 "holds user information" \
	$HT get-manifest "$HP/userrealm:t" "$T/x"
expect "realm not https" 3 "is not an https URL" $HT get-manifest "$HP/httpsrealm:t" "$T/x"
expect "blob with wrong bytes" 1 "hash to" \
	$HT get-blob "$HP/blob" "sha256:$(printf '%064d' 0)" 100 "$T/x"
expect "streamed blob with wrong bytes" 1 "hash to" \
	$HT get-blob-fd "$HP/blob" "sha256:$(printf '%064d' 0)" 100 "$T/x.fd"
bd=$(printf blob-bytes | sha256sum | sed 's/ .*//')
$HT get-blob "$HP/blob" "sha256:$bd" 100 "$T/b.out" && [ "$(cat "$T/b.out")" = blob-bytes ] &&
	ok || bad "hostile/blob with the right digest"
[ ! -e "$T/x" ] && ok || bad "a refused response left an output file"
expect "upload location elsewhere" 3 "is not on this registry" $HT put-blob "$HP/elsewhere" "$T/config"
expect "manifest PUT digest lie" 1 "reports digest sha256:1111" \
	$HT put-manifest "$HP/liar:t" "$OCI" "$T/manifest"

# ---- 5. libcurl is loaded on first use, never linked ----
if ldd "$BULKHEAD" | grep -q libcurl; then bad "bulkhead links libcurl"; else ok; fi
if LD_DEBUG=libs "$BULKHEAD" rules 2>&1 >/dev/null | grep -q libcurl; then
	bad "bulkhead rules loads libcurl"
else
	ok
fi

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
