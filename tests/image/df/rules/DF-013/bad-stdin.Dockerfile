FROM alpine:3.20
RUN curl -fsSL https://example.com/install.sh | bash -s -- --prefix /opt
USER 10001
