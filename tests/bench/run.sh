#!/bin/sh
# make bench: installs the peer tools when it can, then runs every tests/bench/bench_*.sh with
# the bulkhead binary, the parse helper and the peers' paths in the environment. Each script
# prints its figures and the ratios against the peer measured in the same run; a missing peer
# is reported as skipped, never as a failure.
set -u
here=$(cd "$(dirname "$0")" && pwd)
BULKHEAD=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
PARSE_BENCH=$(dirname "$BULKHEAD")/tests/bench/parse_bench
SHARED=$(cd "$here/../../../shared" && pwd)
export BULKHEAD PARSE_BENCH SHARED
TRIVY= SECRETLINT= DOCKERFILELINT= AJV=
if peers=$(bash "$SHARED/bench/install-peers" 2>/dev/null); then
	eval "$peers"
else
	echo "peers: install-peers failed; comparisons will be skipped"
fi
export TRIVY SECRETLINT DOCKERFILELINT AJV
status=0
for b in "$here"/bench_*.sh; do
	echo "== $(basename "$b" .sh)"
	sh "$b" || status=1
done
exit $status
