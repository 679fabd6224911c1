# source: hadolint DL3002Spec (the spec's snippet as is, without a FROM line)
# expect: DF-005
USER root
