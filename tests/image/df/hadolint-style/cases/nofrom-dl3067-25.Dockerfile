# source: hadolint DL3067Spec (the spec's snippet as is, without a FROM line)
# expect: DF-024
COPY --from=build / /
