#!/bin/sh
# Dockerfile parse + DF rules over every file of ../shared/corpus/dockerfiles, beside
# `trivy config` on the same directory in the same run. bulkhead is timed as the best of
# $RUNS runs (it is fast enough for timer noise to matter), Trivy as the best of $PEER_RUNS
# (Trivy's check bundle comes from its embedded copy; its cache lives in a temporary
# directory so runs do not share state with the user's). Prints both times and the ratio.
set -eu
corpus=$SHARED/corpus/dockerfiles
RUNS=${RUNS:-10}
PEER_RUNS=${PEER_RUNS:-2}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

now_ns() { date +%s%N; }
best() { # command... ; prints the best wall time in ns over $n runs
	b=0
	i=0
	while [ $i -lt "$n" ]; do
		t0=$(now_ns)
		"$@" >/dev/null 2>&1 || true
		t=$(($(now_ns) - t0))
		if [ $b = 0 ] || [ $t -lt $b ]; then b=$t; fi
		i=$((i + 1))
	done
	echo $b
}

files=$(find "$corpus" -type f | wc -l)
n=$RUNS
bh=$(best "$BULKHEAD" scan --fail-on none -f json "$corpus")
findings=$("$BULKHEAD" scan --fail-on none -f json "$corpus" 2>/dev/null | grep -c '"rule": "DF-' || true)
echo "dockerfiles: $files files"
echo "bulkhead scan: $((bh / 1000000)) ms (best of $RUNS), $findings DF findings"
if [ -z "${TRIVY:-}" ] || [ ! -x "$TRIVY" ]; then
	echo "trivy: not installed; no ratio"
	exit 0
fi
n=$PEER_RUNS
tv=$(best "$TRIVY" config --cache-dir "$tmp/trivy-cache" --quiet --format json "$corpus")
echo "trivy config: $((tv / 1000000)) ms (best of $PEER_RUNS)"
awk -v a="$tv" -v b="$bh" 'BEGIN { r = a / b; printf "ratio: bulkhead is %.0fx faster than trivy config (target >= 100x): %s\n", r, (r >= 100 ? "OK" : "BELOW TARGET") }'
