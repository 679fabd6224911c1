# source: hadolint DL3057Spec
# expect-not: DF-021
FROM scratch
HEALTHCHECK CMD /bin/bla
