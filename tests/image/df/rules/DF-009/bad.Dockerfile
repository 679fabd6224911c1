FROM busybox:1.36 AS shell
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=shell /bin/sh /bin/sh
USER 65532
