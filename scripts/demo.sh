#!/bin/sh
# make demo: scan the bundled example agent deployment and explain the result. The scan finds
# real weaknesses there on purpose, so its exit code 1 is the expected outcome; the demo itself
# exits 0 unless bulkhead failed to run (exit 2 or 3, or a crash).
set -u
bulkhead=${1:-build/bulkhead}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root" || exit 3
example=examples/agent-deployment

echo "\$ bulkhead scan $example"
"$bulkhead" scan "$example"
rc=$?
echo
case $rc in
0) echo "exit code 0: no finding at or above --fail-on (high)." ;;
1) echo "exit code 1: findings at or above --fail-on (high); a CI job would fail here." ;;
2) echo "exit code 2: a usage or input error (see the messages above)." ;;
*) echo "exit code $rc: an operational error." ;;
esac
echo "Next: 'bulkhead explain K8-001' shows a rule; '--format sarif' feeds code scanning;"
echo "'# bulkhead:ignore K8-001 reason' on a line accepts a finding."
[ "$rc" -le 1 ]
