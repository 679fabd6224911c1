# source: hadolint DL3018Spec
# expect-not: DF-027
FROM alpine:3.20
RUN apk add --no-cache \
-X https://nl.alpinelinux.org/alpine/edge/testing \
flow=0.78.0-r0
