# source: hadolint DL3066Spec (the spec's snippet as is, without a FROM line)
# expect-not: DF-006
USER 12345
