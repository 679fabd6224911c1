# source: hadolint DL3006Spec
# expect-not: DF-003
FROM ruby@sha256:f1dbca0f5dbc9
