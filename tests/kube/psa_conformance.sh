#!/bin/sh
# Pod Security Admission conformance: every fixture under psa/<level>/{pass,fail}/ (from
# Kubernetes' own PSA test data, see psa/README.md) and psa/extra/<level>/{pass,fail}/ (ours,
# for semantics the fetched fixtures do not cover) must be admitted (exit 0) or rejected
# (exit 1) by `bulkhead scan --pss <level>` exactly as the directory says. A rejected fixture
# must also name at least one failing control. Fixtures of older policy versions live in
# psa/versions/v1.<minor>/<level>/{pass,fail}/ (ours in psa/extra/versions/) and are decided
# at their own version (`--pss <level>:v1.<minor>`).
set -u
dir=$(dirname "$0")/psa
pass=0
fail=0
vpass=0

# One fixture: $1 the --pss argument, $2 pass or fail, $3 the file.
judge() {
	out=$("$BULKHEAD" scan --pss "$1" --no-color "$3" 2>&1)
	rc=$?
	ok=1
	if [ "$2" = pass ]; then
		[ $rc = 0 ] && echo "$out" | grep -q '^admitted ' || ok=0
	else
		[ $rc = 1 ] && echo "$out" | grep -q '^  .* (K8-0[0-9][0-9]) ' || ok=0
	fi
	if [ $ok = 1 ]; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL $1 $2 $3 (rc $rc)"
		echo "$out" | head -20
	fi
}

for lvl in baseline restricted; do
	for want in pass fail; do
		for f in "$dir/$lvl/$want"/*.yaml "$dir/extra/$lvl/$want"/*.yaml; do
			[ -f "$f" ] && judge "$lvl" $want "$f"
		done
	done
done
latest=$pass
for vdir in "$dir"/versions/v1.*/ "$dir"/extra/versions/v1.*/; do
	v=$(basename "$vdir")
	for lvl in baseline restricted; do
		for want in pass fail; do
			for f in "$vdir$lvl/$want"/*.yaml; do
				[ -f "$f" ] && judge "$lvl:$v" $want "$f"
			done
		done
	done
done
vpass=$((pass - latest))
echo "psa: $pass passed ($latest at latest, $vpass at their own version), $fail failed"
[ $fail = 0 ] && [ $latest -gt 40 ] && [ $vpass -gt 20 ]
