# source: Checkov CKV2_DOCKER_17 (chpasswd)
# expect: DF-031
FROM debian:12
RUN echo 'root:Docker!' | chpasswd
