#!/bin/sh
# The pipeline layer's speed: bulkhead scan over the public workflow corpus, replicated into a
# larger tree, against Trivy's config scan of the same tree. Trivy has no GitHub Actions checks,
# so its figure is the cost of a peer walking and parsing the same YAML, not of the same
# analysis; there is no workflow auditor among the installed peers. Figures only, no asserts.
set -eu
: "${BULKHEAD:?}" "${SHARED:?}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
copies=${BENCH_COPIES:-40}
i=0
while [ "$i" -lt "$copies" ]; do
	mkdir -p "$tmp/tree/$i"
	cp -r "$SHARED/corpus/workflows/." "$tmp/tree/$i/"
	i=$((i + 1))
done
files=$(find "$tmp/tree" -type f \( -name '*.yml' -o -name '*.yaml' \) | wc -l)
bytes=$(find "$tmp/tree" -type f \( -name '*.yml' -o -name '*.yaml' \) -exec cat {} + | wc -c)

now() { date +%s.%N; }
run() { # run CMD... ; prints the best wall time of 3 runs
	best=""
	for _ in 1 2 3; do
		s=$(now)
		"$@" >/dev/null 2>&1 || true
		e=$(now)
		t=$(awk -v s="$s" -v e="$e" 'BEGIN { printf "%.3f", e - s }')
		if [ -z "$best" ] || awk -v t="$t" -v b="$best" 'BEGIN { exit !(t < b) }'; then best=$t; fi
	done
	echo "$best"
}

bh=$(run "$BULKHEAD" scan --format json --fail-on none "$tmp/tree")
echo "workflows: $files files, $bytes bytes ($copies copies of corpus/workflows)"
awk -v f="$files" -v b="$bytes" -v t="$bh" \
	'BEGIN { printf "bulkhead scan: %.3fs, %d files/s, %.1f MiB/s\n", t, f / t, b / t / 1048576 }'
if [ -n "${TRIVY:-}" ] && [ -x "$TRIVY" ]; then
	tv=$(run "$TRIVY" config --quiet --skip-check-update "$tmp/tree")
	echo "trivy config (walk + parse only, no workflow checks): ${tv}s"
	awk -v a="$tv" -v b="$bh" 'BEGIN { printf "ratio trivy/bulkhead: %.1fx\n", a / b }'
fi
