# source: hadolint DL3066Spec
# expect: DF-006
FROM alpine:3.20
USER foobar
