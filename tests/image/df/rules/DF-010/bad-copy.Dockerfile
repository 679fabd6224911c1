FROM alpine:3.20
COPY --chmod=2755 helper /usr/local/bin/helper
USER 10001
