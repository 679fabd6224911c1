#!/bin/sh
# The signing commands without a registry, against the cosign corpus (../shared/corpus/cosign):
# every simple-signing vector (base64 and DER signatures, the digest-swapped NEGATIVE payload),
# every DSSE vector with the outcome cosign verify-blob-attestation gives it, the three corpus
# keys (the SEC1 one refused with cosign's reason, a wrong password); keygen round trips checked
# (the password from COSIGN_PASSWORD, or typed twice on a pseudo-terminal without echo)
# by an independent decryption (cosign_key_open.py: hashlib's scrypt and a secretbox written
# from its specification) and by openssl verifying bulkhead's signature; an SBOM attested and
# verified; and hostile input (truncated and non-DER signatures, bad base64, a huge envelope, a
# wrong-curve key, bad PEM, a key asking for gigabytes of scrypt), each exit 2 with a reason.
# Prints "N passed, N failed".
set -u
[ -n "${BH_TRACE:-}" ] && set -x
: "${BULKHEAD:?}" "${SRCDIR:?}" "${SHARED:?}"
C=$SHARED/corpus/cosign
S=$C/simplesigning
D=$C/dsse
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
trap 'exit 1' INT TERM HUP
pass=0
fail=0
bad() {
	fail=$((fail + 1))
	echo "FAIL: $*"
}

# expect CODE [GREP] -- CMD...: run CMD; its exit code must be CODE and, when GREP is not
# empty, its standard error or output must contain GREP.
expect() {
	want=$1
	pat=$2
	shift 3
	"$@" >"$T/out" 2>"$T/err"
	rc=$?
	if [ "$rc" != "$want" ]; then
		bad "exit $rc, want $want: $* ($(head -c 300 "$T/err"))"
	elif [ -n "$pat" ] && ! grep -q -e "$pat" "$T/out" "$T/err"; then
		bad "no '$pat' in the output of: $* ($(head -c 300 "$T/err"))"
	else
		pass=$((pass + 1))
	fi
}

B=$BULKHEAD
export COSIGN_PASSWORD=hello

# Simple signing: both signature encodings of both payloads verify; the NEGATIVE payload does
# not verify with payload-basic's signature, and annotations are checked when asked for.
for p in payload-basic payload-annotated; do
	for s in sig.b64 sig.der; do
		expect 0 "Verified OK" -- "$B" verify --key "$S/cosign.pub" --payload "$S/$p.json" \
			--signature "$S/$p.$s"
	done
done
expect 1 "does not verify" -- "$B" verify --key "$S/cosign.pub" \
	--payload "$S/NEGATIVE-digest-swapped.json" --signature "$S/payload-basic.sig.b64"
expect 1 "does not verify" -- "$B" verify --key "$S/cosign.pub" \
	--payload "$S/payload-basic.json" --signature "$S/payload-annotated.sig.b64"
expect 0 "" -- "$B" verify --key "$S/cosign.pub" -a env=prod -a git_sha=0123abcd \
	--payload "$S/payload-annotated.json" --signature "$S/payload-annotated.sig.b64"
expect 1 "no annotation env=dev" -- "$B" verify --key "$S/cosign.pub" -a env=dev \
	--payload "$S/payload-annotated.json" --signature "$S/payload-annotated.sig.b64"
expect 0 '"docker-manifest-digest": "sha256:89333bc7' -- "$B" verify --key "$S/cosign.pub" \
	-f json --payload "$S/payload-basic.json" --signature "$S/payload-basic.sig.b64"
# Another key (the corpus DSSE key is a different one) does not verify.
expect 1 "does not verify" -- "$B" verify --key "$D/cosign.pub" \
	--payload "$S/payload-basic.json" --signature "$S/payload-basic.sig.b64"

# DSSE: the outcomes of cosign verify-blob-attestation on each vector (corpus README table).
printf some-payload >"$T/blob"
expect 0 "slsa.dev/provenance/v0.2" -- "$B" verify-attestation --key "$D/cosign.pub" \
	--envelope "$D/blobSLSAProvenanceSignature.envelope.json" --blob "$T/blob"
expect 0 "" -- "$B" verify-attestation --key "$D/cosign.pub" \
	--envelope "$D/blobSLSAProvenanceSignature.envelope.compact.json" --blob "$T/blob"
expect 0 "" -- "$B" verify-attestation --key "$D/cosign.pub" \
	--envelope "$D/dssePredicateMultipleSubjects.envelope.json" --blob "$T/blob"
expect 1 "no subject" -- "$B" verify-attestation --key "$D/cosign.pub" \
	--envelope "$D/dssePredicateEmptySubject.envelope.json" --blob "$T/blob"
expect 1 "no subject of the statement has a sha256" -- "$B" verify-attestation \
	--key "$D/cosign.pub" --envelope "$D/dssePredicateMissingSha256.envelope.json" \
	--blob "$T/blob"
expect 1 "no subject of the statement has the digest" -- "$B" verify-attestation \
	--key "$D/cosign.pub" --envelope "$D/dssePredicateMultipleSubjectsInvalid.envelope.json" \
	--blob "$T/blob"
expect 1 "no signature of the envelope verifies" -- "$B" verify-attestation \
	--key "$D/cosign.pub" --envelope "$D/NEGATIVE-tampered-payload.envelope.json" \
	--blob "$T/blob"
# The subject digest given directly, a predicate type filter that matches and one that does not.
expect 0 "" -- "$B" verify-attestation --key "$D/cosign.pub" --type slsaprovenance \
	--envelope "$D/blobSLSAProvenanceSignature.envelope.json" \
	--digest sha256:658781cd4ed9bca60dacd09f7bb914bb51502e8b5d619f57f39a1d652596cc24
expect 1 "not https://cyclonedx.org/bom" -- "$B" verify-attestation --key "$D/cosign.pub" \
	--type cyclonedx --envelope "$D/blobSLSAProvenanceSignature.envelope.json" --blob "$T/blob"
printf other >"$T/other"
expect 1 "" -- "$B" verify-attestation --key "$D/cosign.pub" \
	--envelope "$D/blobSLSAProvenanceSignature.envelope.json" --blob "$T/other"

# The corpus keys sign, and the signatures verify with their derived public keys.
printf 'release bytes' >"$T/data"
for k in pemsigstorekey pemcosignkey-rsa; do
	expect 0 "" -- "$B" sign --key "$C/keys_test-$k.key" --payload "$T/data" \
		--output-signature "$T/$k.sig"
	expect 0 "Verified OK" -- "$B" verify --key "$C/keys_test-$k.derived.pub" \
		--payload "$T/data" --signature "$T/$k.sig"
done
expect 2 "use ParseECPrivateKey instead" -- "$B" sign --key "$C/keys_test-pemcosigneckey.key" \
	--payload "$T/data"
expect 2 "wrong password" -- env COSIGN_PASSWORD=wrong "$B" sign \
	--key "$C/keys_test-pemsigstorekey.key" --payload "$T/data"
# No password and no terminal: a clear error, not a hang.
expect 2 "set COSIGN_PASSWORD" -- env -u COSIGN_PASSWORD setsid -w "$B" sign \
	--key "$C/keys_test-pemsigstorekey.key" --payload "$T/data"

# keygen: 0600 key, PKIX public key, no overwrite without --force, an independent decryption
# gives the same public key, and openssl verifies what bulkhead signs.
export COSIGN_PASSWORD=correct-horse
expect 0 "Private key written" -- "$B" keygen --output-key-prefix "$T/ci"
[ "$(stat -c %a "$T/ci.key")" = 600 ] && pass=$((pass + 1)) || bad "ci.key is not mode 0600"
head -1 "$T/ci.key" | grep -q "^-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----$" &&
	pass=$((pass + 1)) || bad "ci.key has the wrong PEM label"
expect 2 "use --force" -- "$B" keygen --output-key-prefix "$T/ci"
cp "$T/ci.key" "$T/ci.key.orig"
expect 0 "" -- "$B" keygen --output-key-prefix "$T/ci" --force
cmp -s "$T/ci.key" "$T/ci.key.orig" && bad "--force did not replace the key" || pass=$((pass + 1))
if python3 "$SRCDIR/tests/sign/cosign_key_open.py" "$T/ci.key" correct-horse >"$T/ci.der" &&
	openssl pkey -inform DER -in "$T/ci.der" -pubout -out "$T/ci.der.pub" 2>/dev/null &&
	cmp -s "$T/ci.der.pub" "$T/ci.pub"; then
	pass=$((pass + 1))
else
	bad "the key does not decrypt independently to the key of ci.pub"
fi
python3 "$SRCDIR/tests/sign/cosign_key_open.py" "$T/ci.key" wrong >/dev/null 2>&1 &&
	bad "the independent decryption accepted a wrong password" || pass=$((pass + 1))
expect 0 "" -- "$B" sign --key "$T/ci.key" --payload "$T/data" --output-signature "$T/ci.sig"
base64 -d "$T/ci.sig" >"$T/ci.sig.der"
expect 0 "Verified OK" -- openssl dgst -sha256 -verify "$T/ci.pub" -signature "$T/ci.sig.der" \
	"$T/data"
expect 0 "Verified OK" -- "$B" verify --key "$T/ci.pub" --payload "$T/data" \
	--signature "$T/ci.sig.der"
printf 'release bytez' >"$T/data2"
expect 1 "" -- "$B" verify --key "$T/ci.pub" --payload "$T/data2" --signature "$T/ci.sig"

# Without COSIGN_PASSWORD, keygen asks twice on the terminal, without echo; a mismatch writes
# nothing.
expect 0 "again: " -- python3 "$SRCDIR/tests/sign/tty_keygen.py" "$B" "$T/tty" typed typed
grep -q typed "$T/out" && bad "the password was echoed" || pass=$((pass + 1))
python3 "$SRCDIR/tests/sign/cosign_key_open.py" "$T/tty.key" typed >/dev/null &&
	pass=$((pass + 1)) || bad "the key from the terminal password does not decrypt with it"
expect 2 "do not match" -- python3 "$SRCDIR/tests/sign/tty_keygen.py" "$B" "$T/tty2" one two
[ -e "$T/tty2.key" ] && bad "keygen wrote a key after a password mismatch" || pass=$((pass + 1))

# attest a CycloneDX SBOM (the type is recognised), verify it, and filter by type.
printf '{"bomFormat":"CycloneDX","specVersion":"1.5","components":[{"name":"openssl"}]}' \
	>"$T/sbom.json"
expect 0 "" -- "$B" attest --key "$T/ci.key" --predicate "$T/sbom.json" --blob "$T/data" \
	--output-signature "$T/att.json"
expect 0 "cyclonedx.org/bom" -- "$B" verify-attestation --key "$T/ci.pub" --type cyclonedx \
	--envelope "$T/att.json" --blob "$T/data"
expect 0 '"name": "openssl"' -- "$B" verify-attestation --key "$T/ci.pub" -f json \
	--envelope "$T/att.json" --blob "$T/data"
expect 1 "" -- "$B" verify-attestation --key "$T/ci.pub" --type spdxjson \
	--envelope "$T/att.json" --blob "$T/data"
expect 1 "" -- "$B" verify-attestation --key "$S/cosign.pub" --envelope "$T/att.json" \
	--blob "$T/data"
expect 0 "" -- "$B" attest --key "$T/ci.key" --predicate "$T/sbom.json" --type custom \
	--blob "$T/data" --output-signature "$T/custom.json"
expect 0 "cosign.sigstore.dev/attestation/v1" -- "$B" verify-attestation --key "$T/ci.pub" \
	--type custom --envelope "$T/custom.json" --blob "$T/data"
printf '{"a":' >"$T/bad.json"
expect 2 "bad.json:1:" -- "$B" attest --key "$T/ci.key" --predicate "$T/bad.json" \
	--type cyclonedx --blob "$T/data"

# Hostile input: every case is exit 2 with a reason.
head -c 40 "$S/payload-basic.sig.der" >"$T/trunc.der"
expect 2 "not a DER-encoded ECDSA signature" -- "$B" verify --key "$S/cosign.pub" \
	--payload "$S/payload-basic.json" --signature "$T/trunc.der"
head -c 60 "$S/payload-basic.sig.b64" >"$T/trunc.b64"
expect 2 "" -- "$B" verify --key "$S/cosign.pub" --payload "$S/payload-basic.json" \
	--signature "$T/trunc.b64"
printf 'MEUCIQ*not-base64*' >"$T/bad.b64"
expect 2 "not base64" -- "$B" verify --key "$S/cosign.pub" --payload "$S/payload-basic.json" \
	--signature "$T/bad.b64"
sed 's/"sig": "MEUC/"sig": "!!EUC/' "$D/blobSLSAProvenanceSignature.envelope.json" >"$T/e1.json"
expect 2 "not base64" -- "$B" verify-attestation --key "$D/cosign.pub" --envelope "$T/e1.json" \
	--blob "$T/blob"
sed 's/"sig": "MEUC/"sig": "AAAA/' "$D/blobSLSAProvenanceSignature.envelope.json" >"$T/e2.json"
expect 2 "not a DER-encoded" -- "$B" verify-attestation --key "$D/cosign.pub" \
	--envelope "$T/e2.json" --blob "$T/blob"
head -c 300 "$D/blobSLSAProvenanceSignature.envelope.json" >"$T/e3.json"
expect 2 "e3.json:" -- "$B" verify-attestation --key "$D/cosign.pub" --envelope "$T/e3.json" \
	--blob "$T/blob"
printf '{"payloadType":"x","payload":"","signatures":[]}' >"$T/e4.json"
expect 2 "no signatures" -- "$B" verify-attestation --key "$D/cosign.pub" \
	--envelope "$T/e4.json" --blob "$T/blob"
# An envelope over the 64 MiB cap is refused before it is read.
truncate -s 70M "$T/huge.json"
expect 2 "huge.json" -- "$B" verify-attestation --key "$D/cosign.pub" \
	--envelope "$T/huge.json" --blob "$T/blob"
openssl ecparam -name secp384r1 -genkey -noout 2>/dev/null | openssl pkey -pubout >"$T/p384.pub"
expect 2 "secp384r1" -- "$B" verify --key "$T/p384.pub" --payload "$S/payload-basic.json" \
	--signature "$S/payload-basic.sig.b64"
openssl genpkey -algorithm ed25519 2>/dev/null | openssl pkey -pubout >"$T/ed.pub"
expect 2 "only ECDSA P-256" -- "$B" verify --key "$T/ed.pub" --payload "$S/payload-basic.json" \
	--signature "$S/payload-basic.sig.b64"
printf -- '-----BEGIN PUBLIC KEY-----\nnot base64 at all!\n-----END PUBLIC KEY-----\n' \
	>"$T/badpem.pub"
expect 2 "not a PEM file" -- "$B" verify --key "$T/badpem.pub" \
	--payload "$S/payload-basic.json" --signature "$S/payload-basic.sig.b64"
expect 2 "expected a PEM PUBLIC KEY" -- "$B" verify --key "$C/keys_test-pemsigstorekey.key" \
	--payload "$S/payload-basic.json" --signature "$S/payload-basic.sig.b64"
expect 2 "unsupported PEM block" -- "$B" sign --key "$S/cosign.pub" --payload "$T/data"
# A key asking for N=2^30 (128 GiB of scrypt) is refused without trying.
json='{"kdf":{"name":"scrypt","params":{"N":1073741824,"r":8,"p":1},"salt":"c2FsdHNhbHRzYWx0c2FsdA=="},"cipher":{"name":"nacl/secretbox","nonce":"bm9uY2Vub25jZW5vbmNlbm9uY2Vub25j"},"ciphertext":"Y2lwaGVydGV4dGNpcGhlcnRleHRjaXBoZXJ0ZXh0"}'
{
	echo "-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----"
	printf '%s' "$json" | base64 -w 64
	echo "-----END ENCRYPTED SIGSTORE PRIVATE KEY-----"
} >"$T/greedy.key"
expect 2 "costs more than bulkhead allows" -- "$B" sign --key "$T/greedy.key" --payload "$T/data"
expect 2 "" -- "$B" verify --key "$T/missing.pub" --payload "$T/data" --signature "$T/ci.sig"
expect 2 "keyless" -- "$B" verify --payload "$T/data" --signature "$T/ci.sig"
expect 2 "unknown --type" -- "$B" verify-attestation --key "$T/ci.pub" --type nope \
	--envelope "$T/att.json" --blob "$T/data"

# Only the commands that open a key file load libsodium; a verify never does.
if [ -z "${BH_SANITIZED:-}" ] && command -v strace >/dev/null 2>&1; then
	strace -f -e trace=openat -o "$T/trace" "$B" verify --key "$S/cosign.pub" \
		--payload "$S/payload-basic.json" --signature "$S/payload-basic.sig.b64" >/dev/null
	grep -q libsodium "$T/trace" && bad "verify loaded libsodium" || pass=$((pass + 1))
fi
ldd "$B" | grep -q libsodium && bad "bulkhead links libsodium at start" || pass=$((pass + 1))

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
