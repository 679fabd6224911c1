# source: hadolint DL3067 / issue 4
# expect: DF-024
FROM debian:12 AS build
RUN make
FROM gcr.io/distroless/static-debian12
COPY --from=build / /
