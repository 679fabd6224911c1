#!/bin/sh
# The reference Dockerfile (../shared/corpus/seed/Dockerfile: a python:3.12-slim builder, a
# distroless final stage, USER nonroot, COPY --chown) passes every DF rule above low severity
# except the digest pin DF-002; low and info findings (a named USER, no HEALTHCHECK) are fine.
set -u
out=$("$BULKHEAD" scan --fail-on none -f json "$SHARED/corpus/seed/Dockerfile" 2>&1)
rc=$?
[ $rc = 0 ] || { echo "FAIL: exit $rc"; printf '%s\n' "$out"; exit 1; }
bad=$(printf '%s\n' "$out" | awk '/"rule":/ {r=$2} /"severity":/ {s=$2; if (s ~ /medium|high|critical/ && r !~ /DF-002/) print r, s}')
if [ -n "$bad" ]; then
	echo "FAIL: findings above low besides DF-002:"; printf '%s\n' "$bad"; exit 1
fi
printf '%s\n' "$out" | grep -q '"rule": "DF-002"' || { echo "FAIL: the digest pin (DF-002) was not reported"; exit 1; }
echo "seed: 1 passed, 0 failed"
