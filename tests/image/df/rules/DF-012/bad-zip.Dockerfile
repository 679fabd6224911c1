FROM alpine:3.20
ADD "file.zip" /usr/src/app/
USER 1
