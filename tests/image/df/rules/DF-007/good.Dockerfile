FROM alpine:3.20
USER 10001
USER root
RUN apk add --no-cache tini
USER 10001
