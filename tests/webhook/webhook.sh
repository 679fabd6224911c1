#!/bin/sh
# End-to-end tests of `bulkhead webhook` over real TLS on 127.0.0.1: a CA and a server
# certificate made here with the openssl CLI, the webhook started on a free port (port 0, read
# back from its log), and AdmissionReview requests sent with curl verifying the certificate.
# Cases: hardened pod allowed; privileged pod denied with K8-001; a Deployment; UPDATE (spec
# changed and metadata only) and DELETE; warnings below fail-on; malformed JSON, not an
# AdmissionReview and no uid (400); a body over the cap (413 quickly, from its Content-Length;
# a chunked one loses its connection); plain HTTP to the TLS port; a config disabling a rule;
# the bulkhead.dev/ignore annotation; a Namespace's enforce label judged for its workloads;
# /healthz; a renewed certificate served on the same socket (files changed, SIGHUP), a bad
# pair kept out; SIGTERM stops the server with exit 0; only the webhook loads libmicrohttpd. Every
# server this script starts is stopped by it (trap), and every request is bounded by curl's
# --max-time. Prints "N passed, N failed".
set -u
: "${BULKHEAD:?}" "${SRCDIR:?}"
HERE=$SRCDIR/tests/webhook
T=$(mktemp -d)
PIDS=""
cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	for p in $PIDS; do wait "$p" 2>/dev/null; done
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() {
	fail=$((fail + 1))
	echo "FAIL: $*"
}

# A CA, and a server certificate for 127.0.0.1 signed by it.
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T/ca.key" -out "$T/ca.crt" -days 2 \
	-subj /CN=bulkhead-test-ca >/dev/null 2>&1 &&
	openssl req -newkey rsa:2048 -nodes -keyout "$T/tls.key" -out "$T/tls.csr" \
		-subj /CN=bulkhead-webhook >/dev/null 2>&1 &&
	printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' >"$T/ext" &&
	openssl x509 -req -in "$T/tls.csr" -CA "$T/ca.crt" -CAkey "$T/ca.key" -CAcreateserial \
		-out "$T/tls.crt" -days 2 -extfile "$T/ext" >/dev/null 2>&1 ||
	{
		echo "FAIL: cannot make the test certificates with openssl"
		echo "0 passed, 1 failed"
		exit 1
	}

# start NAME [ARGS...]: start a webhook on a free port; sets PORT and PID, log in $T/NAME.log.
# CERT and KEY, when set, name other certificate and key files.
start() {
	name=$1
	shift
	"$BULKHEAD" webhook --cert "${CERT:-$T/tls.crt}" --key "${KEY:-$T/tls.key}" \
		--listen 127.0.0.1:0 "$@" 2>"$T/$name.log" &
	PID=$!
	PIDS="$PIDS $PID"
	PORT=""
	i=0
	while [ $i -lt 100 ] && [ -z "$PORT" ]; do
		PORT=$(sed -n 's|.*listening on https://127.0.0.1:\([0-9]*\).*|\1|p' "$T/$name.log")
		[ -n "$PORT" ] || sleep 0.05
		i=$((i + 1))
	done
	[ -n "$PORT" ] || bad "$name: the webhook did not start: $(cat "$T/$name.log")"
}

# review OP OBJECT.yaml [OLD.yaml] [UID]: an AdmissionReview JSON for the object, on stdout.
review() {
	python3 - "$@" <<'EOF'
import json, sys, yaml
op, obj = sys.argv[1], sys.argv[2]
old = sys.argv[3] if len(sys.argv) > 3 and sys.argv[3] else None
uid = sys.argv[4] if len(sys.argv) > 4 else "705ab4f5-6393-11e8-b7cc-42010a800002"
o = yaml.safe_load(open(obj)) if obj != "-" else None
p = yaml.safe_load(open(old)) if old else None
ref = o or p
meta = ref.get("metadata", {})
req = {
    "uid": uid,
    "kind": {"group": "", "version": "v1", "kind": ref["kind"]},
    "resource": {"group": "", "version": "v1", "resource": ref["kind"].lower() + "s"},
    "name": meta.get("name"),
    "operation": op,
    "userInfo": {"username": "admin"},
    "object": o if op != "DELETE" else None,
    "oldObject": p,
    "dryRun": False,
}
if meta.get("namespace"):
    req["namespace"] = meta["namespace"]
print(json.dumps({"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": req},
                 separators=(",", ":")))
EOF
}

# post PATH BODYFILE: POST over TLS; the status code into $T/code, the body into $T/out.
post() {
	curl -sS --max-time 10 --cacert "$T/ca.crt" -H 'Content-Type: application/json' \
		--data-binary @"$2" -o "$T/out" -w '%{http_code}' "https://127.0.0.1:$PORT$1" \
		>"$T/code" 2>"$T/curl.err" || echo 000 >"$T/code"
}

# check WHAT EXPR: a Python expression over r (the response object) and code (HTTP status).
check() {
	if python3 - "$T/out" "$(cat "$T/code")" "$2" <<'EOF'; then ok; else bad "$1: $(cat "$T/code") $(head -c 600 "$T/out")"; fi
import json, sys
code = int(sys.argv[2])
try:
    r = json.load(open(sys.argv[1]))["response"]
except Exception:
    r = None
msg = (r or {}).get("status", {}).get("message", "")
warn = " ".join((r or {}).get("warnings", []))
sys.exit(0 if eval(sys.argv[3]) else 1)
EOF
}

# Other commands never load libmicrohttpd or GnuTLS: the webhook loads them when it starts.
if LD_DEBUG=libs "$BULKHEAD" rules 2>&1 >/dev/null | grep -Eq 'libmicrohttpd|libgnutls'; then
	bad "bulkhead rules loads libmicrohttpd or GnuTLS"
else
	ok
fi

UID1=11111111-2222-3333-4444-555555555555
start main
if grep -Eq 'libmicrohttpd' "/proc/$PID/maps" 2>/dev/null; then ok; else bad "the webhook did not load libmicrohttpd"; fi

# The hardened pod: allowed, no warnings, uid echoed.
review CREATE "$HERE/pod-hardened.yaml" "" $UID1 >"$T/req"
post /validate "$T/req"
check "hardened pod allowed" "code == 200 and r['uid'] == '$UID1' and r['allowed'] is True and 'warnings' not in r and 'status' not in r"

# The privileged pod: denied with 403 and K8-001 with its field path.
review CREATE "$HERE/pod-privileged.yaml" >"$T/req"
post /validate "$T/req"
check "privileged pod denied" "code == 200 and r['allowed'] is False and r['status']['code'] == 403 and 'K8-001' in msg and 'spec.containers[0].securityContext.privileged' in msg"
# The same under a per-resource path.
post /validate/pods "$T/req"
check "/validate/pods path" "code == 200 and r['allowed'] is False and 'K8-001' in msg"

# A Deployment: the hardened one of tests/kube/hardened.yaml is allowed; made privileged it
# is denied at spec.template.spec.
python3 - "$SRCDIR/tests/kube/hardened.yaml" "$T" <<'EOF'
import sys, yaml
docs = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d and d["kind"] == "Deployment"]
d = docs[0]
yaml.safe_dump(d, open(sys.argv[2] + "/deploy.yaml", "w"))
d["spec"]["template"]["spec"]["containers"][0]["securityContext"]["privileged"] = True
yaml.safe_dump(d, open(sys.argv[2] + "/deploy-priv.yaml", "w"))
d["spec"]["template"]["metadata"]["labels"]["tier"] = "x"
EOF
review CREATE "$T/deploy.yaml" >"$T/req"
post /validate "$T/req"
check "hardened Deployment allowed" "code == 200 and r['allowed'] is True and 'warnings' not in r"
review CREATE "$T/deploy-priv.yaml" >"$T/req"
post /validate "$T/req"
check "privileged Deployment denied" "r['allowed'] is False and 'K8-001' in msg and 'spec.template.spec.containers[0].securityContext.privileged' in msg and 'Deployment agents/agent' in msg"

# UPDATE: a hardened pod made privileged is denied; a metadata-only update of a privileged
# pod (its spec unchanged) is allowed, as is an object being deleted; DELETE is allowed.
review UPDATE "$HERE/pod-privileged.yaml" "$HERE/pod-hardened.yaml" >"$T/req"
post /validate "$T/req"
check "UPDATE to privileged denied" "r['allowed'] is False and 'K8-001' in msg"
python3 - "$HERE/pod-privileged.yaml" "$T" <<'EOF'
import sys, yaml
d = yaml.safe_load(open(sys.argv[1]))
d["metadata"]["labels"] = {"team": "research"}
yaml.safe_dump(d, open(sys.argv[2] + "/relabelled.yaml", "w"))
d["metadata"]["deletionTimestamp"] = "2026-01-01T00:00:00Z"
yaml.safe_dump(d, open(sys.argv[2] + "/deleting.yaml", "w"))
EOF
review UPDATE "$T/relabelled.yaml" "$HERE/pod-privileged.yaml" >"$T/req"
post /validate "$T/req"
check "metadata-only UPDATE allowed" "r['allowed'] is True"
review UPDATE "$T/deleting.yaml" "$T/relabelled.yaml" >"$T/req"
post /validate "$T/req"
check "UPDATE of an object being deleted allowed" "r['allowed'] is True"
review DELETE - "$HERE/pod-privileged.yaml" >"$T/req"
post /validate "$T/req"
check "DELETE allowed" "r['allowed'] is True and r['uid'] == '705ab4f5-6393-11e8-b7cc-42010a800002'"

# Below fail-on: an image by tag is a medium finding, returned as a warning.
review CREATE "$HERE/pod-unpinned.yaml" >"$T/req"
post /validate "$T/req"
check "medium finding is a warning" "r['allowed'] is True and 'K8-028' in warn and 'spec.containers[0].image' in warn"

# The bulkhead.dev/ignore annotation suppresses K8-001 on that object.
review CREATE "$HERE/pod-privileged-ignored.yaml" >"$T/req"
post /validate "$T/req"
check "annotation ignore honoured" "r['allowed'] is True"

# A Namespace enforcing restricted: admitted, then a pod in it without a seccomp profile is
# denied by K8-033 (its namespace would reject it); the same pod elsewhere only warns.
cat >"$T/ns.yaml" <<'EOF'
apiVersion: v1
kind: Namespace
metadata:
  name: agents
  labels:
    bulkhead.dev/agent: "true"
    pod-security.kubernetes.io/enforce: restricted
EOF
review CREATE "$HERE/pod-no-seccomp.yaml" >"$T/req"
post /validate "$T/req"
check "no seccomp, namespace unknown: warning" "r['allowed'] is True and 'K8-018' in warn"
review CREATE "$T/ns.yaml" >"$T/req"
post /validate "$T/req"
check "restricted Namespace allowed" "r['allowed'] is True"
review CREATE "$HERE/pod-no-seccomp.yaml" >"$T/req"
post /validate "$T/req"
check "no seccomp in a restricted namespace: denied" "r['allowed'] is False and 'K8-033' in msg"
review DELETE - "$T/ns.yaml" >"$T/req"
post /validate "$T/req"
review CREATE "$HERE/pod-no-seccomp.yaml" >"$T/req"
post /validate "$T/req"
check "namespace forgotten after DELETE" "r['allowed'] is True"

# A Namespace relabelled by an UPDATE (spec unchanged) is judged and remembered again.
python3 - "$T" "$HERE/pod-no-seccomp.yaml" <<'EOF'
import sys, yaml
t = sys.argv[1]
ns = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "team"},
      "spec": {"finalizers": ["kubernetes"]}}
yaml.safe_dump(ns, open(t + "/team.yaml", "w"))
ns["metadata"]["labels"] = {"pod-security.kubernetes.io/enforce": "restricted"}
yaml.safe_dump(ns, open(t + "/team-restricted.yaml", "w"))
pod = yaml.safe_load(open(sys.argv[2]))
pod["metadata"]["namespace"] = "team"
yaml.safe_dump(pod, open(t + "/team-pod.yaml", "w"))
EOF
review CREATE "$T/team.yaml" >"$T/req"
post /validate "$T/req"
review CREATE "$T/team-pod.yaml" >"$T/req"
post /validate "$T/req"
check "pod in an unlabelled namespace allowed" "r['allowed'] is True"
review UPDATE "$T/team-restricted.yaml" "$T/team.yaml" >"$T/req"
post /validate "$T/req"
check "Namespace relabel allowed" "r['allowed'] is True"
review CREATE "$T/team-pod.yaml" >"$T/req"
post /validate "$T/req"
check "pod in the relabelled namespace denied" "r['allowed'] is False and 'K8-033' in msg"

# A huge container name repeated in findings: each finding's line is clipped.
python3 - "$HERE/pod-privileged.yaml" "$T" <<'EOF'
import sys, yaml
d = yaml.safe_load(open(sys.argv[1]))
d["spec"]["containers"][0]["name"] = "n" * 200000
d["spec"]["containers"][0]["securityContext"] = {"privileged": True}
yaml.safe_dump(d, open(sys.argv[2] + "/longname.yaml", "w"), width=1 << 30)
EOF
review CREATE "$T/longname.yaml" >"$T/req"
post /validate "$T/req"
check "long names clipped" "r['allowed'] is False and 'K8-001' in msg and len(open(sys.argv[1]).read()) < 40000"

# Malformed input: 400 with a reason, and the server keeps serving.
printf '{"apiVersion": "admission.k8s.io/v1", "kind": ' >"$T/req"
post /validate "$T/req"
check "malformed JSON 400" "code == 400 and 'malformed JSON' in open(sys.argv[1]).read()"
printf '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"x"}}' >"$T/req"
post /validate "$T/req"
check "not an AdmissionReview 400" "code == 400 and 'not an AdmissionReview' in open(sys.argv[1]).read()"
printf '{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"operation":"CREATE","object":{}}}' >"$T/req"
post /validate "$T/req"
check "no uid 400" "code == 400 and 'uid' in open(sys.argv[1]).read()"
printf '[1, 2, 3]' >"$T/req"
post /validate "$T/req"
check "JSON array 400" "code == 400"
python3 -c 'print("{\"a\":" * 100000)' >"$T/req"
post /validate "$T/req"
check "deep nesting 400" "code == 400"
for f in "$SRCDIR"/tests/webhook/hostile/*.json; do
	post /validate "$f"
	check "hostile $(basename "$f") answered 400" "code == 400"
done

# A body over the cap: 413 from its Content-Length, quickly, without the body being read.
head -c $((4 * 1024 * 1024)) /dev/zero | tr '\0' ' ' >"$T/big"
start_s=$(date +%s)
post /validate "$T/big"
end_s=$(date +%s)
check "body over the cap 413" "code == 413"
if [ $((end_s - start_s)) -le 3 ]; then ok; else bad "413 took $((end_s - start_s)) s"; fi
# Chunked, with no Content-Length: the connection is dropped once the cap is passed.
code=$(curl -sS --max-time 10 --cacert "$T/ca.crt" -H 'Transfer-Encoding: chunked' \
	--data-binary @"$T/big" -o /dev/null -w '%{http_code}' "https://127.0.0.1:$PORT/validate" 2>/dev/null)
case "$code" in 200 | 400) bad "chunked body over the cap answered $code" ;; *) ok ;; esac

# Method and path.
code=$(curl -sS --max-time 10 --cacert "$T/ca.crt" -o /dev/null -w '%{http_code}' "https://127.0.0.1:$PORT/validate")
[ "$code" = 405 ] && ok || bad "GET /validate answered $code"
code=$(curl -sS --max-time 10 --cacert "$T/ca.crt" -o /dev/null -w '%{http_code}' -d '{}' "https://127.0.0.1:$PORT/other")
[ "$code" = 404 ] && ok || bad "POST /other answered $code"

# Plain HTTP to the TLS port fails.
if curl -sS --max-time 5 -o /dev/null "http://127.0.0.1:$PORT/healthz" 2>/dev/null; then
	bad "plain HTTP to the TLS port succeeded"
else
	ok
fi
# /healthz over TLS.
code=$(curl -sS --max-time 10 --cacert "$T/ca.crt" -o "$T/out" -w '%{http_code}' "https://127.0.0.1:$PORT/healthz")
[ "$code" = 200 ] && ok || bad "/healthz answered $code"

# Concurrent requests (4 clients, 5 requests each) all get their own verdict.
review CREATE "$HERE/pod-privileged.yaml" >"$T/req-priv"
for c in 1 2 3 4; do
	(
		n=0
		while [ $n -lt 5 ]; do
			curl -sS --max-time 10 --cacert "$T/ca.crt" --data-binary @"$T/req-priv" \
				"https://127.0.0.1:$PORT/validate" 2>/dev/null | grep -c '"allowed": false'
			n=$((n + 1))
		done
	) >"$T/conc.$c" &
done
wait_ok=1
for c in 1 2 3 4; do
	while [ ! -s "$T/conc.$c" ] || [ "$(wc -l <"$T/conc.$c")" -lt 5 ]; do
		sleep 0.1
		wait_ok=$((wait_ok + 1))
		[ $wait_ok -gt 300 ] && break 2
	done
done
[ "$(cat "$T"/conc.* | grep -c '^1$')" = 20 ] && ok || bad "concurrent requests: $(cat "$T"/conc.* | tr '\n' ' ')"

# After all that, the server still answers and logged each verdict.
review CREATE "$HERE/pod-hardened.yaml" >"$T/req"
post /validate "$T/req"
check "still serving" "r['allowed'] is True"
grep -q "CREATE Pod agents/agent denied" "$T/main.log" && ok || bad "no denial in the log"

# SIGTERM: a clean stop with exit 0.
kill -TERM "$PID"
wait "$PID"
rc=$?
[ $rc = 0 ] && ok || bad "exit $rc after SIGTERM: $(tail -3 "$T/main.log")"
grep -q "SIGTERM, stopping" "$T/main.log" && ok || bad "no stop message"

# A config disabling K8-001 changes the verdict on the privileged pod; fail-on from the config.
printf 'disable: [K8-001]\n' >"$T/policy.yaml"
start config --config "$T/policy.yaml"
review CREATE "$HERE/pod-privileged.yaml" >"$T/req"
post /validate "$T/req"
check "config disable allows the privileged pod" "r['allowed'] is True"
kill -INT "$PID"
wait "$PID"
rc=$?
[ $rc = 0 ] && ok || bad "exit $rc after SIGINT"
printf 'fail-on: medium\n' >"$T/policy.yaml"
start failon --config "$T/policy.yaml"
review CREATE "$HERE/pod-unpinned.yaml" >"$T/req"
post /validate "$T/req"
check "config fail-on medium denies a medium finding" "r['allowed'] is False and 'K8-028' in msg"
kill "$PID"

# --no-annotation-ignore: the object's own annotation exempts nothing.
start noann --no-annotation-ignore
review CREATE "$HERE/pod-privileged-ignored.yaml" >"$T/req"
post /validate "$T/req"
check "--no-annotation-ignore denies the annotated privileged pod" "r['allowed'] is False and 'K8-001' in msg"
kill "$PID"

# --pss restricted: only PSS controls, and any failing one denies (fail-on info).
start pss --pss restricted
review CREATE "$HERE/pod-no-seccomp.yaml" >"$T/req"
post /validate "$T/req"
check "--pss restricted denies a missing seccomp profile" "r['allowed'] is False and 'K8-018' in msg"
review CREATE "$HERE/pod-unpinned.yaml" >"$T/req"
post /validate "$T/req"
check "--pss restricted ignores non-PSS rules" "r['allowed'] is True and 'warnings' not in r"
kill "$PID"

# Certificate renewal: the files change under a running server (as a cert-manager Secret
# mounted in the pod does), and the renewed pair is served on the same socket.
newcert() { # newcert NAME CN: a server certificate signed by the test CA
	openssl req -newkey rsa:2048 -nodes -keyout "$T/$1.key" -out "$T/$1.csr" -subj "/CN=$2" \
		>/dev/null 2>&1 &&
		openssl x509 -req -in "$T/$1.csr" -CA "$T/ca.crt" -CAkey "$T/ca.key" -CAcreateserial \
			-out "$T/$1.crt" -days 2 -extfile "$T/ext" >/dev/null 2>&1
}
served_cn() { # the subject of the certificate the server on $PORT presents
	openssl s_client -connect "127.0.0.1:$PORT" </dev/null 2>/dev/null |
		openssl x509 -noout -subject 2>/dev/null | sed -n 's/.*CN *= *//p'
}
wait_cn() { # wait_cn CN: up to 5 s for the server to present CN
	i=0
	while [ $i -lt 50 ] && [ "$(served_cn)" != "$1" ]; do
		sleep 0.1
		i=$((i + 1))
	done
	[ "$(served_cn)" = "$1" ]
}
healthy() {
	[ "$(curl -sS --max-time 10 --cacert "$T/ca.crt" -o /dev/null -w '%{http_code}' \
		"https://127.0.0.1:$PORT/healthz" 2>/dev/null)" = 200 ]
}
if newcert renewed bulkhead-webhook-renewed && newcert other bulkhead-webhook-other; then
	mkdir -p "$T/live"
	cp "$T/tls.crt" "$T/tls.key" "$T/live/"
	CERT=$T/live/tls.crt KEY=$T/live/tls.key start reload --reload-interval 1
	[ "$(served_cn)" = bulkhead-webhook ] && ok || bad "reload: first certificate not served"
	# Replaced the way kubelet updates a mounted Secret: new files renamed into place.
	cp "$T/renewed.crt" "$T/live/new.crt" && cp "$T/renewed.key" "$T/live/new.key" &&
		mv "$T/live/new.key" "$T/live/tls.key" && mv "$T/live/new.crt" "$T/live/tls.crt"
	wait_cn bulkhead-webhook-renewed && ok || bad "reload: renewed certificate not served: $(cat "$T/reload.log")"
	healthy && ok || bad "reload: requests fail after the renewal"
	grep -q "serving the renewed certificate" "$T/reload.log" && ok || bad "reload: not logged"
	# A key that is not the certificate's: logged, and the renewed pair stays in service.
	cp "$T/other.key" "$T/live/tls.key"
	i=0
	while [ $i -lt 50 ] && ! grep -q "keeping the certificate in service" "$T/reload.log"; do
		sleep 0.1
		i=$((i + 1))
	done
	grep -q "the key is not the certificate's private key" "$T/reload.log" && ok ||
		bad "reload: a mismatched key not reported: $(tail -3 "$T/reload.log")"
	[ "$(served_cn)" = bulkhead-webhook-renewed ] && healthy && ok ||
		bad "reload: a bad pair replaced the good one"
	kill "$PID"
	# --reload-interval 0: only SIGHUP reloads.
	cp "$T/tls.crt" "$T/tls.key" "$T/live/"
	CERT=$T/live/tls.crt KEY=$T/live/tls.key start hup --reload-interval 0
	cp "$T/other.crt" "$T/live/tls.crt" && cp "$T/other.key" "$T/live/tls.key"
	sleep 1.5
	[ "$(served_cn)" = bulkhead-webhook ] && ok || bad "interval 0: reloaded without SIGHUP"
	kill -HUP "$PID"
	wait_cn bulkhead-webhook-other && healthy && ok || bad "SIGHUP: the new pair not served: $(cat "$T/hup.log")"
	kill "$PID"
else
	bad "cannot make the renewal certificates"
fi
"$BULKHEAD" webhook --cert "$T/tls.crt" --key "$T/tls.key" --reload-interval soon 2>/dev/null
[ $? = 2 ] && ok || bad "bad --reload-interval is not a usage error"

# Usage errors exit 2; a bad key exits 3.
"$BULKHEAD" webhook --cert "$T/tls.crt" 2>/dev/null
[ $? = 2 ] && ok || bad "missing --key is not a usage error"
"$BULKHEAD" webhook --cert "$T/tls.crt" --key "$T/tls.key" --listen nowhere 2>/dev/null
[ $? = 2 ] && ok || bad "bad --listen is not a usage error"
"$BULKHEAD" webhook --cert "$T/tls.crt" --key "$T/ca.srl" --listen 127.0.0.1:0 2>/dev/null
[ $? = 3 ] && ok || bad "a key that is not PEM does not exit 3"

echo "$pass passed, $fail failed"
[ $fail = 0 ]
