FROM alpine:3.20
RUN curl -fsSL https://example.com/install.sh | sh
USER 10001
