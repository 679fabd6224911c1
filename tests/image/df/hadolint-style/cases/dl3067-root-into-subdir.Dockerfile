# source: hadolint DL3067Spec (hadolint: no warning; see README)
# expect-not: DF-024
FROM debian:12 AS build
FROM scratch
COPY --from=build / /app
