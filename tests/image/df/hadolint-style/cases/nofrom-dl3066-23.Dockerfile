# source: hadolint DL3066Spec (the spec's snippet as is, without a FROM line)
# expect: DF-006
USER foobar
