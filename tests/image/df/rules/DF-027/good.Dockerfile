FROM debian:12
RUN apt-get update && apt-get install -y --no-install-recommends -t bookworm-backports ca-certificates=20230311 ./local.deb \
 && rm -rf /var/lib/apt/lists/*
FROM alpine:3.20
RUN apk add --no-cache --virtual .deps -X https://dl-cdn.alpinelinux.org/alpine/edge/testing git~2.45 tzdata=2024a-r1 && apk del .deps
USER 1
