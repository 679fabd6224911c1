FROM golang:1.22 AS build
RUN go build -o /out/app .
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build / /
USER 65532
