# source: hadolint DL3009Spec
# expect-not: DF-020
FROM ubuntu:24.04
RUN rm -f /etc/apt/apt.conf.d/docker-clean
RUN --mount=type=cache,target=/var/cache/apt \
    --mount=type=cache,target=/var/lib/apt \
    apt-get update && apt-get install -y foo=1.0
