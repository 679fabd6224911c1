# source: hadolint DL3002Spec (the spec's snippet as is, without a FROM line)
# expect-not: DF-005 DF-007
USER foo
