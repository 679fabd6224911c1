#!/bin/sh
# No crash on any file of ../shared/corpus/dockerfiles: each is scanned on its own and must exit
# 0 or 1. Exit 2 is accepted only for the files listed in corpus-invalid.txt, which BuildKit
# itself rejects (an empty file, one of only comments, ENV without a value, a nested JSON array); each of
# those must name file:line. Anything else (3, a signal, a sanitizer abort) fails.
set -u
here=$(dirname "$0")
root=$SHARED/corpus/dockerfiles
pass=0
fail=0
tmp=${TMPDIR:-/tmp}/bh-df-corpus.$$
trap 'rm -f "$tmp"' EXIT
find "$root" -type f | sort >"$tmp.list"
while IFS= read -r f; do
	rel=${f#"$root"/}
	"$BULKHEAD" scan --fail-on high "$f" >/dev/null 2>"$tmp"
	rc=$?
	if grep -qxF "$rel" "$here/corpus-invalid.txt"; then
		if [ $rc = 2 ] && grep -q ":[0-9][0-9]*:[0-9][0-9]*: " "$tmp"; then
			pass=$((pass + 1))
		else
			fail=$((fail + 1)); echo "FAIL $rel: exit $rc, expected 2 with file:line"
		fi
	elif [ $rc = 0 ] || [ $rc = 1 ]; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1)); echo "FAIL $rel: exit $rc"; head -3 "$tmp"
	fi
done <"$tmp.list"
rm -f "$tmp.list"
echo "dockerfile corpus: $pass passed, $fail failed"
[ $fail = 0 ] && [ $pass -gt 0 ]
