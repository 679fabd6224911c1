#!/bin/sh
# Every K8 rule has a failing and a passing fixture (rules/<ID>/fail.yaml reports the rule,
# pass.yaml does not), the reference pod of ../shared/corpus/seed yields only the image-pin
# (tag latest) and service-account-token findings, and a fully hardened deployment yields
# nothing at all.
set -u
here=$(dirname "$0")
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }
ids() { "$BULKHEAD" scan -f json --fail-on none "$@" | sed -n 's/^ *"rule": "\(K8-[0-9]*\)",$/\1/p'; }

for id in $("$BULKHEAD" rules | awk '/^K8-/ {print $1}'); do
	d="$here/rules/$id"
	if [ ! -f "$d/fail.yaml" ] || [ ! -f "$d/pass.yaml" ]; then
		bad "$id has no fail.yaml/pass.yaml fixture"
		continue
	fi
	if ids "$d/fail.yaml" | grep -qx "$id"; then ok; else bad "$id: fail.yaml does not report $id"; fi
	if ids "$d/pass.yaml" | grep -qx "$id"; then bad "$id: pass.yaml reports $id"; else ok; fi
done

seed="$SHARED/corpus/seed/pod.yaml"
got=$(ids "$seed" | sort | tr '\n' ' ')
if [ "$got" = "K8-027 K8-028 " ]; then ok; else bad "seed pod: expected K8-027 K8-028, got $got"; fi
if "$BULKHEAD" scan --no-color "$seed" | grep -q "K8-028 image 'moltbot-agent:latest' uses the mutable tag latest"; then ok; else bad "seed pod: no latest-tag finding"; fi

out=$("$BULKHEAD" scan --fail-on info --no-color "$here/hardened.yaml")
if [ $? = 0 ] && [ "$out" = "No findings in 1 file" ]; then ok; else bad "hardened.yaml: $out"; fi

# An agent namespace named by the config (agents.namespaces) needs enforce: restricted too;
# the same namespace is not an agent one without the config.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf 'agents:\n  namespaces: [llm-agents]\n' >"$tmp/.bulkhead.yaml"
printf 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: llm-agents\n' >"$tmp/ns.yaml"
if ids "$tmp/ns.yaml" | grep -qx K8-031; then ok; else bad "config agents.namespaces: no K8-031"; fi
rm "$tmp/.bulkhead.yaml"
if ids "$tmp/ns.yaml" | grep -qx K8-031; then bad "K8-031 without the config"; else ok; fi

echo "kube rules: $pass passed, $fail failed"
[ $fail = 0 ]
