FROM alpine:3.20
ADD "file.tgz" /usr/src/app/
ADD "https://example.com/x.tgz" /opt/
USER 1
