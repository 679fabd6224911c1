# source: hadolint DL3006Spec
# expect: DF-003
FROM debian
