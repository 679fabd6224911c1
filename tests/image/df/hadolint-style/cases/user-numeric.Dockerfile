# source: hadolint DL3066 / issue 4: numeric USER
# expect-not: DF-006
FROM alpine:3.20
USER 10001:10001
