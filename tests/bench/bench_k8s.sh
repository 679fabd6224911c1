#!/bin/sh
# The Kubernetes corpus ($SHARED/corpus/k8s): bulkhead's whole scan on one core (taskset -c 0)
# against `trivy config` on the same folder in the same run, and bulkhead's document model
# against libyaml's raw event parser on the same files (parse_bench). Targets: the whole folder
# in under 0.5 s on one core; the parse within 2x of libyaml. Best of 5 runs for bulkhead (the
# machine may be shared); trivy runs once, it takes minutes.
set -u
dir=$SHARED/corpus/k8s
tmp=$(mktemp -d "${TMPDIR:-/tmp}/bh-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
one_core=""
command -v taskset >/dev/null 2>&1 && one_core="taskset -c 0"

files=$(find "$dir" -type f \( -name '*.yaml' -o -name '*.yml' -o -name '*.json' \) | wc -l)
bytes=$(find "$dir" -type f \( -name '*.yaml' -o -name '*.yml' -o -name '*.json' \) -print0 |
	xargs -0 cat | wc -c)
echo "corpus: $dir: $files YAML/JSON files, $bytes bytes"

# seconds COMMAND...: wall time of one run, in seconds
seconds() {
	s=$(date +%s.%N)
	"$@" >/dev/null 2>&1
	e=$(date +%s.%N)
	echo "$s $e" | awk '{ printf "%.4f", $2 - $1 }'
}

best=999
for i in 1 2 3 4 5; do
	t=$(seconds $one_core "$BULKHEAD" scan --format json --output "$tmp/bh.json" "$dir")
	best=$(echo "$best $t" | awk '{ print ($2 < $1) ? $2 : $1 }')
done
"$BULKHEAD" scan --format json --output "$tmp/bh.json" "$dir" >/dev/null 2>"$tmp/bh.err"
bh_findings=$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(r["summary"]["total"], "findings,", r["summary"]["errors"], "input errors")' "$tmp/bh.json")
echo "$best $files $bytes" | awk '{ printf "bulkhead scan (1 core): %.3f s, %.0f files/s, %.1f MB/s\n", $1, $2 / $1, $3 / $1 / 1e6 }'
echo "  $bh_findings"
echo "$best" | awk '{ printf "  target: whole folder under 0.5 s on one core: %s\n", ($1 < 0.5) ? "met" : "MISSED" }'

if [ -n "${TRIVY:-}" ] && [ -x "$(echo "$TRIVY" | cut -d' ' -f1)" ]; then
	s0=$(date +%s.%N)
	timeout 1500 $TRIVY config --timeout 20m --skip-policy-update --cache-dir "$tmp/trivy-cache" \
		--format json --output "$tmp/trivy.json" "$dir" >"$tmp/trivy.log" 2>&1
	trivy_rc=$?
	t=$(echo "$s0 $(date +%s.%N)" | awk '{ printf "%.4f", $2 - $1 }')
	if [ -s "$tmp/trivy.json" ]; then
		echo "$t $files $bytes" | awk '{ printf "trivy config (its own threads): %.3f s, %.3g files/s, %.3g MB/s\n", $1, $2 / $1, $3 / $1 / 1e6 }'
		python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); res=r.get("Results") or []; print("  %d misconfigurations in %d files" % (sum(len(x.get("Misconfigurations") or []) for x in res), len(res)))' "$tmp/trivy.json"
		echo "$t $best" | awk '{ printf "  ratio: bulkhead is %.0fx faster than trivy config on this folder\n", $1 / $2 }'
	else
		echo "trivy config: skipped (exit $trivy_rc, no report):"
		tail -5 "$tmp/trivy.log"
	fi
else
	echo "trivy config: skipped (peer not installed)"
fi

if [ -x "${PARSE_BENCH:-}" ]; then
	# Interleaved, best of three runs of ten rounds each, so that a busy neighbour on a shared
	# machine hurts both sides alike.
	raw="" doc=""
	for i in 1 2 3; do
		r=$(ROUNDS=10 $one_core "$PARSE_BENCH" raw "$dir")
		d=$(ROUNDS=10 $one_core "$PARSE_BENCH" doc "$dir")
		raw=$(printf '%s\n%s\n' "$raw" "$r" | awk 'NF { if (!b || $4 < b) { b = $4; l = $0 } } END { print l }')
		doc=$(printf '%s\n%s\n' "$doc" "$d" | awk 'NF { if (!b || $4 < b) { b = $4; l = $0 } } END { print l }')
	done
	echo "$raw" | awk '{ printf "libyaml events only (1 core): %.4f s, %.1f MB/s\n", $4, $3 / $4 / 1e6 }'
	echo "$doc" | awk '{ printf "bulkhead document model (1 core): %.4f s, %.1f MB/s\n", $4, $3 / $4 / 1e6 }'
	echo "$raw $doc" | awk '{ r = $8 / $4; printf "  ratio: the document model takes %.2fx libyaml'"'"'s time; target within 2x: %s\n", r, (r <= 2) ? "met" : "MISSED" }'
	# Instructions do not depend on the machine's load: with BENCH_CALLGRIND=1 (slow),
	# count them for one round of each parser under valgrind.
	if [ "${BENCH_CALLGRIND:-}" = 1 ] && command -v valgrind >/dev/null 2>&1; then
		for m in raw doc; do
			for r in 1 2; do
				ROUNDS=$r valgrind --tool=callgrind --callgrind-out-file="$tmp/cg.$m.$r" \
					"$PARSE_BENCH" $m "$dir" 2>&1 | sed -n 's/.*Collected : //p' >"$tmp/ir.$m.$r"
			done
		done
		echo "$(cat "$tmp/ir.raw.1" "$tmp/ir.raw.2" "$tmp/ir.doc.1" "$tmp/ir.doc.2")" | tr '\n' ' ' |
			awk '{ r = $2 - $1; d = $4 - $3; printf "  instructions per round: libyaml %.0fM, document model %.0fM (%.2fx)\n", r / 1e6, d / 1e6, d / r }'
	fi
else
	echo "parse: skipped (tests/bench/parse_bench not built)"
fi
