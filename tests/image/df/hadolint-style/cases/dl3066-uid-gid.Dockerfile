# source: hadolint DL3066Spec
# expect-not: DF-006
FROM alpine:3.20
USER 1234:5678
