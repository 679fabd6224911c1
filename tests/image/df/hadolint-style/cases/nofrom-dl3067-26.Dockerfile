# source: hadolint DL3067Spec (the spec's snippet as is, without a FROM line)
# expect-not: DF-024
COPY / /
