# source: hadolint DL3009Spec
# expect-not: DF-020
FROM ubuntu:24.04
RUN --mount=type=cache,target=/var/lib/apt \
    --mount=type=cache,target=/var/cache/apt \
    rm -f /etc/apt/apt.conf.d/docker-clean && \
    apt-get update && apt-get install -y python=2.7
