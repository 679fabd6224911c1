FROM alpine:3.20
ADD config.yaml /etc/app/config.yaml
USER 10001
