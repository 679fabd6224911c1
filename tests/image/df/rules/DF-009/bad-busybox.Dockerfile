FROM scratch
COPY --from=busybox:1.36-musl /bin/busybox /busybox
USER 65532
