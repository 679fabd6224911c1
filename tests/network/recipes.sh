#!/bin/sh
# The recipes of ahmetb/kubernetes-network-policy-recipes (../shared/corpus/netpol): each line
# of recipes/cases.txt applies one recipe (or two) to a small fixture of pods and asks
# `bulkhead netpol explain` whether one connection is allowed, as the recipe's README says it
# must be. Prints "recipes: N passed, M failed".
set -u
here=$(dirname "$0")
corpus=$SHARED/corpus/netpol/ahmetb__kubernetes-network-policy-recipes
pass=0
fail=0
while IFS='|' read -r recipes fixture query want; do
	case $recipes in '#'* | '') continue ;; esac
	set --
	for r in $(echo "$recipes" | tr ',' ' '); do
		set -- "$@" "$corpus/$r"
	done
	# shellcheck disable=SC2086
	"$BULKHEAD" netpol explain $(echo "$query" | cut -d' ' -f1,2) --port "$(echo "$query" | cut -d' ' -f3)" \
		"$here/recipes/$fixture" "$@" >/dev/null 2>&1
	rc=$?
	if { [ "$want" = allow ] && [ $rc = 0 ]; } || { [ "$want" = deny ] && [ $rc = 1 ]; }; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL $recipes: $query should $want (rc $rc)"
	fi
done <"$here/recipes/cases.txt"
echo "recipes: $pass passed, $fail failed"
[ $fail = 0 ] && [ $pass -gt 0 ]
