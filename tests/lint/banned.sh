#!/bin/sh
# Fails when a source file calls a libc function that src/core/banned.h bans.
root=$1
hits=$(grep -rnE '\b(strcpy|strcat|sprintf|vsprintf|strtok|gets|atoi)[[:space:]]*\(' "$root/src" \
	--include='*.c' --include='*.h' | grep -v 'src/core/banned.h' | grep -vE '(snprintf|vsnprintf|strtok_r)')
if [ -n "$hits" ]; then
	echo "banned functions used:"
	echo "$hits"
	exit 1
fi
echo "lint/banned: 1 passed, 0 failed"
