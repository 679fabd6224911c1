# source: hadolint DL3006Spec
# expect-not: DF-003
FROM debian:jessie AS Builder
FROM builder
