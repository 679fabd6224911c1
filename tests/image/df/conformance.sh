#!/bin/sh
# BuildKit parser conformance: every ../shared/corpus/dockerfile-parser/testfiles/<case> must
# dump exactly as its `result`; every testfiles-negative case must exit 2 with a
# "file:line:col: reason" error; testfile-line must give the line ranges BuildKit documents
# (instructions at {5,5}, {11,12}, {17,31}; see the corpus README).
set -u
C=$SHARED/corpus/dockerfile-parser
pass=0
fail=0
tmp=${TMPDIR:-/tmp}/bh-df-conf.$$
trap 'rm -f "$tmp"' EXIT
[ -d "$C/testfiles" ] || { echo "missing corpus $C"; exit 1; }
for d in "$C"/testfiles/*/; do
	name=$(basename "$d")
	"$BULKHEAD" dockerfile dump "$d/Dockerfile" >"$tmp" 2>&1
	rc=$?
	if [ $rc = 0 ] && cmp -s "$tmp" "$d/result"; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1)); echo "FAIL testfiles/$name (exit $rc)"; diff "$d/result" "$tmp" | head -10
	fi
done
for d in "$C"/testfiles-negative/*/; do
	name=$(basename "$d")
	"$BULKHEAD" dockerfile dump "$d/Dockerfile" >"$tmp" 2>&1
	rc=$?
	if [ $rc = 2 ] && grep -q "Dockerfile:[0-9][0-9]*:[0-9][0-9]*: ." "$tmp" &&
		[ "$(grep -vc '^bulkhead: ' "$tmp")" = 0 ]; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1)); echo "FAIL testfiles-negative/$name (exit $rc, want 2 and file:line)"; head -3 "$tmp"
	fi
done
"$BULKHEAD" dockerfile dump --lines "$C/testfile-line/Dockerfile" >"$tmp" 2>&1
got=$(cut -f1 "$tmp" | tr '\n' ' ')
if [ "$got" = "5-5 11-12 17-31 " ]; then
	pass=$((pass + 1))
else
	fail=$((fail + 1)); echo "FAIL testfile-line: got '$got', want '5-5 11-12 17-31 '"
fi
echo "buildkit conformance: $pass passed, $fail failed"
[ $fail = 0 ] && [ $pass -gt 0 ]
