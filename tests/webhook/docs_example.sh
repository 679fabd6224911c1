#!/bin/sh
# The deployment example of docs/webhook.md is hardened as the webhook demands: its ```yaml
# blocks, joined into one stream, must hold the Deployment, Service and webhook configuration
# and scan with no finding at any severity.
set -u
: "${BULKHEAD:?}" "${SRCDIR:?}"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
python3 - "$SRCDIR/docs/webhook.md" "$T/example.yaml" <<'PY' || { echo "FAIL: cannot extract the example"; exit 1; }
import re, sys
md = open(sys.argv[1]).read()
blocks = re.findall(r"^```yaml\n(.*?)^```", md, re.S | re.M)
text = "---\n".join(blocks)
for kind in ("Deployment", "Service", "ValidatingWebhookConfiguration", "NetworkPolicy"):
    if "kind: " + kind + "\n" not in text:
        sys.exit("the example has no " + kind)
open(sys.argv[2], "w").write(text)
PY
out=$("$BULKHEAD" scan --fail-on info "$T/example.yaml")
rc=$?
case "$out" in
"No findings in 1 file"*) ;;
*) rc=1 ;;
esac
if [ $rc = 0 ]; then
	echo "1 passed, 0 failed"
else
	echo "$out"
	echo "FAIL: bulkhead scan of the docs/webhook.md example is not clean"
	echo "0 passed, 1 failed"
	exit 1
fi
