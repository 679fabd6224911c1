#!/bin/sh
# bench_image: `bulkhead image --sbom cyclonedx` beside `trivy image --input X.tar --format
# cyclonedx` (offline, no vulnerability database, a fresh cache per run so that Trivy cannot
# reuse its layer analysis) on the mmdebstrap Debian bookworm minbase image, in the same run.
# Prints wall time and peak RSS (/usr/bin/time) for each, their ratios (targets: >= 10x faster,
# <= 1/5 of the memory), and the differences between the two package lists.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
OUT=${TMPDIR:-/tmp}/bulkhead-bench-image
RUNS=${RUNS:-5}
sh "$here/../image/im/build-images.sh" "$OUT" >/dev/null
IMG=$OUT/debian.docker.tar
if [ ! -f "$IMG" ]; then
	echo "bench_image: SKIP (no mmdebstrap image could be built)"
	exit 0
fi
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT

# measure NAME CMD...: best wall time (s) and its peak RSS (KiB) over $RUNS runs.
measure() {
	name=$1
	shift
	best=""
	rss=""
	i=0
	while [ $i -lt "$RUNS" ]; do
		rm -rf "$W/cache"
		TRIVY_CACHE_DIR=$W/cache /usr/bin/time -f '%e %M %U %S' -o "$W/time" "$@" >/dev/null 2>"$W/err" || {
			echo "bench_image: $name failed: $(tail -3 "$W/err")"
			exit 1
		}
		read -r t m u sy <"$W/time"
		if [ -z "$best" ] || [ "$(echo "$t < $best" | bc -l)" = 1 ]; then
			best=$t
			rss=$m
			cpu=$(echo "$u + $sy" | bc -l)
		fi
		i=$((i + 1))
	done
	echo "$best $rss $cpu" >"$W/$name"
	printf '  %-10s %8.3f s wall  %8.3f s CPU  %8d KiB peak RSS  (best of %d)\n' "$name" "$best" "$cpu" "$rss" "$RUNS"
}

echo "image: $(du -h "$IMG" | cut -f1) $(basename "$IMG") (Debian bookworm minbase, mmdebstrap)"
measure bulkhead "$BULKHEAD" image --sbom cyclonedx -o "$W/bulkhead.cdx.json" "$IMG"
measure trivy "$TRIVY" image -q --input "$IMG" --format cyclonedx --offline-scan --skip-db-update \
	--scanners config -o "$W/trivy.cdx.json"
read -r bt bm bcpu <"$W/bulkhead"
read -r tt tm tcpu <"$W/trivy"
# Timer resolution is 10 ms; never divide by zero.
[ "$(echo "$bt < 0.01" | bc -l)" = 1 ] && bt=0.01
[ "$(echo "$bcpu < 0.01" | bc -l)" = 1 ] && bcpu=0.01
echo "  time ratio (trivy/bulkhead): $(echo "scale=1; $tt / $bt" | bc -l)x wall, $(echo "scale=1; $tcpu / $bcpu" | bc -l)x CPU  (target >= 10x)"
echo "  memory ratio (bulkhead/trivy): $(echo "scale=3; $bm / $tm" | bc -l)  (target <= 0.200)"

# Trivy writes a Debian epoch as a separate property and drops it from the version; bulkhead
# keeps the version as dpkg spells it ("1:2.38.1-5"). Compare without the epoch, and count
# the packages whose versions differ only by it.
jq -r '.components[] | select(.type == "library") | "\(.name) \(.version)"' "$W/bulkhead.cdx.json" | LC_ALL=C sort -u >"$W/b-raw.txt"
sed -E 's/ [0-9]+:/ /' "$W/b-raw.txt" | LC_ALL=C sort -u >"$W/b.txt"
jq -r '.components[] | select(.type == "library") | "\(.name) \(.version)"' "$W/trivy.cdx.json" | LC_ALL=C sort -u >"$W/t.txt"
echo "  packages: bulkhead $(wc -l <"$W/b.txt"), trivy $(wc -l <"$W/t.txt"), same name and version $(LC_ALL=C comm -12 "$W/b.txt" "$W/t.txt" | wc -l) ($(grep -c ' [0-9]*:' "$W/b-raw.txt") of them with an epoch that Trivy keeps apart)"
LC_ALL=C comm -23 "$W/b.txt" "$W/t.txt" | sed 's/^/    only bulkhead: /'
LC_ALL=C comm -13 "$W/b.txt" "$W/t.txt" | sed 's/^/    only trivy:    /'
