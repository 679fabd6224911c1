# source: hadolint DL3018Spec
# expect-not: DF-027
FROM alpine:3.20
RUN apk add --no-cache flask=0.7-r0
