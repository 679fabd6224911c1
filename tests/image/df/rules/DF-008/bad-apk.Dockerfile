FROM alpine:3.20
RUN apk add --no-cache bash git
USER 10001
