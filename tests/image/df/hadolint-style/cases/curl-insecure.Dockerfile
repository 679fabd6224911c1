# source: Checkov CKV2_DOCKER_* (TLS verification)
# expect: DF-023
FROM debian:12
RUN curl -k https://example.com/x -o /x
