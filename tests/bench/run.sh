#!/bin/sh
# make bench: installs the peer tools, then runs every tests/bench/bench_*.sh with the bulkhead
# binary and the peers' paths in the environment. Each script prints its figures and ratios.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
BULKHEAD=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
SHARED=$(cd "$here/../../../shared" && pwd)
export BULKHEAD SHARED
eval "$(bash "$SHARED/bench/install-peers")"
export TRIVY SECRETLINT DOCKERFILELINT AJV
for b in "$here"/bench_*.sh; do
	echo "== $(basename "$b" .sh)"
	sh "$b"
done
