# source: hadolint DL3006Spec
# expect-not: DF-003
FROM localhost:5000/debian:12
