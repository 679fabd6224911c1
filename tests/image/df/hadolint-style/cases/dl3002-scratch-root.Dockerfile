# source: hadolint DL3002Spec
# expect: DF-005
FROM scratch
USER root
