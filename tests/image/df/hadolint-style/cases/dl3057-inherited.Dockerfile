# source: hadolint DL3057Spec
# expect-not: DF-021
FROM scratch AS base
HEALTHCHECK CMD /bin/bla
FROM base
