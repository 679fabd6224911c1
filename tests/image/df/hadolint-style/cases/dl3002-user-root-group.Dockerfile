# source: hadolint DL3002Spec
# expect: DF-005
FROM debian:12
USER root:root
