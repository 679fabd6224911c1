FROM debian:12
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
RUN wget -O - https://example.com/x.tgz | tar -xz -C /opt
FROM alpine:3.20
SHELL ["/bin/sh", "-c"]
RUN set -euo pipefail; curl -fsSL https://example.com/x.tgz | tar -xz
RUN echo a || echo b
RUN ["sh", "-c", "a | b"]
USER 1
