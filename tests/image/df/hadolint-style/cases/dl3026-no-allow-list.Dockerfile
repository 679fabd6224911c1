# source: hadolint DL3026Spec (no allowedRegistries configured)
# expect-not: DF-026
FROM random.com/debian:12
