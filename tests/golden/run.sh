#!/bin/sh
# Runs every golden case under the directory given: tests/golden/<command>/<case>/ with
#   args      one argument per line; the literal @CASE@ is replaced by the case directory
#   stdin     optional, fed to standard input
#   expected  stdout, with the case directory shown as @CASE@
#   stderr    optional expected stderr (same substitution); absent means "not compared"
#   rc        the expected exit code
# UPDATE=1 rewrites expected, stderr (when present) and rc from the actual run.
set -u
root=$1
pass=0
fail=0
for dir in "$root"/*/*/; do
	dir=${dir%/}
	[ -f "$dir/args" ] || continue
	name=${dir#"$root"/}
	set --
	while IFS= read -r a || [ -n "$a" ]; do
		set -- "$@" "$(printf '%s' "$a" | sed "s#@CASE@#$dir#g")"
	done <"$dir/args"
	if [ -f "$dir/stdin" ]; then
		"$BULKHEAD" "$@" <"$dir/stdin" >"$dir/.out" 2>"$dir/.err"
	else
		"$BULKHEAD" "$@" </dev/null >"$dir/.out" 2>"$dir/.err"
	fi
	rc=$?
	sed -i "s#$dir#@CASE@#g" "$dir/.out" "$dir/.err"
	if [ "${UPDATE:-}" = 1 ]; then
		cp "$dir/.out" "$dir/expected"
		[ -f "$dir/stderr" ] && cp "$dir/.err" "$dir/stderr"
		echo "$rc" >"$dir/rc"
	fi
	ok=1
	cmp -s "$dir/.out" "$dir/expected" || ok=0
	if [ -f "$dir/stderr" ]; then cmp -s "$dir/.err" "$dir/stderr" || ok=0; fi
	[ "$rc" = "$(cat "$dir/rc")" ] || ok=0
	if [ $ok = 1 ]; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL $name (rc $rc, expected $(cat "$dir/rc"))"
		diff -u "$dir/expected" "$dir/.out" | head -40
		[ -f "$dir/stderr" ] && diff -u "$dir/stderr" "$dir/.err" | head -20
	fi
	rm -f "$dir/.out" "$dir/.err"
done
echo "golden: $pass passed, $fail failed"
[ $fail = 0 ] && [ $pass -gt 0 ]
