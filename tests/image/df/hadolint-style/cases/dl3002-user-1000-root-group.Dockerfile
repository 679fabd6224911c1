# source: hadolint DL3002Spec
# expect-not: DF-005
FROM debian:12
USER 1000:0
