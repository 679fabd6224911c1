# source: Checkov CKV2_DOCKER_* (TLS verification)
# expect: DF-023
FROM alpine:3.20
RUN apk add --allow-untrusted /tmp/x.apk
