# source: hadolint DL3007Spec
# expect: DF-003
FROM debian:latest
