#!/bin/sh
# bulkhead fix: each fix/input/* file, fixed in a scratch copy, must equal fix/expected/*
# byte for byte (comments, key order and untouched indentation kept; anchors and JSON left
# alone); a second run must change nothing; the fixed files must scan clean for the rules the
# fix covers; --dry-run must leave files alone, exit 1, and print a diff that git apply turns
# into the fixed file.
set -u
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }
fixable="K8-001 K8-002 K8-003 K8-012 K8-013 K8-017 K8-018 K8-019 K8-021 K8-022 K8-023 K8-026 K8-027"

mkdir "$tmp/w" "$tmp/d"
cp "$here"/fix/input/* "$tmp/w/"
cp "$here"/fix/input/* "$tmp/d/"

# --dry-run: nothing written, exit 1, a diff that applies to the fixed file.
(cd "$tmp/d" && "$BULKHEAD" fix --dry-run . >"$tmp/all.diff")
rc=$?
[ $rc = 1 ] && ok || bad "dry-run exit $rc, expected 1"
for f in "$here"/fix/input/*; do
	cmp -s "$f" "$tmp/d/$(basename "$f")" && ok || bad "dry-run changed $(basename "$f")"
done
(cd "$tmp/d" && git apply -p1 "$tmp/all.diff" 2>"$tmp/apply.err") && ok || { bad "the dry-run diff does not apply"; cat "$tmp/apply.err"; }
(cd "$tmp/w" && "$BULKHEAD" fix --dry-run privileged-pod.yaml >"$tmp/one.diff")
cmp -s "$tmp/one.diff" "$here/fix/expected/privileged-pod.diff" && ok || { bad "privileged-pod.diff differs"; diff -u "$here/fix/expected/privileged-pod.diff" "$tmp/one.diff" | head -30; }

# The fix in place.
"$BULKHEAD" fix "$tmp/w" 2>"$tmp/fix.err"
rc=$?
[ $rc = 0 ] && ok || { bad "fix exit $rc"; cat "$tmp/fix.err"; }
for f in "$here"/fix/expected/*; do
	n=$(basename "$f")
	case $n in *.diff) continue ;; esac
	cmp -s "$f" "$tmp/w/$n" && ok || { bad "fixed $n differs from expected"; diff -u "$f" "$tmp/w/$n" | head -30; }
	cmp -s "$f" "$tmp/d/$n" && ok || bad "dry-run diff applied to $n differs from expected"
done
for n in anchors.yaml pod.json; do
	cmp -s "$here/fix/input/$n" "$tmp/w/$n" && ok || bad "$n was rewritten"
done

# Idempotent: a second run changes nothing.
out=$("$BULKHEAD" fix --dry-run "$tmp/w")
rc=$?
[ $rc = 0 ] && [ -z "$out" ] && ok || bad "second run would change: $out"

# Clean for the rules the fix covers (anchors.yaml and pod.json are not fixed: skip them).
rm -f "$tmp/w/anchors.yaml" "$tmp/w/pod.json"
left=$("$BULKHEAD" scan -f json --fail-on none "$tmp/w" | sed -n 's/^ *"rule": "\(K8-[0-9]*\)",$/\1/p' | sort -u)
for id in $left; do
	case " $fixable " in *" $id "*) bad "fixed files still report $id" ;; esac
done
ok

# Bad input: a parse error names the file and exits 2, leaving it alone.
printf 'apiVersion: v1\nkind: Pod\nspec: {containers: [\n' >"$tmp/broken.yaml"
cp "$tmp/broken.yaml" "$tmp/broken.orig"
"$BULKHEAD" fix "$tmp/broken.yaml" 2>"$tmp/err"
rc=$?
[ $rc = 2 ] && grep -q "broken.yaml:" "$tmp/err" && cmp -s "$tmp/broken.yaml" "$tmp/broken.orig" && ok || bad "broken input: rc $rc, $(cat "$tmp/err")"

echo "kube fix: $pass passed, $fail failed"
[ $fail = 0 ]
