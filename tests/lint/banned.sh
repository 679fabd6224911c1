#!/bin/sh
# Fails when a source file calls a libc function that src/core/banned.h bans, or when a
# foundation source file (core, engine, report, cli) does not include banned.h as its last
# include (a header included after it could otherwise use a banned call unnoticed).
root=$1
fail=0
hits=$(grep -rnE '\b(strcpy|strcat|sprintf|vsprintf|strtok|gets|atoi)[[:space:]]*\(' "$root/src" \
	--include='*.c' --include='*.h' | grep -v 'src/core/banned.h' | grep -vE '(snprintf|vsnprintf|strtok_r)')
if [ -n "$hits" ]; then
	echo "banned functions used:"
	echo "$hits"
	fail=1
fi
for f in "$root"/src/core/*.c "$root"/src/engine/*.c "$root"/src/report/*.c "$root"/src/cli/*.c; do
	last=$(grep '^#include' "$f" | tail -1)
	case $last in
	*banned.h*) ;;
	*) echo "${f#"$root"/}: banned.h is not the last include"; fail=1 ;;
	esac
done
if [ $fail = 0 ]; then
	echo "lint/banned: 1 passed, 0 failed"
else
	echo "lint/banned: 0 passed, 1 failed"
fi
exit $fail
