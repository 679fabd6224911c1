# source: hadolint DL3057Spec
# expect: DF-021
FROM scratch AS base
HEALTHCHECK CMD /bin/bla
FROM scratch
