#!/bin/sh
# make fuzz: run every libFuzzer target built in BUILD_DIR for SECONDS each, starting from its
# committed corpus. New corpus entries and crash reproducers go to a scratch directory under the
# build dir, never into the source tree; a crash fails the run and names the reproducer (add it
# to tests/fuzz/corpus/<name>/ once fixed so that the replay in make test keeps it fixed).
set -u
build=$1
seconds=${2:-60}
here=$(cd "$(dirname "$0")" && pwd)
status=0
found=0
for bin in "$build"/tests/fuzz/fuzz_*; do
	[ -f "$bin" ] && [ -x "$bin" ] || continue
	found=1
	name=$(basename "$bin" | sed 's/^fuzz_//')
	work="$build/fuzz-work/$name"
	mkdir -p "$work/corpus" "$work/crashes"
	echo "== fuzz $name for ${seconds}s"
	if ! "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
		-artifact_prefix="$work/crashes/" -print_final_stats=1 \
		"$work/corpus" "$here/corpus/$name" 2>"$work/log"; then
		echo "fuzz $name: FAILED, see $work/log and $work/crashes/"
		tail -30 "$work/log"
		status=1
	else
		grep -E 'stat::number_of_executed_units|cov:' "$work/log" | tail -2
	fi
done
[ $found = 1 ] || { echo "no fuzz targets in $build (configure with -Dfuzz=true)"; exit 1; }
exit $status
