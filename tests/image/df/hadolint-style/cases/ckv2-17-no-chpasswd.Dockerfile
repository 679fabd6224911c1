# source: Checkov CKV2_DOCKER_17 (chpasswd)
# expect-not: DF-031
FROM debian:12
RUN useradd -r -u 10001 agent
USER 10001
