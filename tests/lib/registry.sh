# Shared by the suites that run Debian's docker-registry on 127.0.0.1 (tests/registry,
# tests/pull). Source it after setting T (a private directory the caller removes on exit) and
# PIDS (the background processes the caller's exit trap kills); start_registry adds its own.

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# wait_url URL [CURL-ARGS...]: until the URL answers at all (any HTTP status), at most 10 s.
wait_url() {
	url=$1
	shift
	i=0
	while [ $i -lt 200 ]; do
		code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "$@" "$url")
		[ "$code" != "000" ] && return 0
		sleep 0.05
		i=$((i + 1))
	done
	return 1
}

# wait_file FILE: until a server wrote its port there, at most 10 s.
wait_file() {
	i=0
	while [ $i -lt 200 ] && [ ! -s "$1" ]; do
		sleep 0.05
		i=$((i + 1))
	done
	[ -s "$1" ]
}

# start_registry NAME PORT [EXTRA-YAML-FILE]: docker-registry with filesystem storage in $T/NAME.
start_registry() {
	name=$1 port=$2
	mkdir -p "$T/$name"
	{
		printf 'version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\n'
		printf 'storage:\n  filesystem:\n    rootdirectory: %s/%s/data\n' "$T" "$name"
		printf 'http:\n  addr: 127.0.0.1:%s\n  secret: bulkhead-test\n' "$port"
		[ $# -ge 3 ] && cat "$3"
	} >"$T/$name/config.yml"
	docker-registry serve "$T/$name/config.yml" >"$T/$name/log" 2>&1 &
	PIDS="$PIDS $!"
}
