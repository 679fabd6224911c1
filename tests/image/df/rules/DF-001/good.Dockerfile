FROM golang:1.22 AS build
RUN go build -o /app .
FROM gcr.io/distroless/static-debian12:nonroot@sha256:6ec5aa99dc335666e79dc64e4a6c8b89c33a543a1967f20d360922a80dd21f02
COPY --from=build /app /app
USER 65532:65532
ENTRYPOINT ["/app"]
