# source: hadolint DL3067Spec
# expect: DF-024
FROM debian:12 AS build
FROM scratch
COPY --from=build "/" "/"
