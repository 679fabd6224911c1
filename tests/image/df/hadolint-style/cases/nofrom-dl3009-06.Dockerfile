# source: hadolint DL3009Spec (the spec's snippet as is, without a FROM line)
# expect-not: DF-020
RUN --mount=type=cache,target=/var/lib/apt/lists \
    apt-get update && apt-get install python
