#!/bin/sh
# Hostile Dockerfiles, generated here: each must end with the expected exit code (2 with a
# file:line error for what is rejected, 0 or 1 for what parses), never a crash or a hang. The
# timeout only catches hangs; it is far above the real cost (milliseconds).
set -u
pass=0
fail=0
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
gen() { # name; stdin is a python-free generator's output
	cat >"$dir/$1.Dockerfile"
}
rep() { # count string
	awk -v n="$1" -v s="$2" 'BEGIN { for (i = 0; i < n; i++) printf "%s", s }'
}
{ printf 'FROM a\nCMD ["a", '; rep 200000 '['; printf '\n'; } | gen deep-json
{ printf 'FROM a\nRUN x'; rep 1000000 ' \\\n y'; printf '\n'; } | gen long-continuation
{ printf 'FROM a\nRUN cat'; rep 300 ' <<E'; printf '\n'; rep 300 'x\nE\n'; } | gen many-heredocs
printf 'FROM a\nRUN <<EOF\necho never ends\n' | gen unterminated-heredoc
printf '# escape=x\nFROM a\n' | gen bad-escape
printf '# escape=\\\n# escape=`\nFROM a\n' | gen dup-directive
printf 'FROM a\nFOO bar\n' | gen unknown-instruction
printf 'FROM a\nRUN echo \000\001\002\n' | gen nul-bytes
printf 'FROM a\nRUN echo \377\376\300\200 \355\240\200\nCOPY --chown=\351 a b\n' | gen invalid-utf8
{ printf 'FROM alpine:3\nENV A=xx\n'; rep 60 'ENV A=$A$A\n'; printf 'USER $A\n'; } | gen env-doubling
rep 2000 'FROM a\n' | gen many-stages
{ printf 'FROM alpine:3\nRUN true'; rep 100000 ' && chmod u+s /x'; printf '\nUSER 1\n'; } | gen many-findings
{ printf 'FROM alpine:3\nENV'; i=0; rep 50000 ' K=v'; printf '\nUSER $K\n'; } | gen many-vars
{ printf 'FROM a\n'; rep 150000 'RUN x\n'; } | gen many-instructions
{ printf 'FROM a\nRUN '; head -c 17000000 /dev/zero | tr '\0' 'a'; printf '\n'; } | gen oversized
{ printf 'FROM a\nRUN '; rep 100000 '$('; printf '\n'; } | gen subshells
{ printf 'FROM a\nUSER '; rep 10000 '${A:-'; rep 10000 '}'; printf '\n'; } | gen nested-expansion
{ printf 'FROM a\nRUN <<EOF\n'; rep 200000 'apk add gcc\n'; printf 'EOF\n'; } | gen heredoc-findings

expect() { # name codes [noline: a file-level error such as size or binary content]
	f=$dir/$1.Dockerfile
	timeout 120 "$BULKHEAD" scan --fail-on high -f json "$f" >"$dir/out" 2>"$dir/err"
	rc=$?
	case " $2 " in
	*" $rc "*) ;;
	*) fail=$((fail + 1)); echo "FAIL $1: exit $rc, expected one of: $2"; head -c 300 "$dir/err"; return ;;
	esac
	want="$1.Dockerfile:[0-9]"
	[ "${3:-}" = noline ] && want="$1.Dockerfile: "
	if [ $rc = 2 ] && ! grep -q "$want" "$dir/err"; then
		fail=$((fail + 1)); echo "FAIL $1: error does not name file:line"; head -c 300 "$dir/err"; return
	fi
	pass=$((pass + 1))
}
expect deep-json "0 1"
expect long-continuation "0 1"
expect many-heredocs 2
expect unterminated-heredoc 2
expect bad-escape 2
expect dup-directive 2
expect unknown-instruction 2
expect nul-bytes 2 noline
expect invalid-utf8 "0 1"
expect env-doubling "0 1"
expect many-stages 2
expect many-findings 1
n=$(grep -c '"rule": "DF-010"' "$dir/out")
if [ "$n" -gt 16 ]; then fail=$((fail + 1)); echo "FAIL many-findings: $n DF-010 findings, cap is 16"; fi
expect many-vars "0 1"
expect many-instructions 2
expect oversized 2 noline
expect subshells "0 1"
expect nested-expansion "0 1"
expect heredoc-findings 1
echo "df hostile: $pass passed, $fail failed"
[ $fail = 0 ] && [ $pass -gt 0 ]
