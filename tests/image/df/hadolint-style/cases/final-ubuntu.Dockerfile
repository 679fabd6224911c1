# source: hadolint DL3026Spec / issue 4: base image minimal
# expect: DF-001
FROM ubuntu:24.04
USER 1000
