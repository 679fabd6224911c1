# source: Checkov CKV2_DOCKER_* (TLS verification)
# expect: DF-023
FROM debian:12
RUN git config --global http.sslVerify false
