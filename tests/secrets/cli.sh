#!/bin/sh
# CLI tests of `bulkhead secrets` on inputs made here: a tree (binary and .git skipped, inline
# allows, redaction), stdin, baselines that survive line moves, a user rule from .bulkhead.yaml,
# and a real git repository (branches, a secret added then deleted, the same blob on two
# branches) checking commit, author and path attribution, scan-once, ranges and -j. Tokens are
# generated here (GitHub ones with valid CRC32 checksums); none is a real credential.
set -eu
: "${BULKHEAD:?}" "${SRCDIR:?}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() {
	fail=$((fail + 1))
	echo "FAIL: $*" >&2
}
check() { # check NAME COMMAND...: the command must succeed
	name=$1
	shift
	if "$@"; then ok; else bad "$name"; fi
}

# A GitHub-format token with a valid CRC32 (tests/lib/gh-token.py).
gh() { python3 "$SRCDIR/tests/lib/gh-token.py" "$1" "$2"; }
T1=$(gh ghp 1)
T2=$(gh ghs 2)
T3=$(gh gho 3)
AWS=AKIA$(python3 -c 'import random; r=random.Random(4); print("".join(r.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") for _ in range(16)))')

# jq-like checks in Python: json_check FILE EXPR (a Python expression over `f`, the findings).
json_check() {
	python3 - "$1" "$2" <<'EOF'
import json, sys
doc = json.load(open(sys.argv[1]))
f = doc["findings"]
ok = eval(sys.argv[2])
if not ok:
    print(json.dumps(f, indent=1), file=sys.stderr)
sys.exit(0 if ok else 1)
EOF
}

# ---- a tree ------------------------------------------------------------------------------
mkdir -p "$tmp/tree/nested" "$tmp/tree/.git"
printf 'GITHUB_TOKEN=%s\n' "$T1" >"$tmp/tree/app.env"
printf 'x = 1\nkey = "%s"  # bulkhead:allow rotated test key\n' "$T3" >"$tmp/tree/nested/allowed.py"
printf '[remote]\n\ttoken = %s\n' "$T2" >"$tmp/tree/.git/config"
printf 'BIN\000\001\002 token=%s\n' "$T2" >"$tmp/tree/blob.bin"
printf 'aws_access_key_id = AKIAIOSFODNN7EXAMPLE\n' >"$tmp/tree/docs.md"
set +e
"$BULKHEAD" secrets -f json "$tmp/tree" >"$tmp/out.json" 2>"$tmp/err"
rc=$?
set -e
check "tree exit 1" [ "$rc" = 1 ]
check "tree: one finding, app.env SE-024 line 1 col 14" json_check "$tmp/out.json" \
	'len(f) == 1 and f[0]["rule"] == "SE-024" and f[0]["file"].endswith("app.env") and f[0]["line"] == 1 and f[0]["column"] == 14'
check "redacted in json" sh -c "! grep -q '$T1' '$tmp/out.json'"
"$BULKHEAD" secrets --show-suppressed -f json "$tmp/tree" >"$tmp/out2.json" || true
check "allowed finding listed as suppressed" json_check "$tmp/out2.json" \
	'any(x["rule"] == "SE-026" and "inline comment" in (x.get("suppressed_by") or "") for x in f)'
"$BULKHEAD" secrets "$tmp/tree" >"$tmp/out.txt" || true
check "redacted in text" sh -c "! grep -q '$T1' '$tmp/out.txt' && grep -q 'ghp_' '$tmp/out.txt'"
"$BULKHEAD" secrets --show-secrets "$tmp/tree" >"$tmp/out.txt" || true
check "--show-secrets shows it" grep -q "$T1" "$tmp/out.txt"
"$BULKHEAD" secrets -f sarif "$tmp/tree" >"$tmp/out.sarif" || true
check "sarif has the rule" grep -q '"SE-024"' "$tmp/out.sarif"
if [ -n "${SHARED:-}" ] && [ -f "$SHARED/corpus/schemas/sarif-schema-2.1.0.json" ]; then
	check "sarif valid against the 2.1.0 schema" python3 -c '
import json, sys, jsonschema
jsonschema.validate(json.load(open(sys.argv[1])), json.load(open(sys.argv[2])))
' "$tmp/out.sarif" "$SHARED/corpus/schemas/sarif-schema-2.1.0.json"
fi

# ---- stdin -------------------------------------------------------------------------------
set +e
printf 'export AWS_ACCESS_KEY_ID=%s\n' "$AWS" | "$BULKHEAD" secrets -f json - >"$tmp/stdin.json"
rc=$?
printf 'nothing to see\n' | "$BULKHEAD" secrets >/dev/null
rc_clean=$?
set -e
check "stdin exit 1" [ "$rc" = 1 ]
check "stdin finding" json_check "$tmp/stdin.json" 'len(f) == 1 and f[0]["rule"] == "SE-019" and f[0]["file"] == "-"'
check "clean stdin exit 0" [ "$rc_clean" = 0 ]

# ---- baseline: survives a line move ------------------------------------------------------
"$BULKHEAD" secrets --write-baseline "$tmp/baseline.json" "$tmp/tree" >/dev/null
check "baseline suppresses" "$BULKHEAD" secrets -o "$tmp/o.txt" --baseline "$tmp/baseline.json" "$tmp/tree"
printf '# moved\n\n\nGITHUB_TOKEN=%s\n' "$T1" >"$tmp/tree/app.env"
check "baseline survives line move" "$BULKHEAD" secrets -o "$tmp/o.txt" --baseline "$tmp/baseline.json" "$tmp/tree"
printf 'GITHUB_TOKEN=%s\n' "$T2" >"$tmp/tree/app.env"
set +e
"$BULKHEAD" secrets --baseline "$tmp/baseline.json" "$tmp/tree" >/dev/null
rc=$?
set -e
check "a new secret is not baselined" [ "$rc" = 1 ]

# ---- user rule from .bulkhead.yaml -------------------------------------------------------
mkdir -p "$tmp/custom"
cat >"$tmp/custom/.bulkhead.yaml" <<'EOF'
secrets:
  rules:
    - id: ACME-001
      title: ACME internal token
      regex: 'acme_live_([a-z0-9]{24})'
      group: 1
      entropy: 3.0
      severity: critical
  allow:
    - '^ghp_'
EOF
printf 'ACME=acme_live_q8w7e6r5t4y3u2i1o9p8a7s6\nGH=%s\n' "$T1" >"$tmp/custom/app.env"
"$BULKHEAD" secrets -f json "$tmp/custom" >"$tmp/custom.json" || true
check "user rule and allowlist" json_check "$tmp/custom.json" \
	'len(f) == 1 and f[0]["rule"] == "ACME-001" and f[0]["severity"] == "critical"'
printf 'secrets:\n  rules:\n    - id: BAD-001\n      regex: "a(b"\n' >"$tmp/custom/.bulkhead.yaml"
set +e
"$BULKHEAD" secrets "$tmp/custom" >/dev/null 2>"$tmp/err"
rc=$?
set -e
check "bad user regex exits 2" [ "$rc" = 2 ]
check "bad user regex names the file" grep -q ".bulkhead.yaml" "$tmp/err"

# ---- git history -------------------------------------------------------------------------
repo="$tmp/repo"
git init -q -b main "$repo"
g() { git -C "$repo" "$@"; }
commit() { # commit AUTHOR MESSAGE
	GIT_AUTHOR_NAME=$1 GIT_AUTHOR_EMAIL="$1@example.test" GIT_AUTHOR_DATE="2024-0$2-01T12:00:00Z" \
		GIT_COMMITTER_NAME=ci GIT_COMMITTER_EMAIL=ci@example.test \
		GIT_COMMITTER_DATE="2024-0$2-01T12:00:00Z" g commit -q -m "$3"
}
printf 'hello\n' >"$repo/README.md"
g add README.md
commit Zed 1 "readme"
printf 'GITHUB_TOKEN=%s\n' "$T1" >"$repo/config.env"
g add config.env
commit Alice 2 "add config"
c_alice=$(g rev-parse HEAD)
g branch feature
g branch other
# A later version of the same file still holds the secret: still Alice's finding.
printf 'LOG_LEVEL=debug\n' >>"$repo/config.env"
g add config.env
commit Yan 3 "more config"
g rm -q config.env
commit Bob 4 "remove the token"
g checkout -q feature
mkdir -p "$repo/app" "$repo/dup"
printf 'token = "%s"\n' "$T2" >"$repo/app/settings.py"
cp "$repo/config.env" "$repo/dup/config.env" # the same blob again, on another path
g add app dup
commit Carol 5 "settings"
c_carol=$(g rev-parse HEAD)
g checkout -q other
printf 'more\n' >>"$repo/README.md"
g commit -qam "docs" --author "Dave <dave@example.test>"
g checkout -q main
# A secret in the working tree only: not part of history.
printf 'UNCOMMITTED=%s\n' "$T3" >"$repo/local.env"

set +e
"$BULKHEAD" secrets --git -f json "$repo" >"$tmp/git.json"
rc=$?
set -e
check "git exit 1" [ "$rc" = 1 ]
check "git: two findings, each blob once" json_check "$tmp/git.json" 'len(f) == 2'
check "git: T1 attributed to Alice's commit and its path" json_check "$tmp/git.json" \
	"any(x['file'] == 'config.env' and x['object'] == 'commit $c_alice' and 'by Alice <Alice@example.test> on 2024-02-01' in x['message'] for x in f)"
check "git: T2 attributed to Carol" json_check "$tmp/git.json" \
	"any(x['file'] == 'app/settings.py' and x['object'] == 'commit $c_carol' and 'Carol' in x['message'] for x in f)"
check "git: working tree not scanned" json_check "$tmp/git.json" "not any(x['file'] == 'local.env' for x in f)"
check "git: the commit as structured properties" json_check "$tmp/git.json" \
	"any(x['file'] == 'config.env' and x['properties'] == {'commit': '$c_alice', 'author': 'Alice', 'author_email': 'Alice@example.test', 'date': '2024-02-01T12:00:00Z'} for x in f)"
"$BULKHEAD" secrets --git -f json main..feature "$repo" >"$tmp/range.json" || true
# In a range, only content new to the range counts: dup/config.env repeats a blob that the
# range's boundary (Alice's commit, on main) already holds.
check "git range: only what the feature branch adds" json_check "$tmp/range.json" \
	"len(f) == 1 and f[0]['file'] == 'app/settings.py' and f[0]['object'] == 'commit $c_carol'"
"$BULKHEAD" secrets --git=main -f json "$repo" >"$tmp/main.json" || true
check "git rev: main's history still has the deleted secret" json_check "$tmp/main.json" \
	"len(f) == 1 and f[0]['file'] == 'config.env'"
"$BULKHEAD" secrets --git -j 1 -f json "$repo" >"$tmp/j1.json" || true
"$BULKHEAD" secrets --git -j 4 -f json "$repo" >"$tmp/j4.json" || true
check "git -j 1 and -j 4 give the same bytes" cmp -s "$tmp/j1.json" "$tmp/j4.json"
(cd "$repo" && "$BULKHEAD" secrets --git -f json >"$tmp/cwd.json") || true
check "git defaults to the current repository" cmp -s "$tmp/cwd.json" "$tmp/git.json"
set +e
"$BULKHEAD" secrets --git "$tmp/tree/nested" >/dev/null 2>&1
rc_norepo=$?
"$BULKHEAD" secrets --git=nosuchref "$repo" >/dev/null 2>&1
rc_badref=$?
"$BULKHEAD" secrets -j 0 "$repo" >/dev/null 2>&1
rc_badj=$?
set -e
check "not a repository exits 2" [ "$rc_norepo" = 2 ]
check "unknown revision exits 2" [ "$rc_badref" = 2 ]
check "bad -j exits 2" [ "$rc_badj" = 2 ]

# ---- tree walk with threads --------------------------------------------------------------
mkdir -p "$tmp/many"
i=0
while [ $i -lt 200 ]; do
	printf 'line %s\n' "$i" >"$tmp/many/f$i.txt"
	i=$((i + 1))
done
printf 'k=%s\n' "$T2" >"$tmp/many/f77.txt"
"$BULKHEAD" secrets -j 1 -f json "$tmp/many" >"$tmp/m1.json" || true
"$BULKHEAD" secrets -j 3 -f json "$tmp/many" >"$tmp/m3.json" || true
check "tree -j 3 matches -j 1" cmp -s "$tmp/m1.json" "$tmp/m3.json"
check "tree finding in f77" json_check "$tmp/m1.json" "len(f) == 1 and f[0]['file'].endswith('f77.txt')"

# ---- batch reads and the plain path agree ------------------------------------------------
# Files around the batch reader's 64 KiB buffer (read whole below it, streamed at and above
# it), an empty file, a binary one, stdin among the paths: the same report with io_uring
# batches and without (BULKHEAD_NO_IO_URING), with one thread and with several.
mkdir -p "$tmp/sizes/d"
: >"$tmp/sizes/empty.txt"
pad() { # pad FILE BYTES: BYTES of text lines, then the token line
	python3 -c 'import sys; n = int(sys.argv[1]); sys.stdout.write(("x" * 63 + "\n") * (n // 64) + "y" * (n % 64))' "$2" >"$1"
	printf '\ntoken=%s\n' "$T2" >>"$1"
}
pad "$tmp/sizes/under.txt" 65000
pad "$tmp/sizes/exact.txt" $((65536 - 50 - ${#T2}))
pad "$tmp/sizes/d/over.txt" 200000
printf 'BIN\000 token=%s\n' "$T2" >"$tmp/sizes/d/blob.bin"
printf 'k=%s\n' "$T1" >"$tmp/sizes/d/small.txt"
for args in "-j 1" "-j 3"; do
	# shellcheck disable=SC2086
	printf 'AWS_KEY=%s\n' "$AWS" | "$BULKHEAD" secrets $args -f json "$tmp/sizes" - >"$tmp/b1.json" || true
	# shellcheck disable=SC2086
	printf 'AWS_KEY=%s\n' "$AWS" | BULKHEAD_NO_IO_URING=1 "$BULKHEAD" secrets $args -f json "$tmp/sizes" - \
		>"$tmp/b2.json" || true
	check "batch and plain reads agree ($args)" cmp -s "$tmp/b1.json" "$tmp/b2.json"
done
check "a finding in every text file and stdin, none in the binary" json_check "$tmp/b1.json" \
	'sorted(x["file"].split("/")[-1] for x in f) == ["-", "exact.txt", "over.txt", "small.txt", "under.txt"]'
check "six inputs scanned (binary skipped)" python3 -c \
	'import json,sys; sys.exit(0 if json.load(open(sys.argv[1]))["summary"]["files_scanned"] == 6 else 1)' "$tmp/b1.json"

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
