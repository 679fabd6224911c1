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

# start_tls_registry NAME PORT: a registry on 127.0.0.1:PORT speaking TLS with a certificate
# from a test CA ($T/ca.crt, also for localhost) and Basic auth for user:secret (htpasswd's
# bcrypt, from apache2-utils). Returns non-zero when the certificates or the password file
# cannot be made; the caller waits for it with wait_url ... --cacert "$T/ca.crt".
start_tls_registry() {
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T/ca.key" -out "$T/ca.crt" -days 2 \
		-subj /CN=bulkhead-test-ca >/dev/null 2>&1 &&
		openssl req -newkey rsa:2048 -nodes -keyout "$T/tls.key" -out "$T/tls.csr" \
			-subj /CN=bulkhead-registry >/dev/null 2>&1 &&
		printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' >"$T/ext" &&
		openssl x509 -req -in "$T/tls.csr" -CA "$T/ca.crt" -CAkey "$T/ca.key" \
			-CAcreateserial -out "$T/tls.crt" -days 2 -extfile "$T/ext" >/dev/null 2>&1 &&
		htpasswd -nbB user secret >"$T/htpasswd" 2>/dev/null || return 1
	cat >"$T/tls.yml" <<EOY
  tls:
    certificate: $T/tls.crt
    key: $T/tls.key
auth:
  htpasswd:
    realm: bulkhead-test
    path: $T/htpasswd
EOY
	start_registry "$1" "$2" "$T/tls.yml"
}
