# source: hadolint DL3018Spec
# expect-not: DF-027
FROM alpine:3.20
RUN apk add --no-cache --allow-untrusted /tmp/pkg.apk
