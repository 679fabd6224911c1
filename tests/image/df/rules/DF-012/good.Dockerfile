FROM alpine:3.20
COPY config.yaml /etc/app/config.yaml
ADD rootfs.tar.xz /
USER 10001
