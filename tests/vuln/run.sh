#!/bin/sh
# End-to-end tests of `bulkhead db import` and `bulkhead vuln`: the OSV fixtures in osv/ (see
# README.md) imported from files, a directory and a zip; re-import, newer and older copies,
# withdrawn and malformed advisories (exit 2, database unchanged); the SBOMs in sbom/ with a
# vulnerable and a not-vulnerable version at every range boundary; reports valid against the
# JSON report and SARIF 2.1.0 schemas. Needs BULKHEAD, SRCDIR, SHARED. Prints "N passed, N failed".
set -u
here=$(cd "$(dirname "$0")" && pwd)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() {
	echo "FAIL: $*"
	fail=$((fail + 1))
}
expect_rc() { # want what
	if [ "$rc" = "$1" ]; then ok; else bad "$2: exit $rc, expected $1 ($(head -c 300 "$T/err"))"; fi
}
err_has() { # substring what
	if grep -q -- "$1" "$T/err"; then ok; else bad "$2: stderr lacks '$1': $(cat "$T/err")"; fi
}
import() { # db paths...
	db=$1
	shift
	"$BULKHEAD" db import --db "$db" "$@" >"$T/out" 2>"$T/err"
	rc=$?
}
vuln() { # db sbom [args...]: JSON report in $T/out.json
	db=$1
	sbom=$2
	shift 2
	"$BULKHEAD" vuln -f json --db "$db" "$@" "$sbom" >"$T/out.json" 2>"$T/err"
	rc=$?
}
# The sorted "purl advisory severity" lines of the last report.
pairs() {
	jq -r '.findings[] | "\(.object) \(.message | capture("affected by (?<id>[A-Z0-9-]+)").id) \(.severity)"' "$T/out.json" | sort
}
same() { # file what
	if pairs | diff -u "$1" - >"$T/diff"; then ok; else bad "$2: $(cat "$T/diff")"; fi
}
sum() { sha256sum "$1" | cut -d' ' -f1; }

cat >"$T/vulnerable.want" <<'W'
pkg:apk/alpine/busybox@1.36.0-r0?arch=x86_64&distro=3.19.1 TEST-ALP-1 medium
pkg:apk/alpine/busybox@1.36.1-r15?arch=x86_64&distro=3.19.1 TEST-ALP-1 medium
pkg:deb/debian/libssl3@3.0.11-1~deb12u1?arch=amd64&distro=debian-12&upstream=openssl TEST-DEB-1 critical
pkg:npm/%40acme/widget@1.0.0 TEST-NPM-2 low
pkg:npm/%40acme/widget@1.99.9 TEST-NPM-2 low
pkg:npm/lodash@4.17.20 TEST-NPM-1 high
pkg:npm/lodash@4.17.21-rc.1 TEST-NPM-1 high
pkg:pypi/django@4.2.1 TEST-PYPI-2 low
pkg:pypi/requests@2.3.0 TEST-PYPI-1 medium
pkg:pypi/requests@2.31.0rc1 TEST-PYPI-1 medium
W
sort -o "$T/vulnerable.want" "$T/vulnerable.want"

# ---- import a directory; match both SBOMs ----
import "$T/dir.db" "$here/osv"
expect_rc 0 "import a directory"
err_has "6 advisories read, 6 imported" "import a directory"
vuln "$T/dir.db" "$here/sbom/vulnerable.cdx.json"
expect_rc 1 "vulnerable SBOM fails at the default high"
same "$T/vulnerable.want" "vulnerable SBOM: one finding per vulnerable package and advisory"
if jq -e '[.findings[] | select(.message | contains("TEST-DEB-1 (CVE-2023-5363); fixed in 3.0.11-1~deb12u2; severity critical from CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H (9.8)"))] | length == 1' "$T/out.json" >/dev/null; then ok; else bad "Debian finding: alias, fix and CVSS score"; fi
if jq -e '[.findings[] | select(.message | contains("(source package openssl 3.0.11-1~deb12u1)"))] | length == 1' "$T/out.json" >/dev/null; then ok; else bad "Debian finding names the source package"; fi
# The same details as properties, for pipelines that should not parse messages.
if jq -e '[.findings[] | select(.properties.vulnerability == "TEST-DEB-1" and .properties.aliases == "CVE-2023-5363" and .properties.fixed_version == "3.0.11-1~deb12u2" and .properties.source_package == "openssl" and .properties.source_version == "3.0.11-1~deb12u1" and (.properties.severity_source | startswith("CVSS:3.1/")))] | length == 1' "$T/out.json" >/dev/null; then ok; else bad "Debian finding: structured properties"; fi
if jq -e '([.findings[] | select(.properties.vulnerability == "TEST-ALP-1" and (.properties | has("fixed_version") | not))] | length == 2) and ([.findings[] | select(.properties.vulnerability == "TEST-NPM-1" and .properties.fixed_version == "4.17.21")] | length == 2)' "$T/out.json" >/dev/null; then ok; else bad "properties: fixed_version only when a fix is known"; fi
if jq -e '[.findings[] | select(.message | contains("TEST-ALP-1") and contains("severity not given"))] | length == 2' "$T/out.json" >/dev/null; then ok; else bad "advisory without severity: the rule's"; fi
if jq -e '[.findings[] | select(.message | contains("lodash 4.17.20") and contains("fixed in 4.17.21") and contains("(7.2)"))] | length == 1' "$T/out.json" >/dev/null; then ok; else bad "npm finding: fix and CVSS 7.2"; fi
vuln "$T/dir.db" "$here/sbom/fixed.cdx.json"
expect_rc 0 "fixed SBOM"
if [ "$(jq '.findings | length' "$T/out.json")" = 0 ]; then ok; else bad "fixed SBOM has findings: $(pairs)"; fi
err_has "1 of 12 packages were not matched" "the rpm package is reported as not matched"
vuln "$T/dir.db" "$here/sbom/vulnerable.spdx.json"
expect_rc 1 "SPDX SBOM"
printf '%s\n' 'pkg:deb/debian/libssl3@3.0.11-1~deb12u1%2Bb1?arch=amd64&distro=debian-12 TEST-DEB-1 critical' >"$T/spdx.want"
same "$T/spdx.want" "SPDX SBOM: source package from sourceInfo, the fixed one not reported"
vuln "$T/dir.db" "$here/sbom/vulnerable.cdx.json" --fail-on none
expect_rc 0 "--fail-on none"

# ---- reports valid against the schemas ----
if python3 - "$SRCDIR/docs/json-report.schema.json" "$T/out.json" <<'P'; then ok; else bad "JSON report not valid against its schema"; fi
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
jsonschema.Draft7Validator.check_schema(schema)
jsonschema.validate(json.load(open(sys.argv[2])), schema)
P
"$BULKHEAD" vuln -f sarif -o "$T/out.sarif" --db "$T/dir.db" "$here/sbom/vulnerable.cdx.json" 2>"$T/err"
rc=$?
expect_rc 1 "SARIF report"
if python3 "$SRCDIR/tests/golden/sarif_check.py" "$SHARED/corpus/schemas/sarif-schema-2.1.0.json" "$T/out.sarif" >"$T/sarif.log"; then ok; else bad "SARIF not valid: $(cat "$T/sarif.log")"; fi
if jq -e '[.runs[0].results[] | select(.ruleId == "IM-017" and .level == "error")] | length == 3' "$T/out.sarif" >/dev/null; then ok; else bad "SARIF levels follow the advisories' severities"; fi
if jq -e '[.runs[0].results[] | select(.properties.vulnerability == "TEST-DEB-1" and .properties.package == "libssl3")] | length == 1' "$T/out.sarif" >/dev/null; then ok; else bad "SARIF results carry the properties"; fi

# ---- baseline and config ----
"$BULKHEAD" vuln --db "$T/dir.db" --write-baseline "$T/base.json" "$here/sbom/vulnerable.cdx.json" 2>"$T/err"
vuln "$T/dir.db" "$here/sbom/vulnerable.cdx.json" --baseline "$T/base.json"
expect_rc 0 "baseline suppresses every finding"
printf 'severity:\n  IM-017: low\n' >"$T/cfg.yaml"
vuln "$T/dir.db" "$here/sbom/vulnerable.cdx.json" -c "$T/cfg.yaml"
if [ "$(jq '[.findings[] | select(.severity != "low")] | length' "$T/out.json")" = 0 ] && [ "$rc" = 0 ]; then ok; else bad "config severity overrides the advisories' (rc $rc, $(head -c 300 "$T/err"))"; fi

# ---- import single files and a zip: the same database contents ----
import "$T/files.db" "$here"/osv/*.json
expect_rc 0 "import files"
vuln "$T/files.db" "$here/sbom/vulnerable.cdx.json"
same "$T/vulnerable.want" "imported from files"
(cd "$here/osv" && python3 -m zipfile -c "$T/osv.zip" ./*.json)
import "$T/zip.db" "$T/osv.zip"
expect_rc 0 "import a zip"
err_has "6 advisories read, 6 imported" "import a zip"
vuln "$T/zip.db" "$here/sbom/vulnerable.cdx.json"
same "$T/vulnerable.want" "imported from a zip"

# ---- re-import, newer and older copies, withdrawn ----
import "$T/dir.db" "$here/osv"
expect_rc 0 "re-import"
err_has "6 imported, 0 kept" "re-import replaces by id"
vuln "$T/dir.db" "$here/sbom/vulnerable.cdx.json"
same "$T/vulnerable.want" "re-import adds no duplicates"
mkdir "$T/newer" "$T/older" "$T/gone"
jq '.modified = "2025-01-01T00:00:00Z" | .affected[0].ranges[0].events[1].fixed = "4.17.22"' "$here/osv/TEST-NPM-1.json" >"$T/newer/a.json"
jq '.modified = "2020-01-01T00:00:00Z" | .affected[0].ranges[0].events[1].fixed = "4.0.0"' "$here/osv/TEST-NPM-1.json" >"$T/older/a.json"
import "$T/dir.db" "$T/newer"
err_has "1 imported, 0 kept" "a newer copy replaces"
vuln "$T/dir.db" "$here/sbom/fixed.cdx.json"
printf '%s\n' 'pkg:npm/lodash@4.17.21 TEST-NPM-1 high' >"$T/newer.want"
same "$T/newer.want" "the newer copy's range applies"
import "$T/dir.db" "$T/older"
err_has "0 imported, 1 kept" "an older copy is kept out"
vuln "$T/dir.db" "$here/sbom/fixed.cdx.json"
same "$T/newer.want" "the older copy does not replace the newer"
jq '.modified = "2026-01-01T00:00:00Z" | .withdrawn = "2026-01-01T00:00:00Z"' "$here/osv/TEST-NPM-1.json" >"$T/gone/a.json"
import "$T/dir.db" "$T/gone"
err_has "1 withdrawn" "withdrawn advisory"
vuln "$T/dir.db" "$here/sbom/fixed.cdx.json"
if [ "$(jq '.findings | length' "$T/out.json")" = 0 ]; then ok; else bad "withdrawn advisory still matches"; fi

# ---- malformed advisories: exit 2, named, database unchanged ----
before=$(sum "$T/zip.db")
mkdir "$T/broken"
cp "$here"/osv/*.json "$T/broken/"
printf '{"id": "TEST-BAD-1", "modified": "2024-01-01T00:00:00Z", "affected": [' >"$T/broken/z-bad.json"
import "$T/zip.db" "$T/broken"
expect_rc 2 "truncated advisory"
err_has "z-bad.json:1:" "truncated advisory: file and line"
err_has "is unchanged" "truncated advisory: says the database is unchanged"
if [ "$(sum "$T/zip.db")" = "$before" ]; then ok; else bad "truncated advisory changed the database"; fi
rm "$T/broken/z-bad.json"
jq '.affected[0].ranges[0].events[0] = {"introduced": "0", "fixed": "1"}' "$here/osv/TEST-NPM-1.json" >"$T/broken/z-two-keys.json"
(cd "$T/broken" && python3 -m zipfile -c "$T/broken.zip" ./*.json)
import "$T/zip.db" "$T/broken.zip"
expect_rc 2 "advisory with a two-key event in a zip"
err_has "broken.zip: entry z-two-keys.json:1:1:" "zip entry named"
err_has "TEST-NPM-1: affected\[0\].ranges\[0\].events\[0\]: each event must be an object with one key" "reason and element given"
if [ "$(sum "$T/zip.db")" = "$before" ]; then ok; else bad "broken zip changed the database"; fi
for edit in 'del(.id)' 'del(.modified)' '.affected = {}' '.affected[0].ranges[0].type = "SOMETHING"' \
	'.affected[0].ranges[0].events = []' '.affected[0].versions = [1]' '.affected[0].package = {"name": "x"}' \
	'.withdrawn = 5' '.aliases = "CVE-1"' '[.]'; do
	jq "$edit" "$here/osv/TEST-NPM-1.json" >"$T/one.json"
	import "$T/zip.db" "$T/one.json"
	expect_rc 2 "malformed advisory ($edit)"
done
if [ "$(sum "$T/zip.db")" = "$before" ]; then ok; else bad "malformed advisories changed the database"; fi
printf 'not a zip' >"$T/fake.zip"
import "$T/zip.db" "$T/fake.zip"
expect_rc 2 "a file that is not a zip"
import "$T/zip.db" "$T/missing.json"
expect_rc 2 "a missing path"
printf 'junk' >"$T/junk.db"
import "$T/junk.db" "$here/osv"
expect_rc 2 "an existing file that is not a bulkhead database"

# ---- default database path, missing database, bad SBOM ----
XDG_CACHE_HOME=$T/cache "$BULKHEAD" db import "$here/osv" 2>"$T/err"
rc=$?
expect_rc 0 "import into the default database"
if [ -f "$T/cache/bulkhead/vuln.db" ]; then ok; else bad "default database not at \$XDG_CACHE_HOME/bulkhead/vuln.db"; fi
XDG_CACHE_HOME=$T/cache "$BULKHEAD" vuln -f json "$here/sbom/vulnerable.cdx.json" >"$T/out.json" 2>"$T/err"
same "$T/vulnerable.want" "vuln reads the default database"
vuln "$T/none.db" "$here/sbom/vulnerable.cdx.json"
expect_rc 2 "missing database"
err_has "bulkhead db import" "missing database: says how to make one"
printf '{"hello": 1}' >"$T/notsbom.json"
vuln "$T/dir.db" "$T/notsbom.json"
expect_rc 2 "JSON that is not an SBOM"
printf '{"bomFormat": "CycloneDX", ' >"$T/trunc.json"
vuln "$T/dir.db" "$T/trunc.json"
expect_rc 2 "truncated SBOM"
"$BULKHEAD" db 2>"$T/err"
rc=$?
expect_rc 2 "db without a subcommand"

# ---- images: the packages of the image tests' Debian images (tests/image/im/build-images.sh),
# built into a folder of our own so that this test does not race tests/image/im ----
IMG=$BUILDDIR/vuln-images
if sh "$SRCDIR/tests/image/im/build-images.sh" "$IMG" >"$T/build.log" 2>&1; then ok; else bad "building the test images: $(tail -5 "$T/build.log")"; fi
import "$T/img.db" "$here/osv-image"
expect_rc 0 "import the image advisories"
vuln "$T/img.db" "$IMG/good.docker.tar"
expect_rc 1 "distroless-style image"
printf '%s\n' 'pkg:deb/debian/libc6@2.36-9%2Bdeb12u14?arch=amd64&distro=debian-12 TEST-IMG-1 high' >"$T/good.want"
same "$T/good.want" "good image: libc6 by its source package glibc, the fixed-at advisory not reported"
vuln "$T/img.db" "$IMG/debian.docker.tar"
expect_rc 1 "Debian minbase image"
cat >"$T/debian.want" <<'W'
pkg:deb/debian/bash@5.2.15-2%2Bb13?arch=amd64&distro=debian-12 TEST-IMG-3 high
pkg:deb/debian/libc-bin@2.36-9%2Bdeb12u14?arch=amd64&distro=debian-12 TEST-IMG-1 high
pkg:deb/debian/libc6@2.36-9%2Bdeb12u14?arch=amd64&distro=debian-12 TEST-IMG-1 high
pkg:deb/debian/zlib1g@1:1.2.13.dfsg-1%2Bdeb12u1?arch=amd64&distro=debian-12 TEST-IMG-4 high
W
same "$T/debian.want" "Debian image: source versions (bash binNMU), epochs (zlib), every glibc binary"
"$BULKHEAD" image --sbom spdx -o "$T/debian.spdx.json" "$IMG/debian.docker.tar" 2>"$T/err"
vuln "$T/img.db" "$T/debian.spdx.json"
same "$T/debian.want" "the image's own SPDX SBOM gives the same findings"
"$BULKHEAD" image --sbom cyclonedx -o "$T/debian.cdx.json" "$IMG/debian.docker.tar" 2>"$T/err"
vuln "$T/img.db" "$T/debian.cdx.json"
same "$T/debian.want" "the image's own CycloneDX SBOM gives the same findings"

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
