# source: hadolint DL3026Spec / issue 4: base image minimal
# expect-not: DF-001 DF-022
FROM alpine:3.20
USER 1000
