#!/bin/sh
# Connlist conformance: every case directory under conformance/ and upstream/ (netpol-analyzer's own test
# cases, see README.md) and cases/ (semantics cases derived by hand from NETPOL_SEMANTICS.md)
# holds manifests and expected_connlist.txt; `bulkhead netpol list DIR` must print it byte for
# byte. Every directory under conformance/bad/ must be rejected with exit 2 and a file:line
# diagnostic. Prints "conformance: N passed, M failed".
set -u
here=$(dirname "$0")
pass=0
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for dir in "$here"/conformance/*/ "$here"/upstream/*/ "$here"/cases/*/; do
	dir=${dir%/}
	[ -f "$dir/expected_connlist.txt" ] || continue
	"$BULKHEAD" netpol list "$dir" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ $rc = 0 ] && cmp -s "$tmp/out" "$dir/expected_connlist.txt"; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL ${dir#"$here"/} (rc $rc)"
		diff -u "$dir/expected_connlist.txt" "$tmp/out" | head -30
		head -5 "$tmp/err"
	fi
done
for dir in "$here"/conformance/bad/*/; do
	dir=${dir%/}
	"$BULKHEAD" netpol list "$dir" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ $rc = 2 ] && [ ! -s "$tmp/out" ] && grep -q ':[0-9][0-9]*:[0-9][0-9]*: ' "$tmp/err"; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL ${dir#"$here"/} must be rejected (rc $rc)"
		head -5 "$tmp/err"
	fi
done
# Hostile input: more pod peers than BH_LIMIT_NP_PEERS is refused with exit 2, quickly.
python3 -c "
print('apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p}\nspec:\n  podSelector: {}\n  ingress:\n  - from:')
for i in range(50001): print('    - podSelector: {}')
" >"$tmp/peers.yaml"
"$BULKHEAD" netpol list "$tmp/peers.yaml" >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ $rc = 2 ] && grep -q "network analysis allows" "$tmp/err" && [ ! -s "$tmp/out" ]; then
	pass=$((pass + 1))
else
	fail=$((fail + 1))
	echo "FAIL hostile peers: rc $rc"
	head -3 "$tmp/err"
fi
echo "conformance: $pass passed, $fail failed"
[ $fail = 0 ] && [ $pass -gt 0 ]
