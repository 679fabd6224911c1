FROM tonistiigi/xx:1.4 AS xx
FROM golang:1.22 AS build
COPY --from=xx / /
RUN go build -o /out/app .
FROM scratch AS bins
COPY --from=build /out/app /app
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=bins / /
COPY --from=build / /app
COPY / /
USER 65532
