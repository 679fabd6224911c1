#!/bin/sh
# Pod Security Admission conformance: every fixture under psa/<level>/{pass,fail}/ (from
# Kubernetes' own PSA test data, see psa/README.md) and psa/extra/<level>/{pass,fail}/ (ours,
# for semantics the fetched fixtures do not cover) must be admitted (exit 0) or rejected
# (exit 1) by `bulkhead scan --pss <level>` exactly as the directory says. A rejected fixture
# must also name at least one failing control.
set -u
dir=$(dirname "$0")/psa
pass=0
fail=0
for lvl in baseline restricted; do
	for want in pass fail; do
		for f in "$dir/$lvl/$want"/*.yaml "$dir/extra/$lvl/$want"/*.yaml; do
			[ -f "$f" ] || continue
			out=$("$BULKHEAD" scan --pss "$lvl" --no-color "$f" 2>&1)
			rc=$?
			ok=1
			if [ $want = pass ]; then
				[ $rc = 0 ] && echo "$out" | grep -q '^admitted ' || ok=0
			else
				[ $rc = 1 ] && echo "$out" | grep -q '^  .* (K8-0[0-9][0-9]) ' || ok=0
			fi
			if [ $ok = 1 ]; then
				pass=$((pass + 1))
			else
				fail=$((fail + 1))
				echo "FAIL $lvl $want $f (rc $rc)"
				echo "$out" | head -20
			fi
		done
	done
done
echo "psa: $pass passed, $fail failed"
[ $fail = 0 ] && [ $pass -gt 40 ]
