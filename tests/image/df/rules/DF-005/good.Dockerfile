FROM alpine:3.20
USER root
RUN apk add --no-cache ca-certificates
USER 10001:0
