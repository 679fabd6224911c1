ARG SHELL_IMG=busybox:1.36
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=${SHELL_IMG} /bin/busybox /busybox
USER 65532
