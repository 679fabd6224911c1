#!/bin/sh
# DF rule fixtures: tests/image/df/rules/<RULE>/bad*.Dockerfile must each produce at least one
# finding of RULE, and good*.Dockerfile none of it. Every DF rule in `bulkhead rules` must have
# at least one of each. Fixtures are scanned one by one with --fail-on none so the exit code
# only reports input errors.
set -u
dir=$(dirname "$0")/rules
pass=0
fail=0
check() { # file rule want(1|0)
	out=$("$BULKHEAD" scan --fail-on none -f json "$1" 2>&1)
	rc=$?
	n=$(printf '%s\n' "$out" | grep -c "\"rule\": \"$2\"")
	if [ $rc != 0 ]; then
		fail=$((fail + 1)); echo "FAIL $1: exit $rc"; printf '%s\n' "$out" | tail -3
	elif [ "$3" = 1 ] && [ "$n" = 0 ]; then
		fail=$((fail + 1)); echo "FAIL $1: expected a $2 finding, got none"
	elif [ "$3" = 0 ] && [ "$n" != 0 ]; then
		fail=$((fail + 1)); echo "FAIL $1: expected no $2 finding, got $n"
		printf '%s\n' "$out" | grep -A3 "\"rule\": \"$2\"" | grep message
	else
		pass=$((pass + 1))
	fi
}
for rule in $("$BULKHEAD" rules | awk '/^DF-/ {print $1}'); do
	nb=0; ng=0
	for f in "$dir/$rule"/bad*.Dockerfile; do
		[ -f "$f" ] || continue
		nb=$((nb + 1)); check "$f" "$rule" 1
	done
	for f in "$dir/$rule"/good*.Dockerfile; do
		[ -f "$f" ] || continue
		ng=$((ng + 1)); check "$f" "$rule" 0
	done
	if [ $nb = 0 ] || [ $ng = 0 ]; then
		fail=$((fail + 1)); echo "FAIL $rule: needs a bad and a good fixture ($nb bad, $ng good)"
	fi
done
# The table itself: unique ids, and every rule explains its attack, fix and references.
dups=$("$BULKHEAD" rules | awk '/^DF-/ {print $1}' | sort | uniq -d)
if [ -n "$dups" ]; then fail=$((fail + 1)); echo "FAIL duplicate rule ids: $dups"; else pass=$((pass + 1)); fi
for rule in $("$BULKHEAD" rules | awk '/^DF-/ {print $1}'); do
	ex=$("$BULKHEAD" explain "$rule")
	for field in layer severity attack fix refs; do
		if ! printf '%s\n' "$ex" | grep -q "^$field: *[^ ]"; then
			fail=$((fail + 1)); echo "FAIL $rule: empty $field"
		fi
	done
done
echo "df rules: $pass passed, $fail failed"
[ $fail = 0 ] && [ $pass -gt 0 ]
