#!/bin/sh
# Colour only on a terminal: run bulkhead under script(1), which gives it a real pseudo-terminal,
# and check that the text report is coloured there, not with NO_COLOR or --no-color, and never
# when standard output is a pipe or the format is JSON (--color still forces it in text).
set -u
work=$(mktemp -d "${TMPDIR:-/tmp}/bh-tty.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
cat >"$work/pod.yaml" <<'YAML'
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
  - name: app
    securityContext: {privileged: true, runAsNonRoot: true, allowPrivilegeEscalation: false}
YAML
# Without pseudo-terminals (some containers) there is nothing to test: meson's skip code.
if ! script -qec true /dev/null >/dev/null 2>&1; then
	echo "skipped: script(1) cannot allocate a pseudo-terminal here"
	exit 77
fi
esc=$(printf '\033[')
fail=0
# on_tty NAME WANT ENV... -- ARGS: run under a pseudo-terminal; WANT is "colour" or "plain"
on_tty() {
	name=$1 want=$2
	shift 2
	env -u NO_COLOR "$@" script -qec "$BULKHEAD scan $work/pod.yaml $ARGS" /dev/null >"$work/out" 2>&1
	judge "$name" "$want"
}
judge() {
	if grep -qF "$esc" "$work/out"; then got=colour; else got=plain; fi
	if ! grep -q 'K8-001' "$work/out"; then
		# --output sends the report to the file; that case is judged on the file.
		case $1 in *--output) return ;; esac
		echo "FAIL: $1: no report"
		fail=1
		return
	fi
	if [ "$got" = "$2" ]; then echo "ok: $1 ($got)"; else echo "FAIL: $1: $got, expected $2"; fail=1; fi
}
ARGS="" on_tty "terminal" colour
ARGS="" on_tty "terminal with NO_COLOR=1" plain NO_COLOR=1
ARGS="" on_tty "terminal with empty NO_COLOR" colour NO_COLOR=
ARGS="--no-color" on_tty "terminal with --no-color" plain
ARGS="--format json" on_tty "terminal, JSON" plain
ARGS="--output $work/r.txt" on_tty "terminal, --output" plain 2>/dev/null
cp "$work/r.txt" "$work/out"
judge "terminal, --output file" plain
"$BULKHEAD" scan "$work/pod.yaml" >"$work/out" 2>&1
judge "pipe" plain
NO_COLOR=1 "$BULKHEAD" scan --color "$work/pod.yaml" >"$work/out" 2>&1
judge "pipe with --color (wins over NO_COLOR)" colour
grep -qF "$esc" "$work/r.txt" && { echo "FAIL: colour written to --output file"; fail=1; }
# No path at a terminal scans the current directory instead of waiting for input.
(cd "$work" && env -u NO_COLOR script -qec "$BULKHEAD scan --no-color" /dev/null) >"$work/out" 2>&1
if grep -q 'pod.yaml:7:.*K8-001' "$work/out"; then
	echo "ok: no path on a terminal scans the current directory"
else
	echo "FAIL: no path on a terminal did not scan the current directory"
	fail=1
fi
exit $fail
