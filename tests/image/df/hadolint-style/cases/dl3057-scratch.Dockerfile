# source: hadolint DL3057Spec
# expect: DF-021
FROM scratch
