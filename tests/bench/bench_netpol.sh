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

# Best of 5 runs: "WALL_MS CPU_MS" (CPU = user + system, which a loaded CI machine inflates
# less than wall time; it is "-" when GNU time is not installed).
best() {
	bw=
	bc=
	for _ in 1 2 3 4 5; do
		if [ -x /usr/bin/time ]; then
			/usr/bin/time -f "%e %U %S" -o "$tmp/t" "$@" >/dev/null 2>&1 || true
			w=$(awk '{printf "%d", $1 * 1000}' "$tmp/t")
			c=$(awk '{printf "%d", ($2 + $3) * 1000}' "$tmp/t")
		else
			t0=$(date +%s%N)
			"$@" >/dev/null 2>&1 || true
			t1=$(date +%s%N)
			w=$(((t1 - t0) / 1000000))
			c=-
		fi
		if [ -z "$bw" ] || [ "$w" -lt "$bw" ]; then bw=$w; fi
		if [ "$c" != - ] && { [ -z "$bc" ] || [ "$c" -lt "$bc" ]; }; then bc=$c; fi
	done
	echo "$bw ${bc:--}"
}
report() { # label, "WALL CPU"
	set -- "$1" $2
	echo "$1: $2 ms wall, $3 ms CPU"
}
list=$(best "$BULKHEAD" netpol list "$tmp/c1000.yaml")
scan=$(best "$BULKHEAD" scan --fail-on none "$tmp/c1000.yaml")
open=$(best "$BULKHEAD" netpol list "$tmp/open.yaml")
big=$(best "$BULKHEAD" netpol list "$tmp/c3000.yaml")
lines=$("$BULKHEAD" netpol list "$tmp/c1000.yaml" | wc -l)
wall=${list%% *}
report "netpol list, 1000 workloads / 500 policies ($lines allowed pairs)" "$list"
echo "  target < 1000 ms wall: $([ "$wall" -lt 1000 ] && echo met || echo MISSED)"
report "scan (model + NP rules), same cluster" "$scan"
report "netpol list, 1000 workloads / no policy (1,001,000 lines)" "$open"
report "netpol list, 3000 workloads / 1500 policies" "$big"
if [ -n "${K8SNETPOLICY:-}" ] && [ -x "$K8SNETPOLICY" ]; then
	mkdir "$tmp/d" && cp "$tmp/c1000.yaml" "$tmp/d/"
	peer=$(best "$K8SNETPOLICY" list --dirpath "$tmp/d")
	report "netpol-analyzer list, same cluster" "$peer"
	echo "  ratio (wall): $(awk "BEGIN{printf \"%.1f\", ${peer%% *}/($wall>0?$wall:1)}")x"
else
	echo "netpol-analyzer: not installed (set K8SNETPOLICY to its binary to compare)"
fi
