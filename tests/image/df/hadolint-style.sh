#!/bin/sh
# Dockerfile security cases in the style of hadolint's rule specs (hadolint-style/cases/*.Dockerfile,
# sources in hadolint-style/README.md). Each case says in its header which DF rules must fire
# ("# expect: DF-005 DF-007") and which must not ("# expect-not: DF-012"); a case passes when every
# expectation holds. Prints "N passed, M failed" and fails if any case fails.
set -u
dir=$(dirname "$0")/hadolint-style/cases
pass=0
fail=0
for f in "$dir"/*.Dockerfile; do
	out=$("$BULKHEAD" scan --fail-on none -f json "$f" 2>&1)
	rc=$?
	ok=1
	if [ $rc != 0 ]; then
		ok=0; echo "FAIL $f: exit $rc"; printf '%s\n' "$out" | tail -3
	fi
	want=$(sed -n 's/^# expect: *//p' "$f")
	wantnot=$(sed -n 's/^# expect-not: *//p' "$f")
	for r in $want; do
		if ! printf '%s\n' "$out" | grep -q "\"rule\": \"$r\""; then
			ok=0; echo "FAIL $(basename "$f"): expected $r, got none"
		fi
	done
	for r in $wantnot; do
		if printf '%s\n' "$out" | grep -q "\"rule\": \"$r\""; then
			ok=0; echo "FAIL $(basename "$f"): expected no $r"
			printf '%s\n' "$out" | grep -A3 "\"rule\": \"$r\"" | grep message
		fi
	done
	if [ $ok = 1 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
done
echo "hadolint-style: $pass passed, $fail failed"
[ $fail = 0 ] && [ $pass -gt 0 ]
