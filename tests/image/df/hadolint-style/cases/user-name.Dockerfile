# source: hadolint DL3066 / issue 4: numeric USER
# expect: DF-006
FROM alpine:3.20
USER app
