#!/bin/sh
# Network layer benchmark: reachability of a generated cluster of 1,000 workloads and 500
# NetworkPolicies (gen_netpol_cluster.py), timed for `bulkhead netpol list` (every pair
# evaluated, connlist printed) and `bulkhead scan` (model + NP rules). Target: under 1 s.
# Also an unprotected cluster (1,000 workloads, no policy: a million printed pairs) and a 3x
# cluster for scaling. netpol-analyzer (the peer) is a Go tool that the peer installer does not
# provide; when K8SNETPOLICY points at its binary, it is timed on the same input.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 "$here/gen_netpol_cluster.py" 1000 500 >"$tmp/c1000.yaml"
python3 "$here/gen_netpol_cluster.py" 1000 0 >"$tmp/open.yaml"
python3 "$here/gen_netpol_cluster.py" 3000 1500 >"$tmp/c3000.yaml"

# Best of 5 wall-clock runs, in milliseconds.
best() {
	b=
	for _ in 1 2 3 4 5; do
		t0=$(date +%s%N)
		"$@" >/dev/null 2>&1 || true
		t1=$(date +%s%N)
		t=$(((t1 - t0) / 1000000))
		if [ -z "$b" ] || [ "$t" -lt "$b" ]; then b=$t; fi
	done
	echo "$b"
}
list=$(best "$BULKHEAD" netpol list "$tmp/c1000.yaml")
scan=$(best "$BULKHEAD" scan --fail-on none "$tmp/c1000.yaml")
open=$(best "$BULKHEAD" netpol list "$tmp/open.yaml")
big=$(best "$BULKHEAD" netpol list "$tmp/c3000.yaml")
lines=$("$BULKHEAD" netpol list "$tmp/c1000.yaml" | wc -l)
echo "netpol list, 1000 workloads / 500 policies: ${list} ms ($lines allowed pairs; target < 1000 ms: $([ "$list" -lt 1000 ] && echo met || echo MISSED))"
echo "scan (model + NP rules), same cluster:     ${scan} ms"
echo "netpol list, 1000 workloads / no policy:   ${open} ms (1,001,000 lines printed)"
echo "netpol list, 3000 workloads / 1500 policies: ${big} ms"
if [ -n "${K8SNETPOLICY:-}" ] && [ -x "$K8SNETPOLICY" ]; then
	mkdir "$tmp/d" && cp "$tmp/c1000.yaml" "$tmp/d/"
	peer=$(best "$K8SNETPOLICY" list --dirpath "$tmp/d")
	echo "netpol-analyzer list, same cluster: ${peer} ms (ratio $(awk "BEGIN{printf \"%.1f\", $peer/($list>0?$list:1)}")x)"
else
	echo "netpol-analyzer: not installed (set K8SNETPOLICY to its binary to compare)"
fi
