FROM alpine:3.20
RUN apk add --no-cache py3-pip=23.3.1-r0
WORKDIR /proc/self/fd/1
USER 10001
