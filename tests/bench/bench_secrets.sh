#!/bin/sh
# Secret-scanning throughput: bulkhead secrets beside secretlint and `trivy fs --scanners secret`
# on the same inputs in the same run.
#   large: the bench text ($SHARED/corpus/secrets/bench-text) repeated to >= 200 MB, one file
#   tree:  the bench text cut into ~1 KiB files (about 20,000 files in 20 directories)
# Peers are slow: each gets BENCH_PEER_TIMEOUT seconds (default 300). Trivy runs on one copy of
# the bench text (and the tree) and its large-file figure is extrapolated linearly, which is
# stated where printed. Figures are wall seconds (best of BENCH_RUNS for bulkhead), CPU seconds
# and peak RSS from GNU time; memory flatness compares bulkhead's peak RSS on 1x and 10x input.
set -eu
: "${BULKHEAD:?}" "${SHARED:?}"
runs=${BENCH_RUNS:-5}
peer_timeout=${BENCH_PEER_TIMEOUT:-300}
src=$SHARED/corpus/secrets/bench-text
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
TIME=/usr/bin/time
[ -x "$TIME" ] || {
	echo "bench_secrets: GNU time (/usr/bin/time) is needed" >&2
	exit 1
}

# A private copy, so that rebuilding during a long bench does not disturb it.
cp "$BULKHEAD" "$work/bulkhead"
BULKHEAD=$work/bulkhead
cat "$src"/* >"$work/one.txt"
one=$(wc -c <"$work/one.txt")
: >"$work/large.txt"
copies=0
while [ "$(wc -c <"$work/large.txt")" -lt 200000000 ]; do
	cat "$work/one.txt" >>"$work/large.txt"
	copies=$((copies + 1))
done
large=$(wc -c <"$work/large.txt")
mkdir -p "$work/tree"
(cd "$work/tree" && split -C 1024 -a 5 -d "$work/one.txt" f)
(cd "$work/tree" && for i in 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19; do
	mkdir -p "d$i"
done && n=0 && for f in f*; do
	mv "$f" "d$((n % 20))/$f.txt"
	n=$((n + 1))
done)
nfiles=$(find "$work/tree" -type f | wc -l)
mkdir -p "$work/trivy-one" && cp "$work/one.txt" "$work/trivy-one/"
echo "inputs: large $large bytes ($copies x bench text), tree $nfiles files ($one bytes)"
# Wall time suffers on a shared machine; CPU time (user + system) does not, so both are shown.
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"

# measure LABEL CMD...: run under GNU time; sets t_wall, t_cpu, t_rss (KiB), t_rc.
measure() {
	label=$1
	shift
	set +e
	# GNU time prints wall seconds to 10 ms, too coarse for runs of tens of milliseconds: the
	# wall time is taken from the clock around it (nanoseconds, shown to the millisecond).
	t0=$(date +%s%N)
	$TIME -f "%e %U %S %M" -o "$work/time" "$@" >/dev/null 2>"$work/err"
	t_rc=$?
	t1=$(date +%s%N)
	set -e
	read -r t_wall u s t_rss <"$work/time" || true
	case $t_wall in
	*[!0-9.]*|'') # the command died: time wrote a status line first
		read -r t_wall u s t_rss <<EOF
$(tail -n 1 "$work/time")
EOF
		;;
	esac
	t_wall=$(awk "BEGIN { printf \"%.3f\", ($t1 - $t0) / 1e9 }")
	t_cpu=$(echo "$u $s" | awk '{ printf "%.2f", $1 + $2 }')
	echo "  $label: ${t_wall}s wall, ${t_cpu}s cpu, peak RSS $((t_rss / 1024)) MiB (exit $t_rc)"
}

# best LABEL CMD...: the best wall time of $runs runs (bulkhead only; peers run once).
best() {
	label=$1
	shift
	b_wall=
	b_cpu=0
	b_rss=0
	for _ in $(seq "$runs"); do
		measure "$label" "$@"
		[ "$t_rc" -le 1 ] || continue # a failed run is not a time
		if [ -z "$b_wall" ] || awk "BEGIN { exit !($t_wall < $b_wall) }"; then
			b_wall=$t_wall
			b_cpu=$t_cpu
			b_rss=$t_rss
		fi
	done
}

mbps() { awk "BEGIN { printf \"%.0f\", $1 / 1e6 / ($2 > 0 ? $2 : 0.01) }"; }
ratio() { awk "BEGIN { printf \"%.1f\", $1 / ($2 > 0 ? $2 : 0.001) }"; }

echo "== large file, one core"
best "bulkhead secrets -j1" "$BULKHEAD" secrets -j 1 "$work/large.txt"
bh_large=$b_wall
bh_large_cpu=$b_cpu
bh_large_rss=$b_rss
echo "  bulkhead: $(mbps "$large" "$bh_large") MB/s wall, $(mbps "$large" "$bh_large_cpu") MB/s of CPU time"
best "bulkhead secrets -j1 (1x, for memory)" "$BULKHEAD" secrets -j 1 "$work/one.txt"
echo "  memory: peak RSS $((b_rss / 1024)) MiB on $one bytes, $((bh_large_rss / 1024)) MiB on $large bytes"
: >"$work/empty.txt"
measure "bulkhead startup (empty input)" "$BULKHEAD" secrets -j 1 "$work/empty.txt"

sl_large=
if [ -n "${SECRETLINT:-}" ]; then
	# shellcheck disable=SC2086
	measure "secretlint (large)" timeout "$peer_timeout" $SECRETLINT "$work/large.txt"
	if [ "$t_rc" = 124 ]; then
		# shellcheck disable=SC2086
		measure "secretlint (1x, timed out on large)" timeout "$peer_timeout" $SECRETLINT "$work/one.txt"
		sl_large=$(awk "BEGIN { print $t_wall * $large / $one }")
		echo "  secretlint large: extrapolated ${sl_large}s from 1x"
	else
		sl_large=$t_wall
	fi
	echo "  => bulkhead is $(ratio "$sl_large" "$bh_large")x secretlint on the large file"
fi
tv_large=
if [ -n "${TRIVY:-}" ]; then
	measure "trivy fs --scanners secret (1x: $one bytes)" timeout "$peer_timeout" "$TRIVY" fs \
		--scanners secret --cache-dir "$work/trivy-cache" --skip-db-update --offline-scan -q \
		"$work/trivy-one"
	tv_large=$(awk "BEGIN { print $t_wall * $large / $one }")
	echo "  trivy large: extrapolated linearly from 1x to ${tv_large}s (not run on the full file)"
	echo "  => bulkhead is $(ratio "$tv_large" "$bh_large")x trivy on the large file (extrapolated)"
fi

echo "== tree of $nfiles small files"
best "bulkhead secrets -j1" "$BULKHEAD" secrets -j 1 "$work/tree"
bh_tree1=$b_wall
best "bulkhead secrets (all cores)" "$BULKHEAD" secrets "$work/tree"
bh_tree=$b_wall
echo "  bulkhead: $(mbps "$one" "$bh_tree1") MB/s on one core, $(mbps "$one" "$bh_tree") MB/s on $(nproc) cores"
if [ -n "${SECRETLINT:-}" ]; then
	# shellcheck disable=SC2086
	measure "secretlint (tree)" timeout "$peer_timeout" $SECRETLINT "$work/tree/**/*"
	[ "$t_rc" = 124 ] && echo "  secretlint timed out after ${peer_timeout}s: ratio is a lower bound"
	echo "  => bulkhead is $(ratio "$t_wall" "$bh_tree")x secretlint on the tree"
fi
if [ -n "${TRIVY:-}" ]; then
	measure "trivy fs --scanners secret (tree)" timeout "$peer_timeout" "$TRIVY" fs --scanners secret \
		--cache-dir "$work/trivy-cache" --skip-db-update --offline-scan -q "$work/tree"
	[ "$t_rc" = 124 ] && echo "  trivy timed out after ${peer_timeout}s: ratio is a lower bound"
	echo "  => bulkhead is $(ratio "$t_wall" "$bh_tree")x trivy on the tree"
fi
