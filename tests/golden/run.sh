#!/bin/sh
# Runs every golden case under the directory given: tests/golden/<command>/<case>/ with
#   args      one argument per line (run from the case directory, so relative paths name the
#             case's files); @CASE@ is replaced by the case directory, @TMP@ by a fresh
#             temporary directory for outputs (the source tree is never written)
#   stdin     optional, fed to standard input
#   env       optional, lines NAME=value set for the run (NO_COLOR=1, ...)
#   check     optional shell script run after bulkhead with CASE, TMP and BULKHEAD set; its
#             output is appended to stdout after a "--- check" line (files written, etc.)
#             and it must exit 0
#   expected  stdout (case directory shown as @CASE@, the temporary directory as @TMP@);
#             absent means "not compared" (then check makes the assertions)
#   stderr    optional expected stderr (same substitutions); absent means "not compared"
#   rc        the expected exit code
# UPDATE=1 rewrites expected, stderr (when present) and rc from the actual run, for review.
set -u
root=$(cd "$1" && pwd)
pass=0
fail=0
work=$(mktemp -d "${TMPDIR:-/tmp}/bh-golden.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
for dir in "$root"/*/*/; do
	dir=${dir%/}
	[ -f "$dir/args" ] || continue
	name=${dir#"$root"/}
	tmp="$work/$(echo "$name" | tr / _)"
	mkdir -p "$tmp/out"
	set --
	while IFS= read -r a || [ -n "$a" ]; do
		set -- "$@" "$(printf '%s' "$a" | sed -e "s#@CASE@#$dir#g" -e "s#@TMP@#$tmp/out#g")"
	done <"$dir/args"
	(
		cd "$dir" || exit 99
		if [ -f env ]; then
			while IFS= read -r kv || [ -n "$kv" ]; do
				[ -n "$kv" ] && export "${kv?}"
			done <env
		fi
		if [ -f stdin ]; then
			exec "$BULKHEAD" "$@" <stdin
		else
			exec "$BULKHEAD" "$@" </dev/null
		fi
	) >"$tmp/stdout" 2>"$tmp/stderr"
	rc=$?
	if [ -f "$dir/check" ]; then
		echo "--- check" >>"$tmp/stdout"
		(cd "$dir" && CASE=$dir TMP=$tmp/out BULKHEAD=$BULKHEAD sh ./check) >>"$tmp/stdout" 2>&1
		check_rc=$?
	else
		check_rc=0
	fi
	sed -i -e "s#$tmp/out#@TMP@#g" -e "s#$dir#@CASE@#g" "$tmp/stdout" "$tmp/stderr"
	if [ "${UPDATE:-}" = 1 ]; then
		[ -f "$dir/expected" ] && cp "$tmp/stdout" "$dir/expected"
		[ -f "$dir/stderr" ] && cp "$tmp/stderr" "$dir/stderr"
		echo "$rc" >"$dir/rc"
	fi
	ok=1
	if [ -f "$dir/expected" ]; then cmp -s "$tmp/stdout" "$dir/expected" || ok=0; fi
	if [ -f "$dir/stderr" ]; then cmp -s "$tmp/stderr" "$dir/stderr" || ok=0; fi
	[ "$rc" = "$(cat "$dir/rc")" ] || ok=0
	[ "$check_rc" = 0 ] || ok=0
	if [ $ok = 1 ]; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL $name (rc $rc, expected $(cat "$dir/rc"); check exit $check_rc)"
		[ -f "$dir/expected" ] || cat "$tmp/stdout"
		[ -f "$dir/expected" ] && diff -u "$dir/expected" "$tmp/stdout" | head -40
		[ -f "$dir/stderr" ] && diff -u "$dir/stderr" "$tmp/stderr" | head -20
	fi
done
echo "golden: $pass passed, $fail failed"
[ $fail = 0 ] && [ $pass -gt 0 ]
