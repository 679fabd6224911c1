FROM alpine:3.20
ARG DIR=/sys/fs/cgroup
WORKDIR "${DIR}"
USER 10001
