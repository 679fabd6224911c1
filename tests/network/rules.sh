#!/bin/sh
# Failing and passing fixtures per NP rule: rules/<ID>/fail*/ must make `bulkhead scan` report
# <ID>, rules/<ID>/pass*/ must not (other rules may fire there). Also checks that the seed
# deployment (../shared/corpus/seed) passes the metadata rule and is flagged for internet-wide
# egress and for the missing DNS egress. Prints "rules: N passed, M failed".
set -u
here=$(dirname "$0")
pass=0
fail=0
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
check() { # dir rule want(1|0)
	"$BULKHEAD" scan --format json --fail-on none "$@" >"$tmp" 2>&1
}
for dir in "$here"/rules/NP-*/*/; do
	dir=${dir%/}
	id=$(basename "$(dirname "$dir")")
	kind=$(basename "$dir")
	"$BULKHEAD" scan --format json --fail-on none "$dir" >"$tmp" 2>&1
	if grep -q "\"rule\": \"$id\"" "$tmp"; then got=1; else got=0; fi
	case $kind in fail*) want=1 ;; *) want=0 ;; esac
	if [ $got = $want ]; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL $id/$kind: expected $id to be $( [ $want = 1 ] && echo reported || echo absent)"
		grep '"message"' "$tmp" | head -5
	fi
done
# The seed deployment.
"$BULKHEAD" scan --format json --fail-on none "$SHARED/corpus/seed/networkpolicy.yaml" \
	"$SHARED/corpus/seed/pod.yaml" >"$tmp" 2>&1
for want in "NP-003:1" "NP-006:1" "NP-004:0"; do
	id=${want%:*}
	if grep -q "\"rule\": \"$id\"" "$tmp"; then got=1; else got=0; fi
	if [ "$got" = "${want#*:}" ]; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL seed: $id expected ${want#*:}, got $got"
	fi
done
echo "rules: $pass passed, $fail failed"
[ $fail = 0 ] && [ $pass -gt 0 ]
