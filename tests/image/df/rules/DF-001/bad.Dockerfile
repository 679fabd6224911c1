FROM golang:1.22 AS build
RUN go build -o /app .
FROM ubuntu:22.04@sha256:0eb0f877e1c869a300c442c41120e778db7161419244ee5cbc6fa5f134e74736
COPY --from=build /app /app
USER 10001
ENTRYPOINT ["/app"]
