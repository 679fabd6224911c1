# source: hadolint DL3006Spec
# expect: DF-003
FROM localhost:5000/debian
