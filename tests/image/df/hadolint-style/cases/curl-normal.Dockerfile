# source: Checkov CKV2_DOCKER_* (TLS verification)
# expect-not: DF-023
FROM debian:12
RUN curl -fsSL https://example.com/x -o /x
