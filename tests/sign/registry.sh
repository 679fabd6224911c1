#!/bin/sh
# sign, verify, attest and verify-attestation end to end against Debian's docker-registry on
# 127.0.0.1 (plain HTTP, --allow-http-registry): an OCI image made with umoci and pushed with
# skopeo; signed, verified (text and JSON); the .sig manifest cross-checked with skopeo inspect
# --raw and its signature with openssl over the payload blob fetched with curl, the payload
# bytes compared with cosign's form; a second key's signature appended (two layers, each key
# verifies, a third key does not); the image and its .sig copied to another repository still
# verify (docker-reference noted, not compared, as cosign does); a tampered payload (digest swapped, old signature kept)
# refused with exit 1; hostile layers (bad base64, a truncated signature, a huge size) reported
# while a good layer beside them verifies; an unsigned image exit 1; a missing image exit 2; an SBOM from bulkhead
# image attested and verified, filtered by type, refused with another key; the .att manifest
# cross-checked; an unreachable registry exit 3; over TLS with a test CA, --registry-cacert and
# --allow-insecure-registry. The registry is started on a free port and
# stopped on exit. Prints "N passed, N failed".
set -u
: "${BULKHEAD:?}" "${SRCDIR:?}"
for tool in docker-registry umoci skopeo curl openssl python3 jq; do
	command -v "$tool" >/dev/null 2>&1 || {
		echo "FAIL: $tool is missing (make deps installs it)"
		echo "0 passed, 1 failed"
		exit 1
	}
done
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
bad() {
	fail=$((fail + 1))
	echo "FAIL: $*"
}
# No credentials of the developer's: only what the test writes.
export HOME="$T/home" DOCKER_CONFIG="$T/nodocker"
mkdir -p "$HOME"

# expect CODE GREP -- CMD...: CMD exits CODE and its output or error contains GREP (if set).
expect() {
	want=$1
	pat=$2
	shift 3
	"$@" >"$T/out" 2>"$T/err"
	rc=$?
	if [ "$rc" != "$want" ]; then
		bad "exit $rc, want $want: $* ($(head -c 400 "$T/err"))"
	elif [ -n "$pat" ] && ! grep -q -e "$pat" "$T/out" "$T/err"; then
		bad "no '$pat' in the output of: $* ($(head -c 400 "$T/out" "$T/err"))"
	else
		pass=$((pass + 1))
	fi
}
check() {
	if eval "$2"; then pass=$((pass + 1)); else bad "$1"; fi
}

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir -p "$T/reg"
printf 'version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\nstorage:\n  filesystem:\n    rootdirectory: %s/reg/data\n  delete:\n    enabled: true\nhttp:\n  addr: 127.0.0.1:%s\n  secret: bulkhead-test\n' \
	"$T" "$PORT" >"$T/reg/config.yml"
docker-registry serve "$T/reg/config.yml" >"$T/reg/log" 2>&1 &
PIDS="$PIDS $!"
R=127.0.0.1:$PORT
i=0
while [ $i -lt 200 ] && ! curl -sf --max-time 1 "http://$R/v2/" >/dev/null; do
	sleep 0.05
	i=$((i + 1))
done
curl -sf --max-time 1 "http://$R/v2/" >/dev/null || {
	echo "FAIL: docker-registry did not start: $(cat "$T/reg/log")"
	echo "0 passed, 1 failed"
	exit 1
}

# Two images: v1 is signed, v2 never is.
(cd "$T" && umoci init --layout oci && umoci new --image oci:v1 &&
	printf 'agent\n' >app.txt && umoci insert --image oci:v1 app.txt /app/app.txt &&
	umoci new --image oci:v2) >"$T/umoci.log" 2>&1 || bad "umoci: $(cat "$T/umoci.log")"
for tag in v1 v2; do
	skopeo copy -q --dest-tls-verify=false "oci:$T/oci:$tag" "docker://$R/agents/llm:$tag" \
		>"$T/skopeo.log" 2>&1 || bad "skopeo copy $tag: $(cat "$T/skopeo.log")"
done
DIGEST=$(skopeo inspect --tls-verify=false --format '{{.Digest}}' "docker://$R/agents/llm:v1")
HEX=${DIGEST#sha256:}
IMG=$R/agents/llm:v1
B=$BULKHEAD
H=--allow-http-registry

export COSIGN_PASSWORD=pw1
expect 0 "" -- "$B" keygen --output-key-prefix "$T/k1"
COSIGN_PASSWORD=pw2 "$B" keygen --output-key-prefix "$T/k2" 2>/dev/null
COSIGN_PASSWORD=pw3 "$B" keygen --output-key-prefix "$T/k3" 2>/dev/null

# Before signing: no signatures is a failed verification, not an error.
expect 1 "has no signatures" -- "$B" verify $H --key "$T/k1.pub" "$IMG"
expect 0 "sha256-$HEX.sig" -- "$B" sign $H --key "$T/k1.key" -a ci=yes "$IMG"
expect 0 "1 of 1 signatures verified" -- "$B" verify $H --key "$T/k1.pub" "$IMG"
expect 0 "" -- "$B" verify $H --key "$T/k1.pub" -a ci=yes "$IMG"
expect 1 "no annotation ci=no" -- "$B" verify $H --key "$T/k1.pub" -a ci=no "$IMG"
expect 0 "\"docker-manifest-digest\": \"$DIGEST\"" -- "$B" verify $H -f json --key "$T/k1.pub" \
	"$IMG"
check "verify -f json is a list of one signature" \
	"[ \"\$(jq length \"$T/out\")\" = 1 ]"
# By digest, as deploy pipelines reference images.
expect 0 "" -- "$B" verify $H --key "$T/k1.pub" "$R/agents/llm@$DIGEST"
expect 1 "does not verify" -- "$B" verify $H --key "$T/k2.pub" "$IMG"

# The .sig manifest as skopeo sees it, and the signature as openssl sees it.
skopeo inspect --raw --tls-verify=false "docker://$R/agents/llm:sha256-$HEX.sig" >"$T/sig.json"
check ".sig manifest is an OCI manifest with one simple-signing layer" \
	"[ \"\$(jq -r '.mediaType, .config.digest, (.layers|length), .layers[0].mediaType' \"$T/sig.json\" | tr '\n' ' ')\" = 'application/vnd.oci.image.manifest.v1+json sha256:4b00358a85acceb2bfaa4edfb6d1e16f539ac3d2561c1cd112aaec8991ed67bc 1 application/vnd.dev.cosign.simplesigning.v1+json ' ]"
LAYER=$(jq -r '.layers[0].digest' "$T/sig.json")
jq -r '.layers[0].annotations["dev.cosignproject.cosign/signature"]' "$T/sig.json" |
	base64 -d >"$T/sig.der"
curl -sf "http://$R/v2/agents/llm/blobs/$LAYER" -o "$T/payload.json"
expect 0 "Verified OK" -- openssl dgst -sha256 -verify "$T/k1.pub" -signature "$T/sig.der" \
	"$T/payload.json"
printf '{"critical":{"identity":{"docker-reference":"%s/agents/llm"},"image":{"docker-manifest-digest":"%s"},"type":"cosign container image signature"},"optional":{"ci":"yes"}}' \
	"$R" "$DIGEST" >"$T/want-payload.json"
check "the payload is cosign's bytes" "cmp -s \"$T/payload.json\" \"$T/want-payload.json\""
curl -sf "http://$R/v2/agents/llm/blobs/sha256:4b00358a85acceb2bfaa4edfb6d1e16f539ac3d2561c1cd112aaec8991ed67bc" \
	-o "$T/config.json"
check "the config blob was pushed" "[ \"\$(wc -c <\"$T/config.json\")\" = 160 ]"

# A second signature is appended; each key verifies its own, a third key none.
expect 0 "" -- env COSIGN_PASSWORD=pw2 "$B" sign $H --key "$T/k2.key" "$IMG"
skopeo inspect --raw --tls-verify=false "docker://$R/agents/llm:sha256-$HEX.sig" >"$T/sig2.json"
check "two layers after the second signature, the first unchanged" \
	"[ \"\$(jq -r '(.layers|length), .layers[0].digest' \"$T/sig2.json\" | tr '\n' ' ')\" = '2 $LAYER ' ]"
expect 0 "1 of 2 signatures verified" -- "$B" verify $H --key "$T/k1.pub" "$IMG"
expect 0 "" -- "$B" verify $H --key "$T/k2.pub" "$IMG"
expect 1 "no valid signature" -- "$B" verify $H --key "$T/k3.pub" "$IMG"

# An image copied to another repository keeps its signatures: the digest is verified, the
# docker-reference is not compared (cosign's behaviour), only noted.
for tag in v1 "sha256-$HEX.sig"; do
	skopeo copy -q --src-tls-verify=false --dest-tls-verify=false \
		"docker://$R/agents/llm:$tag" "docker://$R/mirror/llm:$tag" >"$T/skopeo.log" 2>&1 ||
		bad "skopeo copy to mirror: $(cat "$T/skopeo.log")"
done
expect 0 "was made for $R/agents/llm, not $R/mirror/llm" -- "$B" verify $H --key "$T/k1.pub" \
	"$R/mirror/llm:v1"

# Tampering: the payload swapped for one naming another digest, the signature kept. The
# registry checks blob digests, so an attacker can only point the layer at other bytes.
sed "s/$HEX/0000000000000000000000000000000000000000000000000000000000000000/" \
	"$T/payload.json" >"$T/evil.json"
EVIL=sha256:$(sha256sum "$T/evil.json" | cut -d' ' -f1)
LOC=$(curl -sf -D - -o /dev/null -X POST "http://$R/v2/agents/llm/blobs/uploads/" |
	tr -d '\r' | sed -n 's/^[Ll]ocation: //p')
case $LOC in http*) ;; *) LOC=http://$R$LOC ;; esac
case $LOC in *\?*) SEP='&' ;; *) SEP='?' ;; esac
curl -sf -X PUT -H 'Content-Type: application/octet-stream' --data-binary "@$T/evil.json" \
	"$LOC${SEP}digest=$EVIL" >/dev/null || bad "cannot upload the tampered payload"
jq -c --arg d "$EVIL" --argjson s "$(wc -c <"$T/evil.json")" \
	'.layers = [.layers[0] | .digest = $d | .size = $s]' "$T/sig.json" >"$T/evil-manifest.json"
curl -sf -X PUT -H 'Content-Type: application/vnd.oci.image.manifest.v1+json' \
	--data-binary "@$T/evil-manifest.json" \
	"http://$R/v2/agents/llm/manifests/sha256-$HEX.sig" >/dev/null ||
	bad "cannot push the tampered manifest"
expect 1 "does not verify" -- "$B" verify $H --key "$T/k1.pub" "$IMG"
# The same tampered payload, re-signed by the attacker's key, verifies only with that key and
# still fails its claim check: the payload names another digest.
expect 1 "" -- "$B" verify $H --key "$T/k3.pub" "$IMG"

# Hostile layers beside a good one: an annotation that is not base64, a truncated signature, and
# a size far above what the blob has. Each is reported with its reason; the good one verifies.
GOOD=$(jq -c '.layers[0]' "$T/sig.json")
jq -c --argjson g "$GOOD" '.layers = [
	($g | .annotations["dev.cosignproject.cosign/signature"] = "!!not base64!!"),
	($g | .annotations["dev.cosignproject.cosign/signature"] = "MEUCIQ=="),
	($g | .size = 99999999999),
	$g]' "$T/sig.json" >"$T/hostile-manifest.json"
if curl -sf -X PUT -H 'Content-Type: application/vnd.oci.image.manifest.v1+json' \
	--data-binary "@$T/hostile-manifest.json" \
	"http://$R/v2/agents/llm/manifests/sha256-$HEX.sig" >/dev/null; then
	expect 0 "1 of 4 signatures verified" -- "$B" verify $H --key "$T/k1.pub" "$IMG"
	check "each hostile layer is reported with its reason" \
		"grep -q 'signature 1.*not base64' \"$T/err\" && grep -q 'signature 2.*not a DER' \"$T/err\" && grep -q 'signature 3.*99999999999' \"$T/err\""
else
	bad "the registry refused the hostile manifest"
fi

# Unsigned, missing, unreachable.
expect 1 "has no signatures" -- "$B" verify $H --key "$T/k1.pub" "$R/agents/llm:v2"
expect 2 "" -- "$B" verify $H --key "$T/k1.pub" "$R/agents/nothing:v1"
expect 2 "" -- "$B" verify $H --key "$T/k1.pub" "$R/Agents/UPPER:v1"
DEAD=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
expect 3 "" -- "$B" verify $H --key "$T/k1.pub" "127.0.0.1:$DEAD/agents/llm:v1"
expect 3 "" -- "$B" sign $H --key "$T/k1.key" "127.0.0.1:$DEAD/agents/llm:v1"

# Attest the image's SBOM from bulkhead image, and verify it.
"$B" image "$T/oci:v1" --sbom cyclonedx >"$T/sbom.json" 2>"$T/sbom.err" ||
	bad "bulkhead image --sbom failed: $(cat "$T/sbom.err")"
expect 1 "has no attestations" -- "$B" verify-attestation $H --key "$T/k1.pub" "$IMG"
expect 0 "sha256-$HEX.att" -- "$B" attest $H --key "$T/k1.key" --predicate "$T/sbom.json" \
	--type cyclonedx "$IMG"
expect 0 "https://cyclonedx.org/bom" -- "$B" verify-attestation $H --key "$T/k1.pub" \
	--type cyclonedx "$IMG"
expect 0 '"bomFormat": "CycloneDX"' -- "$B" verify-attestation $H -f json --key "$T/k1.pub" \
	"$IMG"
expect 1 "no valid attestation" -- "$B" verify-attestation $H --key "$T/k1.pub" \
	--type slsaprovenance "$IMG"
expect 1 "" -- "$B" verify-attestation $H --key "$T/k2.pub" "$IMG"
skopeo inspect --raw --tls-verify=false "docker://$R/agents/llm:sha256-$HEX.att" >"$T/att.json"
check ".att layer is a DSSE envelope with its predicate type" \
	"[ \"\$(jq -r '.layers[0].mediaType, .layers[0].annotations.predicateType' \"$T/att.json\" | tr '\n' ' ')\" = 'application/vnd.dsse.envelope.v1+json https://cyclonedx.org/bom ' ]"
ATT=$(jq -r '.layers[0].digest' "$T/att.json")
curl -sf "http://$R/v2/agents/llm/blobs/$ATT" -o "$T/envelope.json"
jq -r .payload "$T/envelope.json" | base64 -d >"$T/statement.json"
check "the statement's subject is the image" \
	"[ \"\$(jq -r '._type, .subject[0].name, .subject[0].digest.sha256' \"$T/statement.json\" | tr '\n' ' ')\" = 'https://in-toto.io/Statement/v0.1 $R/agents/llm $HEX ' ]"
# The envelope verifies offline too, against the image digest.
expect 0 "" -- "$B" verify-attestation --key "$T/k1.pub" --envelope "$T/envelope.json" \
	--digest "$DIGEST"
# A second attestation (provenance) is appended beside the SBOM.
printf '{"builder":{"id":"ci"},"buildType":"bulkhead-test"}' >"$T/prov.json"
expect 0 "" -- "$B" attest $H --key "$T/k1.key" --predicate "$T/prov.json" \
	--type slsaprovenance "$IMG"
expect 0 "2 of 2 attestations verified" -- "$B" verify-attestation $H --key "$T/k1.pub" "$IMG"
expect 0 "" -- "$B" verify-attestation $H --key "$T/k1.pub" --type slsaprovenance "$IMG"

# Over TLS: a CA and a certificate for 127.0.0.1 made here; the registry's certificate is
# refused without the CA, trusted with --registry-cacert, skipped with --allow-insecure-registry.
if openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T/ca.key" -out "$T/ca.crt" -days 2 \
	-subj /CN=bulkhead-test-ca >/dev/null 2>&1 &&
	openssl req -newkey rsa:2048 -nodes -keyout "$T/tls.key" -out "$T/tls.csr" \
		-subj /CN=registry >/dev/null 2>&1 &&
	printf 'subjectAltName=IP:127.0.0.1\n' >"$T/ext" &&
	openssl x509 -req -in "$T/tls.csr" -CA "$T/ca.crt" -CAkey "$T/ca.key" -CAcreateserial \
		-out "$T/tls.crt" -days 2 -extfile "$T/ext" >/dev/null 2>&1; then
	TPORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
	sed -e "s|addr: 127.0.0.1:$PORT|addr: 127.0.0.1:$TPORT\n  tls:\n    certificate: $T/tls.crt\n    key: $T/tls.key|" \
		-e "s|$T/reg/data|$T/reg/tlsdata|" "$T/reg/config.yml" >"$T/reg/tls.yml"
	docker-registry serve "$T/reg/tls.yml" >"$T/reg/tls.log" 2>&1 &
	PIDS="$PIDS $!"
	i=0
	while [ $i -lt 200 ] && ! curl -sf --max-time 1 --cacert "$T/ca.crt" \
		"https://127.0.0.1:$TPORT/v2/" >/dev/null; do
		sleep 0.05
		i=$((i + 1))
	done
	TIMG=127.0.0.1:$TPORT/agents/llm:v1
	skopeo copy -q --dest-tls-verify=false "oci:$T/oci:v1" "docker://$TIMG" \
		>"$T/skopeo.log" 2>&1 || bad "skopeo copy over TLS: $(cat "$T/skopeo.log")"
	expect 3 "" -- "$B" sign --key "$T/k1.key" "$TIMG"
	expect 0 "" -- "$B" sign --registry-cacert "$T/ca.crt" --key "$T/k1.key" "$TIMG"
	expect 0 "1 of 1" -- "$B" verify --registry-cacert "$T/ca.crt" --key "$T/k1.pub" "$TIMG"
	expect 0 "1 of 1" -- "$B" verify --allow-insecure-registry --key "$T/k1.pub" "$TIMG"
else
	bad "cannot make the test certificates with openssl"
fi

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
