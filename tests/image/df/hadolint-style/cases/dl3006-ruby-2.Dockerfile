# source: hadolint DL3006Spec
# expect-not: DF-003
FROM ruby:2
