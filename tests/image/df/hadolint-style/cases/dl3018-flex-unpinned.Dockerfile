# source: hadolint DL3018Spec
# expect: DF-027
FROM alpine:3.20
RUN apk add flex
