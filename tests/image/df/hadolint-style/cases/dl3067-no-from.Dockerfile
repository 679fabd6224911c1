# source: hadolint DL3067Spec
# expect-not: DF-024
FROM scratch
COPY / /
