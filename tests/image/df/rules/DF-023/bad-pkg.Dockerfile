FROM debian:12 AS build
RUN apt-get install -y --allow-unauthenticated foo \
 && pip install --trusted-host pypi.internal bar \
 && GIT_SSL_NO_VERIFY=1 git clone https://git.internal/x
FROM alpine:3.20
RUN apk add --allow-untrusted /tmp/x.apk && wget --no-check-certificate https://x/y
USER 1
