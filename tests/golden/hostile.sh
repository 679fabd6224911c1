#!/bin/sh
# Bad input, one case per run (the case name is the argument): each must give a clear error
# naming the file (and line where there is one), exit 2, still scan and report the other files,
# and stay within bounded memory. Memory is capped with ulimit -v (not under ASan, which
# reserves terabytes of address space); `timeout` only guards against a hang, it asserts no
# speed. Fixtures are made in a temporary directory: the source tree is never written.
set -u
case_name=$1
bh=$BULKHEAD
work=$(mktemp -d "${TMPDIR:-/tmp}/bh-hostile.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
cd "$work" || exit 1
mkdir in
# Every case scans its bad file beside this good one, which must still be reported.
cat >in/good.yaml <<'YAML'
apiVersion: v1
kind: Pod
metadata: {name: good}
spec:
  containers:
  - name: app
    securityContext: {privileged: true, runAsNonRoot: true, allowPrivilegeEscalation: false}
YAML

run() {
	# run [setpriv args...] -- bulkhead args: memory-capped, output in out/err, status in rc
	if [ -z "${BH_SANITIZED:-}" ]; then
		(ulimit -v 1000000 && timeout 120 "$@") >out 2>err
	else
		timeout 300 "$@" >out 2>err
	fi
	rc=$?
}

expect() {
	# expect RC STDERR-PATTERN: the exit code, an error naming the bad input, and the good
	# file's finding still in the report.
	ok=1
	[ "$rc" = "$1" ] || { echo "exit code $rc, expected $1"; ok=0; }
	grep -Eq -- "$2" err || { echo "stderr does not match /$2/"; ok=0; }
	grep -q 'good.yaml:7:.*K8-001' out || { echo "the good file was not reported"; ok=0; }
	if [ $ok = 0 ]; then
		echo "--- stdout"; head -20 out; echo "--- stderr"; head -20 err
		exit 1
	fi
	echo "hostile/$case_name: ok ($(head -1 err))"
}

case $case_name in
binary)
	printf '\177ELF\002\001\001\000\000\000\000\000kind: Pod\n' >in/agent.bin
	run "$bh" scan --no-color in/agent.bin in/good.yaml
	expect 2 '^bulkhead: in/agent.bin: binary file'
	;;
invalid-utf8)
	printf 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: "caf\351"\n' >in/bad.yaml
	run "$bh" scan --no-color in
	expect 2 '^bulkhead: in/bad.yaml:4:1[34]: invalid .*UTF-8'
	;;
oversized)
	# A sparse 20 MB file: refused from its size, so it is never read (the memory cap
	# would not hold it twice anyway).
	truncate -s 20M in/huge.yaml
	run "$bh" scan --no-color in
	expect 2 '^bulkhead: in/huge.yaml: file is 20971520 bytes, over the limit'
	;;
device)
	# An endless character device named explicitly: read up to the cap, then refused.
	run "$bh" scan --no-color /dev/zero in/good.yaml
	expect 2 '^bulkhead: /dev/zero: (input is over the limit|binary file)'
	;;
syntax-error)
	printf 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n   labels: {a: b}\n' >in/broken.yaml
	run "$bh" scan --no-color in
	expect 2 '^bulkhead: in/broken.yaml:5:[0-9]+: '
	;;
deep-nesting)
	python3 -c 'import sys; sys.stdout.write("a: " + "[" * 100000 + "]" * 100000 + "\n")' >in/deep.yaml
	run "$bh" scan --no-color in
	expect 2 '^bulkhead: in/deep.yaml:1:[0-9]+: nesting deeper than the limit'
	;;
deep-mapping)
	python3 -c 'import sys; sys.stdout.write("{k: " * 100000 + "v" + "}" * 100000 + "\n")' >in/deep-map.yaml
	run "$bh" scan --no-color in
	expect 2 '^bulkhead: in/deep-map.yaml:[0-9]+:[0-9]+: nesting deeper than the limit'
	;;
alias-bomb)
	python3 -c '
import sys
sys.stdout.write("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n")
for i in range(1, 12):
    sys.stdout.write("a%d: &a%d [%s]\n" % (i, i, ", ".join(["*a%d" % (i - 1)] * 10)))
' >in/bomb.yaml
	run "$bh" scan --no-color in
	expect 2 '^bulkhead: in/bomb.yaml:[0-9]+:[0-9]+: .*alias bomb'
	;;
alias-bomb-many-docs)
	# Many documents, each under the per-document bound: the stream bound stops them.
	python3 -c '
import sys
for d in range(2000):
    sys.stdout.write("---\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n")
    for i in range(1, 4):
        sys.stdout.write("a%d: &a%d [%s]\n" % (i, i, ", ".join(["*a%d" % (i - 1)] * 10)))
' >in/bombs.yaml
	run "$bh" scan --no-color in
	expect 2 '^bulkhead: in/bombs.yaml:[0-9]+:[0-9]+: .*(alias bomb|too many aliases)'
	;;
unreadable)
	printf 'apiVersion: v1\nkind: Pod\nmetadata: {name: secret}\n' >in/secret.yaml
	chmod 000 in/secret.yaml
	if [ "$(id -u)" = 0 ]; then
		# root reads anything: drop to nobody, for whom the file is really unreadable.
		# (A copy of the binary, in case the checkout is not readable by nobody.)
		cp "$bh" "$work/bulkhead"
		chmod 755 "$work" "$work/bulkhead" in
		chmod 644 in/good.yaml
		run setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups "$work/bulkhead" \
			scan --no-color in
	else
		run "$bh" scan --no-color in
	fi
	expect 2 '^bulkhead: in/secret.yaml: cannot open: Permission denied'
	;;
symlink-loop)
	mkdir in/sub
	ln -s .. in/sub/up
	ln -s self in/self
	run "$bh" scan --no-color in
	expect 2 '^bulkhead: in/(self: cannot stat: Too many levels of symbolic links|sub/up: symlink loop)'
	grep -q 'in/sub/up: symlink loop' err || { echo "loop not reported"; exit 1; }
	;;
*)
	echo "unknown case $case_name"
	exit 1
	;;
esac
