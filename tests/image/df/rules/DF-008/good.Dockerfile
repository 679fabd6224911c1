FROM debian:12 AS build
RUN apt-get update && apt-get install -y gcc make && rm -rf /var/lib/apt/lists/*
FROM alpine:3.20
RUN apk add --no-cache --virtual .build-deps gcc musl-dev \
    && echo build \
    && apk del .build-deps
RUN apk add --no-cache ca-certificates tzdata
USER 10001
